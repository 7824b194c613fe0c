"""log_metadata on every target, typed values, run_metadata on runs, steps, artifact versions and model
versions, extract_metadata, and log_artifact_metadata as a deprecated alias."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pytest

from zenml import Model, get_step_context, log_artifact_metadata, log_metadata, pipeline, step
from zenml.client import Client
from zenml.metadata.metadata_types import DType, StorageSize, Uri
from zenml.metadata.metadata_types import Path as MetadataPath


@step(enable_cache=False)
def train() -> tuple[Annotated[np.ndarray, "weights"], Annotated[int, "epochs"]]:
    log_metadata({"accuracy": 0.9, "data": Uri("gs://bucket/data.csv"), "shape": (2, 3)})  # the step run
    log_metadata({"rows": 2}, artifact_name="weights", infer_artifact=True)
    log_metadata({"note": "ok"}, artifact_name="epochs")  # inside a step: the output of that name
    log_metadata({"stage": "trained"}, infer_model=True)
    run_id = get_step_context().pipeline_run.id
    log_metadata({"git": {"commit": "abc"}}, run_id_name_or_prefix=run_id)
    return np.ones((2, 3), dtype=np.float32), 5


@pipeline(model=Model(name="meta_model"))
def meta() -> None:
    train()


def test_every_target(zen_home: Path) -> None:
    run = meta()
    client = Client()
    fresh = client.get_pipeline_run(run.id)
    step_run = fresh.steps["train"]
    assert step_run.run_metadata == {"accuracy": 0.9, "data": "gs://bucket/data.csv", "shape": [2, 3]}
    assert type(step_run.run_metadata["data"]) is Uri
    assert fresh.run_metadata == {"git": {"commit": "abc"}, "train::accuracy": 0.9,
                                  "train::data": "gs://bucket/data.csv", "train::shape": [2, 3]}  # fmt: skip
    weights = step_run.outputs["weights"][0].run_metadata
    assert weights["rows"] == 2
    assert weights["shape"] == [2, 3]
    assert weights["dtype"] == "float32"
    assert type(weights["dtype"]) is DType
    assert type(weights["storage_size"]) is StorageSize
    assert (weights["mean"], weights["min"], weights["max"]) == (1.0, 1.0, 1.0)
    assert step_run.outputs["epochs"][0].run_metadata["note"] == "ok"
    version = client.get_model_version("meta_model")
    assert version.run_metadata == {"stage": "trained"}
    assert step_run.model_version is not None
    assert step_run.model_version.id == version.id

    # after the run, by name, id and version
    log_metadata({"reviewed": True}, step_name="train", run_id_name_or_prefix=run.name)
    log_metadata({"checked": MetadataPath("/tmp/report")}, step_id=step_run.id)
    log_metadata({"drift": 0.1}, artifact_name="weights", artifact_version="1")
    log_metadata({"size": StorageSize(3)}, artifact_version_id=step_run.outputs["epochs"][0].id)
    log_metadata({"approved": "yes"}, model_name="meta_model", model_version="1")
    log_metadata({"latest": 1}, model_version_id=version.id)
    log_metadata({"accuracy": 0.95}, run_id_name_or_prefix=run.id[:10])
    again = client.get_pipeline_run(run.id)
    assert again.steps["train"].run_metadata["reviewed"] is True
    assert again.steps["train"].run_metadata["checked"] == "/tmp/report"
    assert again.run_metadata["accuracy"] == 0.95
    assert again.run_metadata["train::accuracy"] == 0.9
    assert client.get_artifact_version("weights", 1).run_metadata["drift"] == 0.1
    assert type(client.get_artifact_version("epochs").run_metadata["size"]) is StorageSize
    assert client.get_model_version("meta_model", 1).run_metadata == {"stage": "trained", "approved": "yes",
                                                                      "latest": 1}  # fmt: skip


def test_newest_value_of_a_key_wins(zen_home: Path) -> None:
    run = meta()
    log_metadata({"k": 1}, run_id_name_or_prefix=run.id)
    log_metadata({"k": 2}, run_id_name_or_prefix=run.id)
    assert Client().get_pipeline_run(run.id).run_metadata["k"] == 2


def test_clear_errors(zen_home: Path) -> None:
    with pytest.raises(ValueError, match="only inside a step"):
        log_metadata({"x": 1})
    with pytest.raises(ValueError, match="only inside a step"):
        log_metadata({"x": 1}, infer_artifact=True)
    run = meta()
    with pytest.raises(TypeError, match="cannot be stored as metadata"):
        log_metadata({"x": object()}, run_id_name_or_prefix=run.id)
    with pytest.raises(KeyError, match="no step 'nope'"):
        log_metadata({"x": 1}, step_name="nope", run_id_name_or_prefix=run.id)

    @step
    def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
        log_metadata({"x": 1}, infer_artifact=True)
        return 1, 2

    @pipeline
    def flow() -> None:
        two()

    with pytest.raises(Exception, match="more than one output"):
        flow()


def test_log_artifact_metadata_is_a_deprecated_alias(zen_home: Path) -> None:
    @step
    def produce() -> int:
        with pytest.warns(DeprecationWarning, match="log_metadata"):
            log_artifact_metadata({"inside": 1})
        return 1

    @pipeline
    def flow() -> None:
        produce()

    run = flow()
    assert run.steps["produce"].output.run_metadata["inside"] == 1
    with pytest.warns(DeprecationWarning, match="log_artifact_metadata is deprecated"):
        log_artifact_metadata({"outside": 2}, artifact_name="flow::produce::output", artifact_version="1")
    assert Client().get_artifact_version("flow::produce::output").run_metadata["outside"] == 2
