"""The ray orchestrator on a warm local Ray (2 CPUs) against the local orchestrator and bare Ray tasks.

Figures: per-step overhead (a 10-step chain of trivial steps) as a ratio to the local orchestrator,
to the same chain as bare Ray tasks (doing nothing, and doing a step's store I/O themselves), and to
the sum of a bare task and a local step (a step's own store reads and writes are the same on either
orchestrator); a 50-step chain's per-step time against the 10-step one's; the diamond (two 2 s
branches) against its 2 s critical path; a 20-step fan-out of 0.5 s steps against the local orchestrator.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

HERE = Path(__file__).resolve().parent


def _stack(orchestrator: object, base: str) -> object:
    from zenml.artifact_stores.local import LocalArtifactStore
    from zenml.metadata_stores.sqlite import SQLiteMetadataStore
    from zenml.stack.stack import Stack

    return Stack("bench", LocalArtifactStore("a", path=f"{base}/artifacts"),
                 SQLiteMetadataStore("m", path=f"{base}/metadata.db"), orchestrator)  # type: ignore[arg-type]  # fmt: skip


def _timed(stack: object, pipeline: object, **kwargs: object) -> float:
    from zenml.pipelines.pipeline_definition import Pipeline

    deployment = pipeline.deployment(**kwargs)  # type: ignore[attr-defined]
    started = time.perf_counter()
    Pipeline.run_on(stack, deployment)  # type: ignore[arg-type]
    return time.perf_counter() - started


def _emit(name: str, value: float, unit: str, limit: float | None, detail: str) -> None:
    print(json.dumps({"benchmark": name, "value": round(value, 2), "unit": unit, "limit": limit, "detail": detail}))


def _bare_chains(steps: ModuleType, base: str, length: int) -> tuple[Callable[[], float], Callable[[], float]]:
    """Timers of the same chain as bare Ray tasks: tasks that do nothing, and tasks that do a step's store I/O."""
    import ray

    @ray.remote
    def bare_tick(previous: int) -> int:
        return previous + 1

    bare_io_tick = ray.remote(steps.bare_io_tick)
    steps.bare_io_store(base)
    runs = iter(range(1_000_000))

    def bare() -> float:
        started = time.perf_counter()
        ref = bare_tick.remote(0)
        for _ in range(length - 1):
            ref = bare_tick.remote(ref)
        ray.get(ref)
        return time.perf_counter() - started

    def bare_io() -> float:
        run = f"run{next(runs)}"
        started = time.perf_counter()
        ref = bare_io_tick.remote(base, run, 0, None)
        for index in range(1, length):
            ref = bare_io_tick.remote(base, run, index, ref)
        ray.get(ref)
        return time.perf_counter() - started

    return bare, bare_io


def _per_step(steps: ModuleType, on_ray: object, local: object, base: str, repeats: int) -> None:
    """The per-step figures: a 10-step chain of trivial steps on Ray, locally and as bare Ray tasks (interleaved,
    so that the machine's load drifts onto every figure alike; the minimum of each: noise only adds time)."""
    length, long = 10, 50
    bare, bare_io = _bare_chains(steps, f"{base}/bare", length)
    bare(), bare_io(), _timed(local, steps.chain, length=length)
    times: dict[str, list[float]] = {"ray": [], "local": [], "bare": [], "bare_io": [], "long": []}
    for _ in range(repeats):
        times["ray"].append(_timed(on_ray, steps.chain, length=length))
        times["local"].append(_timed(local, steps.chain, length=length))
        times["bare"].append(bare())
        times["bare_io"].append(bare_io())
        times["long"].append(_timed(on_ray, steps.chain, length=long) * length / long)
    ray_ms, local_ms, bare_ms, bare_io_ms, long_ms = (min(times[key]) / length * 1000 for key in times)
    _emit("ray: per-step time vs local orchestrator", ray_ms / local_ms, "x local", None,
          f"{ray_ms:.1f} ms/step on Ray vs {local_ms:.1f} ms/step local; {length}-step chain, "
          f"min of {repeats}")  # fmt: skip
    _emit("ray: per-step time vs bare Ray tasks", ray_ms / bare_ms, "x bare Ray", None,
          f"{ray_ms:.1f} ms/step vs {bare_ms:.2f} ms/task for the same chain of bare tasks that do nothing (a step "
          "also reads and writes the stores)")  # fmt: skip
    _emit("ray: per-step time vs bare Ray tasks doing the store I/O of a step", ray_ms / bare_io_ms,
          "x bare Ray + I/O", 1.5, f"{ray_ms:.1f} ms/step vs {bare_io_ms:.2f} ms/task for the same chain of bare tasks "
          "that each look up their input's row, read its file, write their output file and record a step row and "
          "an artifact row in SQLite (less than a step records: no logs, hashes or metadata)")  # fmt: skip
    _emit("ray: per-step time vs a bare Ray task plus the same step run locally", ray_ms / (bare_ms + local_ms),
          "x (bare Ray + local)", 1.5, f"{ray_ms:.1f} ms/step vs {bare_ms:.2f} + {local_ms:.1f} ms: what Ray adds "
          "beyond its own task cost")  # fmt: skip
    _emit(f"ray: per-step time of a {long}-step chain vs the {length}-step chain", long_ms / ray_ms, "x", None,
          f"{long_ms:.1f} vs {ray_ms:.1f} ms/step: the cost of a step does not grow with the run's length "
          "(1.0 ideal)")  # fmt: skip


def main() -> None:
    quick = "--quick" in sys.argv
    repeats = 2 if quick else 5
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH", "")]))
    sys.path.insert(0, str(HERE))
    import ray_bench_steps as steps

    from zenml.integrations.ray.connection import disconnect
    from zenml.integrations.ray.orchestrator import RayOrchestrator
    from zenml.integrations.registry import activate_integrations
    from zenml.orchestrators.local import LocalOrchestrator

    activate_integrations()
    base = tempfile.mkdtemp(prefix="zr-bench-")
    local = _stack(LocalOrchestrator("local"), f"{base}/local")
    on_ray = _stack(RayOrchestrator("ray", local_num_cpus=2), f"{base}/ray")
    try:
        _timed(on_ray, steps.chain, length=10)  # start Ray, warm two workers
        _timed(on_ray, steps.chain, length=10)
        _per_step(steps, on_ray, local, base, repeats)
        seconds = 1.0 if quick else 2.0
        diamond = min(_timed(on_ray, steps.diamond, seconds=seconds) for _ in range(max(1, repeats // 2)))
        _emit("ray: diamond vs its critical path", diamond / seconds, "x critical path", 1.5,
              f"{diamond:.2f} s for two parallel {seconds:g} s branches")  # fmt: skip
        width, nap = (10, 0.5) if quick else (20, 0.5)
        ray_fan = _timed(on_ray, steps.fan_out, width=width, seconds=nap)
        local_fan = _timed(local, steps.fan_out, width=width, seconds=nap)
        _emit(f"ray: {width}-step fan-out of {nap:g} s steps vs local", ray_fan / local_fan, "x local", None,
              f"{ray_fan:.2f} s on Ray (2 CPUs) vs {local_fan:.2f} s local; ideal 0.5x")  # fmt: skip
    finally:
        disconnect()


if __name__ == "__main__":
    main()
