"""Pipelines run in this process on a GCS stack (artifact and metadata store in the emulator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp.artifact_store import GCPArtifactStore
from zenml.integrations.gcp.metadata_store import GCPMetadataStore
from zenml.orchestrators.local import LocalOrchestrator
from zenml.stack.stack import Stack
from zenml.testing.pipelines import CALLS, chain, statuses

if TYPE_CHECKING:
    from pathlib import Path

    from zenml.pipelines.pipeline import Pipeline
    from zenml.pipelines.runs import PipelineRun

pytestmark = pytest.mark.gcs


@pytest.fixture
def stack(gcs_bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Stack:
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(tmp_path / "zen-home"))
    monkeypatch.chdir(tmp_path)
    CALLS.clear()
    return Stack(
        "gcs",
        GCPArtifactStore("remote", path=f"gs://{gcs_bucket}/zen", chunk_size_mb=0.25),
        GCPMetadataStore("shared", path=f"gs://{gcs_bucket}/meta"),
        LocalOrchestrator("local"),
    )


def run(flow: Pipeline, stack: Stack) -> PipelineRun:
    return flow.run_on(stack, flow.deployment())


def test_sibling_outputs_and_steps_load_back_their_own_values(stack: Stack) -> None:
    from zenml.testing.pipelines import check_sibling_run, sibling_pipeline

    check_sibling_run(run(sibling_pipeline(), stack))


def test_a_rewritten_cached_artifact_makes_the_step_run_again(stack: Stack) -> None:
    first = run(chain, stack)
    assert CALLS == ["make", "add"]
    CALLS.clear()
    assert statuses(run(chain, stack)) == {"make": "cached", "add": "cached"}
    store = stack.artifact_store
    (name,) = store.walk_files(first.steps["make"].output.uri)
    with store.open(name, "rb") as handle:
        data = bytearray(handle.read())
    data[data.index(b"2")] = ord("7")  # same size; the object gets a new generation and CRC32C
    with store.open(name, "wb") as handle:
        handle.write(bytes(data))
    CALLS.clear()
    third = run(chain, stack)
    assert CALLS == ["make"]
    assert statuses(third) == {"make": "completed", "add": "cached"}
    assert third.steps["make"].output.load() == [1, 2, 3]
