"""``GCPMetadataStore``: run history kept as immutable event objects in a GCS bucket.

Every write is a NEW object with a unique, time-ordered name below
``<prefix>/runs/<run id>/``; nothing is ever overwritten or deleted, so any
number of machines and processes can write one history at once without a
server and without relying on generation preconditions. A run's state is the
fold of its events in name order. Objects are immutable, so each process
caches the events it has read and fetches only new ones.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from contextlib import suppress
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, unquote

from zenml.integrations.gcp.connection import GCSConnection
from zenml.integrations.gcp.errors import translate_errors
from zenml.metadata_stores.base import ArtifactRecordNotFoundError, MetadataStore, RunNotFoundError
from zenml.metadata_stores.models import CACHED, COMPLETED, ArtifactRecord, RunRecord, StepRecord

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)

FORMAT = 1
RUN_CREATED = "run_created"
RUN_FINISHED = "run_finished"
STEP_RECORDED = "step_recorded"

_sequence_lock = threading.Lock()
_last_ns = 0


def event_name() -> str:
    """A unique object name that sorts in write order within this process (and by time across processes)."""
    global _last_ns
    with _sequence_lock:
        now = max(time.time_ns(), _last_ns + 1)
        _last_ns = now
    return f"{now:020d}-{uuid.uuid4().hex}.json"


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields ``cls`` knows: events written by a newer version still load."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


class _History:
    """The fold of a set of events, with the same semantics as the SQLite store.

    A step record replaces the earlier one of ``(run_id, name)`` but keeps its
    position; artifacts are added (replaced by id); ``order`` numbers things by
    first appearance, the tie-breaker after the timestamps.
    """

    def __init__(self) -> None:
        self.runs: dict[str, RunRecord] = {}
        self.steps: dict[tuple[str, str], StepRecord] = {}
        self.artifacts: dict[tuple[str, str], dict[str, ArtifactRecord]] = {}
        self.output_counts: dict[tuple[str, str], int] = {}
        self.order: dict[object, int] = {}
        self._next = 0
        self._finished: dict[str, dict[str, Any]] = {}

    def _number(self, key: object, *, renumber: bool = False) -> None:
        if renumber or key not in self.order:
            self.order[key] = self._next
            self._next += 1

    def apply(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == RUN_CREATED:
            run = RunRecord(**_known(RunRecord, event["run"]))
            pending = self._finished.pop(run.id, None)
            self.runs[run.id] = replace(run, **pending) if pending else run
            self._number(("run", run.id))
        elif kind == RUN_FINISHED:
            change = {"status": event["status"], "ended_at": event["ended_at"], "error": event.get("error")}
            run_id = event["run_id"]
            if run_id in self.runs:
                self.runs[run_id] = replace(self.runs[run_id], **change)
            else:
                self._finished[run_id] = change
        elif kind == STEP_RECORDED:
            step = StepRecord(**_known(StepRecord, event["step"]))
            key = (step.run_id, step.name)
            artifacts = [ArtifactRecord(**_known(ArtifactRecord, item)) for item in event.get("artifacts", [])]
            self.steps[key] = step
            self._number(("step", key))
            self.output_counts[key] = max(self.output_counts.get(key, 0), len(artifacts))
            recorded = self.artifacts.setdefault(key, {})
            for artifact in artifacts:
                recorded.pop(artifact.id, None)
                recorded[artifact.id] = artifact
                self._number(("artifact", artifact.id), renumber=True)
        else:
            logger.warning("ignoring a metadata event of unknown kind %r", kind)

    def all_artifacts(self) -> list[ArtifactRecord]:
        return [artifact for items in self.artifacts.values() for artifact in items.values()]

    def complete(self, key: tuple[str, str]) -> bool:
        """Whether every output the step recorded is present (the SQLite store's ``output_count`` rule)."""
        return len(self.artifacts.get(key, {})) == self.output_counts.get(key, 0)


class GCPMetadataStore(MetadataStore):
    """Runs, steps and artifacts as event objects in ``gs://bucket/prefix`` (see the module docstring).

    Config: ``path`` (``gs://bucket[/prefix]``), ``project``, ``credentials_file``
    and ``retry_timeout`` as for the GCS artifact store.
    """

    FLAVOR: ClassVar[str] = "gcp"

    def __init__(
        self,
        name: str = "default",
        *,
        path: str,
        project: str | None = None,
        credentials_file: str | None = None,
        retry_timeout: float | str | None = None,
        **config: object,
    ) -> None:
        settings = (("project", project), ("credentials_file", credentials_file), ("retry_timeout", retry_timeout))
        extra = {k: v for k, v in settings if v is not None}
        super().__init__(name=name, path=path, **extra, **config)
        self._gcs = GCSConnection(path, project=project, credentials_file=credentials_file, retry_timeout=retry_timeout)
        self.path = path
        self._cache: dict[str, dict[str, Any]] = {}
        self._cache_lock = threading.Lock()

    # -- storage ---------------------------------------------------------------------------------------

    def _runs_prefix(self, run_id: str | None = None) -> str:
        base = self._gcs.key("runs")
        return f"{base}/{quote(run_id, safe='')}/" if run_id is not None else f"{base}/"

    def _write(self, run_id: str, event: dict[str, Any]) -> None:
        from google.api_core import exceptions as api

        key = self._runs_prefix(run_id) + event_name()
        payload = json.dumps({"format": FORMAT, **event}, sort_keys=True).encode()
        blob = self._gcs.bucket.blob(key)
        # Unique name + "only if absent": a retried request can never replace another object. PreconditionFailed
        # means a retry of our own request that had already succeeded (the name is unique to this writer).
        with translate_errors("write metadata", self._gcs.bucket_name, key), suppress(api.PreconditionFailed):
            blob.upload_from_string(
                payload, content_type="application/json", if_generation_match=0, retry=self._gcs.retry
            )
        with self._cache_lock:
            self._cache[key] = {"format": FORMAT, **event}

    def _load(self, prefix: str) -> _History:
        """Fold every event below ``prefix``, downloading only the ones not seen before."""
        with translate_errors("list metadata", self._gcs.bucket_name, prefix):
            names = sorted(
                blob.name
                for blob in self._gcs.client.list_blobs(self._gcs.bucket, prefix=prefix, retry=self._gcs.retry)
                if blob.name.endswith(".json")
            )
        for key in names:
            if key not in self._cache:
                event = self._read_event(key)
                with self._cache_lock:
                    self._cache[key] = event
        history = _History()
        for key in names:
            event = self._cache[key]
            if event:
                try:
                    history.apply(event)
                except (KeyError, TypeError, ValueError) as exc:
                    logger.warning("ignoring malformed metadata event gs://%s/%s (%s)", self._gcs.bucket_name, key, exc)
        return history

    def _read_event(self, key: str) -> dict[str, Any]:
        from google.api_core import exceptions as api

        with translate_errors("read metadata", self._gcs.bucket_name, key):
            try:
                data = self._gcs.bucket.blob(key).download_as_bytes(retry=self._gcs.retry)
            except api.NotFound:
                return {}  # deleted behind our back: the history simply lacks it
        try:
            event = json.loads(data)
        except ValueError:
            logger.warning("ignoring unreadable metadata event gs://%s/%s", self._gcs.bucket_name, key)
            return {}
        return event if isinstance(event, dict) else {}

    # -- MetadataStore API -----------------------------------------------------------------------------

    def create_run(self, run: RunRecord) -> None:
        self._write(run.id, {"kind": RUN_CREATED, "run": run.to_dict()})

    def finish_run(self, run_id: str, status: str, ended_at: float, error: str | None = None) -> None:
        self.get_run(run_id)  # a clear RunNotFoundError for an unknown run
        self._write(
            run_id, {"kind": RUN_FINISHED, "run_id": run_id, "status": status, "ended_at": ended_at, "error": error}
        )

    def record_step(self, step: StepRecord, artifacts: Sequence[ArtifactRecord] = ()) -> None:
        """One event holds the step and its artifacts, so they become visible together."""
        for artifact in artifacts:
            if (artifact.run_id, artifact.step_name) != (step.run_id, step.name):
                raise ValueError(
                    f"artifact {artifact.output_name!r} belongs to step {artifact.step_name!r} of run "
                    f"{artifact.run_id!r}, not to step {step.name!r} of run {step.run_id!r}"
                )
        try:
            json.dumps([step.inputs, step.parameters])
        except (TypeError, ValueError) as error:
            raise TypeError(f"step {step.name!r}: inputs and parameters must be JSON-serialisable ({error})") from None
        self._write(
            step.run_id,
            {
                "kind": STEP_RECORDED,
                "step": step.to_dict(),
                "artifacts": [artifact.to_dict() for artifact in artifacts],
            },
        )

    def get_run(self, name_or_id: str) -> RunRecord:
        if name_or_id and "/" not in name_or_id:
            exact = self._load(self._runs_prefix(name_or_id)).runs.get(name_or_id)
            if exact is not None:
                return exact
        history = self._load(self._runs_prefix())
        runs = history.runs
        by_name = [run for run in runs.values() if run.name == name_or_id]
        if by_name:
            return max(by_name, key=lambda run: (run.created_at, history.order[("run", run.id)]))
        by_prefix = [run for run_id, run in runs.items() if name_or_id and run_id.startswith(name_or_id)]
        if len(by_prefix) == 1:
            return by_prefix[0]
        if len(by_prefix) > 1:
            raise RunNotFoundError(f"run id prefix {name_or_id!r} is ambiguous: it matches {len(by_prefix)} runs")
        raise RunNotFoundError(f"no run with name or id {name_or_id!r} in {self.path}")

    def list_runs(
        self, *, pipeline_name: str | None = None, status: str | None = None, limit: int | None = None
    ) -> list[RunRecord]:
        history = self._load(self._runs_prefix())
        runs = [
            run
            for run in history.runs.values()
            if (pipeline_name is None or run.pipeline_name == pipeline_name)
            and (status is None or run.status == status)
        ]
        runs.sort(key=lambda run: (run.created_at, history.order[("run", run.id)]), reverse=True)
        return runs[:limit] if limit is not None else runs

    def list_steps(self, run_id: str) -> list[StepRecord]:
        history = self._load(self._runs_prefix(run_id))
        steps = [step for (owner, _), step in history.steps.items() if owner == run_id]
        return sorted(steps, key=lambda step: (step.started_at, history.order[("step", (step.run_id, step.name))]))

    def list_artifacts(self, *, run_id: str | None = None, step_name: str | None = None) -> list[ArtifactRecord]:
        history = self._load(self._runs_prefix(run_id) if run_id is not None else self._runs_prefix())
        artifacts = [
            artifact
            for artifact in history.all_artifacts()
            if (run_id is None or artifact.run_id == run_id) and (step_name is None or artifact.step_name == step_name)
        ]
        return sorted(artifacts, key=lambda artifact: (artifact.created_at, history.order[("artifact", artifact.id)]))

    def get_artifact(self, artifact_id: str) -> ArtifactRecord:
        for artifact in self._load(self._runs_prefix()).all_artifacts():
            if artifact.id == artifact_id:
                return artifact
        raise ArtifactRecordNotFoundError(f"no artifact with id {artifact_id!r} in {self.path}")

    def find_cached_step(self, pipeline_name: str, step_name: str, cache_key: str) -> StepRecord | None:
        history = self._load(self._runs_prefix())
        candidates = [
            step
            for (run_id, name), step in history.steps.items()
            if name == step_name
            and step.cache_key == cache_key
            and step.status in (COMPLETED, CACHED)
            and history.complete((run_id, name))
            and run_id in history.runs
            and history.runs[run_id].pipeline_name == pipeline_name
        ]
        if not candidates:
            return None
        return max(
            candidates,
            key=lambda step: (step.ended_at or step.started_at, history.order[("step", (step.run_id, step.name))]),
        )

    def run_ids(self) -> list[str]:
        """Every run id with at least one event (one listing with a delimiter)."""
        prefix = self._runs_prefix()
        with translate_errors("list metadata", self._gcs.bucket_name, prefix):
            iterator = self._gcs.client.list_blobs(
                self._gcs.bucket, prefix=prefix, delimiter="/", retry=self._gcs.retry
            )
            for _ in iterator:
                pass
            return sorted(unquote(sub[len(prefix) :].rstrip("/")) for sub in iterator.prefixes)
