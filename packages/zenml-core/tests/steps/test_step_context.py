"""get_step_context() inside a step and its hooks: the run, the step, the outputs; a clear error outside."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import pytest

from zenml import get_step_context, pipeline, step
from zenml.exceptions import StepContextError
from zenml.materializers.builtin import BuiltinMaterializer

if TYPE_CHECKING:
    from pathlib import Path

SEEN: dict[str, Any] = {}


@step
def inspect_context(x: int) -> Annotated[int, "result"]:
    context = get_step_context()
    SEEN.update(
        pipeline=context.pipeline.name,
        run_name=context.pipeline_run.name,
        run_id=context.pipeline_run.id,
        step_run=context.step_run.name,
        step_name=context.step_name,
        status=context.step_run.status,
        parameters=context.step_run.config.parameters,
        uri=context.get_output_artifact_uri(),
        materializer=context.get_output_materializer("result"),
        inputs=sorted(context.inputs),
    )
    context.add_output_metadata({"rows": 3, "source": "unit test"})
    context.add_output_metadata({"accuracy": 0.5}, output_name="result")
    return x * 2


@step
def source() -> int:
    return 21


def test_step_context_describes_the_running_step(zen_home: Path) -> None:
    @pipeline
    def contextual() -> None:
        inspect_context(source())

    run = contextual()
    assert SEEN["pipeline"] == "contextual"
    assert (SEEN["run_name"], SEEN["run_id"]) == (run.name, run.id)
    assert SEEN["step_run"] == SEEN["step_name"] == "inspect_context"
    assert SEEN["status"] == "running"
    assert SEEN["inputs"] == ["x"]
    output = run.steps["inspect_context"].outputs["result"][0]
    assert SEEN["uri"] == output.full_uri
    assert isinstance(SEEN["materializer"], BuiltinMaterializer)
    assert SEEN["materializer"].uri == output.uri
    assert output.run_metadata == {"rows": 3, "source": "unit test", "accuracy": 0.5, "storage_size": 2}
    assert output.load() == 42


def test_outside_a_step_the_context_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="only available inside a step function"):
        get_step_context()


def test_output_errors_name_the_outputs(zen_home: Path) -> None:
    errors: list[str] = []

    @step
    def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
        context = get_step_context()
        for call in (context.get_output_artifact_uri, lambda: context.get_output_artifact_uri("c"),
                     lambda: context.model):  # fmt: skip
            try:
                call()
            except StepContextError as error:
                errors.append(str(error))
        return 1, 2

    @pipeline
    def flow() -> None:
        two()

    flow()
    assert "several outputs (a, b)" in errors[0]
    assert "its outputs are: a, b" in errors[1]
    assert "no model has been specified" in errors[2]


def test_untyped_output_materializer_needs_a_data_type(zen_home: Path) -> None:
    found: list[Any] = []

    @step
    def loose():  # type: ignore[no-untyped-def]
        context = get_step_context()
        with pytest.raises(StepContextError, match="pass data_type="):
            context.get_output_materializer()
        found.append(context.get_output_materializer(data_type=dict))
        return {"a": 1}

    @pipeline
    def flow() -> None:
        loose()

    flow()
    assert isinstance(found[0], BuiltinMaterializer)


def test_configured_model_is_returned(zen_home: Path) -> None:
    models: list[Any] = []

    @step(model={"name": "classifier"}, enable_cache=False)
    def with_model() -> int:
        models.append(get_step_context().model)
        return 1

    @pipeline
    def flow() -> None:
        with_model()

    flow()
    flow()  # a new model version per run
    assert [(model.name, model.version, model.number) for model in models] == [("classifier", "1", 1),
                                                                                ("classifier", "2", 2)]  # fmt: skip


def test_metadata_must_be_json(zen_home: Path) -> None:
    @step
    def bad() -> int:
        get_step_context().add_output_metadata({"x": object()})
        return 1

    @pipeline
    def flow() -> None:
        bad()

    from zenml.steps.errors import StepFailedError

    with pytest.raises(StepFailedError, match="cannot be stored as metadata"):
        flow()
    json.dumps({})
