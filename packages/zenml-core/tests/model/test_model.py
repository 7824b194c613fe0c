"""The model control plane: a version per run, shared by the run's steps; stages; linked artifacts and runs;
``Model(version="production")`` outside and inside pipelines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest

from zenml import ArtifactConfig, Model, add_tags, get_pipeline_context, get_step_context, pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType, ModelStages
from zenml.metadata_stores.base import ModelNotFoundError


@step(enable_cache=False)
def trainer(scale: int = 1) -> Annotated[dict, ArtifactConfig(name="classifier", artifact_type=ArtifactType.MODEL)]:
    model = get_step_context().model
    return {"scale": scale, "model": model.name, "version": model.version}


@step(enable_cache=False)
def evaluate(classifier: dict) -> Annotated[float, "accuracy"]:
    return 0.5 * classifier["scale"]


@pipeline(model=Model(name="iris", license="MIT", description="demo", tags=["tabular"]))
def training(scale: int = 1) -> None:
    assert get_pipeline_context().model.name == "iris"
    evaluate(trainer(scale=scale))


def test_a_run_makes_a_version_its_steps_share(zen_home: Path) -> None:
    first = training()
    second = training(scale=2)
    client = Client()
    model = client.get_model("iris")
    assert (model.license, model.description, model.tags) == ("MIT", "demo", ["tabular"])
    assert [version.name for version in model.versions] == ["1", "2"]
    assert first.steps["trainer"].output.load()["version"] == "1"
    latest = client.get_model_version("iris")
    assert (latest.name, latest.number) == ("2", 2)
    assert latest.get_artifact("classifier").load()["scale"] == 2
    assert latest.load_artifact("accuracy") == 1.0
    assert set(latest.model_artifacts) == {"classifier"}
    assert "accuracy" in latest.data_artifacts
    assert list(latest.pipeline_runs) == [second.name]
    assert second.model_version is not None
    assert second.model_version.id == latest.id
    assert [v.name for v in client.list_model_versions("iris")] == ["1", "2"]
    linked = client.list_artifact_versions(model="iris")
    assert (sorted({a.name for a in linked}), len(linked)) == (["accuracy", "classifier"], 4)
    assert [r.id for r in client.list_pipeline_runs(model_version_id=latest.id)] == [second.id]


def test_stages_and_loading_by_stage(zen_home: Path) -> None:
    training()
    training(scale=3)
    client = Client()
    client.get_model_version("iris", 1).set_stage("production")
    assert Model(name="iris", version="production").load_artifact("classifier")["scale"] == 1
    with pytest.raises(RuntimeError, match="already in stage 'production'"):
        client.get_model_version("iris", 2).set_stage(ModelStages.PRODUCTION)
    client.get_model_version("iris", 2).set_stage(ModelStages.PRODUCTION, force=True)
    assert client.get_model_version("iris", 1).stage == ModelStages.ARCHIVED
    assert Model(name="iris", version=ModelStages.PRODUCTION).number == 2
    assert [v.name for v in client.list_model_versions("iris", stage="archived")] == ["1"]
    assert Model(name="iris", version="latest").number == 2
    assert Model(name="iris", version=1).stage == ModelStages.ARCHIVED
    with pytest.raises(ModelNotFoundError, match="stage 'staging'"):
        Model(name="iris", version="staging").load_artifact("classifier")
    with pytest.raises(ValueError, match="not a stage"):
        client.get_model_version("iris", 1).set_stage("gold")

    @step(enable_cache=False)
    def predict() -> int:
        return int(get_step_context().model.load_artifact("classifier")["scale"])

    @pipeline(model=Model(name="iris", version="production"))
    def inference() -> None:
        predict()

    assert inference().steps["predict"].output.load() == 3
    assert [v.name for v in Client().get_model("iris").versions] == ["1", "2"]  # no new version


def test_named_versions_tags_and_errors(zen_home: Path) -> None:
    version = Model(name="fresh", version="v_{date}")
    assert version.id
    assert version.version.startswith("v_2")
    assert Client().get_model_version("fresh").name.startswith("v_")
    with pytest.raises(ModelNotFoundError, match="no version '7'"):
        Model(name="fresh", version=7).id  # noqa: B018 - numbers are never made, as in ZenML
    add_tags(["best"], model="fresh", model_version=version.version)
    assert Client().get_model_version("fresh", version.version).tags == ["best"]
    with pytest.raises(ModelNotFoundError, match="no model named 'nope'"):
        Client().get_model("nope")
