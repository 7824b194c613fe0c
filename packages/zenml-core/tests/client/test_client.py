"""``zenml.client.Client``: run history of the active stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml import pipeline, step
from zenml.client import Client
from zenml.metadata_stores.base import RunNotFoundError


@step
def produce(value: int) -> int:
    return value


@step
def explode(value: int) -> int:
    raise RuntimeError(f"no {value}")


@pipeline
def good(value: int = 1) -> None:
    produce(value=value)


@pipeline
def bad() -> None:
    explode(produce(value=2))


def test_list_and_get_runs(zen_home: Path) -> None:
    first = good()
    second = good(value=2)
    with pytest.raises(Exception, match="no 2"):
        bad()
    client = Client()
    assert client.active_stack.name == "default"
    runs = client.list_runs()
    assert [run.pipeline_name for run in runs] == ["bad", "good", "good"]
    assert [run.id for run in client.list_runs(pipeline_name="good")] == [second.id, first.id]
    assert [run.pipeline_name for run in client.list_runs(status="failed")] == ["bad"]
    assert len(client.list_runs(limit=1)) == 1
    assert [pipeline.name for pipeline in client.list_pipelines()] == ["bad", "good"]

    by_name = client.get_run(first.name)
    assert type(by_name) is type(first)
    assert by_name.id == first.id
    assert client.get_run(first.id[:12]).name == first.name
    assert by_name.steps["produce"].outputs["output"][0].load() == 1
    assert by_name.steps["produce"].duration is not None
    assert by_name.to_dict(steps=True)["steps"][0]["outputs"]["output"]["data_type"] == "builtins:int"


def test_unknown_run(zen_home: Path) -> None:
    with pytest.raises(RunNotFoundError):
        Client().get_run("no-such-run")


def test_runs_follow_the_active_stack(zen_home: Path, tmp_path: Path) -> None:
    from zenml.stack.config import edit_config
    from zenml.stack.flavors import ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR

    good()
    with edit_config() as config:
        config.add_component(ARTIFACT_STORE, "other", {"flavor": "local", "path": str(tmp_path / "other-art")})
        config.add_component(METADATA_STORE, "other", {"flavor": "sqlite", "path": str(tmp_path / "other.db")})
        config.add_stack("other", {ARTIFACT_STORE: "other", METADATA_STORE: "other", ORCHESTRATOR: "default"})
        config.set_active_stack("other")
    assert Client().list_runs() == []
    run = good()
    assert run.stack.name == "other"
    assert Path(run.steps["produce"].output.full_uri).is_relative_to(tmp_path / "other-art")
    assert len(Client().list_runs()) == 1
