"""Object names of the GCS metadata store's newest-first run index (see :mod:`zenml.integrations.gcp.metadata_store`).

Pure name arithmetic, no I/O: a run's index folder name sorts newest first (inverted creation time, then
inverted write time of its ``run_created`` event, then the run id), so a bounded, name-ordered listing of
``index/newest/`` is a page of the newest runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote

POINTER = "run-"  # run-<pipeline>.json: the run exists (written before its run_created event)
FINAL = "final-"  # final-<event>-<status>.json: its record once it ended (written after that event)
_MICROS = 10**17 - 1  # creation times in microseconds: 17 digits reach beyond the year 5000
_NANOS = 10**20 - 1  # event names start with 20 digits of nanoseconds


def event_nanos(event: str) -> int:
    """The write time (ns) an event object's name (``<20 digits>-<uuid>.json``) starts with; 0 if none."""
    digits = event[:20]
    return int(digits) if digits.isdigit() else 0


def folder(created_at: float, created_event: str, run_id: str) -> str:
    """``<inverted µs of created_at>-<inverted ns of the run_created event>-<run id>``: newest first in name
    order, runs created in the same microsecond in reverse write order (SQLite's ``rowid DESC``)."""
    micros = min(max(round(created_at * 1_000_000), 0), _MICROS)
    nanos = min(event_nanos(created_event), _NANOS)
    return f"{_MICROS - micros:017d}-{_NANOS - nanos:020d}-{quote(run_id, safe='')}"


def pointer(pipeline_name: str) -> str:
    return f"{POINTER}{quote(pipeline_name, safe='')}.json"


def final(event: str, status: str) -> str:
    """The final record's name: the name of the event that ended the run (so the last one wins, as in the
    fold), then the status (so a status filter skips it without reading it)."""
    return f"{FINAL}{event.removesuffix('.json')}-{quote(status, safe='')}.json"


def cache_entry(ended_at: float, written: str, run_id: str) -> str:
    """``<inverted ns of the step's end>-<inverted ns of its event>-<run id>.json``: the newest step first."""
    nanos = min(max(round(ended_at * 1_000_000_000), 0), _NANOS)
    return f"{_NANOS - nanos:020d}-{_NANOS - min(event_nanos(written), _NANOS):020d}-{quote(run_id, safe='')}.json"


def cache_entry_run(name: str) -> str | None:
    """The run id a cache entry's name ends with."""
    parts = name.removesuffix(".json").split("-", 2)
    return unquote(parts[2]) if len(parts) == 3 and name.endswith(".json") else None


@dataclass
class Listed:
    """One run's folder in a listing of ``index/newest/``: its pointer and final records, in name order."""

    run_id: str
    pipeline_name: str | None = None
    finals: list[tuple[str, str]] = field(default_factory=list)  # (object name, status)

    @property
    def final_status(self) -> str | None:
        return self.finals[-1][1] if self.finals else None


def parse(folder_name: str) -> Listed | None:
    parts = folder_name.split("-", 2)
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()) or not parts[2]:
        return None
    return Listed(unquote(parts[2]))


def add(listed: Listed, key: str, leaf: str) -> None:
    """Note object ``key`` (``leaf`` is its name within the run's folder)."""
    if not leaf.endswith(".json"):
        return
    if leaf.startswith(POINTER):
        listed.pipeline_name = unquote(leaf[len(POINTER) : -5])
    elif leaf.startswith(FINAL):
        parts = leaf[len(FINAL) : -5].split("-", 2)
        if len(parts) == 3:
            listed.finals.append((key, unquote(parts[2])))
