"""The interface every metadata store implements."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, ClassVar

from zenml.stack.component import StackComponent
from zenml.stack.flavors import METADATA_STORE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from zenml.metadata_stores.models import ArtifactRecord, RunRecord, StepRecord


class RunNotFoundError(LookupError):
    """No run has the given name or id."""


class ArtifactRecordNotFoundError(LookupError):
    """No artifact has the given id."""


class MetadataStore(StackComponent):
    """Keeps runs, steps and artifacts. Safe for several processes at once.

    Writes of one call are atomic: a step record and its artifacts become
    visible together or not at all.
    """

    TYPE: ClassVar[str] = METADATA_STORE

    @abstractmethod
    def create_run(self, run: RunRecord) -> None:
        """Record a new run (normally with status ``running``)."""

    @abstractmethod
    def finish_run(self, run_id: str, status: str, ended_at: float, error: str | None = None) -> None:
        """Set a run's final status."""

    @abstractmethod
    def record_step(self, step: StepRecord, artifacts: Sequence[ArtifactRecord] = ()) -> None:
        """Insert or replace the record of ``(step.run_id, step.name)`` together with its output artifacts."""

    @abstractmethod
    def get_run(self, name_or_id: str) -> RunRecord:
        """A run by id or name (a unique id prefix also works); :class:`RunNotFoundError` if none."""

    @abstractmethod
    def list_runs(
        self, *, pipeline_name: str | None = None, status: str | None = None, limit: int | None = None
    ) -> list[RunRecord]:
        """Runs, newest first, optionally filtered."""

    @abstractmethod
    def list_steps(self, run_id: str) -> list[StepRecord]:
        """The steps of a run, in the order they started."""

    @abstractmethod
    def list_artifacts(self, *, run_id: str | None = None, step_name: str | None = None) -> list[ArtifactRecord]:
        """Artifacts, optionally of one run and step."""

    @abstractmethod
    def get_artifact(self, artifact_id: str) -> ArtifactRecord:
        """One artifact by id; :class:`ArtifactRecordNotFoundError` if none."""

    @abstractmethod
    def find_cached_step(self, pipeline_name: str, step_name: str, cache_key: str) -> StepRecord | None:
        """The newest completed (or cached) step with this cache key, whose outputs can be reused."""

    def running_runs(self, host: str) -> list[RunRecord]:
        """Runs still marked ``running`` whose owner process is on ``host``, oldest first.

        Asked before every new run and every read of runs, so stores make it cheap (an index).
        """
        from zenml.metadata_stores.models import RUNNING

        return [run for run in reversed(self.list_runs(status=RUNNING)) if run.owner_host == host]

    def heartbeat(self, run_id: str, at: float) -> None:
        """Note that the owner of running run ``run_id`` was alive at ``at`` (shown as "last seen").

        Recording a step counts as a heartbeat too. Stores that keep no heartbeat ignore it.
        """

    def fail_running_run(self, run_id: str, error: str, ended_at: float) -> bool:
        """Mark run ``run_id`` failed with ``error`` (and its ``running`` steps with it) if it is still running.

        Returns ``False``, changing nothing, if the run had already finished.
        """
        from zenml.metadata_stores.models import RUNNING

        if self.get_run(run_id).status != RUNNING:
            return False
        for step in self.list_steps(run_id):
            if step.status == RUNNING:
                from dataclasses import replace

                from zenml.metadata_stores.models import FAILED

                self.record_step(replace(step, status=FAILED, ended_at=ended_at, error=error))
        self.finish_run(run_id, "failed", ended_at, error=error)
        return True

    def list_pipelines(self) -> list[str]:
        """Names of every pipeline that has a run, sorted."""
        return sorted({run.pipeline_name for run in self.list_runs()})
