"""Building and checking a pipeline's graph: every error is found before any step runs."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from zenml import pipeline, step
from zenml.materializers.registry import NoMaterializerError
from zenml.pipelines.errors import PipelineGraphError
from zenml.steps.errors import StepInvocationError

CALLS: list[str] = []


@step
def load() -> list[int]:
    CALLS.append("load")
    return [1, 2, 3]


@step
def total(numbers: list[int]) -> int:
    CALLS.append("total")
    return sum(numbers)


@step
def scale(value: int, factor: float = 2.0) -> float:
    return value * factor


@step
def shout(text: str) -> str:
    return text.upper()


@step
def pair() -> tuple[Annotated[int, "n"], Annotated[str, "s"]]:
    return 1, "a"


@pytest.fixture(autouse=True)
def _no_calls() -> Any:
    CALLS.clear()
    yield
    assert CALLS == [], "no step may run while a graph is built or rejected"


def test_graph_in_dependency_order_with_parameters() -> None:
    @pipeline
    def flow() -> None:
        scale(total(load()), factor=3.0)

    ordered = flow.build()
    assert [inv.id for inv in ordered] == ["load", "total", "scale"]
    assert ordered[2].parameters == {"factor": 3.0}
    assert ordered[1].inputs["numbers"].invocation_id == "load"


def test_default_parameters_are_recorded() -> None:
    @pipeline
    def flow() -> None:
        scale(total(load()))

    assert flow.build()[2].parameters == {"factor": 2.0}


def test_same_step_twice_gets_unique_ids_and_explicit_ids_work() -> None:
    @pipeline
    def flow() -> None:
        numbers = load()
        total(numbers)
        total(numbers)
        total(numbers, id="third")

    assert [inv.id for inv in flow.build()] == ["load", "total", "total_2", "third"]


def test_generated_ids_skip_ids_taken_explicitly() -> None:
    @pipeline
    def flow() -> None:
        numbers = load()
        total(numbers)
        total(numbers, id="total_3")
        total(numbers)
        total(numbers)
        total(numbers, id="total_6")
        total(numbers)
        total(numbers)

    ids = [inv.id for inv in flow.build()]
    assert ids == ["load", "total", "total_3", "total_2", "total_4", "total_6", "total_5", "total_7"]


@step
def bump(value: int) -> int:
    return value + 1


@step
def plus(left: int, right: int) -> int:
    return left + right


def test_order_is_by_rounds_in_call_order() -> None:
    """Each round holds every step whose upstream steps are in earlier rounds, in the order they were called."""

    @pipeline
    def flow() -> None:
        first = bump(0, id="a")
        late = bump(bump(bump(first, id="b"), id="c"), id="d")
        plus(late, first, id="e")  # waits for d (round 3)
        bump(first, id="f")  # round 1, called after b..e
        plus(first, 1, id="g", after=["d"])  # round 3 through after=
        bump(5, id="h")  # round 0

    assert [inv.id for inv in flow.build()] == ["a", "h", "b", "f", "c", "d", "e", "g"]


@pytest.mark.parametrize("shape", ["chain", "fan-out/fan-in"])
def test_a_thousand_step_graph_is_complete_and_ordered(shape: str) -> None:
    @pipeline
    def chain() -> None:
        value = bump(0)
        for _ in range(999):
            value = bump(value)

    @pipeline
    def fan() -> None:
        first = bump(0)
        numbers = [bump(first) for _ in range(1000)]
        total(numbers)

    ordered = (chain if shape == "chain" else fan).build()
    ids = [inv.id for inv in ordered]
    assert len(ids) == len(set(ids)) == (1000 if shape == "chain" else 1002)
    assert ids[:3] == ["bump", "bump_2", "bump_3"]
    position = {inv.id: index for index, inv in enumerate(ordered)}
    for inv in ordered:  # every step after the steps it reads
        assert all(position[upstream] < position[inv.id] for upstream in inv.upstream())
    if shape != "chain":
        assert ids[-1] == "total"
        assert len(ordered[-1].inputs["numbers"]) == 1000


def test_duplicate_explicit_id() -> None:
    @pipeline
    def flow() -> None:
        load(id="x")
        load(id="x")

    with pytest.raises(StepInvocationError, match="id 'x' is already used"):
        flow.build()


def test_named_outputs_unpack() -> None:
    @pipeline
    def flow() -> None:
        n, s = pair()
        scale(n)
        shout(s)

    ordered = flow.build()
    assert ordered[1].inputs["value"].output_name == "n"
    assert ordered[2].inputs["text"].output_name == "s"


def test_missing_input_names_the_step() -> None:
    @pipeline
    def flow() -> None:
        total()

    with pytest.raises(PipelineGraphError, match=r"step 'total' in pipeline 'flow' is missing input\(s\) numbers"):
        flow.build()


def test_unknown_argument() -> None:
    @pipeline
    def flow() -> None:
        total(load(), nope=1)

    with pytest.raises(StepInvocationError, match=r"step 'total'.*nope"):
        flow.build()


def test_type_mismatch_between_connected_steps() -> None:
    @pipeline
    def flow() -> None:
        shout(total(load()))

    with pytest.raises(
        PipelineGraphError,
        match=r"type mismatch: step 'shout' input 'text' expects str, but is connected to output 'output' "
        r"of step 'total', which is int",
    ):
        flow.build()


def test_cycle_is_found() -> None:
    @pipeline
    def flow() -> None:
        load(after="total")
        total([1], after="load")

    with pytest.raises(PipelineGraphError, match="has a cycle between steps load, total"):
        flow.build()


def test_after_unknown_id() -> None:
    @pipeline
    def flow() -> None:
        load(after="lod_typo")

    with pytest.raises(PipelineGraphError, match=r"step 'load': after= names unknown step id 'lod_typo'"):
        flow.build()


def test_output_handle_from_another_pipeline_is_unconnected() -> None:
    leaked: list[Any] = []

    @pipeline
    def first() -> None:
        leaked.append(load())

    @pipeline
    def second() -> None:
        total(leaked[0])

    first.build()
    with pytest.raises(PipelineGraphError, match=r"step 'total' input 'numbers'.*not produced in this run"):
        second.build()


def test_parameter_validated_against_annotation() -> None:
    @pipeline
    def flow() -> None:
        scale(3, factor="big")

    with pytest.raises(StepInvocationError, match=r"step 'scale' parameter 'factor' must be float, got str 'big'"):
        flow.build()


def test_parameter_must_be_json_serialisable() -> None:
    @pipeline
    def flow() -> None:
        total({1, 2})

    with pytest.raises(StepInvocationError, match="JSON-serialisable"):
        flow.build()


@pytest.mark.parametrize(
    ("value", "shown"),
    [(float("nan"), "nan"), (float("inf"), "inf"), ([1.0, float("-inf")], "-inf"), ({"a": {"b": float("nan")}}, "nan")],
    ids=["nan", "inf", "nested -inf", "nested nan"],
)
def test_nan_and_infinities_are_refused_as_parameters(value: object, shown: str) -> None:
    @step
    def take(x: Any) -> int:
        return 1

    @pipeline
    def flow() -> None:
        take(value)

    with pytest.raises(
        StepInvocationError, match=rf"step 'take' parameter 'x' holds {shown}.*NaN and infinities are not JSON"
    ):
        flow.build()


def test_circular_parameters_are_a_clear_error() -> None:
    @step
    def take(x: Any) -> int:
        return 1

    looped: list[Any] = [1]
    looped.append(looped)
    nested: dict[str, Any] = {"a": [{"b": None}]}
    nested["a"][0]["b"] = nested

    for value, where in ((looped, r"\[1\]"), (nested, r"\['a'\]\[0\]\['b'\]")):

        @pipeline
        def flow() -> None:
            take(value)  # noqa: B023 - built at once

        with pytest.raises(StepInvocationError, match=rf"parameter 'x' contains itself at {where}"):
            flow.build()


def test_too_deeply_nested_parameters_are_a_clear_error() -> None:
    @step
    def take(x: Any) -> int:
        return 1

    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]

    @pipeline
    def flow() -> None:
        take(deep)

    with pytest.raises(StepInvocationError, match="parameter 'x' is nested too deeply"):
        flow.build()


def test_handles_in_a_dict_or_mixed_with_literals_are_rejected() -> None:
    @pipeline
    def in_dict() -> None:
        total({"a": load()})

    with pytest.raises(StepInvocationError, match="not inside a dict"):
        in_dict.build()

    @pipeline
    def mixed() -> None:
        total([load(), 3])

    with pytest.raises(StepInvocationError, match="must hold only step outputs"):
        mixed.build()


def test_a_list_of_outputs_is_type_checked_element_by_element() -> None:
    @pipeline
    def flow() -> None:
        total([load()])  # total takes list[int]; load returns list[int], so each element would be a list

    with pytest.raises(PipelineGraphError, match="expects list\\[int\\]"):
        flow.build()


def test_type_without_materializer_named_at_graph_time() -> None:
    class Opaque:
        pass

    @step
    def make() -> Opaque:
        return Opaque()

    @pipeline
    def flow() -> None:
        make()

    with pytest.raises(NoMaterializerError, match=r"^step 'make' output 'output': no materializer handles type"):
        flow.build()


def test_empty_pipeline() -> None:
    @pipeline
    def flow() -> None:
        pass

    with pytest.raises(PipelineGraphError, match="calls no steps"):
        flow.build()


def test_pipeline_options() -> None:
    @pipeline(name="named", enable_cache=False)
    def flow() -> None:
        load()

    assert flow.name == "named"
    assert flow.enable_cache is False
    assert flow.with_options(enable_cache=True).enable_cache is True
    deployment = flow.deployment()
    assert deployment.pipeline_name == "named"
    assert [plan.enable_cache for plan in deployment.steps] == [False]


def test_step_cache_setting_and_deployment_round_trip() -> None:
    @step(enable_cache=False)
    def uncached() -> int:
        return 1

    @pipeline
    def flow() -> None:
        uncached()
        scale(3)

    from zenml.orchestrators.deployment import Deployment

    deployment = flow.deployment()
    assert [plan.enable_cache for plan in deployment.steps] == [False, True]
    again = Deployment.from_dict(deployment.to_dict())
    assert again.to_dict() == deployment.to_dict()
    assert again.step("scale").outputs["output"][0].endswith("Materializer")
