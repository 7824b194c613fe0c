"""ZenML starter guide: a first pipeline of two steps, run and inspected."""

from typing import Annotated

from zenml import pipeline, step
from zenml.enums import ExecutionStatus


@step
def load_data() -> dict:
    """Simulates loading of training data and labels."""
    training_data = [[1, 2], [3, 4], [5, 6]]
    labels = [0, 1, 0]
    return {"features": training_data, "labels": labels}


@step
def train_model(data: dict) -> Annotated[float, "accuracy"]:
    """A mock 'training' process that also demonstrates using the input data."""
    total_features = sum(map(sum, data["features"]))
    total_labels = sum(data["labels"])
    print(
        f"Trained model using {len(data['features'])} data points. "
        f"Feature sum is {total_features}, label sum is {total_labels}"
    )
    return 0.9


@pipeline
def simple_ml_pipeline():
    """Define a pipeline that connects the steps."""
    dataset = load_data()
    train_model(dataset)


if __name__ == "__main__":
    run = simple_ml_pipeline()
    assert run.status == ExecutionStatus.COMPLETED
    assert run.steps["train_model"].outputs["accuracy"][0].load() == 0.9
    assert run.steps["load_data"].output.load()["labels"] == [0, 1, 0]
    print(f"{run.name}: {run.status}")
