"""``log_metadata``: attach metadata to a step run, a run, an artifact version or a model version (ZenML's
``zenml.utils.metadata_utils``).

============================================================  ==============================================
call                                                          target
============================================================  ==============================================
``log_metadata(metadata)`` inside a step                      the step run (shown on the run as ``step::key``)
``step_name=`` + ``run_id_name_or_prefix=``, or ``step_id=``  that step run
``run_id_name_or_prefix=``                                    that run
``infer_artifact=True`` (+ ``artifact_name=``) in a step      the step's (named) output
``artifact_name=`` + ``artifact_version=``                    that artifact version
``artifact_version_id=``                                      that artifact version
``artifact_name=`` alone                                      the step's output of that name inside a step,
                                                              else the newest version of that name
``infer_model=True`` in a step                                the step's model version
``model_name=`` + ``model_version=``, or ``model_version_id=``  that model version
============================================================  ==============================================

Values: JSON values, and ``Uri``, ``Path``, ``DType``, ``StorageSize`` (read back with their type).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.stack.stack import Stack
    from zenml.steps.step_context import StepContext

_USAGE = """Unsupported way to call `log_metadata`. Possible combinations include:
    log_metadata(metadata={})  # inside a step: the step run
    log_metadata(metadata={}, step_name=..., run_id_name_or_prefix=...)
    log_metadata(metadata={}, step_id=...)
    log_metadata(metadata={}, run_id_name_or_prefix=...)
    log_metadata(metadata={}, infer_model=True)  # inside a step with a model
    log_metadata(metadata={}, model_name=..., model_version=...)
    log_metadata(metadata={}, model_version_id=...)
    log_metadata(metadata={}, infer_artifact=True)  # inside a step with one output
    log_metadata(metadata={}, artifact_name=..., infer_artifact=True)  # one output of the step
    log_metadata(metadata={}, artifact_name=..., artifact_version=...)
    log_metadata(metadata={}, artifact_version_id=...)"""


def _context() -> StepContext | None:
    from zenml.steps.step_context import _CURRENT

    return _CURRENT.get()


def _stack(context: StepContext | None) -> Stack:
    if context is not None:
        return context._stack
    from zenml.stack.stack import get_active_stack

    return get_active_stack()


def _inside(what: str) -> StepContext:
    context = _context()
    if context is None:
        raise ValueError(f"{what} works only inside a step; outside, name what to attach the metadata to.\n{_USAGE}")
    return context


def log_metadata(
    metadata: dict[str, Any],
    *,
    step_id: str | None = None,
    step_name: str | None = None,
    run_id_name_or_prefix: str | None = None,
    artifact_version_id: str | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool = False,
    model_version_id: str | None = None,
    model_name: str | None = None,
    model_version: Any = None,
    infer_model: bool = False,
) -> None:
    """Attach ``metadata`` to what the other arguments name (see the module docstring)."""
    from zenml.metadata.metadata_types import validate_metadata
    from zenml.metadata_stores.annotations import metadata_annotations
    from zenml.metadata_stores.models import ARTIFACT_VERSION, MODEL_VERSION, PIPELINE_RUN, STEP_RUN
    from zenml.metadata_stores.models import step_id as make_id

    validate_metadata(metadata)
    context = _context()
    stack = _stack(context)
    store = stack.metadata_store
    target: tuple[str, str]
    if step_id is not None:
        from zenml.client import Client

        target = (STEP_RUN, Client(stack).get_run_step(str(step_id)).id)
    elif step_name is not None and run_id_name_or_prefix is not None:
        run = store.get_run(str(run_id_name_or_prefix))
        if step_name not in {step.name for step in store.list_steps(run.id)} and not (
            context is not None and context._deployment.run_id == run.id and context.step_name == step_name
        ):
            raise KeyError(f"run {run.name!r} has no step {step_name!r}")
        target = (STEP_RUN, make_id(run.id, step_name))
    elif run_id_name_or_prefix is not None:
        target = (PIPELINE_RUN, store.get_run(str(run_id_name_or_prefix)).id)
    elif model_name is not None and model_version is not None:
        from zenml.model.lookup import find_version

        target = (MODEL_VERSION, find_version(store, model_name, model_version).id)
    elif model_version_id is not None:
        from zenml.model.lookup import version_by_id

        target = (MODEL_VERSION, version_by_id(store, str(model_version_id)).id)
    elif infer_model:
        inside = _inside("log_metadata(infer_model=True)")
        target = (MODEL_VERSION, inside.model.id)
    elif artifact_name is not None and artifact_version is not None:
        target = (ARTIFACT_VERSION, store.get_artifact_version(artifact_name, str(artifact_version)).id)
    elif artifact_version_id is not None:
        target = (ARTIFACT_VERSION, store.get_artifact(str(artifact_version_id)).id)
    elif infer_artifact or (artifact_name is not None and context is not None and artifact_name in context._outputs):
        inside = _inside("log_metadata(infer_artifact=True)")
        outputs = list(inside._outputs)
        if artifact_name is not None and artifact_name not in outputs:
            raise ValueError(
                f"The provided artifact name `{artifact_name}` does not exist in the step outputs: {outputs}."
            )
        if artifact_name is None and len(outputs) != 1:
            raise ValueError(
                "The step does not have any outputs." if not outputs else
                "There is more than one output. If you would like to use the `infer_artifact` option, you need to "
                "define an `artifact_name`."
            )  # fmt: skip
        inside.add_output_metadata(metadata, output_name=artifact_name or outputs[0])
        return
    elif artifact_name is not None:
        target = (ARTIFACT_VERSION, store.get_artifact_version(artifact_name).id)
    elif all(value is None for value in (step_name, artifact_version, model_name, model_version)):
        inside = _inside("log_metadata(metadata) without a target")
        target = (STEP_RUN, make_id(inside._deployment.run_id, inside.step_name))
    else:
        raise ValueError(_USAGE)
    store.add_annotations(metadata_annotations(target[0], target[1], metadata))


__all__ = ["log_metadata"]
