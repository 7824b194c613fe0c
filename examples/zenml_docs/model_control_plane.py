"""ZenML docs, "Models": a model version per run, artifacts linked to it, stages, and loading by stage."""

from typing import Annotated

from zenml import ArtifactConfig, Model, get_step_context, pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType, ModelStages


@step(enable_cache=False)
def svc_trainer(
    gamma: float = 0.001,
) -> Annotated[dict, ArtifactConfig(name="sklearn_classifier", artifact_type=ArtifactType.MODEL)]:
    context = get_step_context()
    return {"gamma": gamma, "model": context.model.name, "version": context.model.version}


@pipeline(model=Model(name="iris_classifier", license="Apache 2.0", description="A classifier for iris"))
def training_pipeline(gamma: float = 0.002):
    svc_trainer(gamma=gamma)


@step(enable_cache=False)
def predict() -> Annotated[float, "predictions"]:
    classifier = get_step_context().model.load_artifact("sklearn_classifier")
    return classifier["gamma"] * 2


@pipeline(model=Model(name="iris_classifier", version="production"))
def inference_pipeline():
    predict()


if __name__ == "__main__":
    training_pipeline()
    training_pipeline(gamma=0.1)
    client = Client()
    model = client.get_model("iris_classifier")
    assert [version.name for version in model.versions] == ["1", "2"]
    assert model.license == "Apache 2.0"

    model_version = client.get_model_version("iris_classifier", "2")
    assert model_version.get_artifact("sklearn_classifier").load()["version"] == "2"
    model_version.set_stage("production")
    assert Model(name="iris_classifier", version=ModelStages.PRODUCTION).number == 2

    run = inference_pipeline()
    assert run.steps["predict"].output.load() == 0.2
    assert [v.name for v in client.list_model_versions("iris_classifier")] == ["1", "2"]

    client.get_model_version("iris_classifier", "1").set_stage("production", force=True)
    assert client.get_model_version("iris_classifier", "2").stage == ModelStages.ARCHIVED
