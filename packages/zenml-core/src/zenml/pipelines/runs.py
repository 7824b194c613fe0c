"""Read-only views of recorded runs, shaped as ZenML 0.98 returns them.

``run.steps["trainer"].outputs["model"][0].load()`` (each output is a list of artifact
versions), ``run.steps["trainer"].output.load()`` for a step's single output, ``.status``
equal to both ``"completed"`` and ``ExecutionStatus.COMPLETED``, ``step_run.config.parameters``.
Nothing is loaded until ``.load()``.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from zenml.artifact_stores.base import ArtifactStore
    from zenml.config.step_configurations import StepConfiguration
    from zenml.enums import ExecutionStatus
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.models import ArtifactRecord, ModelRecord, ModelVersionRecord, RunRecord, StepRecord
    from zenml.model.model import Model
    from zenml.stack.stack import Stack


def _status(value: str) -> ExecutionStatus | str:
    from zenml.enums import as_status

    return as_status(value)


def _datetime(timestamp: float | None) -> datetime | None:
    if timestamp is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def _annotations_of(stack: Stack, resource_type: str, resource_id: str) -> list[Any]:
    return stack.metadata_store.list_annotations(resource_type, [resource_id])


class ArtifactView:
    """One artifact version (ZenML's ``ArtifactVersionResponse``): ``name``, ``version``, ``uri``, ``tags``,
    ``run_metadata``; ``load()`` reads it back (checking its content hash). Nothing is loaded before."""

    def __init__(self, record: ArtifactRecord, stack: Stack) -> None:
        self.record = record
        self._stack = stack

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.artifact_name or self.record.output_name)
    version = property(lambda self: self.record.version)
    version_number = property(lambda self: self.record.version_number)
    output_name = property(lambda self: self.record.output_name)
    data_type = property(lambda self: self.record.data_type)
    materializer = property(lambda self: self.record.materializer)
    size = property(lambda self: self.record.size)
    content_hash = property(lambda self: self.record.content_hash)
    producer = property(lambda self: self.record.step_name)
    producer_pipeline_run_id = property(lambda self: self.record.run_id)
    artifact_store_path = property(lambda self: self.record.artifact_store_path)

    @property
    def body(self) -> ArtifactView:
        """ZenML's response body and metadata sections: the same view (every field is an attribute here)."""
        return self

    metadata = body

    @property
    def uri(self) -> str:
        """The artifact's full location (``/path/...`` or ``gs://...``), as in ZenML."""
        return f"{self.record.artifact_store_path.rstrip('/')}/{self.record.uri}"

    full_uri = uri

    @property
    def save_type(self) -> Any:
        from zenml.enums import ArtifactSaveType

        try:
            return ArtifactSaveType(self.record.save_type)
        except ValueError:
            return self.record.save_type

    @property
    def producer_step_run_id(self) -> str | None:
        from zenml.metadata_stores.models import step_id

        return (
            step_id(self.record.run_id, self.record.step_name) if self.record.run_id and self.record.step_name else None
        )

    @property
    def run_metadata(self) -> dict[str, Any]:
        """Metadata of this version: the materializer's, the step's, and any logged later (newest value wins)."""
        from zenml.metadata_stores.annotations import metadata_of
        from zenml.metadata_stores.models import ARTIFACT_VERSION

        found = metadata_of(_annotations_of(self._stack, ARTIFACT_VERSION, self.id)).get(self.id, {})
        return {**self.record.run_metadata, **found}

    @property
    def tags(self) -> list[str]:
        from zenml.metadata_stores.annotations import tags_of
        from zenml.metadata_stores.models import ARTIFACT_VERSION

        return tags_of(_annotations_of(self._stack, ARTIFACT_VERSION, self.id)).get(self.id, [])

    @property
    def visualizations(self) -> list[dict[str, str]]:
        """What the materializer's ``save_visualizations`` wrote: ``[{"uri", "type"}]`` (full URIs)."""
        root = self.record.artifact_store_path.rstrip("/")
        return [{"uri": f"{root}/{item['uri']}", "type": item["type"]} for item in self.record.visualizations]

    @property
    def artifact(self) -> ArtifactSummary:
        """The artifact this is a version of (``.name``, ``.versions``)."""
        return ArtifactSummary(self.name, self._stack)

    @property
    def created(self) -> datetime | None:
        """When the artifact was stored (UTC)."""
        return _datetime(self.record.created_at)

    def load(self, materializer: type[BaseMaterializer] | None = None, data_type: type[Any] | None = None) -> Any:
        """The artifact's value, loaded with the materializer that saved it.

        Pass a compatible ``materializer`` to load differently, e.g.
        ``MemmapNumpyMaterializer`` to memory-map a large array. The recorded
        materializer and type are used only if this process trusts them
        (see :mod:`zenml.artifacts.trust`); otherwise
        :class:`~zenml.artifacts.UntrustedReferenceError` says how to allow
        them: import the module that defines them, or pass ``materializer``
        and ``data_type`` yourself.
        """
        from zenml.artifacts.recorded import load_record

        store = _store_for(self.record.artifact_store_path, self._stack)
        return load_record(self.record, store, materializer=materializer, data_type=data_type)

    def to_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "full_uri": self.uri, "tags": self.tags, "run_metadata": self.run_metadata}

    def _artifact_type(self) -> Any:
        """The artifact type (a ``zenml.enums.ArtifactType``)."""
        from zenml.enums import ArtifactType

        try:
            return ArtifactType(self.record.artifact_type)
        except ValueError:
            return self.record.artifact_type

    type = property(_artifact_type)  # defined last: ``type`` is the builtin above it in the class body

    def __repr__(self) -> str:
        return f"<artifact version {self.name}::{self.version} ({self.record.data_type})>"


class ArtifactSummary:
    """An artifact: a name and its versions (ZenML's ``ArtifactResponse``)."""

    def __init__(self, name: str, stack: Stack) -> None:
        self.name = name
        self.id = name
        self._stack = stack

    @cached_property
    def versions(self) -> dict[str, ArtifactView]:
        """Version -> artifact version, oldest first."""
        records = self._stack.metadata_store.list_artifact_versions(self.name)
        return {record.version: ArtifactView(record, self._stack) for record in records}

    @property
    def latest_version_name(self) -> str | None:
        return next(reversed(self.versions), None)

    @property
    def latest_version_id(self) -> str | None:
        name = self.latest_version_name
        return self.versions[name].id if name is not None else None

    @property
    def tags(self) -> list[str]:
        """The tags of any of its versions."""
        return sorted({tag for view in self.versions.values() for tag in view.tags})

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "versions": list(self.versions), "latest_version": self.latest_version_name}

    def __repr__(self) -> str:
        return f"<artifact {self.name!r}>"


class ArtifactVersions(list):  # type: ignore[type-arg]
    """The artifact versions of one step output (or input): a list, as in ZenML 0.98.

    ``outputs["model"][0].load()`` is the current spelling. The older ``outputs["model"].load()``
    (and its other attributes) still work on a one-element list for one release, with a
    ``DeprecationWarning``.
    """

    def __init__(self, name: str, items: list[ArtifactView]) -> None:
        super().__init__(items)
        self.name = name

    def _single(self, attribute: str) -> ArtifactView:
        import warnings

        warnings.warn(
            f"outputs[{self.name!r}].{attribute} is deprecated: outputs map each name to a list of artifact versions "
            f"as in ZenML, so write outputs[{self.name!r}][0].{attribute} (or step.output.{attribute} for a step's "
            "single output)",
            DeprecationWarning,
            stacklevel=3,
        )
        if len(self) != 1:
            raise ValueError(f"{self.name!r} has {len(self)} artifact versions: index the one you want")
        view: ArtifactView = self[0]
        return view

    def load(self, materializer: type[BaseMaterializer] | None = None, data_type: type[Any] | None = None) -> Any:
        """Deprecated: ``[0].load()``."""
        return self._single("load()").load(materializer=materializer, data_type=data_type)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_") or not hasattr(ArtifactView, attribute):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {attribute!r}")
        return getattr(self._single(attribute), attribute)


def _store_for(path: str, stack: Stack) -> ArtifactStore:
    """The artifact store rooted at ``path``: the stack's, another configured one, or a local one."""
    if stack.artifact_store.path == path:
        return stack.artifact_store
    from zenml.stack.config import StackConfig
    from zenml.stack.flavors import ARTIFACT_STORE
    from zenml.stack.stack import build_component

    config = StackConfig.load()
    for name, table in config.components(ARTIFACT_STORE).items():
        if table.get("path") == path:
            return build_component(ARTIFACT_STORE, name, table, source=str(config.path))  # type: ignore[return-value]
    if "://" not in path:
        return build_component(ARTIFACT_STORE, "adhoc", {"flavor": "local", "path": path}, source="run record")  # type: ignore[return-value]
    raise LookupError(f"no configured artifact store has root {path!r}; register one with that path to load it")


class StepRunView:
    """One step of a recorded run (ZenML's ``StepRunResponse``)."""

    def __init__(self, record: StepRecord, run: PipelineRun) -> None:
        self.record = record
        self._run = run

    name = property(lambda self: self.record.name)
    cache_key = property(lambda self: self.record.cache_key)

    @property
    def id(self) -> str:
        """The step run's id (``<run id>:<step name>``)."""
        from zenml.metadata_stores.models import step_id

        return step_id(self.record.run_id, self.record.name)

    @property
    def run_metadata(self) -> dict[str, Any]:
        """Metadata logged to this step run (``log_metadata`` inside the step, or with ``step_name=``)."""
        from zenml.metadata_stores.annotations import metadata_of
        from zenml.metadata_stores.models import STEP_RUN

        return metadata_of(_annotations_of(self._run.stack, STEP_RUN, self.id)).get(self.id, {})

    @property
    def model_version(self) -> ModelVersionView | None:
        """The model version this step worked on, if it had a model."""
        return _model_version(self.record.config.get("model"), self._run.stack)

    @property
    def model(self) -> Any:
        version = self.model_version
        return version.to_model_class() if version is not None else None

    parameters = property(lambda self: self.record.parameters)
    error = property(lambda self: self.record.error)
    pipeline_run_id = property(lambda self: self.record.run_id)

    @property
    def status(self) -> ExecutionStatus | str:
        """``ExecutionStatus.COMPLETED`` (equal to ``"completed"``), ``CACHED``, ``FAILED`` or ``RUNNING``."""
        return _status(self.record.status)

    @property
    def start_time(self) -> datetime | None:
        return _datetime(self.record.started_at)

    @property
    def end_time(self) -> datetime | None:
        return _datetime(self.record.ended_at)

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, if it ended."""
        ended = self.record.ended_at
        return None if ended is None else ended - self.record.started_at

    @cached_property
    def config(self) -> StepConfiguration:
        """The configuration the step ran with: ``.parameters``, ``.enable_cache``, ``.extra``, ``.retry``, ..."""
        from zenml.config.step_configurations import StepConfiguration

        data = {"parameters": dict(self.record.parameters), **self.record.config}
        return StepConfiguration.from_dict(self.record.name, data)

    @property
    def attempts(self) -> list[dict[str, Any]]:
        """Each execution attempt: ``{"attempt", "status", "started_at", "ended_at", "error"}`` (empty if cached)."""
        return [dict(attempt) for attempt in self.record.attempts]

    @property
    def traceback(self) -> str | None:
        """The traceback of a failed step's exception, as Python prints it."""
        return self.record.traceback

    @property
    def logs_uri(self) -> str | None:
        """Where what the step printed is kept (``None``: it printed nothing, or capture was off)."""
        root = self._run.record.artifact_store_path
        if self.record.logs_uri is None or root is None:
            return None
        return f"{root.rstrip('/')}/{self.record.logs_uri}"

    def read_logs(self) -> str:
        """What the step printed to stdout and stderr (bounded, see :mod:`zenml.logging.step_logging`),
        with the traceback of a failed step; ``""`` when it printed nothing."""
        root = self._run.record.artifact_store_path
        if self.record.logs_uri is None or root is None:
            return ""
        from zenml.logging.step_logging import read_logs

        return read_logs(_store_for(root, self._run.stack), self.record.logs_uri)

    @cached_property
    def outputs(self) -> dict[str, ArtifactVersions]:
        """Output name -> its artifact versions (a list, as in ZenML: ``outputs["model"][0].load()``)."""
        found: dict[str, list[ArtifactView]] = {}
        for step_name, output_name, record in self._run.step_outputs:
            if step_name == self.record.name:
                found.setdefault(output_name, []).append(ArtifactView(record, self._run.stack))
        return {name: ArtifactVersions(name, items) for name, items in found.items()}

    @cached_property
    def inputs(self) -> dict[str, ArtifactVersions]:
        """Input name -> the artifact versions the step read (one, or several for a list of outputs)."""
        store = self._run.stack.metadata_store
        views: dict[str, ArtifactVersions] = {}
        for name, ids in self.record.inputs.items():
            items = ids if isinstance(ids, list) else [ids]
            views[name] = ArtifactVersions(
                name, [ArtifactView(store.get_artifact(aid), self._run.stack) for aid in items]
            )
        return views

    @property
    def output(self) -> ArtifactView:
        """The single output of a step that has exactly one."""
        if len(self.outputs) != 1:
            raise ValueError(f"step {self.name!r} has {len(self.outputs)} outputs: use .outputs[name][0]")
        versions = next(iter(self.outputs.values()))
        view: ArtifactView = versions[-1]
        return view

    @property
    def input(self) -> ArtifactView:
        """The single input artifact of a step that reads exactly one."""
        versions = [view for items in self.inputs.values() for view in items]
        if len(versions) != 1:
            raise ValueError(f"step {self.name!r} reads {len(versions)} input artifacts: use .inputs[name][0]")
        view: ArtifactView = versions[0]
        return view

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "id": self.id,
            "run_metadata": self.run_metadata,
            "duration": self.duration,
            "outputs": {name: versions[-1].to_dict() for name, versions in self.outputs.items() if versions},
        }

    def __repr__(self) -> str:
        return f"<step run {self.name!r} ({self.status})>"


def _model_version(config: Any, stack: Stack) -> ModelVersionView | None:
    version_id = config.get("model_version_id") if isinstance(config, dict) else None
    if not version_id:
        return None
    from zenml.metadata_stores.base import ModelNotFoundError
    from zenml.model.lookup import version_by_id

    try:
        return ModelVersionView(version_by_id(stack.metadata_store, version_id), stack)
    except ModelNotFoundError:
        return None


class PipelineView:
    """A pipeline, as far as run history knows it (ZenML's ``PipelineResponse``): ``.name``, ``.runs`` (newest
    first), ``.last_run``, ``.last_successful_run``."""

    def __init__(self, name: str, stack: Stack) -> None:
        self.name = name
        self.id = name
        self._stack = stack

    @property
    def runs(self) -> list[PipelineRun]:
        """Every recorded run of the pipeline, newest first."""
        return [
            PipelineRun(record, self._stack) for record in self._stack.metadata_store.list_runs(pipeline_name=self.name)
        ]

    def get_runs(self, **filters: Any) -> list[PipelineRun]:
        """Runs of this pipeline with ``Client().list_pipeline_runs``'s filters (``status=``, ``size=``, ...)."""
        from zenml.metadata_stores.queries import RunQuery

        records, _ = self._stack.metadata_store.query_runs(RunQuery.build(pipeline_name=self.name, **filters))
        return [PipelineRun(record, self._stack) for record in records]

    @property
    def num_runs(self) -> int:
        return len(self._stack.metadata_store.list_runs(pipeline_name=self.name))

    @property
    def last_run(self) -> PipelineRun:
        """The newest run (``LookupError`` if there is none)."""
        records = self._stack.metadata_store.list_runs(pipeline_name=self.name, limit=1)
        if not records:
            raise LookupError(f"pipeline {self.name!r} has no runs")
        return PipelineRun(records[0], self._stack)

    @property
    def last_successful_run(self) -> PipelineRun:
        """The newest completed run (``LookupError`` if there is none)."""
        from zenml.metadata_stores.models import COMPLETED

        records = self._stack.metadata_store.list_runs(pipeline_name=self.name, status=COMPLETED, limit=1)
        if not records:
            raise LookupError(f"pipeline {self.name!r} has no completed runs")
        return PipelineRun(records[0], self._stack)

    @property
    def latest_run_status(self) -> ExecutionStatus | str | None:
        records = self._stack.metadata_store.list_runs(pipeline_name=self.name, limit=1)
        return _status(records[0].status) if records else None

    def to_dict(self) -> dict[str, Any]:
        records = self._stack.metadata_store.list_runs(pipeline_name=self.name)
        return {"name": self.name, "runs": len(records), "latest_run": records[0].name if records else None,
                "latest_run_status": records[0].status if records else None}  # fmt: skip

    def __repr__(self) -> str:
        return f"<pipeline {self.name!r}>"


class RunConfiguration:
    """The configuration a run was started with (``run.config``): ``run_name`` template, ``enable_cache``,
    ``parameters``, ``extra``, ``settings``, ``substitutions``, ``tags``, ``model``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = dict(data)
        self.run_name: str | None = data.get("run_name")
        self.enable_cache: bool | None = data.get("enable_cache")
        self.parameters: dict[str, Any] = dict(data.get("parameters") or {})
        self.extra: dict[str, Any] = dict(data.get("extra") or {})
        self.settings: dict[str, Any] = dict(data.get("settings") or {})
        self.substitutions: dict[str, str] = dict(data.get("substitutions") or {})
        self.tags: list[str] = list(data.get("tags") or [])
        self.model: Any = data.get("model")

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)

    def __repr__(self) -> str:
        return f"RunConfiguration({self._data!r})"


class PipelineRun:
    """One recorded run of a pipeline (ZenML's ``PipelineRunResponse``): status, timing and its steps."""

    def __init__(self, record: RunRecord, stack: Stack) -> None:
        self.record = record
        self.stack = stack

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    pipeline_name = property(lambda self: self.record.pipeline_name)
    created_at = property(lambda self: self.record.created_at)
    ended_at = property(lambda self: self.record.ended_at)
    error = property(lambda self: self.record.error)

    @property
    def status(self) -> ExecutionStatus | str:
        """``ExecutionStatus.COMPLETED`` (equal to ``"completed"``), ``FAILED`` or ``RUNNING``."""
        return _status(self.record.status)

    @property
    def start_time(self) -> datetime | None:
        return _datetime(self.record.created_at)

    @property
    def end_time(self) -> datetime | None:
        return _datetime(self.record.ended_at)

    @property
    def pipeline(self) -> PipelineView:
        return PipelineView(self.record.pipeline_name, self.stack)

    @property
    def config(self) -> RunConfiguration:
        """The configuration the run was started with."""
        return RunConfiguration(self.record.config)

    @property
    def duration(self) -> float | None:
        ended = self.record.ended_at
        return None if ended is None else ended - self.record.created_at

    @cached_property
    def step_outputs(self) -> list[tuple[str, str, ArtifactRecord]]:
        """``(step, output name, artifact version)`` of every output of the run (read once)."""
        return self.stack.metadata_store.list_step_outputs(self.record.id)

    @cached_property
    def artifact_records(self) -> list[ArtifactRecord]:
        """Every artifact version the run's steps output (read once)."""
        return list({record.id: record for _, _, record in self.step_outputs}.values())

    @property
    def created(self) -> datetime | None:
        return _datetime(self.record.created_at)

    @property
    def run_metadata(self) -> dict[str, Any]:
        """The run's own metadata, plus each step's as ``<step>::<key>`` (as ZenML shows a run's metadata)."""
        from zenml.metadata_stores.annotations import metadata_of
        from zenml.metadata_stores.models import PIPELINE_RUN, STEP_RUN, step_id

        store = self.stack.metadata_store
        found = dict(metadata_of(store.list_annotations(PIPELINE_RUN, [self.id])).get(self.id, {}))
        steps = {step_id(self.id, step.name): step.name for step in store.list_steps(self.id)}
        if steps:
            for resource, values in metadata_of(store.list_annotations(STEP_RUN, list(steps))).items():
                found.update({f"{steps[resource]}::{key}": value for key, value in values.items()})
        return found

    @property
    def tags(self) -> list[str]:
        from zenml.metadata_stores.annotations import tags_of
        from zenml.metadata_stores.models import PIPELINE_RUN

        return tags_of(_annotations_of(self.stack, PIPELINE_RUN, self.id)).get(self.id, [])

    @property
    def model_version(self) -> ModelVersionView | None:
        """The model version the run worked on (its pipeline's, else its steps' first), if any."""
        from zenml.metadata_stores.annotations import links_of
        from zenml.metadata_stores.models import MODEL_VERSION, PIPELINE_RUN

        linked = links_of(_annotations_of(self.stack, PIPELINE_RUN, self.id), MODEL_VERSION).get(self.id, [])
        return _model_version({"model_version_id": linked[0]}, self.stack) if linked else None

    @property
    def body(self) -> PipelineRun:
        """ZenML's response sections: the same view (every field is an attribute here)."""
        return self

    metadata = body

    @cached_property
    def steps(self) -> dict[str, StepRunView]:
        """Step id -> step, in the order they ran."""
        return {
            record.name: StepRunView(record, self) for record in self.stack.metadata_store.list_steps(self.record.id)
        }

    def refresh(self) -> PipelineRun:
        """A fresh view of the same run (status and steps re-read)."""
        return PipelineRun(self.stack.metadata_store.get_run(self.record.id), self.stack)

    def to_dict(self, *, steps: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {**self.record.to_dict(), "duration": self.duration}
        if steps:
            data["steps"] = [step.to_dict() for step in self.steps.values()]
        return data

    def __repr__(self) -> str:
        return f"<run {self.name!r} of {self.pipeline_name!r} ({self.status})>"


# -- models (ZenML's ModelResponse and ModelVersionResponse) ------------------------------------------


class ModelView:
    """A recorded model (ZenML's ``ModelResponse``): ``name``, ``license``, ``description``, ``tags``, ``versions``."""

    def __init__(self, record: ModelRecord, stack: Stack) -> None:
        self.record = record
        self._stack = stack

    name = property(lambda self: self.record.name)
    id = property(lambda self: self.record.name)
    license = property(lambda self: self.record.license)
    description = property(lambda self: self.record.description)
    audience = property(lambda self: self.record.audience)
    use_cases = property(lambda self: self.record.use_cases)
    limitations = property(lambda self: self.record.limitations)
    trade_offs = property(lambda self: self.record.trade_offs)
    ethics = property(lambda self: self.record.ethics)

    @property
    def created(self) -> datetime | None:
        return _datetime(self.record.created_at)

    @property
    def tags(self) -> list[str]:
        from zenml.metadata_stores.annotations import tags_of
        from zenml.metadata_stores.models import MODEL

        return tags_of(self._stack.metadata_store.list_annotations(MODEL, [self.name])).get(self.name, [])

    @cached_property
    def versions(self) -> list[ModelVersionView]:
        """Every version, oldest first."""
        return [
            ModelVersionView(record, self._stack)
            for record in self._stack.metadata_store.list_model_versions(self.name)
        ]

    @property
    def latest_version_name(self) -> str | None:
        return self.versions[-1].name if self.versions else None

    @property
    def latest_version_id(self) -> str | None:
        return self.versions[-1].id if self.versions else None

    def get_model_version(self, version: Any = None) -> ModelVersionView:
        """A version by name, number or stage (the latest without one)."""
        from zenml.model.lookup import find_version

        return ModelVersionView(find_version(self._stack.metadata_store, self.name, version), self._stack)

    def to_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "tags": self.tags, "versions": [v.name for v in self.versions]}

    def __repr__(self) -> str:
        return f"<model {self.name!r}>"


class ModelVersionView:
    """One version of a model (ZenML's ``ModelVersionResponse``)."""

    def __init__(self, record: ModelVersionRecord, stack: Stack) -> None:
        self.record = record
        self._stack = stack

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    number = property(lambda self: self.record.number)
    description = property(lambda self: self.record.description)

    @property
    def created(self) -> datetime | None:
        return _datetime(self.record.created_at)

    @property
    def model(self) -> ModelView:
        return ModelView(self._stack.metadata_store.get_model(self.record.model_name), self._stack)

    @cached_property
    def _annotations(self) -> list[Any]:
        from zenml.metadata_stores.models import MODEL_VERSION

        return self._stack.metadata_store.list_annotations(MODEL_VERSION, [self.id])

    @property
    def stage(self) -> str | None:
        """The current stage (a ``ModelStages`` value), or ``None``."""
        from zenml.metadata_stores.annotations import stages_of

        found = stages_of(self._annotations).get(self.id)
        if found in (None, "none"):
            return None
        from zenml.enums import ModelStages

        return ModelStages(found)

    @property
    def tags(self) -> list[str]:
        from zenml.metadata_stores.annotations import tags_of

        return tags_of(self._annotations).get(self.id, [])

    @property
    def run_metadata(self) -> dict[str, Any]:
        from zenml.metadata_stores.annotations import metadata_of

        return metadata_of(self._annotations).get(self.id, {})

    def _linked(self, target_type: str) -> list[str]:
        from zenml.metadata_stores.annotations import links_of

        return links_of(self._annotations, target_type).get(self.id, [])

    @cached_property
    def artifact_versions(self) -> list[ArtifactView]:
        """Every artifact version linked to this model version (made by its runs' steps), oldest first."""
        from zenml.metadata_stores.base import ArtifactRecordNotFoundError
        from zenml.metadata_stores.models import ARTIFACT_VERSION

        views = []
        for artifact_id in self._linked(ARTIFACT_VERSION):
            try:
                views.append(ArtifactView(self._stack.metadata_store.get_artifact(artifact_id), self._stack))
            except ArtifactRecordNotFoundError:
                continue
        return sorted(views, key=lambda view: view.record.created_at)

    def _by_type(self, *types: str) -> dict[str, dict[str, ArtifactView]]:
        found: dict[str, dict[str, ArtifactView]] = {}
        for view in self.artifact_versions:
            if not types or view.record.artifact_type in types:
                found.setdefault(view.name, {})[view.version] = view
        return found

    @property
    def data_artifacts(self) -> dict[str, dict[str, ArtifactView]]:
        """Artifact name -> version -> artifact, for artifacts that are not models or services."""
        special = ("ModelArtifact", "ServiceArtifact")
        return {
            name: versions
            for name, versions in self._by_type().items()
            if not any(view.record.artifact_type in special for view in versions.values())
        }

    @property
    def model_artifacts(self) -> dict[str, dict[str, ArtifactView]]:
        return self._by_type("ModelArtifact")

    @property
    def deployment_artifacts(self) -> dict[str, dict[str, ArtifactView]]:
        return self._by_type("ServiceArtifact")

    def get_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        """The linked artifact version of that name (the newest, unless ``version`` is given), or ``None``."""
        versions = self._by_type().get(name, {})
        if version is not None:
            return versions.get(str(version))
        return list(versions.values())[-1] if versions else None

    def get_model_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        found = self.get_artifact(name, version)
        return found if found is not None and found.record.artifact_type == "ModelArtifact" else None

    def get_data_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        found = self.get_artifact(name, version)
        return (
            found
            if found is not None and found.record.artifact_type not in ("ModelArtifact", "ServiceArtifact")
            else None
        )

    def get_deployment_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        found = self.get_artifact(name, version)
        return found if found is not None and found.record.artifact_type == "ServiceArtifact" else None

    def load_artifact(self, name: str, version: str | None = None) -> Any:
        """Load the linked artifact version of that name (the newest, unless ``version`` is given)."""
        found = self.get_artifact(name, version)
        if found is None:
            linked = ", ".join(sorted(self._by_type())) or "none"
            raise ValueError(
                f"Version {self.name} of model {self.record.model_name} does not have an artifact with name {name}"
                f"{f' and version {version}' if version is not None else ''} (linked artifacts: {linked})."
            )
        return found.load()

    @property
    def pipeline_runs(self) -> dict[str, PipelineRun]:
        """Run name -> run, for the runs that used this model version."""
        from zenml.metadata_stores.base import RunNotFoundError
        from zenml.metadata_stores.models import PIPELINE_RUN

        runs = {}
        for run_id in self._linked(PIPELINE_RUN):
            try:
                record = self._stack.metadata_store.get_run(run_id)
            except RunNotFoundError:
                continue
            runs[record.name] = PipelineRun(record, self._stack)
        return runs

    def get_pipeline_run(self, name: str) -> PipelineRun:
        return self.pipeline_runs[name]

    def set_stage(self, stage: Any, force: bool = False) -> None:
        """Move this version to ``stage`` (``staging``, ``production``, ``archived``, ``none``).

        Another version already in that stage is an error unless ``force=True``, which archives it (as ZenML).
        """
        from zenml.metadata_stores.annotations import stage_annotation
        from zenml.metadata_stores.models import MODEL_VERSION
        from zenml.model.lookup import SETTABLE_STAGES, stages

        text = str(getattr(stage, "value", stage)).lower()
        if text not in SETTABLE_STAGES:
            raise ValueError(
                f"{stage!r} is not a stage a version can be set to; use one of {', '.join(SETTABLE_STAGES)}"
            )
        store = self._stack.metadata_store
        versions = store.list_model_versions(self.record.model_name)
        current = stages(store, versions)
        holders = [record for record in versions if current[record.id] == text and record.id != self.id]
        if holders and text not in ("none", "archived"):
            if not force:
                raise RuntimeError(
                    f"version {holders[-1].name!r} of model {self.record.model_name!r} is already in stage {text!r}: "
                    "pass force=True to move it to 'archived' and this version in"
                )
        else:
            holders = []
        store.add_annotations(
            [stage_annotation(MODEL_VERSION, record.id, "archived") for record in holders]
            + [stage_annotation(MODEL_VERSION, self.id, text)]
        )
        self.__dict__.pop("_annotations", None)

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        from zenml.metadata_stores.annotations import metadata_annotations
        from zenml.metadata_stores.models import MODEL_VERSION

        self._stack.metadata_store.add_annotations(metadata_annotations(MODEL_VERSION, self.id, metadata))
        self.__dict__.pop("_annotations", None)

    def to_model_class(self) -> Model:
        """This version as a ``zenml.Model`` (to pass to ``model=``)."""
        from zenml import Model  # the public name: views never import the module that defines Model

        return Model._from_record(self.record, self._stack)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "stage": str(self.stage) if self.stage else None,
            "tags": self.tags,
            "run_metadata": self.run_metadata,
            "artifacts": {view.name: view.version for view in self.artifact_versions},
        }

    def __repr__(self) -> str:
        return f"<model version {self.record.model_name}::{self.name} (#{self.number})>"
