"""Defining steps: inputs, outputs and their names come from annotations."""

from __future__ import annotations

from typing import Annotated, Any, Optional, Tuple, Union  # noqa: UP035 - the spellings users write

import pytest

from zenml import step
from zenml.steps.base import Step
from zenml.steps.errors import StepDefinitionError, StepOutputError
from zenml.steps.outputs import split_outputs


def test_single_output_is_named_output() -> None:
    @step
    def one(x: int) -> int:
        return x + 1

    assert one.outputs == {"output": int}
    assert one.inputs == {"x": int}
    assert one.name == "one"
    assert one.enable_cache is None


def test_annotated_output_name() -> None:
    @step
    def named() -> Annotated[int, "answer"]:
        return 42

    assert list(named.outputs) == ["answer"]


def test_several_named_outputs() -> None:
    @step
    def split() -> Tuple[Annotated[int, "a"], Annotated[str, "b"]]:  # noqa: UP006 - the ZenML spelling
        return 1, "x"

    assert list(split.outputs) == ["a", "b"]


def test_unnamed_tuple_outputs_are_numbered() -> None:
    @step
    def pair() -> tuple[int, str]:
        return 1, "x"

    assert list(pair.outputs) == ["output_0", "output_1"]


def test_annotated_tuple_is_one_output_and_variadic_tuple_too() -> None:
    @step
    def whole() -> Annotated[tuple[int, str], "pair"]:
        return 1, "x"

    @step
    def many() -> tuple[int, ...]:
        return (1, 2, 3)

    assert list(whole.outputs) == ["pair"]
    assert list(many.outputs) == ["output"]


def test_none_return_means_no_outputs() -> None:
    @step
    def nothing() -> None:
        return None

    assert nothing.outputs == {}


def test_output_without_annotation_is_one_output_of_any_type() -> None:
    @step
    def loose(x: int):  # type: ignore[no-untyped-def]
        return x

    assert loose.outputs == {"output": Any}


def test_input_without_annotation_accepts_anything() -> None:
    @step
    def partly(x, y: int = 2) -> int:  # type: ignore[no-untyped-def]
        return 1

    assert partly.inputs == {"x": Any, "y": int}


def test_varargs_are_rejected() -> None:
    with pytest.raises(StepDefinitionError, match=r"\*args"):

        @step
        def star(*xs: int) -> int:
            return 1


def test_duplicate_output_names_are_rejected() -> None:
    with pytest.raises(StepDefinitionError, match="two outputs named 'a'"):

        @step
        def dup() -> Tuple[Annotated[int, "a"], Annotated[int, "a"]]:  # noqa: UP006
            return 1, 2


def test_unknown_output_in_output_materializers() -> None:
    from zenml.materializers.base import BaseMaterializer

    with pytest.raises(StepDefinitionError, match=r"unknown output\(s\) nope.*its outputs are: output"):

        @step(output_materializers={"nope": BaseMaterializer})
        def f() -> int:
            return 1


def test_options_and_call_outside_pipeline_runs_the_function() -> None:
    @step(name="renamed", enable_cache=False)
    def add(a: int, b: int = 2) -> int:
        return a + b

    assert add.name == "renamed"
    assert add.enable_cache is False
    assert add(1) == 3
    assert add(1, b=5) == 6
    assert add.__name__ == "add"
    assert add.reference.endswith(":test_options_and_call_outside_pipeline_runs_the_function.<locals>.add")


def test_source_hash_changes_with_code() -> None:
    @step
    def a() -> int:
        return 1

    @step
    def b() -> int:
        return 2

    assert a.source_hash() != b.source_hash()
    fresh = Step(a.func)  # no cached hash: recomputed from the same source
    assert fresh is not a
    assert fresh.source_hash() == a.source_hash()


class TestSplitOutputs:
    def test_value_not_matching_annotation_names_step_and_output(self) -> None:
        @step
        def wrong() -> Annotated[int, "count"]:
            return "three"  # type: ignore[return-value]

        with pytest.raises(StepOutputError, match=r"step 'wrong' output 'count' must be int .* returned str 'three'"):
            split_outputs(wrong, "wrong", wrong.func())

    def test_container_elements_are_checked(self) -> None:
        @step
        def ints() -> list[int]:
            return [1, 2]

        assert split_outputs(ints, "ints", [1, 2]) == {"output": [1, 2]}
        with pytest.raises(StepOutputError, match=r"list\[int\]"):
            split_outputs(ints, "ints", [1, "2"])

    def test_wrong_number_of_outputs(self) -> None:
        @step
        def two() -> tuple[int, int]:
            return 1, 2

        with pytest.raises(StepOutputError, match=r"declares 2 outputs \(output_0, output_1\) but returned 3 values"):
            split_outputs(two, "two", (1, 2, 3))
        with pytest.raises(StepOutputError, match="but returned int"):
            split_outputs(two, "two", 5)

    def test_none_step_returning_a_value(self) -> None:
        @step
        def nothing() -> None:
            return None

        with pytest.raises(StepOutputError, match="annotated `-> None` but returned int"):
            split_outputs(nothing, "nothing", 3)

    def test_optional_any_and_union(self) -> None:
        @step
        def opt() -> Tuple[Optional[int], Any, Union[int, str]]:  # noqa: UP006, UP007, UP045
            return None, object(), "x"

        values = split_outputs(opt, "opt", (None, 1.5, "x"))
        assert values == {"output_0": None, "output_1": 1.5, "output_2": "x"}
