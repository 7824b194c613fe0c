"""``Client().list_pipeline_runs(size=50)`` on a SQLite store of 10,000 runs (limit: 50 ms).

The store is filled through the store's own API (runs of 5 pipelines, each with two steps and their output
versions, as a pipeline records them), then each call is timed in this process
the way a script calls it: a new ``Client`` on the active stack, the first page of 50 runs, newest first (a
``COUNT`` of the matches plus one indexed page query). Also reported: the same with a pipeline filter, a
later page, and the first call in a fresh interpreter (opening the database and importing the modules it
needs included, with bytecode cached as an installed package has it; the stack is read before timing).
Prints one JSON object per line.

    python benchmarks/bench_client.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time


def emit(benchmark: str, value: float, unit: str, limit: float | None, detail: object) -> None:
    print(json.dumps({"benchmark": benchmark, "value": round(value, 3), "unit": unit, "limit": limit,
                      "detail": detail}))  # fmt: skip


def fill(runs: int) -> None:
    """``runs`` runs in the active stack's SQLite store, through the store's own API."""
    from zenml.client import Client
    from zenml.metadata_stores.models import COMPLETED, ArtifactRecord, RunRecord, StepRecord

    store = Client().active_stack.metadata_store
    start = time.time() - runs
    for index in range(runs):
        run_id = f"{index:08d}{os.urandom(12).hex()}"
        pipeline = f"pipeline_{index % 5}"
        created = start + index
        store.create_run(RunRecord(run_id, f"{pipeline}-{index}", pipeline, COMPLETED, created, created + 1))
        for step in ("load", "train"):
            artifact = ArtifactRecord(
                f"{run_id}-{step}", run_id, step, "output", f"runs/{run_id}/{step}/output", "/artifacts",
                "builtins:int", "zenml.materializers.builtin:BuiltinMaterializer", 1, 3, "crc32:0", created,
                artifact_name=f"{pipeline}::{step}::output",
            )  # fmt: skip
            store.record_step(StepRecord(run_id, step, COMPLETED, created, created + 0.5, cache_key=run_id), [artifact])


def timed(call: object, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - began) * 1000)
    return samples


FIRST_CALL = """
import sys, time
from zenml.client import Client
client = Client()
client.active_stack  # reading the stack config is not part of answering
began = time.perf_counter()
page = client.list_pipeline_runs(size=50)
print((time.perf_counter() - began) * 1000)
"""


def fresh_process_first_call(home: str) -> float:
    """Milliseconds of the first call in a new interpreter (connection and imports; bytecode cached)."""
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["ZENML_CONFIG_DIR"] = home
    result = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, capture_output=True, text=True, check=True)
    return float(result.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()
    repeats = 10 if args.quick else 50
    with tempfile.TemporaryDirectory() as home:
        os.environ["ZENML_CONFIG_DIR"] = home
        from zenml.client import Client

        began = time.perf_counter()
        fill(args.runs)
        filled = time.perf_counter() - began
        page = Client().list_pipeline_runs(size=50)
        assert (len(page), page.total) == (50, args.runs), (len(page), page.total)
        cold = [fresh_process_first_call(home) for _ in range(3)][1:]  # the first one writes the bytecode
        samples = timed(lambda: list(Client().list_pipeline_runs(size=50)), repeats)
        filtered = timed(lambda: Client().list_pipeline_runs(pipeline_name="pipeline_3", size=50), repeats)
        later = timed(lambda: Client().list_pipeline_runs(size=50, page=100), repeats)
        detail = {
            "runs": args.runs,
            "repeats": repeats,
            "median_ms": round(statistics.median(samples), 2),
            "min_ms": round(min(samples), 2),
            "first_call_in_a_fresh_process_ms": round(min(cold), 2),
            "pipeline_filter_median_ms": round(statistics.median(filtered), 2),
            "page_100_median_ms": round(statistics.median(later), 2),
            "fill_seconds": round(filled, 1),
        }
        emit("client_list_pipeline_runs_50_of_10000", statistics.median(samples), "ms", 50, detail)


if __name__ == "__main__":
    main()
