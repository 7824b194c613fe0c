"""The heartbeat of running runs: one daemon thread per process notes every few seconds that its runs are alive.

Recording a step already counts as a heartbeat; this thread covers long steps.
It sleeps on a condition variable, wakes only when a beat is due, and never
lets a failing store break a run (the failure is logged at debug level).
Another machine sees the last beat as the run's "last seen" time.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenml.metadata_stores.base import MetadataStore

INTERVAL_SECONDS = 30.0


class _Heart:
    """The runs of this process that are beating, and the thread that beats for them."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.runs: dict[str, tuple[MetadataStore, float, float]] = {}  # run id -> (store, interval, next beat)
        self.thread: threading.Thread | None = None

    def add(self, store: MetadataStore, run_id: str, interval: float) -> None:
        with self.lock:
            self.runs[run_id] = (store, interval, time.monotonic() + interval)
            if self.thread is None or not self.thread.is_alive():  # first use, or this is a forked child
                self.thread = threading.Thread(target=self._beat, name="zenml-heartbeat", daemon=True)
                self.thread.start()
            self.lock.notify()

    def remove(self, run_id: str) -> None:
        with self.lock:
            self.runs.pop(run_id, None)

    def _beat(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                due = [(run_id, store) for run_id, (store, _, when) in self.runs.items() if when <= now]
                for run_id, store in due:
                    _, interval, _ = self.runs[run_id]
                    self.runs[run_id] = (store, interval, now + interval)
                if not due:
                    wake = min((when for _, _, when in self.runs.values()), default=None)
                    self.lock.wait(None if wake is None else max(wake - now, 0.001))
                    continue
            for run_id, store in due:  # outside the lock: a slow store never blocks add() or remove()
                try:
                    store.heartbeat(run_id, time.time())
                except Exception as error:  # a missed beat only makes "last seen" older
                    import logging

                    logging.getLogger(__name__).debug("heartbeat of run %s failed: %s", run_id, error)


_HEART = _Heart()


class beating:
    """Context manager: ``run_id`` beats every ``interval`` seconds (default :data:`INTERVAL_SECONDS`) inside it."""

    def __init__(self, store: MetadataStore, run_id: str, interval: float | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.interval = INTERVAL_SECONDS if interval is None else interval

    def __enter__(self) -> None:
        _HEART.add(self.store, self.run_id, self.interval)

    def __exit__(self, *exc: object) -> None:
        _HEART.remove(self.run_id)
