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
    from zenml.metadata_stores.models import ArtifactRecord, RunRecord, StepRecord
    from zenml.stack.stack import Stack


def _status(value: str) -> ExecutionStatus | str:
    from zenml.enums import as_status

    return as_status(value)


def _datetime(timestamp: float | None) -> datetime | None:
    if timestamp is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


class ArtifactView:
    """One stored artifact version. ``load()`` reads it back (checking its content hash)."""

    def __init__(self, record: ArtifactRecord, stack: Stack) -> None:
        self.record = record
        self._stack = stack

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.output_name)
    uri = property(lambda self: self.record.uri)
    data_type = property(lambda self: self.record.data_type)
    materializer = property(lambda self: self.record.materializer)
    size = property(lambda self: self.record.size)
    content_hash = property(lambda self: self.record.content_hash)
    producer = property(lambda self: self.record.step_name)
    run_metadata = property(lambda self: dict(self.record.run_metadata))

    @property
    def full_uri(self) -> str:
        """The artifact's location including the store's root (``/path/...`` or ``gs://...``)."""
        return f"{self.record.artifact_store_path.rstrip('/')}/{self.record.uri}"

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
        return {**self.record.to_dict(), "full_uri": self.full_uri}

    def __repr__(self) -> str:
        return f"<artifact {self.record.step_name}.{self.record.output_name} ({self.record.data_type})>"


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
        for record in self._run.artifact_records:
            if record.step_name == self.record.name:
                found.setdefault(record.output_name, []).append(ArtifactView(record, self._run.stack))
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
            "duration": self.duration,
            "outputs": {name: versions[-1].to_dict() for name, versions in self.outputs.items() if versions},
        }

    def __repr__(self) -> str:
        return f"<step run {self.name!r} ({self.status})>"


class PipelineView:
    """A pipeline, as far as run history knows it: ``.name``, ``.runs`` (newest first), ``.last_run``."""

    def __init__(self, name: str, stack: Stack) -> None:
        self.name = name
        self._stack = stack

    @property
    def runs(self) -> list[PipelineRun]:
        """Every recorded run of the pipeline, newest first."""
        return [
            PipelineRun(record, self._stack) for record in self._stack.metadata_store.list_runs(pipeline_name=self.name)
        ]

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
    def artifact_records(self) -> list[ArtifactRecord]:
        """Every artifact the run recorded (read once)."""
        return self.stack.metadata_store.list_artifacts(run_id=self.record.id)

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
