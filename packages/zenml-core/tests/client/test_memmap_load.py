"""Large arrays can be loaded memory-mapped from the run history."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from zenml import pipeline, step
from zenml.client import Client
from zenml.materializers import MemmapNumpyMaterializer  # the README's import


@step
def make_array() -> np.ndarray:
    return np.arange(1000, dtype=np.float32).reshape(10, 100)


@pipeline(enable_cache=False)
def array_pipeline() -> None:
    make_array()


def test_output_loads_memory_mapped_when_asked(zen_home: Path) -> None:
    run = array_pipeline()
    artifact = Client().get_run(run.id).steps["make_array"].outputs["output"][0]

    mapped = artifact.load(materializer=MemmapNumpyMaterializer)
    plain = artifact.load()

    assert isinstance(mapped, np.memmap)
    assert not isinstance(plain, np.memmap)
    np.testing.assert_array_equal(mapped, plain)
    assert mapped.dtype == np.float32
    assert mapped.shape == (10, 100)
