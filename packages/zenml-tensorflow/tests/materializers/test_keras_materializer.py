"""KerasMaterializer: round trips of Sequential, functional and subclassed models, and bad input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from zenml.materializers.base import MaterializerError
from zenml.materializers.registry import materializer_registry

if TYPE_CHECKING:
    from types import ModuleType


@pytest.fixture(scope="module")
def km(keras: ModuleType) -> ModuleType:
    from zenml.integrations.tensorflow.materializers import keras_materializer

    return keras_materializer


def _round_trip(km: ModuleType, store: Any, model: Any, data_type: type | None = None) -> Any:
    materializer = km.KerasMaterializer("runs/r1/trainer/model", store)
    materializer.save(model)
    return materializer.load(data_type or type(model))


def _assert_same(model: Any, loaded: Any, inputs: np.ndarray) -> None:
    assert type(loaded) is type(model)
    assert len(loaded.weights) == len(model.weights)
    for expected, actual in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(actual, expected)
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0), rtol=1e-6)


def test_sequential_model_round_trips_with_weights_predictions_and_optimizer(km, keras, store) -> None:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    model.fit(x, x.sum(axis=1), epochs=1, verbose=0)

    loaded = _round_trip(km, store, model, keras.Model)

    _assert_same(model, loaded, x)
    assert store.exists("runs/r1/trainer/model/model.keras")
    assert loaded.optimizer.iterations.numpy() == model.optimizer.iterations.numpy() == 1


def test_functional_model_with_two_branches_round_trips(km, keras, store) -> None:
    inputs = keras.Input((3,), name="features")
    left = keras.layers.Dense(4, name="left")(inputs)
    right = keras.layers.Dense(4, activation="tanh", name="right")(inputs)
    outputs = keras.layers.Dense(2, name="head")(keras.layers.Concatenate()([left, right]))
    model = keras.Model(inputs, outputs, name="two_branches")

    loaded = _round_trip(km, store, model)

    _assert_same(model, loaded, np.ones((2, 3), dtype="float32"))
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]


def test_registered_subclassed_model_round_trips(km, keras, store) -> None:
    @keras.saving.register_keras_serializable(package="zenml_tests")
    class Scaled(keras.Model):
        def __init__(self, units: int = 3, scale: float = 2.0, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.units, self.scale = units, scale
            self.dense = keras.layers.Dense(units)

        def call(self, inputs: Any) -> Any:
            return self.dense(inputs) * self.scale

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "units": self.units, "scale": self.scale}

    model = Scaled(units=3, scale=0.5)
    inputs = np.arange(8, dtype="float32").reshape(2, 4)
    model(inputs)  # build

    loaded = _round_trip(km, store, model)

    _assert_same(model, loaded, inputs)
    assert (loaded.units, loaded.scale) == (3, 0.5)


def test_registry_finds_keras_materializer_for_every_kind_of_model(km, keras) -> None:
    assert materializer_registry.find(keras.Sequential) is km.KerasMaterializer
    assert materializer_registry.find(keras.Model) is km.KerasMaterializer
    from zenml.integrations.tensorflow.materializers import KerasMaterializer

    assert KerasMaterializer is km.KerasMaterializer


def test_unregistered_custom_layer_is_refused_before_writing_anything(km, keras, store) -> None:
    class Doubler(keras.layers.Layer):
        def call(self, inputs: Any) -> Any:
            return inputs * 2

    model = keras.Sequential([keras.Input((2,)), Doubler()])

    with pytest.raises(MaterializerError) as caught:
        km.KerasMaterializer("runs/r1/trainer/model", store).save(model)

    message = str(caught.value)
    assert "Doubler" in message
    assert "register_keras_serializable" in message
    assert "get_config" in message
    assert not store.exists("runs/r1/trainer/model/model.keras")


def test_registered_layer_whose_config_cannot_be_derived_gives_a_clear_error(km, keras, store) -> None:
    @keras.saving.register_keras_serializable(package="zenml_tests")
    class Holder(keras.layers.Layer):
        def __init__(self, thing: object, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.thing = thing

        def call(self, inputs: Any) -> Any:
            return inputs

    model = keras.Sequential([keras.Input((2,)), Holder(object())])

    with pytest.raises(MaterializerError, match=r"get_config"):
        km.KerasMaterializer("runs/r1/trainer/model", store).save(model)


def test_corrupted_keras_artifact_gives_a_clear_error(km, keras, store) -> None:
    with store.open("runs/r1/trainer/model/model.keras", "wb") as handle:
        handle.write(b"this is not a zip file")

    with pytest.raises(MaterializerError, match=r"corrupted: it is not a \.keras zip archive"):
        km.KerasMaterializer("runs/r1/trainer/model", store).load(keras.Model)


def test_damaged_keras_archive_gives_a_clear_error_instead_of_wrong_weights(km, keras, store) -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    materializer = km.KerasMaterializer("runs/r1/trainer/model", store)
    materializer.save(model)
    with store.open("runs/r1/trainer/model/model.keras", "rb") as handle:
        payload = handle.read()
    # a valid zip directory but a damaged member: overwrite the middle of the file
    start = len(payload) // 3
    damaged = payload[:start] + bytes(b ^ 0xFF for b in payload[start : start + 64]) + payload[start + 64 :]
    with store.open("runs/r1/trainer/model/model.keras", "wb") as handle:
        handle.write(damaged)

    with pytest.raises(MaterializerError, match=r"model\.keras is corrupted: .* fails its CRC check"):
        materializer.load(keras.Model)


def test_truncated_keras_archive_gives_a_clear_error(km, keras, store) -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    materializer = km.KerasMaterializer("runs/r1/trainer/model", store)
    materializer.save(model)
    with store.open("runs/r1/trainer/model/model.keras", "rb") as handle:
        payload = handle.read()
    with store.open("runs/r1/trainer/model/model.keras", "wb") as handle:
        handle.write(payload[: len(payload) // 2])

    with pytest.raises(MaterializerError, match=r"model\.keras is corrupted: it is not a \.keras zip archive"):
        materializer.load(keras.Model)


def test_missing_artifact_gives_a_clear_error(km, keras, store) -> None:
    with pytest.raises(MaterializerError, match=r"missing"):
        km.KerasMaterializer("runs/r1/trainer/model", store).load(keras.Model)


def test_loading_as_an_unrelated_model_class_is_refused(km, keras, store) -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    materializer = km.KerasMaterializer("runs/r1/trainer/model", store)
    materializer.save(model)

    with pytest.raises(MaterializerError, match=r"is a Sequential, not a Functional"):
        materializer.load(keras.src.models.functional.Functional)


def test_saving_something_else_is_refused(km, store) -> None:
    with pytest.raises(MaterializerError, match=r"keras\.Model objects, not dict"):
        km.KerasMaterializer("a", store).save({"not": "a model"})


@pytest.mark.parametrize("suffix", [".keras", ".tmp-1234"])
def test_staged_path_works_whatever_the_stores_local_file_is_called(km, keras, tmp_path, suffix) -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    target = str(tmp_path / f"staged{suffix}")

    with km._keras_path(target, "w") as path:
        model.save(path)
    with km._keras_path(target, "r") as path:
        loaded = keras.saving.load_model(path)

    _assert_same(model, loaded, np.ones((1, 2), dtype="float32"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"staged{suffix}"]
