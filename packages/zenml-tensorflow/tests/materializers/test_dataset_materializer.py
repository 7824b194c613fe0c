"""DatasetMaterializer: element structure and values survive a round trip; infinite datasets are refused."""

from __future__ import annotations

import gc
import tempfile
from typing import TYPE_CHECKING

import numpy as np
import pytest

from zenml.materializers.base import MaterializerError
from zenml.materializers.registry import materializer_registry

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType


@pytest.fixture(scope="module")
def dm(tf: ModuleType) -> ModuleType:
    from zenml.integrations.tensorflow.materializers import dataset_materializer

    return dataset_materializer


def test_dataset_of_feature_dicts_round_trips(dm, tf, store) -> None:
    features = {"x": np.arange(12, dtype="float32").reshape(6, 2), "label": np.array([0, 1, 0, 1, 1, 0])}
    dataset = tf.data.Dataset.from_tensor_slices(features).batch(4)
    materializer = dm.DatasetMaterializer("runs/r/load/ds", store)

    materializer.save(dataset)
    loaded = materializer.load(tf.data.Dataset)

    assert loaded.element_spec == dataset.element_spec
    for expected, actual in zip(dataset, loaded, strict=True):
        np.testing.assert_array_equal(actual["x"].numpy(), expected["x"].numpy())
        np.testing.assert_array_equal(actual["label"].numpy(), expected["label"].numpy())
    assert materializer_registry.find(type(dataset)) is dm.DatasetMaterializer


def test_loaded_dataset_reads_a_private_copy_removed_with_it(dm, tf, store, tmp_path, monkeypatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    materializer = dm.DatasetMaterializer("runs/r/load/ds", store)
    materializer.save(tf.data.Dataset.range(5))
    loaded = materializer.load(tf.data.Dataset)
    store.remove("runs/r/load/ds", recursive=True)  # the loaded dataset does not depend on the store any more

    doubled = loaded.map(lambda x: x * 2)
    del loaded  # a derived dataset keeps the copy alive
    gc.collect()
    assert [int(x) for x in doubled] == [0, 2, 4, 6, 8]
    assert len(_copies(scratch)) == 1

    del doubled
    gc.collect()
    assert _copies(scratch) == []


def _copies(directory: Path) -> list[Path]:
    return [entry for entry in directory.iterdir() if entry.name.startswith("zenml-tf-dataset-")]


def test_infinite_dataset_is_refused(dm, tf, store) -> None:
    with pytest.raises(MaterializerError, match=r"infinite .*take\(n\)"):
        dm.DatasetMaterializer("runs/r/load/ds", store).save(tf.data.Dataset.range(3).repeat())


def test_missing_dataset_artifact_gives_a_clear_error(dm, tf, store) -> None:
    with pytest.raises(MaterializerError, match=r"missing"):
        dm.DatasetMaterializer("runs/r/load/nothing", store).load(tf.data.Dataset)
