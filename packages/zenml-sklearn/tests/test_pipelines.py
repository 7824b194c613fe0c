"""A scikit-learn pipeline as ZenML users write it: a DataFrame in, a classifier out, evaluated, read back later."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import pytest

if TYPE_CHECKING:
    from pathlib import Path

pd = pytest.importorskip("pandas")


def test_dataframe_to_classifier_to_score_and_back_from_history(zen_home: Path) -> None:
    from sklearn.base import ClassifierMixin
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.svm import SVC

    from zenml import pipeline, step
    from zenml.client import Client

    @step
    def loader() -> tuple[Annotated[pd.DataFrame, "X_train"], Annotated[pd.DataFrame, "X_test"],
                          Annotated[pd.Series, "y_train"], Annotated[pd.Series, "y_test"]]:  # fmt: skip
        iris = load_iris(as_frame=True)
        return tuple(train_test_split(iris.data, iris.target, test_size=0.2, random_state=42))  # type: ignore[return-value]

    @step
    def trainer(X_train: pd.DataFrame, y_train: pd.Series) -> Annotated[ClassifierMixin, "model"]:
        return SVC(gamma=0.01).fit(X_train.to_numpy(), y_train.to_numpy())

    @step
    def evaluator(model: ClassifierMixin, X_test: pd.DataFrame, y_test: pd.Series) -> Annotated[float, "accuracy"]:
        return float(model.score(X_test.to_numpy(), y_test.to_numpy()))

    @pipeline
    def iris_pipeline() -> None:
        X_train, X_test, y_train, y_test = loader()
        evaluator(trainer(X_train, y_train), X_test, y_test)

    run = iris_pipeline()
    accuracy = run.steps["evaluator"].outputs["accuracy"][0].load()
    assert accuracy > 0.8
    history = Client().get_run(run.name)
    model = history.steps["trainer"].outputs["model"][0].load()
    X_test = history.steps["loader"].outputs["X_test"][0].load()
    assert isinstance(model, SVC)
    assert list(X_test.columns) == list(load_iris(as_frame=True).data.columns)
    import sklearn

    metadata = history.steps["trainer"].outputs["model"][0].run_metadata
    assert metadata["estimator"] == "sklearn.svm._classes.SVC"
    assert metadata["parameters"]["gamma"] == "0.01"
    assert metadata["sklearn_version"] == sklearn.__version__
    frame_metadata = history.steps["loader"].outputs["X_test"][0].run_metadata
    assert frame_metadata["shape"] == [30, 4]
    assert set(frame_metadata["dtype"].values()) == {"float64"}
    again = iris_pipeline()
    assert {step_run.status for step_run in again.steps.values()} == {"cached"}
