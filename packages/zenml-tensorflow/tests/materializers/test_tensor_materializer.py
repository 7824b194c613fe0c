"""TensorMaterializer and VariableMaterializer: dtype, shape, name and trainable survive a round trip."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from zenml.materializers.base import MaterializerError
from zenml.materializers.registry import materializer_registry

if TYPE_CHECKING:
    from types import ModuleType


@pytest.fixture(scope="module")
def tm(tf: ModuleType) -> ModuleType:
    from zenml.integrations.tensorflow.materializers import tensor_materializer

    return tensor_materializer


VALUES = {
    "float32": lambda tf: tf.constant([[1.5, -2.0], [3.25, 4.0]], dtype=tf.float32),
    "float16": lambda tf: tf.constant([0.1, 65504.0], dtype=tf.float16),
    "float64": lambda tf: tf.constant(np.pi, dtype=tf.float64),
    "int8": lambda tf: tf.constant([[-128, 127]], dtype=tf.int8),
    "int64": lambda tf: tf.range(2**40, 2**40 + 6, dtype=tf.int64),
    "uint8": lambda tf: tf.zeros((2, 0, 3), dtype=tf.uint8),
    "bool": lambda tf: tf.constant([True, False, True]),
    "string": lambda tf: tf.constant([["zen", ""], ["ünïcode", "bytes\x00inside"]]),
    "complex64": lambda tf: tf.complex(tf.ones((2,)), -tf.ones((2,))),
}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_tensor_round_trips_with_dtype_shape_and_value(tm, tf, store, kind) -> None:
    tensor = VALUES[kind](tf)
    materializer = tm.TensorMaterializer("runs/r/step/out", store)

    materializer.save(tensor)
    loaded = materializer.load(tf.Tensor)

    assert isinstance(loaded, tf.Tensor)
    assert loaded.dtype == tensor.dtype
    assert loaded.shape == tensor.shape
    np.testing.assert_array_equal(loaded.numpy(), tensor.numpy())


def test_variable_round_trips_with_name_trainable_dtype_and_value(tm, tf, store) -> None:
    variable = tf.Variable([[1, 2, 3]], dtype=tf.int32, name="step_counter", trainable=False)
    materializer = tm.VariableMaterializer("runs/r/step/var", store)

    materializer.save(variable)
    loaded = materializer.load(tf.Variable)

    assert isinstance(loaded, tf.Variable)
    assert loaded.name == "step_counter:0"
    assert loaded.trainable is False
    assert loaded.dtype == tf.int32
    assert loaded.shape == (1, 3)
    np.testing.assert_array_equal(loaded.numpy(), variable.numpy())


def test_trainable_float_variable_keeps_its_current_value(tm, tf, store) -> None:
    variable = tf.Variable(tf.zeros((2, 2), dtype=tf.float64), name="w")
    variable.assign_add(tf.ones((2, 2), dtype=tf.float64))
    materializer = tm.VariableMaterializer("runs/r/step/w", store)

    materializer.save(variable)
    loaded = materializer.load(tf.Variable)

    assert loaded.trainable is True
    assert loaded.dtype == tf.float64
    np.testing.assert_array_equal(loaded.numpy(), np.ones((2, 2)))


def test_registry_picks_the_right_materializer_for_concrete_tensor_classes(tm, tf) -> None:
    assert materializer_registry.find(type(tf.constant(1))) is tm.TensorMaterializer
    assert materializer_registry.find(type(tf.Variable(1.0))) is tm.VariableMaterializer
    from zenml.integrations.tensorflow.materializers import TensorMaterializer, VariableMaterializer

    assert (TensorMaterializer, VariableMaterializer) == (tm.TensorMaterializer, tm.VariableMaterializer)


def test_corrupted_tensor_artifact_gives_a_clear_error(tm, tf, store) -> None:
    materializer = tm.TensorMaterializer("runs/r/step/out", store)
    materializer.save(tf.constant([1.0, 2.0]))
    with store.open("runs/r/step/out/tensor.pb", "wb") as handle:
        handle.write(b"\xff\xfe garbage")

    with pytest.raises(MaterializerError, match=r"tensor artifact .* is corrupted"):
        materializer.load(tf.Tensor)


def test_tensor_whose_value_disagrees_with_its_metadata_is_refused(tm, tf, store) -> None:
    materializer = tm.TensorMaterializer("runs/r/step/out", store)
    materializer.save(tf.constant([1.0, 2.0]))
    with store.open("runs/r/step/out/metadata.json", "wb") as handle:
        handle.write(b'{"dtype": "float32", "shape": [3]}')

    with pytest.raises(MaterializerError, match=r"shape \[2\], its metadata says \[3\]"):
        materializer.load(tf.Tensor)


def test_missing_tensor_artifact_gives_a_clear_error(tm, tf, store) -> None:
    with pytest.raises(MaterializerError, match=r"is incomplete"):
        tm.TensorMaterializer("runs/r/step/nothing", store).load(tf.Tensor)
