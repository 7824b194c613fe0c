"""Pipelines for store tests: :func:`sibling_pipeline`, whose sibling outputs and steps have names one
character apart (every artifact store must keep their artifacts apart and load each back), and :data:`chain`,
two steps that note each execution in :data:`CALLS` (to tell a step that ran from one the cache served)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from zenml import pipeline, step

if TYPE_CHECKING:
    from collections.abc import Sequence

    from zenml.pipelines.pipeline_definition import Pipeline
    from zenml.pipelines.runs import PipelineRun

# Not "%2F", "#" or "?": the GCS emulator cannot read such object names back (real GCS can).
SIBLING_NAMES = ("a", "a_b", "a.b", "a-b", "a b", "a~b", "ä", "a%b", "a:b")


def sibling_pipeline(names: Sequence[str] = SIBLING_NAMES) -> Pipeline:
    """Step ``many`` returns each of ``names`` as its output of that name; steps ``s`` and ``s.o`` each
    return ``o`` (``"s/o"`` and ``"s.o/o"``)."""

    def many() -> Any:
        return tuple(names)

    many.__annotations__["return"] = tuple[tuple(Annotated[str, name] for name in names)]  # type: ignore[misc]

    @step(name="s")
    def s() -> Annotated[str, "o"]:
        return "s/o"

    @step(name="s.o")
    def s_dot_o() -> Annotated[str, "o"]:
        return "s.o/o"

    many_step = step(many)

    @pipeline
    def siblings() -> None:
        many_step()
        s()
        s_dot_o()

    return siblings


def check_sibling_run(run: PipelineRun, names: Sequence[str] = SIBLING_NAMES) -> None:
    """Every output of a :func:`sibling_pipeline` run loads back its own value."""
    assert run.status == "completed", run.error
    assert {name: run.steps["many"].outputs[name][0].load() for name in names} == {name: name for name in names}
    assert run.steps["s"].outputs["o"][0].load() == "s/o"
    assert run.steps["s.o"].outputs["o"][0].load() == "s.o/o"


CALLS: list[str] = []  # the steps of :data:`chain` that executed, in order (clear it before a run)


@step
def make() -> list[int]:
    CALLS.append("make")
    return [1, 2, 3]


@step
def add(values: list[int]) -> int:
    CALLS.append("add")
    return sum(values)


@pipeline
def chain() -> None:
    add(make())


def statuses(run: PipelineRun) -> dict[str, str]:
    """Step name -> status (``completed``, ``cached``, ...) of a run."""
    return {name: view.status for name, view in run.steps.items()}
