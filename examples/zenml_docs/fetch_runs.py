"""ZenML docs, "Fetching pipelines": run status, step outputs (lists of artifact versions) and configuration."""

from typing import Annotated, Tuple

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ExecutionStatus


@step
def split() -> Tuple[Annotated[list, "train"], Annotated[list, "test"]]:
    return [1, 2, 3], [4]


@step
def svc_trainer(train: list, gamma: float = 0.001) -> Annotated[float, "trained_model"]:
    return gamma * sum(train)


@pipeline
def training_pipeline(gamma: float = 0.002):
    train, _ = split()
    svc_trainer(train, gamma=gamma)


if __name__ == "__main__":
    run = training_pipeline()
    run = Client().get_run(run.name)
    assert run.status == ExecutionStatus.COMPLETED
    step_run = run.steps["svc_trainer"]
    assert step_run.status == "completed"
    assert step_run.config.parameters["gamma"] == 0.002
    output = step_run.outputs["trained_model"][0]
    assert abs(output.load() - 0.012) < 1e-12
    assert step_run.output.load() == output.load()
    assert run.steps["split"].outputs["test"][0].load() == [4]
