"""Reading a SQLite history of 10,000 runs (30,000 artifacts) vs one of 10 runs (limit 1.5x each).

Two histories are built in one process by bulk-inserting rows with the store's own schema helpers
(``insert_sql``/``encode_row``, in one write transaction of the store): 5 pipelines, each run with three steps
``load``, ``train`` and ``evaluate``, each making one new artifact version linked as its output, as a pipeline
records them. ``load`` has the same cache key in every run of a pipeline (the step every run finds cached), so a
cache lookup has one match per run of that pipeline to choose from. Timed in this process, each on both
histories, in alternating rounds (the first call of a round reopens the database and is not counted):

- ``zenml run list``: the command with its defaults, invoked through click in this process (output captured);
- a cache lookup: what the orchestrator asks the metadata store before running a step
  (``find_cached_step``, then ``list_step_outputs`` of the run found), for a hit and for a miss;
- ``Client().get_run(name)`` and ``Client().get_pipeline_run(name)`` of a run in the middle of the history.

Each figure is the ratio of medians (10,000 runs / 10 runs). Prints one JSON object per line.

    python benchmarks/bench_history_scale.py [--quick] [--runs N]
"""

from __future__ import annotations

import os
import tempfile
import time
from typing import TYPE_CHECKING

from history_rounds import arguments, measure, report

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

PIPELINES = 5
STEPS = ("load", "train", "evaluate")
LIMIT = 1.5


def run_name(index: int) -> str:
    return f"pipeline_{index % PIPELINES}-{index}"


def fill(runs: int) -> None:
    """``runs`` runs (3 steps, 3 artifact versions each) in the active stack's SQLite store, in one transaction."""
    from zenml.client import Client
    from zenml.metadata_stores.models import COMPLETED, ArtifactRecord, RunRecord, StepRecord
    from zenml.metadata_stores.sqlite_schema import (
        ARTIFACT_COLUMNS,
        RUN_COLUMNS,
        STEP_COLUMNS,
        encode_row,
        insert_sql,
    )

    store = Client().active_stack.metadata_store
    start = time.time() - 10 * runs
    pipelines, run_rows, step_rows, artifact_rows, links = [], [], [], [], []
    for index in range(runs):
        run_id = f"{index:08d}{os.urandom(12).hex()}"
        pipeline = f"pipeline_{index % PIPELINES}"
        number = index // PIPELINES + 1
        created = start + 10 * index
        if index < PIPELINES:
            pipelines.append((pipeline, created))
        graph = {"load": [], "train": ["load"], "evaluate": ["train"]}
        run = RunRecord(run_id, run_name(index), pipeline, COMPLETED, created, created + 4, graph=graph,
                        artifact_store_path="/artifacts", owner_host="bench", owner_pid=1,
                        heartbeat_at=created + 4)  # fmt: skip
        run_rows.append(encode_row(run, RUN_COLUMNS))
        for position, step in enumerate(STEPS):
            began = created + position + 0.5
            key = f"{pipeline}/load" if step == "load" else f"{pipeline}/{step}/{index}"
            inputs = {} if step == "load" else {"data": f"{STEPS[position - 1]}.output"}
            record = StepRecord(run_id, step, COMPLETED, began, began + 0.5, cache_key=key, inputs=inputs,
                                parameters={"seed": index})  # fmt: skip
            step_rows.append({**encode_row(record, STEP_COLUMNS), "output_count": 1})
            artifact = ArtifactRecord(
                f"{run_id}-{step}", run_id, step, "output", f"runs/{run_id}/{step}/output", "/artifacts",
                "builtins:int", "zenml.materializers.builtin:BuiltinMaterializer", 1, 3, "crc32:0", began + 0.4,
                artifact_name=f"{pipeline}::{step}::output", version=str(number), version_number=number,
            )  # fmt: skip
            artifact_rows.append(encode_row(artifact, ARTIFACT_COLUMNS))
            links.append((run_id, step, "output", artifact.id))

    def work(conn: sqlite3.Connection) -> None:
        conn.executemany("INSERT INTO pipelines (name, created_at) VALUES (?, ?)", pipelines)
        conn.executemany(insert_sql("runs", RUN_COLUMNS), run_rows)
        conn.executemany(insert_sql("steps", (*STEP_COLUMNS, "output_count")), step_rows)
        conn.executemany(insert_sql("artifacts", ARTIFACT_COLUMNS), artifact_rows)
        conn.executemany("INSERT INTO step_outputs VALUES (?, ?, ?, ?)", links)

    store._write(work)


def operations(runs: int) -> dict[str, Callable[[], object]]:
    """The timed calls on a history of ``runs`` runs (the active stack's)."""
    from click.testing import CliRunner

    from zenml.cli.group import cli
    from zenml.client import Client

    name = run_name(runs // 2)
    pipeline = f"pipeline_{(runs // 2) % PIPELINES}"

    def run_list() -> object:
        result = CliRunner().invoke(cli, ["run", "list"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    def cache_lookup(key: str) -> Callable[[], object]:
        def lookup() -> object:
            store = Client().active_stack.metadata_store
            cached = store.find_cached_step(pipeline, "load", key)
            return cached and store.list_step_outputs(cached.run_id)

        return lookup

    return {
        "zenml run list": run_list,
        "cache lookup (hit)": cache_lookup(f"{pipeline}/load"),
        "cache lookup (miss)": cache_lookup(f"{pipeline}/load/new-inputs"),
        "Client().get_run(name)": lambda: Client().get_run(name),
        "Client().get_pipeline_run(name)": lambda: Client().get_pipeline_run(name),
    }


def check(runs: int) -> None:
    """The history is one the real code reads: every run listed by the Client, the lookup finds the newest."""
    from zenml.client import Client

    client = Client()
    page = client.list_pipeline_runs(size=1)
    assert page.total == runs, (page.total, runs)
    assert client.get_run(run_name(runs // 2)).name == run_name(runs // 2)
    assert len(client.active_stack.metadata_store.list_step_outputs(page[0].id)) == len(STEPS)
    assert operations(runs)["cache lookup (hit)"]()


def main() -> None:
    sizes, rounds, per_round = arguments(10_000)
    with tempfile.TemporaryDirectory() as base:
        homes = {size: os.path.join(base, f"history-{size}") for size in sizes}
        filled = {}
        for size, home in homes.items():
            os.environ["ZENML_CONFIG_DIR"] = home
            began = time.perf_counter()
            fill(size)
            filled[size] = round(time.perf_counter() - began, 2)
            check(size)
        samples = measure(homes, operations, rounds=rounds, per_round=per_round)
        report(samples, sizes, title="", limit=LIMIT, artifacts=3 * sizes[1], fill_seconds=filled)


if __name__ == "__main__":
    main()
