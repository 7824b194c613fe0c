"""Timing calls on two run histories of different sizes, in alternating rounds, as ratios of medians.

Shared by ``bench_history_scale.py`` (SQLite) and ``bench_gcs_history.py`` (GCS): each history is the active
stack of its own config folder (``ZENML_CONFIG_DIR``); a round switches to each history in turn and times
every call on it, the first call after the switch not counted.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def arguments(runs: int) -> tuple[tuple[int, int], int, int]:
    """``--quick`` and ``--runs N`` (default ``runs``): the two sizes (10 and N), the rounds, calls a round."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=runs)
    args = parser.parse_args()
    rounds, per_round = (3, 5) if args.quick else (5, 10)
    return (10, args.runs), rounds, per_round


def emit(benchmark: str, value: float, unit: str, limit: float | None, detail: object) -> None:
    print(json.dumps({"benchmark": benchmark, "value": round(value, 3), "unit": unit, "limit": limit,
                      "detail": detail}))  # fmt: skip


def measure(
    homes: dict[int, str],
    operations: Callable[[int], dict[str, Callable[[], object]]],
    *,
    rounds: int,
    per_round: int,
    before_each: Callable[[], object] | None = None,
) -> dict[tuple[str, int], list[float]]:
    """Milliseconds of each call (``operations(size)``) on each history (size -> config folder), untimed
    ``before_each`` before every timed call."""
    samples: dict[tuple[str, int], list[float]] = {}
    for _ in range(rounds):
        for size, home in homes.items():
            os.environ["ZENML_CONFIG_DIR"] = home
            for label, call in operations(size).items():
                call()  # after the switch of history; not counted
                times = samples.setdefault((label, size), [])
                for _ in range(per_round):
                    if before_each is not None:
                        before_each()
                    began = time.perf_counter()
                    call()
                    times.append((time.perf_counter() - began) * 1000)
    return samples


def report(
    samples: dict[tuple[str, int], list[float]], sizes: tuple[int, int], *, title: str, limit: float, **detail: object
) -> None:
    """One figure per call: the ratio of medians (larger history / smaller), with the raw times in ``detail``."""
    small, large = sizes
    for label in dict.fromkeys(label for label, _ in samples):
        measured = {str(size): samples[(label, size)] for size in sizes}
        info = {
            "median_ms": {size: round(statistics.median(times), 3) for size, times in measured.items()},
            "min_max_ms": {size: [round(min(times), 3), round(max(times), 3)] for size, times in measured.items()},
            "n": len(samples[(label, large)]),
            **detail,
        }
        ratio = statistics.median(samples[(label, large)]) / statistics.median(samples[(label, small)])
        emit(f"{title}{label}, {large:,} runs / {small} runs", ratio, "x", limit, info)
