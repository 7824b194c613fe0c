"""8 processes x 25 small runs recorded into one SQLiteMetadataStore at once.

Each run is what a small pipeline records: create_run, two steps each with one
artifact (record_step), finish_run. Checks that every run, step and artifact
is there and that no process saw "database is locked". Prints one JSON object
per line.

    python benchmarks/bench_metadata_concurrency.py [--quick] [--processes N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import tempfile
import time

from zenml.metadata_stores.models import COMPLETED, ArtifactRecord, RunRecord, StepRecord
from zenml.metadata_stores.sqlite import SQLiteMetadataStore

STEPS = ("load", "train")


def emit(benchmark: str, value: float, unit: str, limit: float | None, detail: str) -> None:
    print(
        json.dumps({"benchmark": benchmark, "value": round(value, 4), "unit": unit, "limit": limit, "detail": detail})
    )


def worker(path: str, worker_id: int, runs: int, start_at: float) -> tuple[list[str], float]:
    """Record ``runs`` runs; return the errors seen and the time spent."""
    while time.time() < start_at:  # start together, to maximise contention
        time.sleep(0.001)
    store = SQLiteMetadataStore("bench", path=path)
    errors: list[str] = []
    began = time.perf_counter()
    for index in range(runs):
        run_id = f"{worker_id:02d}{index:04d}{os.urandom(4).hex()}"
        try:
            now = time.time()
            store.create_run(RunRecord(run_id, f"bench-{run_id}", f"pipeline{worker_id % 2}", "running", now))
            for step in STEPS:
                store.record_step(
                    StepRecord(run_id, step, COMPLETED, time.time(), time.time(), cache_key=f"{step}-{index}"),
                    [
                        ArtifactRecord(
                            f"{run_id}-{step}", run_id, step, "output", f"runs/{run_id}/{step}/output", "/artifacts",
                            "builtins:int", "zenml.materializers.builtin:BuiltinMaterializer", 1, 3, "crc32:0",
                            time.time(), artifact_name=f"pipeline{worker_id % 2}::{step}::output",
                        )
                    ],
                )  # fmt: skip
            store.finish_run(run_id, COMPLETED, time.time())
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
    elapsed = time.perf_counter() - began
    store.close()
    return errors, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 processes x 5 runs")
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    processes = args.processes or (4 if args.quick else 8)
    runs = args.runs or (5 if args.quick else 25)
    directory = tempfile.mkdtemp(prefix="zenml-bench-sqlite-")
    path = os.path.join(directory, "metadata.db")
    try:
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes) as pool:
            start_at = time.time() + 1.0
            results = pool.starmap(worker, [(path, worker_id, runs, start_at) for worker_id in range(processes)])
        errors = [error for worker_errors, _ in results for error in worker_errors]
        locked = [error for error in errors if "locked" in error or "busy" in error]
        store = SQLiteMetadataStore("check", path=path)
        recorded_runs = store.list_runs()
        completed = sum(1 for run in recorded_runs if run.status == COMPLETED)
        artifacts = len(store.list_artifacts())
        steps = sum(len(store.list_steps(run.id)) for run in recorded_runs)
        store.close()
        expected = processes * runs
        slowest = max(elapsed for _, elapsed in results)
        emit(
            "metadata_concurrency_runs_recorded",
            completed / expected,
            "fraction",
            1.0,
            f"{completed}/{expected} runs completed, {steps}/{expected * len(STEPS)} steps, "
            f"{artifacts}/{expected * len(STEPS)} artifacts; {processes} processes x {runs} runs",
        )
        emit(
            "metadata_concurrency_errors",
            float(len(errors)),
            "count",
            0.0,
            f"{len(locked)} 'database is locked' errors; first: {errors[0] if errors else 'none'}",
        )
        emit(
            "metadata_concurrency_time",
            slowest * 1000,
            "ms",
            None,
            f"slowest process recording {runs} runs ({4 * runs} write transactions) while {processes - 1} others "
            f"wrote; {slowest * 1000 / (4 * runs):.2f} ms per write transaction",
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
