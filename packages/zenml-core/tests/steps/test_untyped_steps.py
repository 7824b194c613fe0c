"""Untyped and partly typed steps run as in ZenML; type checks apply only where there are annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from zenml import pipeline, step
from zenml.pipelines.errors import PipelineGraphError
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from pathlib import Path


@step
def produce(n):  # type: ignore[no-untyped-def]
    return {"values": list(range(n)), "label": "ints"}


@step
def summarise(data, scale: float = 1.0):  # type: ignore[no-untyped-def]
    return scale * sum(data["values"])


@step
def nothing():  # type: ignore[no-untyped-def]
    print("side effect only")


@step
def typed_total(values: list[int]) -> int:
    return sum(values)


def test_untyped_steps_run_and_store_values_by_their_runtime_type(zen_home: Path) -> None:
    @pipeline
    def untyped() -> None:
        summarise(produce(4), scale=2.0)
        nothing()

    run = untyped()
    assert run.status == "completed"
    assert run.steps["produce"].output.load() == {"values": [0, 1, 2, 3], "label": "ints"}
    assert run.steps["produce"].output.data_type == "builtins:dict"
    assert run.steps["summarise"].output.load() == 12.0
    assert run.steps["nothing"].output.load() is None  # an unannotated return is one output, even None
    again = untyped()
    assert {step_run.status for step_run in again.steps.values()} == {"cached"}


def test_an_annotated_input_still_checks_the_value_it_receives(zen_home: Path) -> None:
    @step
    def strings():  # type: ignore[no-untyped-def]
        return ["a", "b"]

    @pipeline
    def mismatch() -> None:
        typed_total(strings())

    with pytest.raises(StepFailedError) as raised:
        mismatch()
    assert "input 'values' must be list[int]" in str(raised.value)


def test_untyped_output_connects_to_any_input_at_build_time() -> None:
    @pipeline
    def flow() -> None:
        typed_total(produce(3))

    assert [invocation.id for invocation in flow.build()] == ["produce", "typed_total"]


def test_typed_outputs_are_still_checked_when_connected() -> None:
    @step
    def text() -> str:
        return "x"

    @pipeline
    def flow() -> None:
        typed_total(text())

    with pytest.raises(PipelineGraphError, match="type mismatch"):
        flow.build()
