"""Read-only views of recorded runs: ``run.steps["trainer"].outputs["model"].load()``."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.models import ArtifactRecord, RunRecord, StepRecord
    from zenml.stack.stack import Stack


class ArtifactView:
    """One stored artifact. ``load()`` reads it back (checking its content hash)."""

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

    @property
    def full_uri(self) -> str:
        """The artifact's location including the store's root (``/path/...`` or ``gs://...``)."""
        return f"{self.record.artifact_store_path.rstrip('/')}/{self.record.uri}"

    def load(self, materializer: type[BaseMaterializer] | None = None) -> Any:
        """The artifact's value, loaded with the materializer that saved it.

        Pass a compatible ``materializer`` to load differently, e.g.
        ``MemmapNumpyMaterializer`` to memory-map a large array.
        """
        from zenml.orchestrators.entrypoint import load_record

        store = _store_for(self.record.artifact_store_path, self._stack)
        return load_record(self.record, store, materializer=materializer)

    def to_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "full_uri": self.full_uri}

    def __repr__(self) -> str:
        return f"<artifact {self.record.step_name}.{self.record.output_name} ({self.record.data_type})>"


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
    """One step of a recorded run."""

    def __init__(self, record: StepRecord, run: PipelineRun) -> None:
        self.record = record
        self._run = run

    name = property(lambda self: self.record.name)
    status = property(lambda self: self.record.status)
    cache_key = property(lambda self: self.record.cache_key)
    parameters = property(lambda self: self.record.parameters)
    error = property(lambda self: self.record.error)

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, if it ended."""
        ended = self.record.ended_at
        return None if ended is None else ended - self.record.started_at

    @cached_property
    def outputs(self) -> dict[str, ArtifactView]:
        """Output name -> artifact."""
        return {
            record.output_name: ArtifactView(record, self._run.stack)
            for record in self._run.artifact_records
            if record.step_name == self.record.name
        }

    @cached_property
    def inputs(self) -> dict[str, ArtifactView]:
        """Input name -> the artifact the step read."""
        store = self._run.stack.metadata_store
        return {
            name: ArtifactView(store.get_artifact(aid), self._run.stack) for name, aid in self.record.inputs.items()
        }

    @property
    def output(self) -> ArtifactView:
        """The single output of a step that has exactly one."""
        if len(self.outputs) != 1:
            raise ValueError(f"step {self.name!r} has {len(self.outputs)} outputs: use .outputs[name]")
        return next(iter(self.outputs.values()))

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "duration": self.duration,
            "outputs": {name: artifact.to_dict() for name, artifact in self.outputs.items()},
        }

    def __repr__(self) -> str:
        return f"<step run {self.name!r} ({self.status})>"


class PipelineRun:
    """One recorded run of a pipeline: status, timing and its steps."""

    def __init__(self, record: RunRecord, stack: Stack) -> None:
        self.record = record
        self.stack = stack

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    pipeline_name = property(lambda self: self.record.pipeline_name)
    status = property(lambda self: self.record.status)
    created_at = property(lambda self: self.record.created_at)
    ended_at = property(lambda self: self.record.ended_at)
    error = property(lambda self: self.record.error)

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
