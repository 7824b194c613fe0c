"""``PipelineRun.artifact_records``: the run's artifacts, read from the metadata store once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml import pipeline, step
from zenml.client import Client

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


@step
def produce() -> int:
    return 7


@step
def consume(value: int) -> str:
    return str(value)


@pipeline
def two_steps() -> None:
    consume(produce())


def test_artifact_records_are_read_once_and_shared_by_the_steps(
    zen_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Client().get_run(two_steps().id)
    store = run.stack.metadata_store
    reads: list[str] = []
    artifact_reads = ("list_step_outputs", "list_artifacts", "get_artifact", "list_artifact_versions")
    for method in (*artifact_reads, "get_artifact_version"):  # count the real store's artifact reads
        real = getattr(store, method)

        def counted(*args: Any, _real: Any = real, _name: str = method, **kwargs: Any) -> Any:
            reads.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(store, method, counted)

    records = run.artifact_records
    assert sorted((r.step_name, r.output_name) for r in records) == [("consume", "output"), ("produce", "output")]
    assert run.steps["produce"].output.load() == 7
    assert run.steps["consume"].output.load() == "7"
    assert run.steps["consume"].outputs["output"][0].load() == "7"
    assert reads == ["list_step_outputs"]  # one read for the run; both steps' outputs come from it

    assert run.refresh().steps["produce"].output.load() == 7  # a fresh view reads again
    assert reads == ["list_step_outputs", "list_step_outputs"]
