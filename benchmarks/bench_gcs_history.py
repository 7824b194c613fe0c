"""Reading a GCS metadata store history of 1,000 runs vs one of 10 runs, on the emulator (limit 2x each).

Two histories, each in its own bucket of one in-memory GCS emulator (127.0.0.1), each the metadata store of a
stack registered through the CLI in its own config folder. They are written through the store's own write
helpers, in parallel threads: ``create_run``, one ``step_recorded`` event per step with its index entries
(``_write_step``, what ``record_step`` writes once the artifact versions are claimed; version objects are left
out, none of the timed calls reads them) and ``finish_run``. 5 pipelines, each run with three steps ``load``,
``train`` and ``evaluate`` and one output each; ``load`` has the same cache key in every run of a pipeline, so a
cache lookup has one match per run of that pipeline to choose from. Timed in this process, on both histories
in alternating rounds (the first call of a round, after the switch of config folder, is not counted):

- ``zenml run list``: the command with its defaults (the newest 20), through click in this process;
- ``Client().get_run(id prefix)`` of a run in the middle of the history;
- a cache lookup: what the orchestrator asks before running a step (``find_cached_step``, then
  ``list_step_outputs`` of the run found), a hit.

Before each call (untimed) the process forgets its stacks, so each call builds its stack and store as a new
command does: no object read by an earlier call is cached. Each figure is the ratio of medians (1,000 runs /
10 runs). Prints one JSON object per line.

    python benchmarks/bench_gcs_history.py [--quick] [--runs N]
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from history_rounds import arguments, measure, report

if TYPE_CHECKING:
    from collections.abc import Callable

    from zenml.integrations.gcp.metadata_store import GCPMetadataStore

PIPELINES = 5
STEPS = ("load", "train", "evaluate")
LIMIT = 2.0
THREADS = 4


def run_id(index: int) -> str:
    return f"{index:08d}{index * 7919 % 10**12:012x}"


def write_run(store: GCPMetadataStore, index: int, start: float) -> None:
    """One run as the store writes it: created, three steps each with an output, finished."""
    from zenml.metadata_stores.models import COMPLETED, RUNNING, ArtifactRecord, RunRecord, StepRecord

    pipeline = f"pipeline_{index % PIPELINES}"
    created = start + 10 * index
    graph = {"load": [], "train": ["load"], "evaluate": ["train"]}
    run = RunRecord(run_id(index), f"{pipeline}-{index}", pipeline, RUNNING, created, graph=graph,
                    artifact_store_path="/artifacts")  # fmt: skip
    store.create_run(run)
    number = index // PIPELINES + 1
    for position, name in enumerate(STEPS):
        began = created + position + 0.5
        key = f"{pipeline}/load" if name == "load" else f"{pipeline}/{name}/{index}"
        step = StepRecord(run.id, name, COMPLETED, began, began + 0.5, cache_key=key, parameters={"seed": index})
        artifact = ArtifactRecord(
            f"{run.id}-{name}", run.id, name, "output", f"runs/{run.id}/{name}/output", "/artifacts", "builtins:int",
            "zenml.materializers.builtin:BuiltinMaterializer", 1, 3, "crc32c:0", began + 0.4,
            artifact_name=f"{pipeline}::{name}::output", version=str(number), version_number=number,
        )  # fmt: skip
        store._write_step(step, [artifact])
    store.finish_run(run.id, COMPLETED, created + 4)


def fill(path: str, runs: int) -> None:
    from zenml.integrations.gcp.metadata_store import GCPMetadataStore

    store = GCPMetadataStore("fill", path=path)
    start = time.time() - 10 * runs
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda index: write_run(store, index, start), range(runs)))


def register(home: str, path: str) -> None:
    """A stack in config folder ``home`` whose metadata store is ``path``, registered through the CLI."""
    from click.testing import CliRunner

    from zenml.cli.group import cli

    os.environ["ZENML_CONFIG_DIR"] = home
    for command in (
        ["metadata-store", "register", "bench", "-f", "gcp", "-p", path],
        ["stack", "register", "bench", "-a", "default", "-m", "bench", "--set"],
    ):
        result = CliRunner().invoke(cli, command, catch_exceptions=False)
        assert result.exit_code == 0, result.output


def operations(runs: int) -> dict[str, Callable[[], object]]:
    """The timed calls on a history of ``runs`` runs (the active stack's)."""
    from click.testing import CliRunner

    from zenml.cli.group import cli
    from zenml.client import Client

    middle = runs // 2
    pipeline = f"pipeline_{middle % PIPELINES}"

    def run_list() -> object:
        result = CliRunner().invoke(cli, ["run", "list"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    def cache_lookup() -> object:
        store = Client().active_stack.metadata_store
        cached = store.find_cached_step(pipeline, "load", f"{pipeline}/load")
        assert cached is not None
        return store.list_step_outputs(cached.run_id)

    return {
        "zenml run list": run_list,
        "Client().get_run(id prefix)": lambda: Client().get_run(run_id(middle)[:10]),
        "cache lookup (hit)": cache_lookup,
    }


def check(runs: int) -> None:
    """The history is one the real code reads: the newest runs listed, the prefix lookup finds its run."""
    from zenml.client import Client

    client = Client()
    listed = client.list_runs(limit=3)
    assert [run.id for run in listed] == [run_id(index) for index in range(runs - 1, runs - 4, -1)]
    assert all(run.status == "completed" for run in listed)
    assert client.get_run(run_id(runs // 2)[:10]).id == run_id(runs // 2)
    assert len(operations(runs)["cache lookup (hit)"]()) == len(STEPS)  # type: ignore[arg-type]


def main() -> None:
    sizes, rounds, per_round = arguments(1000)
    from zenml.integrations.gcp.testing import GCSEmulator
    from zenml.stack.stack import _evict_all

    with GCSEmulator() as emulator, tempfile.TemporaryDirectory() as base:
        os.environ["STORAGE_EMULATOR_HOST"] = emulator.endpoint
        homes = {size: os.path.join(base, f"history-{size}") for size in sizes}
        filled = {}
        for size, home in homes.items():
            bucket = f"history-{size}"
            emulator.create_bucket(bucket)
            began = time.perf_counter()
            fill(f"gs://{bucket}/meta", size)
            filled[size] = round(time.perf_counter() - began, 2)
            register(home, f"gs://{bucket}/meta")
            check(size)
        # a new stack and store before each call: nothing cached, as in a new command
        samples = measure(homes, operations, rounds=rounds, per_round=per_round, before_each=_evict_all)
        report(samples, sizes, title="GCS ", limit=LIMIT, fill_seconds=filled)


if __name__ == "__main__":
    main()
