"""Paired round trips for the store benchmarks: a baseline and the store, alternated, best of each.

Not a benchmark itself (``run.py`` runs only ``bench_*.py``); the scripts beside it import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

RoundTrip = Callable[[int], tuple[float, float]]
"""One save and load with a given index (file names): ``(save seconds, load seconds)``."""


@dataclass(frozen=True)
class Best:
    """The minima over the repetitions: of save + load (of one repetition), of save, of load."""

    total: float
    save: float
    load: float


def _best(times: list[tuple[float, float]]) -> Best:
    return Best(
        total=min(save + load for save, load in times),
        save=min(save for save, _ in times),
        load=min(load for _, load in times),
    )


def best_of_pairs(plain: RoundTrip, ours: RoundTrip, repeat: int) -> tuple[Best, Best]:
    """Warm both up (page cache, allocator), then alternate ``repeat`` pairs so that drift hits both equally."""
    plain(-1)
    ours(-1)
    plain_times: list[tuple[float, float]] = []
    our_times: list[tuple[float, float]] = []
    for index in range(repeat):
        plain_times.append(plain(index))
        our_times.append(ours(index))
    return _best(plain_times), _best(our_times)
