"""The interface every metadata store implements."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, ClassVar

from zenml.stack.component import StackComponent
from zenml.stack.flavors import METADATA_STORE

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from zenml.metadata_stores.models import (
        AnnotationRecord,
        ArtifactRecord,
        ModelRecord,
        ModelVersionRecord,
        RunRecord,
        StepRecord,
    )
    from zenml.metadata_stores.queries import RunQuery


class RunNotFoundError(LookupError):
    """No run has the given name or id."""


class ArtifactRecordNotFoundError(LookupError):
    """No artifact (version) has the given id, or name and version."""


class ModelNotFoundError(LookupError):
    """No model (or model version) has the given name, number, stage or id."""


class VersionExistsError(ValueError):
    """An artifact or model already has a version of that name."""


def is_new_output(step: StepRecord, artifact: ArtifactRecord) -> bool:
    """Whether ``record_step(step, [artifact])`` makes ``artifact`` a new version: a return value of this very
    step (anything else is a version recorded before: a cached output, or one ``save_artifact`` made)."""
    return (artifact.run_id, artifact.step_name, artifact.save_type) == (step.run_id, step.name, "step_output")


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
    def record_step(
        self,
        step: StepRecord,
        artifacts: Sequence[ArtifactRecord] = (),
        annotations: Sequence[AnnotationRecord] = (),
    ) -> list[ArtifactRecord]:
        """Insert or replace the record of ``(step.run_id, step.name)`` together with its outputs and annotations.

        Each artifact becomes an output of the step (under its ``output_name``). A return value of this
        step (:func:`is_new_output`) is a new artifact version: the store numbers it (``version`` ``""``)
        or checks that its ``version`` is free (:class:`VersionExistsError`); any other artifact is a
        version recorded before (a cached step's, or one ``save_artifact`` made in the step). Returns the
        artifacts as recorded.
        """

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
        """Artifact versions, oldest first: every one, or the outputs of one run (and step)."""

    @abstractmethod
    def list_step_outputs(self, run_id: str) -> list[tuple[str, str, ArtifactRecord]]:
        """``(step name, output name, artifact version)`` of every output of a run, oldest first."""

    @abstractmethod
    def get_artifact(self, artifact_id: str) -> ArtifactRecord:
        """One artifact version by id; :class:`ArtifactRecordNotFoundError` if none."""

    @abstractmethod
    def create_artifact_version(
        self, artifact: ArtifactRecord, annotations: Sequence[AnnotationRecord] = ()
    ) -> ArtifactRecord:
        """Record an artifact version saved or registered outside a step's outputs; returns it as numbered."""

    @abstractmethod
    def list_artifact_versions(self, name: str | None = None) -> list[ArtifactRecord]:
        """Every version of artifact ``name`` (or of every artifact), oldest first."""

    def get_artifact_version(self, name: str, version: str | None = None) -> ArtifactRecord:
        """Version ``version`` of artifact ``name`` (the newest without one); :class:`ArtifactRecordNotFoundError`."""
        versions = self.list_artifact_versions(name)
        if version is not None:
            versions = [record for record in versions if record.version == str(version)]
        if not versions:
            what = f"version {version!r} of artifact {name!r}" if version is not None else f"artifact {name!r}"
            raise ArtifactRecordNotFoundError(f"no {what} in metadata store {self.name!r}")
        return versions[-1]

    def artifact_names(self) -> list[str]:
        """The name of every artifact that has a version, sorted."""
        return sorted({record.artifact_name for record in self.list_artifact_versions()})

    # -- annotations: metadata, tags, links and stages, attached after the fact ---------------------------

    @abstractmethod
    def add_annotations(self, annotations: Sequence[AnnotationRecord]) -> None:
        """Record annotations (all at once)."""

    @abstractmethod
    def list_annotations(self, resource_type: str, resource_ids: Iterable[str] | None = None) -> list[AnnotationRecord]:
        """The annotations of resources of one type (of the given ids, or all), oldest first."""

    # -- runs --------------------------------------------------------------------------------------------

    def query_runs(self, query: RunQuery) -> tuple[list[RunRecord], int]:
        """One page of the runs that match ``query`` and how many match in all."""
        return query.apply(self.list_runs())

    @abstractmethod
    def delete_run(self, run_id: str) -> None:
        """Forget a run, its steps and their links to artifact versions (the versions stay)."""

    # -- models ------------------------------------------------------------------------------------------

    @abstractmethod
    def create_model(self, model: ModelRecord) -> ModelRecord:
        """Record a model; if one of that name exists already, return it unchanged."""

    @abstractmethod
    def list_models(self) -> list[ModelRecord]:
        """Every model, by name."""

    def get_model(self, name: str) -> ModelRecord:
        """The model ``name``; :class:`ModelNotFoundError` if none."""
        for model in self.list_models():
            if model.name == name:
                return model
        raise ModelNotFoundError(f"no model named {name!r} in metadata store {self.name!r}; see `zenml model list`")

    @abstractmethod
    def create_model_version(self, version: ModelVersionRecord) -> ModelVersionRecord:
        """Record a version of an existing model, numbered by the store; :class:`VersionExistsError` if its
        name is taken."""

    @abstractmethod
    def list_model_versions(self, model_name: str | None = None) -> list[ModelVersionRecord]:
        """The versions of one model (or of all), by model and number."""

    @abstractmethod
    def find_cached_step(self, pipeline_name: str, step_name: str, cache_key: str) -> StepRecord | None:
        """The newest completed (or cached) step with this cache key, whose outputs can be reused."""

    def list_pipelines(self) -> list[str]:
        """Names of every pipeline that has a run, sorted."""
        return sorted({run.pipeline_name for run in self.list_runs()})
