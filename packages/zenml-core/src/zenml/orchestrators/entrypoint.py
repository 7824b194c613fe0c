"""Run one step of a run: load its inputs, call it (or reuse cached outputs), store and record its outputs.

:func:`run_step` is what a :class:`~zenml.orchestrators.payload.StepPayload` runs,
in this process or in another one. It returns only small metadata: the artifacts
themselves go to the artifact store and their records to the metadata store.
"""

from __future__ import annotations

import time
from os import urandom
from typing import TYPE_CHECKING, Any

from zenml.metadata_stores.models import CACHED, COMPLETED, FAILED, STEP_OUTPUT, ArtifactRecord, StepRecord
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.artifacts.artifact_config import ArtifactConfig
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.base import MetadataStore
    from zenml.metadata_stores.models import AnnotationRecord
    from zenml.orchestrators.deployment import Deployment, StepPlan
    from zenml.stack.stack import Stack
    from zenml.steps.base import Step
    from zenml.steps.step_context import StepContext


def artifact_uri(run_id: str, step_id: str, output: str) -> str:
    """Where an output is stored in the artifact store: ``runs/<run id>/<step id>/<output>``.

    Each part is checked to be one path segment that no store rewrites (:mod:`zenml.steps.names`), so
    different outputs never share, or nest inside, one directory.
    """
    from zenml.steps.names import check_name

    return f"runs/{check_name('run id', run_id)}/{check_name('step id', step_id)}/{check_name('output name', output)}"


def _new_id() -> str:
    """A random 128-bit id in hex, like ``uuid4().hex`` without importing :mod:`uuid`."""
    return urandom(16).hex()


class RunState:
    """What one process has learnt during a run: the artifact records of the steps it ran."""

    def __init__(self) -> None:
        self.artifacts: dict[tuple[str, str], ArtifactRecord] = {}


def _input_records(
    deployment: Deployment, plan: StepPlan, stack: Stack, state: RunState | None
) -> dict[str, ArtifactRecord | list[ArtifactRecord]]:
    fetched: dict[str, dict[str, ArtifactRecord]] = {}

    def find(name: str, upstream: str, output: str) -> ArtifactRecord:
        if not upstream:  # an ExternalArtifact: ``output`` is the id of its artifact version
            return stack.metadata_store.get_artifact(output)
        record = state.artifacts.get((upstream, output)) if state is not None else None
        if record is None:
            if upstream not in fetched:
                found = stack.metadata_store.list_artifacts(run_id=deployment.run_id, step_name=upstream)
                fetched[upstream] = {item.output_name or "": item for item in found}
            record = fetched[upstream].get(output)
        if record is None:
            raise LookupError(
                f"input {name!r} needs output {output!r} of step {upstream!r}, which run "
                f"{deployment.run_name!r} has not recorded; run step {upstream!r} first"
            )
        return record

    records: dict[str, ArtifactRecord | list[ArtifactRecord]] = {}
    for name, source in plan.inputs.items():
        if isinstance(source, list):
            records[name] = [find(name, upstream, output) for upstream, output in source]
        else:
            records[name] = find(name, *source)
    return records


def _intact(store: ArtifactStore, artifact: ArtifactRecord) -> bool:
    """Whether an artifact's files are exactly as recorded, without reading them where the store can tell.

    With a recorded fingerprint (metadata only: one listing) a changed, added, removed or
    replaced file, or a symbolic link out of the store, means "not intact". Older records
    have none: their files are hashed and compared with the content hash instead.
    """
    from zenml.artifact_stores.base import InvalidArtifactNameError

    try:
        if artifact.fingerprint is not None:
            return store.fingerprint(artifact.uri) == artifact.fingerprint
        from zenml.artifacts.io import compute_content_hash

        return store.exists(artifact.uri) and compute_content_hash(store, artifact.uri) == artifact.content_hash
    except (FileNotFoundError, InvalidArtifactNameError):
        return False


def _reuse_cached(
    deployment: Deployment, plan: StepPlan, stack: Stack, key: str
) -> tuple[StepRecord, list[ArtifactRecord]] | None:
    """The step record and output versions of an earlier identical step, if its artifacts still exist.

    The outputs are the same artifact versions (a cached step makes no new version, as in ZenML).
    """
    store = stack.artifact_store
    cached = stack.metadata_store.find_cached_step(deployment.pipeline_name, plan.id, key)
    if cached is None:
        return None
    artifacts = [
        artifact
        for step, _, artifact in stack.metadata_store.list_step_outputs(cached.run_id)
        if step == cached.name and artifact.save_type == STEP_OUTPUT
    ]
    by_name = {artifact.output_name or "": artifact for artifact in artifacts}
    if set(by_name) != set(plan.outputs):
        return None
    for artifact in artifacts:
        if artifact.artifact_store_path != store.path or not _intact(store, artifact):
            return None  # deleted, truncated or in another store: run the step again
    return cached, artifacts


def artifact_name(deployment: Deployment, plan: StepPlan, output: str, config: ArtifactConfig | None) -> str:
    """The artifact name of a step output: its ``ArtifactConfig`` name (templates filled), else ZenML's default
    ``<pipeline>::<step>::<output>``."""
    if config is None or not config.name:
        return f"{deployment.pipeline_name}::{plan.id}::{output}"
    from zenml.utils.string_utils import format_name_template

    return format_name_template(config.name, plan.config.get("substitutions"), start_time=deployment.created_at)


def _save_outputs(
    deployment: Deployment,
    plan: StepPlan,
    store: ArtifactStore,
    outputs: dict[str, Any],
    context: StepContext | None = None,
) -> tuple[list[ArtifactRecord], list[AnnotationRecord]]:
    """Save each output as a new artifact version; return the records and their metadata and tag annotations."""
    from zenml.artifacts import save_artifact
    from zenml.artifacts.recorded import new_version_record
    from zenml.materializers.base import MaterializerError
    from zenml.materializers.registry import NoMaterializerError, materializer_registry
    from zenml.metadata_stores.annotations import metadata_annotations, tag_annotations
    from zenml.metadata_stores.models import ARTIFACT_VERSION

    step = plan.resolve_step()
    records = []
    annotations: list[AnnotationRecord] = []
    extract = plan.config.get("enable_artifact_metadata") is not False
    visualize = plan.config.get("enable_artifact_visualization") is not False
    for name, value in outputs.items():
        materializer: type[BaseMaterializer] | None = step.explicit_materializer(name)
        if materializer is None:
            try:
                materializer = materializer_registry.get(type(value))
            except NoMaterializerError as exc:
                raise NoMaterializerError(f"step {plan.id!r} output {name!r}: {exc}") from None
        config = step.artifact_configs.get(name)
        uri = artifact_uri(deployment.run_id, plan.id, name)
        try:
            info = save_artifact(value, store=store, uri=uri, materializer_cls=materializer, extract_metadata=extract,
                                 visualizations=visualize)  # fmt: skip
        except MaterializerError as exc:
            raise type(exc)(f"step {plan.id!r} output {name!r}: {exc}") from exc
        except RecursionError:  # from whichever materializer walked the value
            raise MaterializerError(
                f"step {plan.id!r} output {name!r} contains itself (a circular reference) or is nested deeper than "
                "Python's recursion limit, so it cannot be stored; return a value without cycles"
            ) from None
        record = new_version_record(
            _new_id(),
            value,
            info,
            store=store,
            uri=uri,
            materializer=materializer,
            name=artifact_name(deployment, plan, name, config),
            version=config.version if config is not None else None,
            artifact_type=config.artifact_type if config is not None else None,
            run_id=deployment.run_id,
            step_name=plan.id,
            output_name=name,
        )
        metadata = {**info.metadata, **((config.run_metadata or {}) if config else {})}
        tags = list(config.tags or []) if config else []
        if context is not None:
            metadata.update(context.get_output_metadata(name))
            tags += context.get_output_tags(name)
        records.append(record)
        annotations += metadata_annotations(ARTIFACT_VERSION, record.id, metadata, now=record.created_at)
        annotations += tag_annotations(ARTIFACT_VERSION, record.id, tags, now=record.created_at)
    return records, annotations


def _declared_materializer(
    deployment: Deployment, source: tuple[str, str], record: ArtifactRecord
) -> type[BaseMaterializer] | None:
    """The materializer the pipeline code declared for the upstream output ``source``, if the record used it.

    The deployment comes from the user's code (not from stored data), so its
    choice counts as the caller's: this is how a pickle output declared with
    ``output_materializers=`` is loaded by the next step.
    """
    try:
        reference = deployment.step(source[0]).outputs.get(source[1], ("", 0))[0]
    except KeyError:
        return None
    if not reference or reference != record.materializer:
        return None
    from zenml.materializers.registry import materializer_registry

    return materializer_registry.known_materializer(reference)


def _load_inputs(
    inputs: dict[str, ArtifactRecord | list[ArtifactRecord]], stack: Stack, *, deployment: Deployment, plan: StepPlan,
    step: Step,
) -> dict[str, Any]:  # fmt: skip
    """Load a step's input artifacts; a corrupted one is moved aside so that the next run recomputes it.

    An input annotated ``UnmaterializedArtifact`` receives the artifact version itself, unloaded.
    """
    from zenml.artifacts import ArtifactCorruptedError
    from zenml.artifacts.recorded import load_record
    from zenml.steps.typing_utils import strip_annotated

    store = stack.artifact_store

    def load(name: str, record: ArtifactRecord, index: int | None) -> Any:
        annotation = strip_annotated(step.inputs.get(name))
        if getattr(annotation, "ZENML_UNMATERIALIZED", False):
            return annotation(record, stack)
        source = plan.inputs[name]
        upstream = source[index] if isinstance(source, list) and index is not None else source
        declared = _declared_materializer(deployment, upstream, record) if isinstance(upstream, tuple) else None
        return load_record(record, store, materializer=declared)

    try:
        return {
            name: [load(name, item, index) for index, item in enumerate(record)]
            if isinstance(record, list)
            else load(name, record, None)
            for name, record in inputs.items()
        }
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
    input_ids: dict[str, str | list[str]],
    error: str | None = None,
    records: list[ArtifactRecord] | None = None,
    attempts: list[dict[str, Any]] | None = None,
    annotations: list[AnnotationRecord] | None = None,
    logs_uri: str | None = None,
    traceback: str | None = None,
) -> list[ArtifactRecord]:
    """Record one step's outcome (its attempts, outputs with their annotations, and logs); return the outputs as
    recorded."""
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
        config=plan.config,
        attempts=list(attempts or []),
        logs_uri=logs_uri,
        traceback=traceback,
    )
    return metadata.record_step(step_record, records or [], annotations or [])


class _Attempts(list):  # type: ignore[type-arg]
    """The attempts of one step execution, as recorded (a list of dicts)."""

    def add(self, number: int, status: str, started: float, error: BaseException | None = None) -> None:
        self.append(
            {
                "attempt": number,
                "status": status,
                "started_at": started,
                "ended_at": time.time(),
                "error": None if error is None else f"{type(error).__name__}: {error}",
            }
        )


def _execute(
    deployment: Deployment,
    plan: StepPlan,
    stack: Stack,
    inputs: dict[str, ArtifactRecord | list[ArtifactRecord]],
    *,
    attempts: _Attempts,
    started: float,
) -> tuple[list[ArtifactRecord], list[AnnotationRecord], StepContext]:
    """Call the step (trying again as its retry configuration says) and store its outputs.

    Each attempt runs with a fresh step context and freshly loaded inputs; each is recorded
    in ``attempts``. Saving the outputs is not retried.
    """
    from zenml.config.retry_config import StepRetryConfig
    from zenml.materializers.temporary import step_scope
    from zenml.metadata_stores.models import RETRIED
    from zenml.steps.outputs import split_outputs
    from zenml.steps.step_context import activate

    step = plan.resolve_step()
    store = stack.artifact_store
    retry = StepRetryConfig(**plan.config["retry"]) if plan.config.get("retry") else StepRetryConfig(max_retries=0)
    with step_scope():  # local copies materializers made for this step (a loaded Path) end with it
        number = 0
        while True:
            number += 1
            attempt_started = time.time()
            context = _new_context(deployment, plan, stack, inputs, started)
            try:
                arguments = _load_inputs(inputs, stack, deployment=deployment, plan=plan, step=step)
                _check_input_types(deployment, plan, step, arguments)
                arguments.update(plan.parameters)
                with activate(context):
                    outputs = split_outputs(step, plan.id, step.func(**arguments))
            except Exception as error:
                from zenml.artifacts import ArtifactCorruptedError

                if number > retry.max_retries or isinstance(error, ArtifactCorruptedError):
                    attempts.add(number, FAILED, attempt_started, error)
                    raise
                attempts.add(number, RETRIED, attempt_started, error)
                wait = retry.wait_before(number)
                if wait > 0:
                    time.sleep(wait)
                continue
            records, annotations = _save_outputs(deployment, plan, store, outputs, context)
            records += context.saved_artifacts()
            annotations += _model_links(plan, records)
            attempts.add(number, COMPLETED, attempt_started)
            return records, annotations, context


def _model_links(plan: StepPlan, records: list[ArtifactRecord]) -> list[AnnotationRecord]:
    """Links from the step's model version (resolved when the run started) to its output versions."""
    model = plan.config.get("model")
    version_id = model.get("model_version_id") if isinstance(model, dict) else None
    if not version_id:
        return []
    from zenml.metadata_stores.annotations import link_annotation
    from zenml.metadata_stores.models import ARTIFACT_VERSION, MODEL_VERSION

    return [link_annotation(MODEL_VERSION, version_id, ARTIFACT_VERSION, record.id) for record in records]


def _cached_step_annotations(
    stack: Stack, cached: StepRecord, deployment: Deployment, plan: StepPlan
) -> list[AnnotationRecord]:
    """The metadata of the step run a cached step comes from, copied to the cached step run (as in ZenML)."""
    from dataclasses import replace

    from zenml.metadata_stores.models import METADATA, STEP_RUN, step_id

    source = stack.metadata_store.list_annotations(STEP_RUN, [step_id(cached.run_id, cached.name)])
    target = step_id(deployment.run_id, plan.id)
    return [replace(item, resource_id=target) for item in source if item.kind == METADATA]


def _check_input_types(deployment: Deployment, plan: StepPlan, step: Step, arguments: dict[str, Any]) -> None:
    """Check inputs read from outputs without a concrete annotation (not checked when they were saved)."""
    from zenml.steps.errors import StepInvocationError
    from zenml.steps.typing_utils import matches, type_name

    for name, source in plan.inputs.items():
        annotation = step.inputs.get(name)
        sources = source if isinstance(source, list) else [source]
        unchecked = False
        for upstream, output in sources:
            try:
                unchecked = unchecked or not deployment.step(upstream).outputs.get(output, ("", 0))[0]
            except KeyError:
                unchecked = True
        if unchecked and not matches(arguments[name], annotation):
            raise StepInvocationError(
                f"step {plan.id!r} input {name!r} must be {type_name(annotation)} (its annotation), but the "
                f"artifact connected to it holds {type(arguments[name]).__name__} (from an untyped step output)"
            )


def _new_context(
    deployment: Deployment,
    plan: StepPlan,
    stack: Stack,
    inputs: dict[str, ArtifactRecord | list[ArtifactRecord]],
    started: float,
) -> StepContext:
    from zenml.steps.step_context import StepContext, StepContextOutput

    step = plan.resolve_step()
    outputs = {}
    for name in plan.outputs:
        store_name = artifact_uri(deployment.run_id, plan.id, name)
        outputs[name] = StepContextOutput(
            _planned_materializer(plan, step, name), store_name, stack.artifact_store.uri(store_name)
        )
    return StepContext(deployment=deployment, plan=plan, stack=stack, inputs=inputs, outputs=outputs,
                       started_at=started)  # fmt: skip


def _planned_materializer(plan: StepPlan, step: Step, name: str) -> type[BaseMaterializer] | None:
    """The materializer chosen for an output when the pipeline was built (``None``: chosen from the value)."""
    explicit = step.explicit_materializer(name)
    if explicit is not None:
        return explicit
    from zenml.steps.typing_utils import concrete_class

    cls = concrete_class(step.outputs.get(name))
    if cls is None or not plan.outputs.get(name, ("", 0))[0]:
        return None
    from zenml.materializers.registry import materializer_registry

    return materializer_registry.find(cls)


def _run_hook(kind: str, deployment: Deployment, plan: StepPlan, context: StepContext | None,
              exception: BaseException | None = None) -> None:  # fmt: skip
    """Run the step's ``on_success`` or ``on_failure`` hook, if it has one, inside its step context."""
    hook = plan.hook(kind)
    if not hook:
        return
    from zenml.hooks.hook_validators import load_and_run_hook
    from zenml.steps.step_context import activate

    where = f"step {plan.id!r} of run {deployment.run_name!r}"
    if context is None:
        load_and_run_hook(hook, exception=exception, where=where, kind=kind)
        return
    with activate(context):
        load_and_run_hook(hook, exception=exception, where=where, kind=kind)


def record_lost_step(deployment: Deployment, plan: StepPlan, stack: Stack, *, error: str) -> None:
    """Record as failed a step whose process died before it could record itself (the run's owner calls this)."""
    now = time.time()
    _record_step(
        stack.metadata_store, deployment, plan, status=FAILED, started=now, key=None, input_ids={}, error=error
    )


def run_step(deployment: Deployment, plan: StepPlan, stack: Stack, state: RunState | None = None) -> dict[str, Any]:
    """Run one step of ``deployment`` on ``stack`` and record it; return ``{"step", "status", "artifacts"}``.

    A failure (after the retries the step's configuration allows) is recorded (step status
    ``failed``, every attempt kept, with its traceback), the step's ``on_failure`` hook runs, and
    the failure is re-raised as :class:`~zenml.steps.errors.StepFailedError` naming the step, with
    the original exception as its cause. After a success the ``on_success`` hook runs (not for
    cached steps). What the step prints is kept as its logs (:mod:`zenml.logging.step_logging`).
    """
    from zenml.logging.step_logging import capture, format_traceback, logs_name, save_logs

    started = time.time()
    metadata = stack.metadata_store
    key: str | None = None
    input_ids: dict[str, str | list[str]] = {}
    attempts = _Attempts()
    context: StepContext | None = None
    inputs: dict[str, ArtifactRecord | list[ArtifactRecord]] = {}
    log_name = logs_name(deployment.run_id, plan.id)
    output = capture()
    try:
        step = plan.resolve_step()
        inputs = _input_records(deployment, plan, stack, state)
        input_ids = {
            name: [item.id for item in record] if isinstance(record, list) else record.id
            for name, record in inputs.items()
        }
        reused = None
        annotations: list[AnnotationRecord] = []
        if plan.enable_cache:  # with caching off no key is computed (nor recorded)
            from zenml.orchestrators.cache import cache_key

            hashes = {
                name: ",".join(item.content_hash for item in record)
                if isinstance(record, list)
                else record.content_hash
                for name, record in inputs.items()
            }
            key = cache_key(step, plan, hashes)
            reused = _reuse_cached(deployment, plan, stack, key)
        if reused is not None:
            status, records = CACHED, reused[1]
            annotations = _cached_step_annotations(stack, reused[0], deployment, plan) + _model_links(plan, records)
        else:
            records, annotations, context = _execute(
                deployment, plan, stack, inputs, attempts=attempts, started=started
            )
            status = COMPLETED
        # recording can fail too (an explicit artifact version that exists): the step then fails
        records = _record_step(
            metadata,
            deployment,
            plan,
            status=status,
            started=started,
            key=key,
            input_ids=input_ids,
            records=records,
            attempts=attempts,
            annotations=annotations,
            logs_uri=save_logs(output, stack.artifact_store, log_name),
        )
    except BaseException as exc:
        trace = format_traceback(exc)
        _record_step(
            metadata,
            deployment,
            plan,
            status=FAILED,
            started=started,
            key=key,
            input_ids=input_ids,
            error=f"{type(exc).__name__}: {exc}",
            attempts=attempts,
            logs_uri=save_logs(output, stack.artifact_store, log_name, trace),
            traceback=trace,
        )
        if not isinstance(exc, Exception):
            raise
        if attempts:  # the step's own code (or its outputs) failed, not the run's machinery before it
            try:
                failed_context = _new_context(deployment, plan, stack, inputs, started)
            except Exception:
                failed_context = None
            _run_hook("on_failure", deployment, plan, failed_context, exc)
        raise StepFailedError(
            plan.id,
            f"step {plan.id!r} of pipeline {deployment.pipeline_name!r} failed: {type(exc).__name__}: {exc}",
            run_id=deployment.run_id,
            run_name=deployment.run_name,
        ) from exc
    if state is not None:
        for record in records:
            state.artifacts[(plan.id, record.output_name or "")] = record
    if status == COMPLETED:
        _run_hook("on_success", deployment, plan, context)
    return {"step": plan.id, "status": status, "artifacts": {record.output_name: record.id for record in records}}
