"""Run one step of a run: load its inputs, call it (or reuse cached outputs), store and record its outputs.

:func:`run_step` is what the local orchestrator calls in-process;
:func:`run_step_by_reference` does the same from plain JSON-able data, for an
orchestrator that runs each step in another process or on another machine.
Both return only small metadata: the artifacts themselves go to the artifact
store and their records to the metadata store.
"""

from __future__ import annotations

import time
from os import urandom
from typing import TYPE_CHECKING, Any

from zenml.metadata_stores.models import CACHED, COMPLETED, FAILED, ArtifactRecord, StepRecord
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.base import MetadataStore
    from zenml.orchestrators.deployment import Deployment, StepPlan
    from zenml.stack.stack import Stack

_REFERENCES: dict[str, Any] = {"builtins:NoneType": type(None)}


def resolve_reference(reference: str) -> Any:
    """Import ``"module:attr"`` once per process (types and materializers are looked up for every artifact)."""
    try:
        return _REFERENCES[reference]
    except KeyError:
        from zenml.utils.imports import import_reference

        value = _REFERENCES[reference] = import_reference(reference)
        return value


def remember_type(data_type: type[Any]) -> str:
    """The reference of ``data_type``, remembered so that it resolves in this process even if not importable."""
    reference = f"{data_type.__module__}:{data_type.__qualname__}"
    _REFERENCES.setdefault(reference, data_type)
    return reference


def _new_id() -> str:
    """A random 128-bit id in hex, like ``uuid4().hex`` without importing :mod:`uuid`."""
    return urandom(16).hex()


class RunState:
    """What one process has learnt during a run: the artifact records of the steps it ran."""

    def __init__(self) -> None:
        self.artifacts: dict[tuple[str, str], ArtifactRecord] = {}


def _input_records(
    deployment: Deployment, plan: StepPlan, stack: Stack, state: RunState | None
) -> dict[str, ArtifactRecord]:
    records: dict[str, ArtifactRecord] = {}
    fetched: dict[str, dict[str, ArtifactRecord]] = {}
    for name, (upstream, output) in plan.inputs.items():
        record = state.artifacts.get((upstream, output)) if state is not None else None
        if record is None:
            if upstream not in fetched:
                found = stack.metadata_store.list_artifacts(run_id=deployment.run_id, step_name=upstream)
                fetched[upstream] = {item.output_name: item for item in found}
            record = fetched[upstream].get(output)
        if record is None:
            raise LookupError(
                f"input {name!r} needs output {output!r} of step {upstream!r}, which run "
                f"{deployment.run_name!r} has not recorded; run step {upstream!r} first"
            )
        records[name] = record
    return records


def load_record(
    record: ArtifactRecord, store: ArtifactStore, *, materializer: type[BaseMaterializer] | None = None
) -> Any:
    """Load one recorded artifact from ``store``, checking its content hash.

    ``materializer`` overrides the recorded one; it must read the same format
    (the recorded version is checked against it).
    """
    from zenml.artifacts import load_artifact

    return load_artifact(
        store=store,
        uri=record.uri,
        materializer_cls=materializer or resolve_reference(record.materializer),
        data_type=resolve_reference(record.data_type),
        content_hash=record.content_hash,
        materializer_version=record.materializer_version,
    )


def _intact(store: ArtifactStore, artifact: ArtifactRecord) -> bool:
    """A cheap check (listing and sizes, no reading) that an artifact's files are all still there."""
    if not store.exists(artifact.uri):
        return False
    try:
        return sum(store.size(name) for name in store.walk_files(artifact.uri)) == artifact.size
    except FileNotFoundError:
        return False


def _reuse_cached(
    deployment: Deployment, plan: StepPlan, stack: Stack, key: str
) -> tuple[StepRecord, list[ArtifactRecord]] | None:
    """The step record and artifact copies of an earlier identical step, if its artifacts still exist."""
    store = stack.artifact_store
    cached = stack.metadata_store.find_cached_step(deployment.pipeline_name, plan.id, key)
    if cached is None:
        return None
    artifacts = stack.metadata_store.list_artifacts(run_id=cached.run_id, step_name=cached.name)
    by_name = {artifact.output_name: artifact for artifact in artifacts}
    if set(by_name) != set(plan.outputs):
        return None
    for artifact in artifacts:
        if artifact.artifact_store_path != store.path or not _intact(store, artifact):
            return None  # deleted, truncated or in another store: run the step again
    from dataclasses import replace

    now = time.time()
    copies = [
        replace(artifact, id=_new_id(), run_id=deployment.run_id, step_name=plan.id, created_at=now)
        for artifact in artifacts
    ]
    return cached, copies


def _save_outputs(
    deployment: Deployment, plan: StepPlan, store: ArtifactStore, outputs: dict[str, Any]
) -> list[ArtifactRecord]:
    from zenml.artifacts import save_artifact
    from zenml.materializers.base import MaterializerError
    from zenml.materializers.registry import NoMaterializerError, materializer_registry

    step = plan.resolve_step()
    records = []
    for name, value in outputs.items():
        materializer: type[BaseMaterializer] | None = step.explicit_materializer(name)
        if materializer is None:
            try:
                materializer = materializer_registry.get(type(value))
            except NoMaterializerError as exc:
                raise NoMaterializerError(f"step {plan.id!r} output {name!r}: {exc}") from None
        uri = f"runs/{deployment.run_id}/{plan.id}/{name}"
        try:
            info = save_artifact(value, store=store, uri=uri, materializer_cls=materializer)
        except MaterializerError as exc:
            raise type(exc)(f"step {plan.id!r} output {name!r}: {exc}") from exc
        records.append(
            ArtifactRecord(
                id=_new_id(),
                run_id=deployment.run_id,
                step_name=plan.id,
                output_name=name,
                uri=uri,
                artifact_store_path=store.path,
                data_type=remember_type(type(value)),
                materializer=materializer.reference(),
                materializer_version=materializer.VERSION,
                size=info.size,
                content_hash=info.content_hash,
                created_at=time.time(),
            )
        )
    return records


def _load_inputs(inputs: dict[str, ArtifactRecord], store: ArtifactStore) -> dict[str, Any]:
    """Load a step's input artifacts; a corrupted one is moved aside so that the next run recomputes it."""
    from zenml.artifacts import ArtifactCorruptedError

    try:
        return {name: load_record(record, store) for name, record in inputs.items()}
    except ArtifactCorruptedError as exc:
        where = _quarantine(store, exc.uri)
        if where:
            exc.args = (f"{exc} Its files were moved to {store.uri(where)!r} for inspection, so the next run "
                        "recomputes the step that produced it.",)  # fmt: skip
        raise


def _quarantine(store: ArtifactStore, uri: str) -> str | None:
    """Move an artifact's files under ``corrupted/<uri>/``; return that name, or None if moving failed."""
    target = f"corrupted/{uri}/{int(time.time() * 1000)}"
    try:
        for name in list(store.walk_files(uri)):
            store.rename(name, f"{target}/{name[len(uri) + 1 :]}")
    except OSError:
        return None
    return target


def _record_step(
    metadata: MetadataStore,
    deployment: Deployment,
    plan: StepPlan,
    *,
    status: str,
    started: float,
    key: str | None,
    input_ids: dict[str, str],
    error: str | None = None,
    records: list[ArtifactRecord] | None = None,
) -> None:
    """Record one step's outcome (and its output artifacts) in the metadata store."""
    step_record = StepRecord(
        run_id=deployment.run_id,
        name=plan.id,
        status=status,
        started_at=started,
        ended_at=time.time(),
        cache_key=key,
        inputs=input_ids,
        parameters=plan.parameters,
        error=error,
    )
    metadata.record_step(step_record, records or [])


def run_step(deployment: Deployment, plan: StepPlan, stack: Stack, state: RunState | None = None) -> dict[str, Any]:
    """Run one step of ``deployment`` on ``stack`` and record it; return ``{"step", "status", "artifacts"}``.

    A failure is recorded (step status ``failed``) and re-raised as
    :class:`~zenml.steps.errors.StepFailedError` naming the step, with the
    original exception as its cause.
    """
    started = time.time()
    store = stack.artifact_store
    metadata = stack.metadata_store
    key: str | None = None
    input_ids: dict[str, str] = {}
    try:
        step = plan.resolve_step()
        inputs = _input_records(deployment, plan, stack, state)
        input_ids = {name: record.id for name, record in inputs.items()}
        reused = None
        if plan.enable_cache:  # with caching off no key is computed (nor recorded)
            from zenml.orchestrators.cache import cache_key

            key = cache_key(step, plan, {name: record.content_hash for name, record in inputs.items()})
            reused = _reuse_cached(deployment, plan, stack, key)
        if reused is not None:
            status, records = CACHED, reused[1]
        else:
            from zenml.steps.outputs import split_outputs

            arguments = _load_inputs(inputs, store)
            arguments.update(plan.parameters)
            outputs = split_outputs(step, plan.id, step.func(**arguments))
            status, records = COMPLETED, _save_outputs(deployment, plan, store, outputs)
    except BaseException as exc:
        _record_step(
            metadata,
            deployment,
            plan,
            status=FAILED,
            started=started,
            key=key,
            input_ids=input_ids,
            error=f"{type(exc).__name__}: {exc}",
        )
        if not isinstance(exc, Exception):
            raise
        raise StepFailedError(
            plan.id,
            f"step {plan.id!r} of pipeline {deployment.pipeline_name!r} failed: {type(exc).__name__}: {exc}",
            run_id=deployment.run_id,
            run_name=deployment.run_name,
        ) from exc
    _record_step(
        metadata, deployment, plan, status=status, started=started, key=key, input_ids=input_ids, records=records
    )
    if state is not None:
        for record in records:
            state.artifacts[(plan.id, record.output_name)] = record
    return {"step": plan.id, "status": status, "artifacts": {record.output_name: record.id for record in records}}


def run_step_by_reference(
    run_id: str, step_id: str, deployment: dict[str, Any], stack: dict[str, Any]
) -> dict[str, Any]:
    """Run one step from plain data (``Deployment.to_dict()``, ``Stack.to_dict()``), e.g. in a worker process.

    The step is imported by its ``"module:function"`` reference; its inputs are
    found through the metadata store. Returns the same small dict as :func:`run_step`.
    """
    from zenml.integrations.registry import activate_integrations
    from zenml.orchestrators.deployment import Deployment
    from zenml.stack.stack import Stack

    activate_integrations()
    plan_run = Deployment.from_dict(deployment)
    if plan_run.run_id != run_id:
        raise ValueError(f"deployment is for run {plan_run.run_id!r}, not {run_id!r}")
    return run_step(plan_run, plan_run.step(step_id), Stack.from_dict(stack))
