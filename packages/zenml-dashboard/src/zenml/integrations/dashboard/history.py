"""What the pages show, read from the stack's metadata store.

Runs are read through :class:`~zenml.client.Client` (as ``zenml run list`` reads them, so a
run is shown as the CLI shows it), a page at a time from the store's own filtering and
limit; a run's steps and artifacts in one read each, whatever the number of steps. Artifact
values are loaded only by :mod:`zenml.integrations.dashboard.previews`, through the Client's
own load path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from zenml.metadata_stores.models import CACHED, COMPLETED, FAILED, RUNNING, ArtifactRecord

if TYPE_CHECKING:
    from zenml.metadata_stores.models import RunRecord, StepRecord
    from zenml.stack.stack import Stack

PENDING = "pending"  # a planned step of a running run that waits for others
SKIPPED = "skipped"  # a planned step of a run that ended without running it
RUN_STATUSES = (RUNNING, COMPLETED, FAILED)
DONE = (COMPLETED, CACHED)
T = TypeVar("T")


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page (from 1) of a list the dashboard shows: runs, artifacts, their versions, models."""

    items: list[T]
    page: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @classmethod
    def of(cls, items: list[T], page: int, size: int) -> Paged[T]:
        """Page ``page`` of the whole list ``items``."""
        start = (page - 1) * size
        return cls(items[start : start + size], page, size, has_next=len(items) > start + size)


@dataclass(frozen=True)
class RunDetail:
    """A run with its step records, its artifacts and its step graph (step -> upstream steps)."""

    run: RunRecord
    steps: dict[str, StepRecord]
    artifacts: list[ArtifactRecord]
    graph: dict[str, list[str]]
    outputs: dict[str, list[ArtifactRecord]]  # step -> its output artifacts

    def status_of(self, step: str) -> str:
        """The recorded status of ``step``; for a planned step without a record, ``running`` while the run
        runs and every step it waits for is done (steps are recorded when they end), else ``pending``, and
        ``skipped`` once the run has ended."""
        record = self.steps.get(step)
        if record is not None:
            return record.status
        if self.run.status != RUNNING:
            return SKIPPED
        upstream = self.graph.get(step, [])
        done = all(name in self.steps and self.steps[name].status in DONE for name in upstream)
        return RUNNING if done else PENDING

    def statuses(self) -> dict[str, str]:
        return {name: self.status_of(name) for name in self.graph}

    def consumers_of(self, artifact_id: str) -> list[StepRecord]:
        """The steps of this run that read the artifact."""
        return [step for step in self.steps.values() if artifact_id in _input_ids(step)]


def _input_ids(step: StepRecord) -> list[str]:
    ids: list[str] = []
    for value in step.inputs.values():
        ids.extend(value if isinstance(value, list) else [value])
    return ids


class History:
    """Read-only access to one stack's run history for the pages."""

    def __init__(self, stack: Stack) -> None:
        from zenml.client import Client

        self.stack = stack
        self.store = stack.metadata_store
        self.client = Client(stack)

    def runs_page(self, *, pipeline: str | None, status: str | None, page: int, size: int) -> Paged[RunRecord]:
        """Page ``page`` (from 1) of ``size`` runs, newest first, filtered by the store itself."""
        skip = (page - 1) * size
        runs = self.client.list_runs(pipeline_name=pipeline, status=status, limit=skip + size + 1)
        records = [run.record for run in runs[skip : skip + size]]
        return Paged(records, page, size, has_next=len(runs) > skip + size)

    def pipelines(self) -> list[str]:
        """Every pipeline name (for the filter: all of them, not a page)."""
        return self.store.list_pipelines()

    def run(self, run_id: str) -> RunDetail:
        """A run by id (``RunNotFoundError`` if there is none) with its steps, artifacts and graph."""
        record = self.client.get_run(run_id).record
        steps = {step.name: step for step in self.store.list_steps(record.id)}
        outputs: dict[str, list[ArtifactRecord]] = {}
        by_id: dict[str, ArtifactRecord] = {}
        # a step's outputs as this run links them (a cached step's are the versions it reused)
        links = self.store.list_step_outputs(record.id)
        described = self._with_metadata([artifact for _, _, artifact in links])
        for (step_name, _, _), artifact in zip(links, described, strict=True):
            outputs.setdefault(step_name, []).append(artifact)
            by_id.setdefault(artifact.id, artifact)
        graph = planned_graph(record.graph, steps) if record.graph else recorded_graph(steps, outputs)
        return RunDetail(run=record, steps=steps, artifacts=list(by_id.values()), graph=graph, outputs=outputs)

    def artifact(self, artifact_id: str) -> ArtifactRecord:
        """An artifact by id (``ArtifactRecordNotFoundError`` if there is none), with its metadata."""
        return self._with_metadata([self.store.get_artifact(artifact_id)])[0]

    def _with_metadata(self, artifacts: list[ArtifactRecord]) -> list[ArtifactRecord]:
        """The records with their metadata as ``ArtifactView.run_metadata`` reads it (the step's, the
        materializer's and any logged later: annotations), in one read for them all."""
        from dataclasses import replace

        from zenml.metadata_stores.annotations import metadata_of
        from zenml.metadata_stores.models import ARTIFACT_VERSION

        if not artifacts:
            return []
        found = metadata_of(self.store.list_annotations(ARTIFACT_VERSION, {a.id for a in artifacts}))
        return [replace(a, run_metadata={**a.run_metadata, **found[a.id]}) if a.id in found else a for a in artifacts]


def planned_graph(planned: dict[str, list[str]], steps: dict[str, StepRecord]) -> dict[str, list[str]]:
    """The run's planned graph, plus any recorded step it does not name (a store written by others)."""
    graph = {name: list(upstream) for name, upstream in planned.items()}
    for name in steps:
        graph.setdefault(name, [])
    return graph


def recorded_graph(steps: dict[str, StepRecord], outputs: dict[str, list[ArtifactRecord]]) -> dict[str, list[str]]:
    """Step -> the steps whose outputs it read, as far as the records tell (in the order the steps ran): the
    graph of runs recorded before runs kept their planned graph."""
    producer = {artifact.id: name for name, artifacts in outputs.items() for artifact in artifacts}
    graph: dict[str, list[str]] = {}
    for name, step in steps.items():
        upstream = [producer[aid] for aid in _input_ids(step) if aid in producer]
        graph[name] = list(dict.fromkeys(upstream))
    return graph
