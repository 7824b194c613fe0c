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

    def list_pipelines(self) -> list[str]:
        """Names of every pipeline that has a run, sorted."""
        return sorted({run.pipeline_name for run in self.list_runs()})
