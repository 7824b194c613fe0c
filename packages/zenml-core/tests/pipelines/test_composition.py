"""Composition (a pipeline called inside another), repeated steps, and outputs passed in lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from zenml import pipeline, step
from zenml.steps.errors import StepInvocationError

if TYPE_CHECKING:
    from pathlib import Path


@step
def load(n: int) -> list[int]:
    return list(range(n))


@step
def total(values: list[int]) -> int:
    return sum(values)


@step
def combine(totals: list[int]) -> int:
    return sum(totals)


@pipeline
def data_loading(n: int = 3) -> list[int]:
    return load(n)


def test_a_pipeline_called_inside_another_adds_its_steps(zen_home: Path) -> None:
    @pipeline
    def training() -> None:
        data = data_loading(4)
        total(data)

    run = training()
    assert list(run.steps) == ["load", "total"]
    assert run.pipeline_name == "training"
    assert run.steps["total"].output.load() == 6


def test_repeated_steps_get_numbered_ids_and_lists_of_outputs_reach_one_input(zen_home: Path) -> None:
    @pipeline
    def fan_in() -> None:
        totals = [total(load(n)) for n in (2, 3, 4)]
        combine(totals)

    run = fan_in()
    assert sorted(run.steps) == ["combine", "load", "load_2", "load_3", "total", "total_2", "total_3"]
    assert run.steps["combine"].output.load() == 1 + 3 + 6
    read = run.steps["combine"].inputs["totals"]
    assert [artifact.load() for artifact in read] == [1, 3, 6]
    assert [artifact.producer for artifact in read] == ["total", "total_2", "total_3"]
    assert {s.status for s in fan_in().steps.values()} == {"cached"}


def test_a_tuple_of_outputs_works_too_and_an_untyped_input_gets_a_list(zen_home: Path) -> None:
    seen: list[object] = []

    @step
    def loose(items):  # type: ignore[no-untyped-def]
        seen.append(items)
        return len(items)

    @pipeline
    def flow() -> None:
        loose((load(1), load(2)))

    flow()
    assert seen == [[[0], [0, 1]]]


def test_a_list_input_annotated_with_a_scalar_type_is_a_clear_error() -> None:
    @step
    def scalar(x: int) -> int:
        return x

    @pipeline
    def flow() -> None:
        scalar([total(load(1))])

    with pytest.raises(StepInvocationError, match="receives a list of step outputs, but is annotated int"):
        flow.build()


def test_explicit_ids_and_after() -> None:
    @pipeline
    def flow() -> None:
        first = load(1, id="first")
        load(2, id="second", after=first)
        load(3, after="second")

    built = flow.build()
    assert [invocation.id for invocation in built] == ["first", "second", "load"]
    assert built[2].upstream() == ["second"]
