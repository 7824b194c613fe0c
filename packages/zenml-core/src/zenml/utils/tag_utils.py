"""``add_tags`` and ``remove_tags``: tag runs, artifact versions, models and model versions (ZenML's
``zenml.utils.tag_utils``). Inside a step without a target, ``add_tags(tags)`` tags the running run;
``infer_artifact=True`` tags the step's (named) output."""

from __future__ import annotations

from typing import Any


def _apply(
    tags: list[str],
    *,
    added: bool,
    run: str | None,
    artifact_version_id: str | None,
    artifact_name: str | None,
    artifact_version: str | None,
    infer_artifact: bool,
    model: str | None,
    model_version: Any,
    pipeline: str | None,
) -> None:
    from zenml.metadata_stores.annotations import tag_annotations
    from zenml.metadata_stores.models import ARTIFACT_VERSION, MODEL, MODEL_VERSION, PIPELINE_RUN
    from zenml.steps.step_context import _CURRENT

    tags = [getattr(tag, "name", tag) for tag in tags]  # ZenML's Tag objects by their name
    context = _CURRENT.get()
    if context is not None:
        stack = context._stack
    else:
        from zenml.stack.stack import get_active_stack

        stack = get_active_stack()
    store = stack.metadata_store
    if pipeline is not None:
        raise ValueError("tagging pipelines is not supported by this zenml: tag their runs (run=...) instead")
    if run is not None:
        target = (PIPELINE_RUN, store.get_run(str(run)).id)
    elif artifact_version_id is not None:
        target = (ARTIFACT_VERSION, store.get_artifact(str(artifact_version_id)).id)
    elif artifact_name is not None and not infer_artifact and (context is None or artifact_version is not None):
        target = (ARTIFACT_VERSION, store.get_artifact_version(artifact_name, artifact_version).id)
    elif infer_artifact or artifact_name is not None:
        if context is None:
            raise ValueError("infer_artifact=True works only inside a step")
        names = list(context._outputs)
        name = artifact_name or (names[0] if len(names) == 1 else None)
        if name is None or name not in names:
            raise ValueError(f"name one of the step's outputs with artifact_name= ({', '.join(names) or 'none'})")
        if added:
            context.add_output_tags(tags, output_name=name)
        else:
            context.remove_output_tags(tags, output_name=name)
        return
    elif model is not None:
        if model_version is None:
            target = (MODEL, store.get_model(str(model)).name)
        else:
            from zenml.model.lookup import find_version

            target = (MODEL_VERSION, find_version(store, str(model), model_version).id)
    elif context is not None:
        target = (PIPELINE_RUN, context._deployment.run_id)
    else:
        raise ValueError("add_tags/remove_tags outside a step need a target: run=, artifact_version_id=, "
                         "artifact_name= (+ artifact_version=), or model=")  # fmt: skip
    store.add_annotations(tag_annotations(target[0], target[1], tags, added=added))


def add_tags(
    tags: list[Any],
    *,
    run: str | None = None,
    artifact_version_id: str | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool = False,
    model: str | None = None,
    model_version: Any = None,
    pipeline: str | None = None,
) -> None:
    """Tag a run, an artifact version, a model or a model version (see the module docstring)."""
    _apply(tags, added=True, run=run, artifact_version_id=artifact_version_id, artifact_name=artifact_name,
           artifact_version=artifact_version, infer_artifact=infer_artifact, model=model, model_version=model_version,
           pipeline=pipeline)  # fmt: skip


def remove_tags(
    tags: list[Any],
    *,
    run: str | None = None,
    artifact_version_id: str | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool = False,
    model: str | None = None,
    model_version: Any = None,
    pipeline: str | None = None,
) -> None:
    """Take tags off what :func:`add_tags` would tag."""
    _apply(tags, added=False, run=run, artifact_version_id=artifact_version_id, artifact_name=artifact_name,
           artifact_version=artifact_version, infer_artifact=infer_artifact, model=model, model_version=model_version,
           pipeline=pipeline)  # fmt: skip


__all__ = ["add_tags", "remove_tags"]
