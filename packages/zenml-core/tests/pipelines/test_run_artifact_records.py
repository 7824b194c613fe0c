"""``PipelineRun.artifact_records``: the run's artifacts, read from the metadata store once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zenml import pipeline, step
from zenml.client import Client

if TYPE_CHECKING:
    from pathlib import Path


@step
def produce() -> int:
    return 7


@step
def consume(value: int) -> str:
    return str(value)


@pipeline
def two_steps() -> None:
    consume(produce())


def test_artifact_records_are_read_once_and_shared_by_the_steps(zen_home: Path) -> None:
    run = Client().get_run(two_steps().id)
    records = run.artifact_records
    assert sorted((r.step_name, r.output_name) for r in records) == [("consume", "output"), ("produce", "output")]
    assert run.artifact_records is records
    assert run.steps["produce"].output.load() == 7
    assert run.steps["consume"].output.load() == "7"
    assert run.refresh().artifact_records is not records
