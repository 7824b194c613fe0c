"""Run history as ZenML 0.98 returns it: outputs are lists of artifact versions, statuses ExecutionStatus."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import pytest

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ExecutionStatus

if TYPE_CHECKING:
    from pathlib import Path


@step
def split() -> tuple[Annotated[list[int], "train"], Annotated[list[int], "test"]]:
    return [1, 2, 3], [4]


@step
def fit(train: list[int], scale: float = 2.0) -> Annotated[float, "model"]:
    return scale * sum(train)


@pipeline
def training() -> None:
    train, _ = split()
    fit(train, scale=3.0)


def test_outputs_are_lists_of_artifact_versions(zen_home: Path) -> None:
    run = training()
    fitted = Client().get_run(run.name).steps["fit"]
    assert isinstance(fitted.outputs["model"], list)
    assert fitted.outputs["model"][0].load() == 18.0
    assert fitted.output.load() == 18.0
    assert [version.name for version in run.steps["split"].outputs["test"]] == ["test"]
    assert fitted.inputs["train"][0].load() == [1, 2, 3]
    assert fitted.input.load() == [1, 2, 3]
    with pytest.raises(ValueError, match="2 outputs"):
        run.steps["split"].output  # noqa: B018


def test_the_old_spelling_still_works_with_a_deprecation_warning(zen_home: Path) -> None:
    run = training()
    with pytest.deprecated_call(match=r"outputs\['model'\]\[0\]\.load\(\)"):
        assert run.steps["fit"].outputs["model"].load() == 18.0
    with pytest.deprecated_call(match=r"\[0\]\.uri"):
        assert run.steps["fit"].outputs["model"].uri == run.steps["fit"].output.uri
    with pytest.raises(AttributeError):
        run.steps["fit"].outputs["model"].no_such_attribute  # noqa: B018


def test_statuses_equal_both_strings_and_execution_status(zen_home: Path) -> None:
    run = training()
    assert run.status == "completed"
    assert run.status == ExecutionStatus.COMPLETED
    assert run.status.is_successful
    assert str(run.status) == "completed"
    assert run.steps["fit"].status == ExecutionStatus.COMPLETED == "completed"
    again = training()
    assert again.steps["fit"].status == ExecutionStatus.CACHED == "cached"
    assert again.start_time is not None
    assert again.end_time >= again.start_time


def test_step_configuration_is_recorded(zen_home: Path) -> None:
    run = training()
    config = Client().get_run(run.id).steps["fit"].config
    assert config.parameters == {"scale": 3.0}
    assert config.name == "fit"
    assert config.enable_cache is True
    assert run.pipeline.name == "training"
    assert run.pipeline.last_run.id == run.id
