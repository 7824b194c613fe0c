"""A pipeline whose sibling outputs and steps have names one character apart, for store tests: every
artifact store must keep their artifacts apart (no shared or nested directories) and load each back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from zenml.pipelines.pipeline_definition import Pipeline
    from zenml.pipelines.runs import PipelineRun

# Not "%2F", "#" or "?": the GCS emulator cannot read such object names back (real GCS can).
SIBLING_NAMES = ("a", "a_b", "a.b", "a-b", "a b", "a~b", "ä", "a%b", "a:b")


def sibling_pipeline(names: Sequence[str] = SIBLING_NAMES) -> Pipeline:
    """Step ``many`` returns each of ``names`` as its output of that name; steps ``s`` and ``s.o`` each
    return ``o`` (``"s/o"`` and ``"s.o/o"``)."""
    from zenml import pipeline, step

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
