"""Runs whose process died: ended as ``failed`` with an error starting ``"crashed: "`` by the next command.

A run records its owner process (:mod:`zenml.utils.processes`) and a
heartbeat. Every command that reads runs (``zenml run list|show``, ``zenml
pipeline list``, ``Client().list_runs|get_run|list_pipeline_runs``, the run
views of pipelines and model versions) and every new pipeline run first ends the
runs of this host whose owner is provably gone, together with their
``running`` steps. Runs of other hosts are never guessed dead: their last
heartbeat is shown as "last seen", and ``zenml run mark-failed`` ends them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from zenml.metadata_stores.models import FAILED, RUNNING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from zenml.metadata_stores.base import MetadataStore
    from zenml.metadata_stores.models import RunRecord
    from zenml.metadata_stores.queries import RunQuery

CRASHED = "crashed: "
logger = logging.getLogger(__name__)


def last_seen(run: RunRecord) -> float:
    """The last time the run's owner was known to be alive: its last heartbeat, else its start."""
    return run.heartbeat_at if run.heartbeat_at is not None else run.created_at


def utc(timestamp: float) -> str:
    """``2026-01-31 12:00:00 UTC``: a time other machines read the same way."""
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp))


def end_run(store: MetadataStore, run: RunRecord, error: str) -> RunRecord:
    """Mark running ``run`` (and its running steps) failed with ``error``, ended at its last sign of life.

    Returns the run as it is now: failed, or as recorded if it finished meanwhile.
    """
    from dataclasses import replace

    ended = last_seen(run)
    if store.fail_running_run(run.id, error, ended):
        return replace(run, status=FAILED, ended_at=ended, error=error)
    return store.get_run(run.id)


def recover_crashed_runs(
    store: MetadataStore, runs: Iterable[RunRecord] | None = None, *, quiet: bool = False
) -> list[RunRecord]:
    """End every run of ``runs`` (default: this host's running runs) whose owner is provably gone.

    Returns ``runs`` in order, the ended ones as they are now. With ``quiet`` (commands that only read),
    a store this process may not write (a read-only file, a bucket without write access) is logged and
    the run is returned as it was; a store that cannot be read still raises.
    """
    from zenml.utils.processes import owner_state, this_process

    if runs is None:
        runs = store.running_runs(this_process().host)
    result = []
    for run in runs:
        state, reason = (
            owner_state(run.owner_host, run.owner_pid, run.owner_start) if run.status == RUNNING else ("", "")
        )
        if state != "gone":
            result.append(run)
            continue
        try:
            ended = end_run(store, run, f"{CRASHED}{reason}; last seen {utc(last_seen(run))}")
        except Exception as error:
            if not quiet:
                raise
            logger.warning("could not mark run %s of a dead process failed: %s", run.name, error)
            ended = run
        else:
            logger.info("run %s (%s) marked failed: %s", ended.name, ended.id, ended.error)
        result.append(ended)
    return result


def read_runs(
    store: MetadataStore, *, pipeline_name: str | None = None, status: str | None = None, limit: int | None = None
) -> list[RunRecord]:
    """``store.list_runs(...)`` for readers of run history: this host's runs of dead processes end first.

    The runs listed are checked too (a store may lack the index that finds running runs cheaply).
    """
    recover_crashed_runs(store, quiet=True)
    listed = store.list_runs(pipeline_name=pipeline_name, status=status, limit=limit)
    records = recover_crashed_runs(store, listed, quiet=True)
    if records != listed and status is not None:
        records = [record for record in records if record.status == status]
    return records


def query_runs(store: MetadataStore, query: RunQuery) -> tuple[list[RunRecord], int]:
    """``store.query_runs(query)`` (one page and the total) for readers of run history, as :func:`read_runs`."""
    recover_crashed_runs(store, quiet=True)
    records, total = store.query_runs(query)
    return recover_crashed_runs(store, records, quiet=True), total


def read_run(store: MetadataStore, name_or_id: str) -> RunRecord:
    """``store.get_run(name_or_id)`` for readers of run history: a run of a dead process of this host ends first."""
    (record,) = recover_crashed_runs(store, [store.get_run(name_or_id)], quiet=True)
    return record
