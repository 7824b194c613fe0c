"""``GCPMetadataStore``: run history kept as immutable event objects in a GCS bucket.

Every write of a run's state is a NEW object with a unique, time-ordered name
below ``<prefix>/runs/<run id>/``; nothing is overwritten, so any number of
machines and processes can write one history at once without a server. A
run's state is the fold of its events in name order. Objects are immutable, so
each process caches (a bounded number of) the objects it has read.

Lookups read a number of objects that depends on what is asked, not on the
size of the history, through small immutable index objects below
``<prefix>/index/`` (each path part URL-quoted):

- ``index/newest/<folder>/``, one folder per run, whose name sorts newest
  first: ``<inverted µs of created_at>-<inverted ns of the run_created
  event>-<run id>`` (:mod:`zenml.integrations.gcp.run_index`). It holds
  ``run-<pipeline>.json`` (the run exists; written BEFORE the ``run_created``
  event) and, once the run has ended, ``final-<event>-<status>.json``: the run's
  record as of the event that ended it (written AFTER that event, named after
  it, so the last one wins as in the fold). A page of ``list_runs`` is one
  bounded listing (``maxResults``) plus one read per ended run; only runs
  without a final record (running, or whose writer stopped before writing it)
  are folded. The pipeline and the status are in the names, so those filters
  skip runs without reading them (they may list further back to fill a page);
  ``query_runs`` serves newest-first pages with ``pipeline_name``/``status``
  equality filters the same way (its total lists the whole index, reading
  nothing but runs without a final record); other sorts and filters fold every
  run. A double finish (say ``zenml run mark-failed`` racing the run's end)
  whose later writer stops between its event and its final record lists the
  earlier record until a reader folds the run (``get_run`` always folds).
- ``index/names/<run name>/<run id>.json``: written before the ``run_created``
  event; ``get_run(name)`` lists it. ``get_run(id prefix)`` lists
  ``runs/<prefix>`` with a delimiter (GCS lists prefixes server-side), one page.
- ``index/cache-newest/<pipeline>/<step>/<cache key>/<inverted ns of the step's
  end>-<inverted ns of its event>-<run id>.json``: written before the event
  that records a completed (or cached) step; a cache lookup lists one small
  page and folds runs newest first until one has the step intact.
- ``index/artifacts/<artifact id>/<run id>.json``: written after each artifact.
- ``index/running/<host>/<run id>.json``: exists while a run is running. Its
  owner's heartbeat rewrites it (its update time, by the server's clock, is
  the run's "last seen"), and it is deleted when the run ends; so a new run
  finds the runs of its host that may have crashed with one listing. These
  are the only objects zenml rewrites or deletes (besides ``delete_run``).
- ``index/complete-2.json``: every run written before this layout has its
  entries above. A store without it is backfilled once (the runs without an
  ``index/newest`` folder are folded and indexed, then the marker is created);
  if that cannot be written (a read-only bucket) lookups fold the whole
  history, as before the index. Writers of older versions write no
  ``index/newest`` entries: upgrade every writer of a history together.

Index entries are hints, written with ``ifGenerationMatch=0`` under names
that are unique or deterministic: the run an entry points at is folded (or its
final record read) to check it, so an entry whose event was never written
(its writer stopped in between) is skipped. A missing cache entry only costs a
cache miss. Artifact versions, annotations and models are kept as described
in :mod:`zenml.integrations.gcp.metadata_history`.
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
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard
from urllib.parse import quote, unquote

from zenml.integrations.gcp import run_index
from zenml.integrations.gcp.connection import GCSConnection
from zenml.integrations.gcp.errors import GCSError, translate_errors
from zenml.integrations.gcp.metadata_history import GCPHistory
from zenml.metadata_stores.base import ArtifactRecordNotFoundError, MetadataStore, RunNotFoundError, is_new_output
from zenml.metadata_stores.models import CACHED, COMPLETED, FAILED, RUNNING, ArtifactRecord, RunRecord, StepRecord

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from zenml.metadata_stores.models import AnnotationRecord
    from zenml.metadata_stores.queries import RunQuery

logger = logging.getLogger(__name__)

FORMAT = 1
INDEX_FORMAT = 1
COMPLETE = "index/complete-2.json"  # every run has its index/newest, names and cache-newest entries
PAGE_CAP = 1000  # GCS's largest listing page
BACKFILL_THREADS = 8
READERS = 8  # the runs of a page are read this many at once
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
        self.created_event: dict[str, str] = {}  # run id -> name of its run_created event
        self.status_event: dict[str, str] = {}  # run id -> name of the last event that set its status

    def _number(self, key: object, *, renumber: bool = False) -> None:
        if renumber or key not in self.order:
            self.order[key] = self._next
            self._next += 1

    def apply(self, event: dict[str, Any], name: str = "") -> None:
        """Fold ``event``; ``name`` is its object's name (without the folder)."""
        kind = event.get("kind")
        if kind == RUN_CREATED:
            run = RunRecord(**_known(RunRecord, event["run"]))
            pending = self._finished.pop(run.id, None)
            self.runs[run.id] = replace(run, **pending) if pending else run
            self._number(("run", run.id))
            self.created_event.setdefault(run.id, name)
            self.status_event.setdefault(run.id, name)
        elif kind == RUN_FINISHED:
            change = {"status": event["status"], "ended_at": event["ended_at"], "error": event.get("error")}
            run_id = event["run_id"]
            self.status_event[run_id] = name
            if run_id in self.runs:
                self.runs[run_id] = replace(self.runs[run_id], **change)
            else:
                self._finished[run_id] = change
            if event.get("fail_running_steps"):  # a crashed run: its running steps end with it
                for key, step in self.steps.items():
                    if key[0] == run_id and step.status == RUNNING:
                        self.steps[key] = replace(
                            step, status=FAILED, ended_at=change["ended_at"], error=change["error"]
                        )
        elif kind == STEP_RECORDED:
            step = StepRecord(**_known(StepRecord, event["step"]))
            key = (step.run_id, step.name)
            artifacts = [ArtifactRecord(**_known(ArtifactRecord, item)) for item in event.get("artifacts", [])]
            self.steps[key] = step
            self._number(("step", key))
            self.seen(step.run_id, step.ended_at or step.started_at)
            self.output_counts[key] = max(self.output_counts.get(key, 0), len(artifacts))
            recorded = self.artifacts.setdefault(key, {})
            for artifact in artifacts:
                recorded.pop(artifact.id, None)
                recorded[artifact.id] = artifact
                self._number(("artifact", artifact.id), renumber=True)
        else:
            logger.warning("ignoring a metadata event of unknown kind %r", kind)

    def seen(self, run_id: str, at: float | None) -> None:
        """A sign of life of a running run (a recorded step, a heartbeat) moves its ``heartbeat_at`` forward."""
        run = self.runs.get(run_id)
        if run is not None and at is not None and run.status == RUNNING and (run.heartbeat_at or 0) < at:
            self.runs[run_id] = replace(run, heartbeat_at=at)

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
        self._owners: dict[str, str] = {}  # run id -> owner host, of the runs this process created
        self._complete: bool | None = None  # whether every run is indexed (index/complete-2.json), once known

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

    def _write(self, run_id: str, event: dict[str, Any], name: str | None = None) -> None:
        key = self._runs_prefix(run_id) + (name or event_name())
        self._put(key, {"format": FORMAT, **event}, "write metadata")
        self._remember(key, {"format": FORMAT, **event})

    def _write_index(self, key: str, data: dict[str, Any], *, required: bool = False) -> None:
        """Write an index hint. A ``required`` one (the entry that makes a run findable, written before its
        event) raises on failure; any other is only logged: without it the run is folded, or the step is a
        cache miss."""
        try:
            self._put(key, {"format": INDEX_FORMAT, **data}, "write metadata index")
        except GCSError as error:
            if required:
                raise
            logger.warning("metadata index entry not written (lookups fold the run instead): %s", error)

    def _newest_folder(self, created_at: float, created_event: str, run_id: str) -> str:
        return f"{self._index_prefix('newest')}{run_index.folder(created_at, created_event, run_id)}/"

    def _write_final(self, history: _History, run_id: str) -> None:
        """The run's record as folded, named after the event that ended it (after that event is written)."""
        run = history.runs.get(run_id)
        created, ended = history.created_event.get(run_id), history.status_event.get(run_id)
        if run is None or run.status == RUNNING or not created or not ended:
            return
        key = self._newest_folder(run.created_at, created, run_id) + run_index.final(ended, run.status)
        self._write_index(key, {"run": run.to_dict()})

    def _cache_entry_key(self, pipeline: str, step: StepRecord, written: str) -> str:
        name = run_index.cache_entry(step.ended_at or step.started_at, written, step.run_id)
        return self._index_prefix("cache-newest", pipeline, step.name, step.cache_key or "") + name

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

    def _listing(self, prefix: str, page_size: int = PAGE_CAP) -> Iterator[str]:
        """Object names below ``prefix`` in name order, fetched a page of ``page_size`` at a time as consumed."""
        with translate_errors("list metadata", self._gcs.bucket_name, prefix):
            for blob in self._gcs.client.list_blobs(
                self._gcs.bucket, prefix=prefix, page_size=min(page_size, PAGE_CAP), retry=self._gcs.retry
            ):
                yield blob.name

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
                    history.apply(event, key.rsplit("/", 1)[-1])
                except (KeyError, TypeError, ValueError) as exc:
                    logger.warning("ignoring malformed metadata event gs://%s/%s (%s)", self._gcs.bucket_name, key, exc)
        for run in history.runs.values():
            self._pipelines[run.id] = run.pipeline_name
        return history

    def _index_entries(self, prefix: str) -> list[str]:
        """The last path part (unquoted, without ``.json``) of each index object below ``prefix``."""
        return [unquote(key[len(prefix) :].removesuffix(".json")) for key in self._names(prefix)]

    def _index_keys(self, run_id: str) -> list[str]:
        """The objects of the run's ``index/newest`` folder."""
        history = self._load(self._runs_prefix(run_id))
        run, created = history.runs.get(run_id), history.created_event.get(run_id)
        return self._names(self._newest_folder(run.created_at, created, run_id)) if run and created else []

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
        """The name and ``index/newest`` entries first (a writer that stops before the event leaves only
        dangling hints), then the ``run_created`` event, then the ``running`` entry (or a final record)."""
        name = event_name()
        self._write_findable(run, name)
        event = {"kind": RUN_CREATED, "run": run.to_dict()}
        self._write(run.id, event, name)
        self._pipelines[run.id] = run.pipeline_name
        if run.status == RUNNING and run.owner_host is not None:
            self._owners[run.id] = run.owner_host
            self._write_index(self._running_key(run.owner_host, run.id), {"run_id": run.id})
        elif run.status != RUNNING:
            history = _History()
            history.apply(event, name)
            self._write_final(history, run.id)

    def _write_findable(self, run: RunRecord, created_event: str) -> None:
        """The entries that make a run findable by name and in newest-first pages (raising on failure)."""
        self._write_index(self._name_key(run.name, run.id), {"run_id": run.id}, required=True)
        folder = self._newest_folder(run.created_at, created_event, run.id)
        pointer = {"run_id": run.id, "pipeline_name": run.pipeline_name}
        self._write_index(folder + run_index.pointer(run.pipeline_name), pointer, required=True)

    def _name_key(self, run_name: str, run_id: str) -> str:
        return self._index_prefix("names", run_name) + quote(run_id, safe="") + ".json"

    def _end(self, run_id: str, change: dict[str, Any], *, only_running: bool = False) -> bool:
        """Write a ``run_finished`` event (unless ``only_running`` and the run has ended), then the run's final
        record and drop its ``running`` entry."""
        history = self._load(self._runs_prefix(run_id))
        run = history.runs.get(run_id)
        if run is None:
            run = self._get_run(run_id)  # a clear RunNotFoundError for an unknown run
            history = self._load(self._runs_prefix(run.id))
        if only_running and run.status != RUNNING:
            return False
        name = event_name()
        event = {"kind": RUN_FINISHED, "run_id": run.id, **change}
        self._write(run.id, event, name)
        history.apply(event, name)
        self._write_final(history, run.id)
        self._drop_running_entry(run)
        return True

    def finish_run(self, run_id: str, status: str, ended_at: float, error: str | None = None) -> None:
        self._end(run_id, {"status": status, "ended_at": ended_at, "error": error})

    def fail_running_run(self, run_id: str, error: str, ended_at: float) -> bool:
        """One ``run_finished`` event that also fails the run's running steps; ``False`` if it had ended."""
        change = {"status": FAILED, "ended_at": ended_at, "error": error, "fail_running_steps": True}
        return self._end(run_id, change, only_running=True)

    def heartbeat(self, run_id: str, at: float) -> None:
        """Rewrite the run's ``running`` index entry: its update time is the run's "last seen"."""
        host = self._owners.get(run_id) or self.get_run(run_id).owner_host
        if host is None:
            return
        key = self._running_key(host, run_id)
        payload = json.dumps({"format": INDEX_FORMAT, "run_id": run_id, "at": at}).encode()
        with translate_errors("write heartbeat", self._gcs.bucket_name, key):
            self._gcs.bucket.blob(key).upload_from_string(
                payload, content_type="application/json", retry=self._gcs.retry
            )

    def running_runs(self, host: str) -> list[RunRecord]:
        """The runs the ``running`` index lists for ``host`` (one listing), folded; stale entries are dropped."""
        prefix = self._index_prefix("running", host)
        seen = self._running_entries(prefix)
        if not seen:
            return []
        history = self._load_runs(seen)
        running = []
        for run_id in seen:
            run = history.runs.get(run_id)
            if run is None:
                continue
            if run.status != RUNNING:
                self._drop_running_entry(run)  # its owner ended it but stopped before deleting the entry
                continue
            running.append(self._with_last_seen(run, seen))
        return sorted(running, key=lambda run: run.created_at)

    def _running_key(self, host: str, run_id: str) -> str:
        return self._index_prefix("running", host) + quote(run_id, safe="") + ".json"

    def _running_entries(self, prefix: str) -> dict[str, float]:
        """Run id -> update time (the server's clock) of each ``running`` index entry below ``prefix``."""
        entries: dict[str, float] = {}
        with translate_errors("list metadata", self._gcs.bucket_name, prefix):
            for blob in self._gcs.client.list_blobs(self._gcs.bucket, prefix=prefix, retry=self._gcs.retry):
                if blob.name.endswith(".json"):
                    run_id = unquote(blob.name.rsplit("/", 1)[-1].removesuffix(".json"))
                    entries[run_id] = blob.updated.timestamp() if blob.updated is not None else 0.0
        return entries

    def _with_last_seen(self, run: RunRecord, seen: dict[str, float]) -> RunRecord:
        at = seen.get(run.id)
        if run.status == RUNNING and at is not None and (run.heartbeat_at or 0) < at:
            return replace(run, heartbeat_at=at)
        return run

    def _drop_running_entry(self, run: RunRecord) -> None:
        """Delete a finished run's ``running`` index entry (best effort: a leftover one is dropped later)."""
        if run.owner_host is None:
            return
        from google.api_core import exceptions as api

        key = self._running_key(run.owner_host, run.id)
        try:
            with translate_errors("delete metadata index", self._gcs.bucket_name, key), suppress(api.NotFound):
                self._gcs.bucket.blob(key).delete(retry=self._gcs.retry)
        except (GCSError, FileNotFoundError) as error:
            logger.warning("running-run index entry not deleted (it is dropped on a later read): %s", error)

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
        self._write_step(step, recorded)
        return recorded

    def _write_step(self, step: StepRecord, recorded: Sequence[ArtifactRecord]) -> None:
        """The ``step_recorded`` event of a step and its outputs (versions claimed already), with its index
        entries: the cache entry before the event (a dangling one is skipped: the run it names is folded),
        the artifact entries after it (a missing one only costs a scan)."""
        name = event_name()
        if step.cache_key and step.status in (COMPLETED, CACHED):
            pipeline = self._pipeline_of(step.run_id)
            if pipeline is not None:
                entry = {"run_id": step.run_id, "step_name": step.name}
                self._write_index(self._cache_entry_key(pipeline, step, name), entry)
        self._write(
            step.run_id,
            {
                "kind": STEP_RECORDED,
                "step": step.to_dict(),
                "artifacts": [artifact.to_dict() for artifact in recorded],
            },
            name,
        )
        for artifact in recorded:
            key = self._index_prefix("artifacts", artifact.id) + quote(step.run_id, safe="") + ".json"
            self._write_index(key, {"run_id": step.run_id})

    def get_run(self, name_or_id: str) -> RunRecord:
        run = self._get_run(name_or_id)
        if run.status == RUNNING and run.owner_host is not None:
            run = self._with_last_seen(run, self._running_entries(self._running_key(run.owner_host, run.id)))
        return run

    def _get_run(self, name_or_id: str) -> RunRecord:
        """By id (one run folded), by name (``index/names``), by id prefix (one delimiter listing of a page of
        ``runs/<prefix>``); a history not yet indexed is folded whole for the last two."""
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
            if self._indexed():
                return self._run_by_prefix(name_or_id)
        history = self._load(self._runs_prefix())
        runs = history.runs
        by_name = [run for run in runs.values() if run.name == name_or_id]
        if by_name:
            return max(by_name, key=lambda run: (run.created_at, history.order[("run", run.id)]))
        by_prefix = [run for run_id, run in runs.items() if name_or_id and run_id.startswith(name_or_id)]
        if len(by_prefix) == 1:
            return by_prefix[0]
        if len(by_prefix) > 1:
            self._ambiguous(name_or_id, sorted(run.id for run in by_prefix))
        raise RunNotFoundError(self._not_found(name_or_id))

    def _not_found(self, name_or_id: str) -> str:
        return f"no run named {name_or_id!r} and no run id starting with it in {self.path}; see `zenml run list`"

    def _ambiguous(self, prefix: str, run_ids: list[str]) -> None:
        more = " and more" if len(run_ids) > 5 else ""
        raise RunNotFoundError(
            f"run id prefix {prefix!r} is ambiguous: it matches {', '.join(run_ids[:5])}{more}; "
            "give more characters of the id"
        )

    def _run_by_prefix(self, prefix: str) -> RunRecord:
        """The one run whose id starts with ``prefix``: the first page (6) of a delimiter listing."""
        base = self._runs_prefix()
        key = base + quote(prefix, safe="")
        with translate_errors("list metadata", self._gcs.bucket_name, key):
            pages = self._gcs.client.list_blobs(
                self._gcs.bucket, prefix=key, delimiter="/", page_size=6, retry=self._gcs.retry
            ).pages
            page = next(pages, None)
            folders = list(page.prefixes) if page is not None else []
        run_ids = sorted(unquote(folder[len(base) :].rstrip("/")) for folder in folders)
        if len(run_ids) > 1:
            self._ambiguous(prefix, run_ids)
        if run_ids:
            found = self._load(self._runs_prefix(run_ids[0])).runs.get(run_ids[0])
            if found is not None:
                return found
        raise RunNotFoundError(self._not_found(prefix))

    # -- the newest-first run index ----------------------------------------------------------------------

    def _indexed(self) -> bool:
        """Whether every run has its index entries (``index/complete-2.json``); a store without the marker is
        backfilled first. ``False`` (lookups fold the whole history) when that cannot be written."""
        if self._complete is None:
            marker = self._gcs.key(COMPLETE)
            if self._read_event(marker):
                self._complete = True
            else:
                try:
                    self._backfill()
                    self._put(marker, {"format": INDEX_FORMAT, "at": time.time()}, "write metadata index")
                except GCSError as error:
                    logger.warning(
                        "the run index of %s could not be completed (%s): lookups read the whole history", self.path,
                        error,
                    )  # fmt: skip
                    self._complete = False
                else:
                    self._complete = True
        return self._complete

    def _backfill(self) -> None:
        """Index the runs without an ``index/newest`` folder (written by an older version): fold each, write its
        name, newest and cache entries. Idempotent (deterministic names), so concurrent backfills are harmless."""
        from concurrent.futures import ThreadPoolExecutor

        listed = {entry.run_id for entry in self._newest()}
        missing = [run_id for run_id in self.run_ids() if run_id not in listed]
        if not missing:
            return
        logger.info("indexing %d runs of %s written by an older zenml-gcp (once)", len(missing), self.path)
        with ThreadPoolExecutor(BACKFILL_THREADS) as pool:
            list(pool.map(self._index_run, missing))

    def _index_run(self, run_id: str) -> None:
        history = self._load(self._runs_prefix(run_id))
        run = history.runs.get(run_id)
        created = history.created_event.get(run_id)
        if run is None or not created:
            return
        self._write_findable(run, created)
        self._write_final(history, run_id)
        for (owner, _), step in history.steps.items():
            if owner == run_id and step.cache_key and step.status in (COMPLETED, CACHED):
                entry = {"run_id": run_id, "step_name": step.name}
                self._write_index(self._cache_entry_key(run.pipeline_name, step, ""), entry, required=True)

    def _newest(self, page_size: int = PAGE_CAP) -> Iterator[run_index.Listed]:
        """The runs of ``index/newest/``, newest first, listed a page at a time as consumed (a run is yielded
        once the listing has passed its folder)."""
        prefix = self._index_prefix("newest")
        current: run_index.Listed | None = None
        current_folder = ""
        for key in self._listing(prefix, page_size):
            folder, _, leaf = key[len(prefix) :].partition("/")
            if folder != current_folder:
                if current is not None:
                    yield current
                current, current_folder = run_index.parse(folder), folder
            if current is not None:
                run_index.add(current, key, leaf)
        if current is not None:
            yield current

    def _listed_run(self, entry: run_index.Listed) -> RunRecord | None:
        """The run of a listed folder: its last final record (one read), else the fold of its events."""
        if entry.finals:
            data = self._read_cached(entry.finals[-1][0]).get("run")
            if isinstance(data, dict):
                with suppress(TypeError):
                    return RunRecord(**_known(RunRecord, data))
        return self._load(self._runs_prefix(entry.run_id)).runs.get(entry.run_id)

    def _listed_runs(self, pipeline_name: str | None, status: str | None, batch: int) -> Iterator[RunRecord]:
        """The runs of the index that match, newest first; names rule out runs without reading them, the others
        are read ``batch`` at a time, in parallel."""
        from concurrent.futures import ThreadPoolExecutor
        from itertools import islice

        entries = (entry for entry in self._newest(2 * batch + 2) if _may_match(entry, pipeline_name, status))
        with ThreadPoolExecutor(READERS) as pool:
            while chunk := list(islice(entries, batch)):
                for run in pool.map(self._listed_run, chunk):
                    if _matches(run, pipeline_name, status):
                        yield run

    def _last_seen(self, runs: list[RunRecord]) -> list[RunRecord]:
        """The "last seen" of the running runs among ``runs``, from every host's ``running`` entries."""
        if not any(run.status == RUNNING for run in runs):
            return runs
        seen = self._running_entries(self._index_prefix("running"))
        return [self._with_last_seen(run, seen) for run in runs]

    def list_runs(
        self, *, pipeline_name: str | None = None, status: str | None = None, limit: int | None = None
    ) -> list[RunRecord]:
        """Newest first: a page of ``limit`` runs lists about ``2 * limit`` index objects and reads one final
        record per ended run (folding the others), ``READERS`` at once. Filters are served from the index names
        while paging: a filter that matches few runs lists further back, reading only the runs it may match."""
        if limit is not None and limit <= 0:
            return []
        if not self._indexed():
            return self._last_seen(self._scanned_runs(pipeline_name, status, limit))
        runs: list[RunRecord] = []
        for run in self._listed_runs(pipeline_name, status, limit or PAGE_CAP // 2):
            runs.append(run)
            if limit is not None and len(runs) >= limit:
                break
        return self._last_seen(runs)

    def _scanned_runs(self, pipeline_name: str | None, status: str | None, limit: int | None) -> list[RunRecord]:
        """``list_runs`` by folding the whole history (a history whose index could not be completed)."""
        history = self._load(self._runs_prefix())
        runs = [
            run
            for run in history.runs.values()
            if (pipeline_name is None or run.pipeline_name == pipeline_name)
            and (status is None or run.status == status)
        ]
        runs.sort(key=lambda run: (run.created_at, history.order[("run", run.id)]), reverse=True)
        return runs[:limit] if limit is not None else runs

    def query_runs(self, query: RunQuery) -> tuple[list[RunRecord], int]:
        """Newest-first pages filtered by ``pipeline_name``/``status`` equality come from the index: the page's
        runs are read, the total is counted from the index names (runs without a final record are folded).
        Any other query filters every run in Python."""
        wanted = {condition.field: condition.value for condition in query.conditions}
        served = (
            query.ids is None
            and query.sort == ("created_at", True)
            and len(wanted) == len(query.conditions)
            and all(c.field in ("pipeline_name", "status") and c.op == "equals" for c in query.conditions)
        )
        if not served or not self._indexed():
            return super().query_runs(query)
        pipeline_name, status = wanted.get("pipeline_name"), wanted.get("status")
        first, page, total = (query.page - 1) * query.size, [], 0
        for entry in self._newest():
            if not _may_match(entry, pipeline_name, status):
                continue
            wanted_now = first <= total < first + query.size
            if wanted_now or not entry.finals or entry.pipeline_name is None:
                run = self._listed_run(entry)
                if not _matches(run, pipeline_name, status):
                    continue
                if wanted_now:
                    page.append(run)
            total += 1
        return self._last_seen(page), total

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
        """Fold the runs the ``cache-newest`` entries name, newest first, until one has the step intact (a
        listing of a small page, then usually one run folded); a history not yet indexed is folded whole."""
        if not self._indexed():
            return _cached_step(self._load(self._runs_prefix()), pipeline_name, step_name, cache_key)
        prefix = self._index_prefix("cache-newest", pipeline_name, step_name, cache_key)
        folded: set[str] = set()
        for key in self._listing(prefix, page_size=8):
            run_id = run_index.cache_entry_run(key[len(prefix) :])
            if run_id is None or run_id in folded:
                continue
            folded.add(run_id)
            found = _cached_step(self._load(self._runs_prefix(run_id)), pipeline_name, step_name, cache_key)
            if found is not None:
                return found
        return None

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


def _may_match(entry: run_index.Listed, pipeline_name: str | None, status: str | None) -> bool:
    """Whether a listed run may match the filters, from its index names alone (unknown parts may match)."""
    return (pipeline_name is None or entry.pipeline_name in (None, pipeline_name)) and (
        status is None or entry.final_status in (None, status)
    )


def _matches(run: RunRecord | None, pipeline_name: str | None, status: str | None) -> TypeGuard[RunRecord]:
    """Whether a run read for a listing matches the filters."""
    return (
        run is not None
        and (pipeline_name is None or run.pipeline_name == pipeline_name)
        and (status is None or run.status == status)
    )


def _cached_step(history: _History, pipeline_name: str, step_name: str, cache_key: str) -> StepRecord | None:
    """The newest completed (or cached) step of ``history`` with this key whose outputs are all recorded."""
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
