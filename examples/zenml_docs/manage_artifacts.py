"""ZenML docs, "Manage artifacts": names, versions and tags of outputs, save/load/register_artifact,
ExternalArtifact and UnmaterializedArtifact."""

import os
from typing import Annotated

from zenml import ArtifactConfig, ExternalArtifact, load_artifact, pipeline, register_artifact, save_artifact, step
from zenml.artifacts.unmaterialized_artifact import UnmaterializedArtifact
from zenml.client import Client


@step
def training_data_loader() -> Annotated[list, ArtifactConfig(name="iris_dataset", tags=["raw"])]:
    return [[5.1, 3.5], [4.9, 3.0], [6.2, 3.4]]


@step
def trainer(dataset: list, factor: float) -> Annotated[dict, ArtifactConfig(name="iris_model", version="v1")]:
    return {"weights": [factor * sum(row) for row in dataset]}


@step
def describe(dataset: UnmaterializedArtifact) -> str:
    return f"{dataset.name} is stored at {dataset.uri}"


@pipeline
def training_pipeline():
    dataset = training_data_loader()
    trainer(dataset, factor=ExternalArtifact(value=0.5))
    describe(dataset)


if __name__ == "__main__":
    training_pipeline()
    client = Client()
    dataset = client.get_artifact_version("iris_dataset")
    assert (dataset.version, dataset.tags) == ("1", ["raw"])
    assert load_artifact("iris_model") == {"weights": [4.3, 3.95, 4.8]}
    assert client.get_artifact_version("iris_model", "v1").load()["weights"][0] == 4.3

    try:  # uncached, every output makes a new version, but "v1" of iris_model exists: refused, as in ZenML
        training_pipeline.with_options(enable_cache=False)()
        raise AssertionError("a second version 'v1' was made")
    except Exception as error:
        assert "already has a version 'v1'" in str(error)
    assert [v.version for v in client.list_artifact_versions(name="iris_dataset")] == ["1", "2"]

    # artifacts made outside any pipeline
    save_artifact({"lr": 0.01}, name="hyperparameters", version="baseline", tags=["manual"])
    assert load_artifact("hyperparameters", version="baseline") == {"lr": 0.01}
    store = client.active_stack.artifact_store
    folder = os.path.join(store.path, "my_data")
    with store.open(os.path.join(folder, "table.csv"), "w") as handle:
        handle.write("a,b\n1,2\n")
    register_artifact(folder, name="my_data")
    path = load_artifact("my_data")
    assert (path / "table.csv").read_text() == "a,b\n1,2\n"

    description = client.get_pipeline("training_pipeline").last_successful_run.steps["describe"].output.load()
    assert description.startswith("iris_dataset is stored at ")
