"""ZenML starter guide, "Expanding to a Full Machine Learning Workflow": iris as DataFrames, an SVC, evaluated.

Needs zenml-sklearn (`zenml integration install sklearn -y`) and pandas. The model is stored with skops,
the frames as Parquet: nothing is pickled.
"""

from typing import Annotated, Tuple

import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ExecutionStatus


@step
def training_data_loader() -> Tuple[
    Annotated[pd.DataFrame, "X_train"],
    Annotated[pd.DataFrame, "X_test"],
    Annotated[pd.Series, "y_train"],
    Annotated[pd.Series, "y_test"],
]:
    """Load the iris dataset as tuple of Pandas DataFrame / Series."""
    iris = load_iris(as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.2, shuffle=True, random_state=42
    )
    return X_train, X_test, y_train, y_test


@step
def svc_trainer(
    X_train: pd.DataFrame,
    y_train: pd.Series,
    gamma: float = 0.001,
) -> Tuple[
    Annotated[ClassifierMixin, "trained_model"],
    Annotated[float, "training_acc"],
]:
    """Train a sklearn SVC classifier."""
    model = SVC(gamma=gamma)
    model.fit(X_train.to_numpy(), y_train.to_numpy())
    train_acc = model.score(X_train.to_numpy(), y_train.to_numpy())
    print(f"Train accuracy: {train_acc}")
    return model, train_acc


@step
def model_evaluator(
    model: ClassifierMixin,
    X_test: pd.DataFrame,
    y_test: pd.Series,
) -> Annotated[float, "test_acc"]:
    """Evaluate the trained model on the test set."""
    test_acc = model.score(X_test.to_numpy(), y_test.to_numpy())
    print(f"Test accuracy: {test_acc}")
    return test_acc


@pipeline
def training_pipeline(gamma: float = 0.002):
    X_train, X_test, y_train, y_test = training_data_loader()
    model, _ = svc_trainer(gamma=gamma, X_train=X_train, y_train=y_train)
    model_evaluator(model=model, X_test=X_test, y_test=y_test)


if __name__ == "__main__":
    run = training_pipeline()
    assert run.status == ExecutionStatus.COMPLETED
    assert 0.5 < run.steps["model_evaluator"].outputs["test_acc"][0].load() <= 1.0
    fetched = Client().get_run(run.name)
    model = fetched.steps["svc_trainer"].outputs["trained_model"][0].load()
    X_test = fetched.steps["training_data_loader"].outputs["X_test"][0].load()
    assert isinstance(model, SVC) and model.gamma == 0.002
    assert list(X_test.columns) == list(load_iris(as_frame=True).data.columns)
    again = training_pipeline()
    assert {step_run.status for step_run in again.steps.values()} == {"cached"}
    print(f"{run.name}: {run.status}")
