"""ZenML docs, "Handle custom data types": a materializer subclassing BaseMaterializer with text files,
zenml.io.fileio, extract_metadata and save_visualizations."""

import os
from typing import Any, ClassVar, Dict, Tuple, Type

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType, VisualizationType
from zenml.io import fileio
from zenml.materializers.base_materializer import BaseMaterializer


class MyObj:
    def __init__(self, name: str):
        self.name = name


class MyMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[Tuple[Type[Any], ...]] = (MyObj,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA

    def load(self, data_type: Type[MyObj]) -> MyObj:
        """Read from artifact store."""
        with self.artifact_store.open(os.path.join(self.uri, "data.txt"), "r") as f:
            name = f.read()
        return MyObj(name=name)

    def save(self, my_obj: MyObj) -> None:
        """Write to artifact store."""
        with self.artifact_store.open(os.path.join(self.uri, "data.txt"), "w") as f:
            f.write(my_obj.name)

    def extract_metadata(self, my_obj: MyObj) -> Dict[str, Any]:
        return {"name_length": len(my_obj.name)}

    def save_visualizations(self, my_obj: MyObj) -> Dict[str, VisualizationType]:
        visualization_uri = os.path.join(self.uri, "visualization.md")
        with fileio.open(visualization_uri, "w") as f:
            f.write(f"# {my_obj.name}")
        return {visualization_uri: VisualizationType.MARKDOWN}


@step(output_materializers=MyMaterializer)
def my_first_step() -> MyObj:
    return MyObj("my_object")


@step
def my_second_step(my_obj: MyObj) -> None:
    assert my_obj.name == "my_object"


@pipeline
def first_pipeline():
    output_1 = my_first_step()
    my_second_step(output_1)


if __name__ == "__main__":
    run = first_pipeline()
    artifact = Client().get_pipeline_run(run.id).steps["my_first_step"].output
    assert artifact.run_metadata["name_length"] == 9
    assert artifact.visualizations[0]["type"] == "markdown"
    assert fileio.exists(os.path.join(artifact.uri, "visualization.md"))
    assert artifact.load().name == "my_object"
