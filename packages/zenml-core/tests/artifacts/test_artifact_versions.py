"""Named, numbered artifact versions: step outputs, ArtifactConfig, save/load/register_artifact,
ExternalArtifact and UnmaterializedArtifact."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import pytest

from zenml import ArtifactConfig, ExternalArtifact, load_artifact, pipeline, register_artifact, save_artifact, step
from zenml.artifacts.unmaterialized_artifact import UnmaterializedArtifact
from zenml.client import Client
from zenml.enums import ArtifactSaveType, ArtifactType
from zenml.steps.errors import StepFailedError


@step
def numbers(count: int = 3) -> list[int]:
    return list(range(count))


@step
def named(data: list[int]) -> Annotated[int, "total"]:
    return sum(data)


@step
def configured(data: list[int]) -> Annotated[
    dict, ArtifactConfig(name="summary_{team}", tags=["nightly"], run_metadata={"source": "test"},
                         artifact_type=ArtifactType.MODEL)
]:  # fmt: skip
    return {"n": len(data)}


@pipeline(substitutions={"team": "ml"})
def history(count: int = 3) -> None:
    data = numbers(count=count)
    named(data)
    configured(data)


def test_outputs_are_versions_of_their_names(zen_home: Path) -> None:
    first = history()
    second = history(count=4)
    client = Client()
    default = client.get_artifact_version("history::numbers::output")  # ZenML's default name
    assert (default.version, default.producer_pipeline_run_id) == ("2", second.id)
    assert client.get_artifact_version("history::numbers::output", 1).load() == [0, 1, 2]
    total = client.get_artifact_version("total")  # Annotated[T, "name"] names the artifact, as in ZenML
    assert (total.version, total.load()) == ("2", 6)
    summary = client.get_artifact_version("summary_ml")
    assert summary.tags == ["nightly"]
    assert summary.type == ArtifactType.MODEL
    assert summary.run_metadata["source"] == "test"
    assert summary.run_metadata["storage_size"] > 0
    step_output = second.steps["configured"].outputs["summary_{team}"][0]
    assert (step_output.name, step_output.version) == ("summary_ml", "2")
    assert first.steps["named"].outputs["total"][0].version == "1"
    assert summary.artifact.latest_version_name == "2"
    assert list(summary.artifact.versions) == ["1", "2"]


def test_a_cached_run_reuses_the_versions(zen_home: Path) -> None:
    first = history()
    second = history()
    assert {step.status for step in second.steps.values()} == {"cached"}
    assert second.steps["named"].output.id == first.steps["named"].output.id
    assert [v.version for v in Client().list_artifact_versions(name="total")] == ["1"]


def test_an_explicit_version_that_exists_fails_the_step(zen_home: Path) -> None:
    @step(enable_cache=False)
    def pinned() -> Annotated[int, ArtifactConfig(name="pinned", version="2026.1")]:
        return 1

    @pipeline
    def twice() -> None:
        pinned()

    assert twice().steps["pinned"].output.version == "2026.1"
    with pytest.raises(StepFailedError, match=r"already has a version '2026\.1'"):
        twice()


def test_save_load_and_register_artifacts(zen_home: Path, tmp_path: Path) -> None:
    saved = save_artifact({"a": 1}, name="table", tags=["raw"], user_metadata={"rows": 1})
    again = save_artifact({"a": 2}, name="table", version="final")
    assert (saved.version, again.version, saved.save_type) == ("1", "final", ArtifactSaveType.MANUAL)
    assert load_artifact("table") == {"a": 2}
    assert load_artifact("table", version=1) == {"a": 1}
    assert load_artifact(saved.id) == {"a": 1}
    assert Client().get_artifact_version("table", "1").run_metadata["rows"] == 1
    store = Client().active_stack.artifact_store
    with store.open("datasets/raw/part-0.csv", "w") as handle:
        handle.write("x,y\n1,2\n")
    registered = register_artifact(store.uri("datasets/raw"), name="raw_data")
    assert registered.save_type == ArtifactSaveType.PREEXISTING
    assert registered.type == ArtifactType.DATA
    path = load_artifact("raw_data")
    assert isinstance(path, Path)
    assert (path / "part-0.csv").read_text() == "x,y\n1,2\n"
    with pytest.raises(RuntimeError, match="already used by artifact raw_data"):
        register_artifact(store.uri("datasets/raw"), name="again")
    with pytest.raises(FileNotFoundError, match="outside the artifact store"):
        register_artifact(str(tmp_path), name="elsewhere")


def test_save_artifact_inside_a_step_is_one_of_its_outputs(zen_home: Path) -> None:
    @step
    def saver() -> int:
        save_artifact([1, 2], name="side_output")
        return 1

    @pipeline
    def flow() -> None:
        saver()

    run = flow()
    side = run.steps["saver"].outputs["side_output"][0]
    assert (side.load(), side.producer_step_run_id) == ([1, 2], run.steps["saver"].id)
    assert flow().steps["saver"].status == "cached"


def test_external_artifact_and_unmaterialized_input(zen_home: Path) -> None:
    seen: list[str] = []

    @step
    def consume(data: list[int], raw: UnmaterializedArtifact) -> int:
        seen.append(raw.uri)
        assert raw.load() == [0, 1, 2]  # loaded only on demand
        return sum(data)

    @pipeline
    def flow() -> None:
        consume(ExternalArtifact(value=[5, 6]), numbers())

    run = flow()
    assert run.steps["consume"].output.load() == 11
    external = run.steps["consume"].inputs["data"][0]
    assert external.save_type == ArtifactSaveType.EXTERNAL
    assert external.load() == [5, 6]
    assert seen
    assert os.path.isdir(seen[0])
    with pytest.raises(ValueError, match="Only one of"):
        ExternalArtifact(value=1, name="x")


def test_views_load_nothing_until_asked(zen_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history()
    from zenml.artifacts import recorded

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an artifact was loaded")

    monkeypatch.setattr(recorded, "load_record", refuse)
    client = Client()
    run = client.get_pipeline("history").last_run
    for step_run in run.steps.values():
        for versions in step_run.outputs.values():
            assert all(view.uri and view.version for view in versions)
    assert len(client.list_artifact_versions()) == 3
    with pytest.raises(AssertionError, match="was loaded"):
        run.steps["named"].output.load()
