"""``GCPMetadataStore``: run history kept as immutable event objects in a GCS bucket.

Every write is a NEW object with a unique, time-ordered name below
``<prefix>/runs/<run id>/``; nothing is ever overwritten or deleted, so any
number of machines and processes can write one history at once without a
server and without relying on generation preconditions. A run's state is the
fold of its events in name order. Objects are immutable, so each process
caches (a bounded number of) the events it has read and fetches only new ones.

Lookups that would otherwise fold the whole history use small immutable index
objects below ``<prefix>/index/``, written after the event they point at:

- ``index/names/<run name>/<run id>.json``: written when a run is created; it
  also marks the run as indexed;
- ``index/cache/<pipeline>/<step>/<cache key>/<time>-<uuid>.json``: written when
  a step completes (or is cached) with a cache key; points at run id + step;
- ``index/artifacts/<artifact id>/<run id>.json``: written with each artifact.

(each path part URL-quoted). Artifact versions, annotations and models are kept as described in
:mod:`zenml.integrations.gcp.metadata_history`. An index entry is only a hint: the run it points
at is folded to check it. Runs without a name entry (written before the index
existed, or by a writer that stopped between the two writes) are still found by
folding just those runs. A missing cache entry only costs a cache miss.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import suppress
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, unquote

from zenml.integrations.gcp.connection import GCSConnection
from zenml.integrations.gcp.errors import GCSError, translate_errors
from zenml.integrations.gcp.metadata_history import GCPHistory
from zenml.metadata_stores.base import ArtifactRecordNotFoundError, MetadataStore, RunNotFoundError, is_new_output
from zenml.metadata_stores.models import CACHED, COMPLETED, ArtifactRecord, RunRecord, StepRecord

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from zenml.metadata_stores.models import AnnotationRecord

logger = logging.getLogger(__name__)

FORMAT = 1
INDEX_FORMAT = 1
DEFAULT_CACHE_EVENTS = 50_000
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


def _cache_size(value: int | str) -> int:
    try:
        size = int(value)
    except ValueError:
        raise ValueError(f"cache_events must be a whole number of events, not {value!r}") from None
    if size < 0:
        raise ValueError(f"cache_events must be 0 or more, not {value!r}")
    return size


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


class GCPMetadataStore(GCPHistory, MetadataStore):
    """Runs, steps and artifacts as event objects in ``gs://bucket/prefix`` (see the module docstring).

    Config: ``path`` (``gs://bucket[/prefix]``), ``project``, ``credentials_file``
    and ``retry_timeout`` as for the GCS artifact store; ``cache_events``: how
    many downloaded events to keep in memory (default 50000; older ones are
    downloaded again when needed).
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
        cache_events: int | str = DEFAULT_CACHE_EVENTS,
        **config: object,
    ) -> None:
        settings = (("project", project), ("credentials_file", credentials_file), ("retry_timeout", retry_timeout))
        extra: dict[str, object] = {k: v for k, v in settings if v is not None}
        if cache_events != DEFAULT_CACHE_EVENTS:
            extra["cache_events"] = cache_events
        super().__init__(name=name, path=path, **extra, **config)
        self._gcs = GCSConnection(path, project=project, credentials_file=credentials_file, retry_timeout=retry_timeout)
        self.path = path
        self.cache_events = _cache_size(cache_events)
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._pipelines: dict[str, str] = {}  # run id -> pipeline name (immutable once written)

    # -- storage ---------------------------------------------------------------------------------------

    def _runs_prefix(self, run_id: str | None = None) -> str:
        base = self._gcs.key("runs")
        return f"{base}/{quote(run_id, safe='')}/" if run_id is not None else f"{base}/"

    def _index_prefix(self, kind: str, *parts: str) -> str:
        quoted = "/".join(quote(part, safe="") for part in parts)
        base = self._gcs.key(f"index/{kind}")
        return f"{base}/{quoted}/" if parts else f"{base}/"

    def _put(self, key: str, data: dict[str, Any], action: str) -> None:
        """Create ``key`` only if absent; the client's retries are safe under the precondition.

        PreconditionFailed means a retry of our own request that had already succeeded, or (for an index
        object with a deterministic name) an identical object written before: either way nothing to do.
        """
        from google.api_core import exceptions as api

        payload = json.dumps(data, sort_keys=True).encode()
        blob = self._gcs.bucket.blob(key)
        with translate_errors(action, self._gcs.bucket_name, key), suppress(api.PreconditionFailed):
            blob.upload_from_string(
                payload, content_type="application/json", if_generation_match=0, retry=self._gcs.retry
            )

    def _write(self, run_id: str, event: dict[str, Any]) -> None:
        key = self._runs_prefix(run_id) + event_name()
        self._put(key, {"format": FORMAT, **event}, "write metadata")
        self._remember(key, {"format": FORMAT, **event})

    def _write_index(self, key: str, data: dict[str, Any]) -> None:
        """Write an index hint. Its event is already written, so a failure here is only logged: without the
        hint the run is folded as an unindexed one, or the step is a cache miss."""
        try:
            self._put(key, {"format": INDEX_FORMAT, **data}, "write metadata index")
        except GCSError as error:
            logger.warning("metadata index entry not written (lookups fall back to a scan): %s", error)

    def _remember(self, key: str, event: dict[str, Any]) -> None:
        with self._cache_lock:
            self._cache[key] = event
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_events:
                self._cache.popitem(last=False)

    def _cached(self, key: str) -> dict[str, Any] | None:
        with self._cache_lock:
            event = self._cache.get(key)
            if event is not None:
                self._cache.move_to_end(key)
            return event

    def _names(self, prefix: str) -> list[str]:
        """Sorted names of the ``.json`` objects below ``prefix`` (one listing)."""
        with translate_errors("list metadata", self._gcs.bucket_name, prefix):
            return sorted(
                blob.name
                for blob in self._gcs.client.list_blobs(self._gcs.bucket, prefix=prefix, retry=self._gcs.retry)
                if blob.name.endswith(".json")
            )

    def _load(self, prefix: str) -> _History:
        """Fold every event below ``prefix``, downloading only the ones not in the cache."""
        return self._fold(self._names(prefix))

    def _load_runs(self, run_ids: Iterable[str]) -> _History:
        """Fold the events of just these runs (one listing per run)."""
        names: list[str] = []
        for run_id in sorted(set(run_ids)):
            names.extend(self._names(self._runs_prefix(run_id)))
        return self._fold(sorted(names))

    def _fold(self, names: list[str]) -> _History:
        history = _History()
        for key in names:
            event = self._cached(key)
            if event is None:
                event = self._read_event(key)
                self._remember(key, event)
            if event:
                try:
                    history.apply(event)
                except (KeyError, TypeError, ValueError) as exc:
                    logger.warning("ignoring malformed metadata event gs://%s/%s (%s)", self._gcs.bucket_name, key, exc)
        for run in history.runs.values():
            self._pipelines[run.id] = run.pipeline_name
        return history

    def _index_entries(self, prefix: str) -> list[str]:
        """The last path part (unquoted, without ``.json``) of each index object below ``prefix``."""
        return [unquote(key[len(prefix) :].removesuffix(".json")) for key in self._names(prefix)]

    def _indexed_run_ids(self) -> set[str]:
        prefix = self._index_prefix("names")
        return {unquote(key[len(prefix) :].removesuffix(".json").rsplit("/", 1)[-1]) for key in self._names(prefix)}

    def _unindexed_run_ids(self) -> set[str]:
        """Runs without a name index entry: written before the index existed (or half-written)."""
        return set(self.run_ids()) - self._indexed_run_ids()

    def _index_targets(self, prefix: str) -> list[str]:
        """Run ids the index objects below ``prefix`` point at (their JSON ``run_id``), newest first."""
        run_ids: list[str] = []
        for key in reversed(self._names(prefix)):
            entry = self._cached(key)
            if entry is None:
                entry = self._read_event(key)
                self._remember(key, entry)
            run_id = entry.get("run_id")
            if isinstance(run_id, str) and run_id not in run_ids:
                run_ids.append(run_id)
        return run_ids

    def _pipeline_of(self, run_id: str) -> str | None:
        if run_id not in self._pipelines:
            self._load(self._runs_prefix(run_id))
        return self._pipelines.get(run_id)

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
        self._pipelines[run.id] = run.pipeline_name
        key = self._index_prefix("names", run.name) + quote(run.id, safe="") + ".json"
        self._write_index(key, {"run_id": run.id})

    def finish_run(self, run_id: str, status: str, ended_at: float, error: str | None = None) -> None:
        self.get_run(run_id)  # a clear RunNotFoundError for an unknown run
        self._write(
            run_id, {"kind": RUN_FINISHED, "run_id": run_id, "status": status, "ended_at": ended_at, "error": error}
        )

    def record_step(
        self,
        step: StepRecord,
        artifacts: Sequence[ArtifactRecord] = (),
        annotations: Sequence[AnnotationRecord] = (),
    ) -> list[ArtifactRecord]:
        """Claim the new artifact versions and write the annotations, then one event holds the step and its
        outputs, so they become visible together (a version claimed by a writer that died before the event
        stays a version without a producing step)."""
        try:
            json.dumps([step.inputs, step.parameters])
        except (TypeError, ValueError) as error:
            raise TypeError(f"step {step.name!r}: inputs and parameters must be JSON-serialisable ({error})") from None
        for artifact in artifacts:
            if not is_new_output(step, artifact) and self._artifact_by_id(artifact.id) is None:
                raise ValueError(
                    f"step {step.name!r} of run {step.run_id!r}: output {artifact.output_name!r} ({artifact.id}) is "
                    "neither a return value of this step nor a recorded artifact version"
                )
        recorded = [
            self._claim_version(artifact) if is_new_output(step, artifact) else artifact for artifact in artifacts
        ]
        self._write_annotations(annotations)
        self._write(
            step.run_id,
            {
                "kind": STEP_RECORDED,
                "step": step.to_dict(),
                "artifacts": [artifact.to_dict() for artifact in recorded],
            },
        )
        # The index entries come after the event: an entry never points at an event that does not exist.
        for artifact in recorded:
            key = self._index_prefix("artifacts", artifact.id) + quote(step.run_id, safe="") + ".json"
            self._write_index(key, {"run_id": step.run_id})
        if step.cache_key and step.status in (COMPLETED, CACHED):
            pipeline = self._pipeline_of(step.run_id)
            if pipeline is not None:
                key = self._index_prefix("cache", pipeline, step.name, step.cache_key) + event_name()
                self._write_index(key, {"run_id": step.run_id, "step_name": step.name})
        return recorded

    def get_run(self, name_or_id: str) -> RunRecord:
        if name_or_id and "/" not in name_or_id:
            exact = self._load(self._runs_prefix(name_or_id)).runs.get(name_or_id)
            if exact is not None:
                return exact
            named = self._index_entries(self._index_prefix("names", name_or_id))
            if named:
                history = self._load_runs(named)
                by_name = [run for run in history.runs.values() if run.name == name_or_id]
                if by_name:
                    return max(by_name, key=lambda run: (run.created_at, history.order[("run", run.id)]))
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
        if run_id is None and step_name is None:
            return self.list_artifact_versions()
        history = self._load(self._runs_prefix(run_id) if run_id is not None else self._runs_prefix())
        artifacts = {
            artifact.id: artifact
            for (owner, name), items in history.artifacts.items()
            if (run_id is None or owner == run_id) and (step_name is None or name == step_name)
            for artifact in items.values()
        }
        return sorted(
            artifacts.values(), key=lambda artifact: (artifact.created_at, history.order[("artifact", artifact.id)])
        )

    def get_artifact(self, artifact_id: str) -> ArtifactRecord:
        if artifact_id and "/" not in artifact_id:
            found = self._artifact_by_id(artifact_id)
            if found is not None:
                return found
            owners = self._index_entries(self._index_prefix("artifacts", artifact_id))
            if owners:
                for artifact in self._load_runs(owners).all_artifacts():
                    if artifact.id == artifact_id:
                        return artifact
        for artifact in self._load(self._runs_prefix()).all_artifacts():
            if artifact.id == artifact_id:
                return artifact
        raise ArtifactRecordNotFoundError(f"no artifact with id {artifact_id!r} in {self.path}")

    def list_step_outputs(self, run_id: str) -> list[tuple[str, str, ArtifactRecord]]:
        history = self._load(self._runs_prefix(run_id))
        found = [
            (name, artifact.output_name or "", artifact)
            for (owner, name), items in history.artifacts.items()
            if owner == run_id
            for artifact in items.values()
        ]
        return sorted(found, key=lambda item: (item[2].created_at, history.order[("artifact", item[2].id)]))

    def find_cached_step(self, pipeline_name: str, step_name: str, cache_key: str) -> StepRecord | None:
        """Fold only the runs the cache index points at, plus any runs written before the index existed."""
        indexed = self._index_targets(self._index_prefix("cache", pipeline_name, step_name, cache_key))
        runs = set(indexed) | self._unindexed_run_ids()
        if not runs:
            return None
        history = self._load_runs(runs)
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
