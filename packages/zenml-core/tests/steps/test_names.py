"""Names of outputs, steps, invocations and pipelines: refused when defined, so artifact URIs never collide."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Annotated

import pytest

from zenml import pipeline, step
from zenml.artifact_stores.base import validate_name
from zenml.orchestrators.entrypoint import artifact_uri
from zenml.pipelines.errors import PipelineGraphError
from zenml.steps.errors import StepDefinitionError, StepInvocationError
from zenml.steps.names import MAX_NAME_LENGTH, InvalidNameError, check_name

if TYPE_CHECKING:
    from pathlib import Path

# name -> the words of the rule its error must quote
BAD_NAMES = {
    "a/b": "'/'",
    "a\\b": "'\\\\'",
    "..": "'..'",
    "x..y": "'..'",
    ".": "'.'",
    "nul\x00": "control character",
    "line\nbreak": "control character",
    "tab\t": "control character",
    "del\x7f": "control character",
    "c1\x85": "control character",
    "x" * (MAX_NAME_LENGTH + 1): f"more than {MAX_NAME_LENGTH} characters",
    "": "empty",
    "trailing.": "end with",
    "trailing ": "end with",
}


@pytest.mark.parametrize("bad", list(BAD_NAMES), ids=repr)
def test_bad_output_names_are_refused_when_the_step_is_defined(bad: str) -> None:
    ran = []

    with pytest.raises(StepDefinitionError) as raised:

        @step
        def make() -> Annotated[int, bad]:  # type: ignore[valid-type]
            ran.append(1)
            return 1

    message = str(raised.value)
    assert repr(bad) in message
    assert BAD_NAMES[bad] in message
    assert "'make'" in message
    assert ran == []


@pytest.mark.parametrize("bad", ["a/b", "s/o", "..", "x" * 201, "bad\x00"], ids=repr)
def test_bad_step_and_pipeline_names_are_refused_when_defined(bad: str) -> None:
    with pytest.raises(StepDefinitionError, match="step name"):

        @step(name=bad)
        def make() -> int:
            return 1

    with pytest.raises(PipelineGraphError, match="pipeline name"):

        @pipeline(name=bad)
        def flow() -> None:
            pass


@pytest.mark.parametrize("bad", ["a..b", "y" * 201, "trailing."], ids=repr)
def test_bad_invocation_ids_are_refused_while_the_pipeline_is_built(bad: str, zen_home: Path) -> None:
    ran = []

    @step
    def make() -> int:
        ran.append(1)
        return 1

    @pipeline
    def flow() -> None:
        make(id=bad)

    with pytest.raises(StepInvocationError, match="invocation id"):
        flow()
    assert ran == []


def test_an_automatic_invocation_id_that_grows_too_long_is_refused(zen_home: Path) -> None:
    @step(name="n" * MAX_NAME_LENGTH)
    def make() -> int:
        return 1

    @pipeline
    def flow() -> None:
        make()
        make()  # "nnn..._2" has 202 characters

    with pytest.raises(StepInvocationError, match="more than 200"):
        flow()


def test_names_that_differ_only_in_case_are_refused(zen_home: Path) -> None:
    """On a case-insensitive file system (macOS, Windows) they would share one directory."""
    with pytest.raises(StepDefinitionError, match="'Model' and 'model'"):

        @step
        def two() -> tuple[Annotated[int, "Model"], Annotated[int, "model"]]:
            return 1, 2

    with pytest.raises(StepDefinitionError, match="differ only in case or Unicode normalisation"):

        @step
        def composed() -> tuple[Annotated[int, "caf\u00e9"], Annotated[int, "cafe\u0301"]]:
            return 1, 2

    @step
    def train() -> int:
        return 1

    @step(name="Train")
    def other() -> int:
        return 2

    @pipeline
    def flow() -> None:
        train()
        other()

    with pytest.raises(PipelineGraphError, match="'train' and 'Train'"):
        flow()


# -- the mapping (run, step, output) -> artifact URI is injective ------------------------------------

ALPHABET = [*"aAbZ09_-.~ @#%+=,;:'\"()[]{}$&!?*<>|^`/\\", "é", "e\u0301", "ß", "ø", "Ω", "漢", "\u00a0", "\x00", "\n"]


def _random_name(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12)))


def test_artifact_uris_are_injective_over_tricky_names() -> None:
    rng = random.Random(10)
    seen: dict[str, tuple[str, str]] = {}
    accepted = refused = 0
    for _ in range(20000):
        step_id, output = _random_name(rng), _random_name(rng)
        try:
            check_name("step name", step_id)
            check_name("output name", output)
        except InvalidNameError:
            refused += 1
            with pytest.raises(InvalidNameError):
                artifact_uri("0123abcd", step_id, output)
            continue
        accepted += 1
        uri = artifact_uri("0123abcd", step_id, output)
        # every store keeps exactly these three path segments: nothing is normalised away, split or joined
        assert validate_name(uri) == uri
        assert uri.split("/") == ["runs", "0123abcd", step_id, output]
        assert seen.setdefault(uri, (step_id, output)) == (step_id, output)
    assert accepted > 5000  # both kinds are well represented
    assert refused > 5000


def test_sibling_outputs_and_steps_load_back_their_own_values(zen_home: Path) -> None:
    from zenml.testing.pipelines import SIBLING_NAMES, check_sibling_run, sibling_pipeline

    names = (*SIBLING_NAMES, "a%2Fb")  # the local store keeps any name that follows the rule
    check_sibling_run(sibling_pipeline(names)(), names)


@pytest.mark.parametrize("name", ["model", "a/b", "a%2Fb", "..", ".", "x" * 300, "tab\there", "trailing.", "ü/ß"])
def test_path_segment_is_one_plain_segment_and_the_name_itself_where_it_can_be(name: str) -> None:
    """For save_artifact's default URI ``custom_artifacts/<segment>/<version id>``: the id keeps versions apart."""
    from zenml.steps.names import name_problem, path_segment

    segment = path_segment(name)
    assert name_problem(segment) is None
    assert (segment == name) == (name_problem(name) is None)
