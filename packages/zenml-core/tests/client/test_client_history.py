"""Client: ZenML's pipelines, runs (filters, sort, paging), steps, deletion, tags and artifact versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml import add_tags, pipeline, remove_tags, step
from zenml.client import Client
from zenml.enums import ExecutionStatus
from zenml.metadata_stores.base import RunNotFoundError
from zenml.metadata_stores.queries import FilterError
from zenml.models import Page


@step(enable_cache=False)
def emit(value: int) -> int:
    if value < 0:
        raise ValueError("negative")
    return value


@pipeline
def alpha(value: int = 1) -> None:
    emit(value)


@pipeline
def beta(value: int = 1) -> None:
    emit(value)


def test_pipelines_and_their_runs(zen_home: Path) -> None:
    first = alpha()
    with pytest.raises(Exception, match="negative"):
        alpha(value=-1)
    beta()
    client = Client()
    pipeline_model = client.get_pipeline("alpha")
    assert [run.id for run in pipeline_model.runs][1] == first.id
    assert pipeline_model.last_run.status == ExecutionStatus.FAILED
    assert pipeline_model.last_successful_run.id == first.id
    assert [p.name for p in client.list_pipelines()] == ["alpha", "beta"]
    with pytest.raises(KeyError, match="alpha"):
        client.get_pipeline("alfa")


def test_list_pipeline_runs_filters_sorts_and_pages(zen_home: Path) -> None:
    runs = [alpha(value=index) for index in range(5)] + [beta()]
    client = Client()
    page = client.list_pipeline_runs(size=2)
    assert isinstance(page, Page)
    assert (page.total, page.total_pages, page.index, len(page)) == (6, 3, 1, 2)
    assert [run.id for run in page] == [runs[5].id, runs[4].id]
    assert [run.id for run in client.list_pipeline_runs(size=2, page=3)] == [runs[1].id, runs[0].id]
    assert client.list_pipeline_runs(pipeline_name="alpha").total == 5
    assert client.list_pipeline_runs(status="completed").total == 6
    assert [run.id for run in client.list_pipeline_runs(sort_by="asc:created", size=1)] == [runs[0].id]
    assert client.list_pipeline_runs(name=f"startswith:{runs[2].name[:-4]}").total >= 1
    assert client.list_pipeline_runs(created=f"gte:{runs[3].created_at}").total == 3
    with pytest.raises(FilterError, match="sort_by"):
        client.list_pipeline_runs(sort_by="desc:colour")
    with pytest.raises(TypeError, match="user"):
        client.list_pipeline_runs(user="me")


def test_steps_deletion_and_tags(zen_home: Path) -> None:
    run = alpha()
    other = alpha(value=2)
    client = Client()
    step_run = client.get_run_step(run.steps["emit"].id)
    assert (step_run.name, step_run.pipeline_run_id) == ("emit", run.id)
    add_tags(["keep", "gold"], run=run.name)
    remove_tags(["gold"], run=run.id)
    assert client.get_pipeline_run(run.id).tags == ["keep"]
    assert [r.id for r in client.list_pipeline_runs(tag="keep")] == [run.id]
    version = run.steps["emit"].output
    add_tags(["best"], artifact_name=version.name, artifact_version=version.version)
    client.update_artifact_version(version.id, add_tags=["checked"])
    assert client.get_artifact_version(version.id).tags == ["best", "checked"]
    assert [v.id for v in client.list_artifact_versions(tag="best")] == [version.id]
    client.delete_pipeline_run(run.id)
    with pytest.raises(RunNotFoundError):
        client.get_pipeline_run(run.id)
    assert client.get_artifact_version(version.id).load() == 1  # versions outlive their run
    assert [r.id for r in client.list_pipeline_runs()] == [other.id]
    with pytest.raises(KeyError):
        client.get_run_step("not-a-step-id")


def test_artifact_versions_listing(zen_home: Path) -> None:
    alpha()
    alpha(value=2)
    beta()
    client = Client()
    versions = client.list_artifact_versions(name="alpha::emit::output")
    assert [(v.version, v.load()) for v in versions] == [("1", 1), ("2", 2)]
    assert client.list_artifact_versions(name="contains:emit").total == 3
    assert [v.name for v in client.list_artifact_versions(sort_by="desc:created", size=1)] == ["beta::emit::output"]
    assert client.get_artifact("alpha::emit::output").latest_version_name == "2"
    assert [a.name for a in client.list_artifacts()] == ["alpha::emit::output", "beta::emit::output"]
