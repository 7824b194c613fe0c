"""ZenML docs, "Metadata": log_metadata on steps, runs, artifacts and models, the typed values, and reading
run_metadata back."""

from typing import Annotated

import numpy as np

from zenml import Model, get_step_context, log_metadata, pipeline, step
from zenml.client import Client
from zenml.metadata.metadata_types import DType, StorageSize, Uri


@step
def process_data_step() -> Annotated[np.ndarray, "processed_data"]:
    processed = np.arange(12, dtype=np.float64).reshape(4, 3)
    log_metadata(
        metadata={
            "data_stats": {"row_count": processed.shape[0], "columns": ["a", "b", "c"]},
            "storage_size": StorageSize(processed.nbytes),
        },
        infer_artifact=True,
    )
    return processed


@step
def train_model_step(data: np.ndarray) -> Annotated[float, "accuracy"]:
    accuracy = float(data.mean() / 10)
    log_metadata(metadata={"evaluation_metrics": {"accuracy": accuracy}})  # the step run
    log_metadata(metadata={"git_info": {"commit": "abc123"}},
                 run_id_name_or_prefix=get_step_context().pipeline_run.id)  # fmt: skip
    log_metadata(metadata={"hyperparameters": {"lr": 0.01}}, infer_model=True)
    return accuracy


@pipeline(model=Model(name="fraud_detector"))
def metadata_pipeline():
    train_model_step(process_data_step())


if __name__ == "__main__":
    run = metadata_pipeline()
    client = Client()
    step = client.get_pipeline_run(run.id).steps["train_model_step"]
    assert step.run_metadata["evaluation_metrics"]["accuracy"] == 0.55

    run = client.get_pipeline_run(run.id)
    assert run.run_metadata["git_info"] == {"commit": "abc123"}
    assert run.run_metadata["train_model_step::evaluation_metrics"] == {"accuracy": 0.55}

    artifact = client.get_artifact_version("processed_data")
    assert artifact.run_metadata["data_stats"]["row_count"] == 4
    assert artifact.run_metadata["shape"] == [4, 3] and artifact.run_metadata["dtype"] == DType("float64")
    assert isinstance(artifact.run_metadata["storage_size"], StorageSize)

    log_metadata(metadata={"deployment_info": {"endpoint": "api.example.com/model"}},
                 model_name="fraud_detector", model_version="1")  # fmt: skip
    model = client.get_model_version("fraud_detector", "1")
    assert model.run_metadata["hyperparameters"] == {"lr": 0.01}
    assert model.run_metadata["deployment_info"]["endpoint"] == "api.example.com/model"

    log_metadata(metadata={"dataset_source": Uri("gs://my-bucket/datasets/source.csv")},
                 artifact_name="processed_data", artifact_version="1")  # fmt: skip
    assert isinstance(client.get_artifact_version("processed_data").run_metadata["dataset_source"], Uri)
