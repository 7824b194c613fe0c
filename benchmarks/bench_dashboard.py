"""The dashboard as people see it: the run page of a 1,000-step run and the runs page over 10,000 runs.

Real runs go into a private SQLite store (a chain and a fan-out/fan-in of 1,000 steps, and
a 10-step chain as the baseline); 10,000 runs are recorded through the store's API into a
second store, and one page of runs (50) into a third, the runs page's baseline: the page
shows 50 runs either way, so the ratio is what the size of the history costs. The dashboard
serves them on 127.0.0.1 and headless Chromium (Debian's package, driven by Playwright)
loads each page: the time is from navigation start until the frame after the load event has
been painted, so it includes the server's answer, parsing, the SVG's layout and the first
paint. The first view of a run page includes the server's
graph layout (later views reuse it); both are reported.

    python benchmarks/bench_dashboard.py [--quick]

Needs zenml-dashboard, playwright and Chromium (``python3 dev.py ci-setup --package dashboard``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from typing import Any

PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now()))))"
RENDER_LIMIT_MS = 2000.0  # the budget for the run page of a 1,000-step run
MANY_RUNS = 10_000
PAGE = 50  # runs on one page of the runs list


def emit(benchmark: str, value: float | None, unit: str, limit: float | None, detail: str) -> None:
    print(json.dumps({"benchmark": benchmark, "value": value, "unit": unit, "limit": limit, "detail": detail}))


def record_pipelines() -> dict[str, str]:
    """Run the pipelines once each (cache off); return run id by name."""
    from zenml import pipeline, step

    @step
    def start() -> int:
        return 0

    @step
    def bump(value: int) -> int:
        return value + 1

    def chain_of(steps: int) -> Any:
        @pipeline(name=f"chain_{steps}", enable_cache=False)
        def chain() -> None:
            value = start()
            for _ in range(steps - 1):
                value = bump(value)

        return chain

    @pipeline(name="fan_1000", enable_cache=False)
    def fan() -> None:
        first = start()
        start(id="sink", after=[bump(first) for _ in range(998)])

    runs = {}
    for name, definition in (("chain_10", chain_of(10)), ("chain_1000", chain_of(1000)), ("fan_1000", fan)):
        runs[name] = definition().id
    return runs


def record_many_runs(store: Any, count: int) -> None:
    from zenml.metadata_stores.models import COMPLETED, FAILED, RunRecord

    now = time.time() - count
    for number in range(count):
        store.create_run(
            RunRecord(
                id=os.urandom(16).hex(),
                name=f"run-{number:05d}",
                pipeline_name=f"pipeline_{number % 5}",
                status=FAILED if number % 7 == 0 else COMPLETED,
                created_at=now + number,
                ended_at=now + number + 0.5,
            )
        )


def painted_ms(page: Any, url: str) -> float:
    page.goto(url, wait_until="load")
    return float(page.evaluate(PAINTED))


def answer_ms(url: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
        samples.append((time.perf_counter() - began) * 1e3)
    return samples


def run_pages(page: Any, url: str, runs: dict[str, str], repeat: int) -> None:
    """The run pages of the recorded runs in the browser: first view and later views."""
    views: dict[str, list[float]] = {}
    for name, run_id in runs.items():
        views[name] = [painted_ms(page, f"{url}/runs/{run_id}") for _ in range(repeat + 1)]
        nodes = page.locator("svg.dag a.node").count()
        assert nodes == int(name.rpartition("_")[2]), (name, nodes)
    for name, label in (("chain_1000", "chain"), ("fan_1000", "fan-out/fan-in of width 998")):
        first, again = views[name][0], statistics.median(views[name][1:])
        server_ms = statistics.median(answer_ms(f"{url}/runs/{runs[name]}", repeat))
        emit(f"dashboard: run page of a 1,000-step {label}, first view", round(first), "ms", RENDER_LIMIT_MS,
             "navigation start to the first frame painted after load, headless Chromium; includes the server's "
             f"layout; later views median {again:.0f} ms (n={repeat}), of which the server's answer "
             f"{server_ms:.0f} ms")  # fmt: skip
        emit(f"dashboard: run page of a 1,000-step {label}, later views", round(again), "ms", RENDER_LIMIT_MS,
             f"median of {repeat}; samples {[round(v) for v in views[name][1:]]}")  # fmt: skip
    base = statistics.median(views["chain_10"][1:])
    ratio = statistics.median(views["chain_1000"][1:]) / base
    emit("dashboard: run page, 1,000-step chain / 10-step chain", round(ratio, 1), "x", None,
         f"10-step run page median {base:.0f} ms")  # fmt: skip


def runs_pages(page: Any, small_url: str, big_url: str, repeat: int) -> None:
    """The runs list over one page of runs and over 10,000: the server's answers, and the page in the browser."""
    first_page = {label: answer_ms(f"{url}/runs", repeat * 5) for label, url in (("page", small_url), ("big", big_url))}
    ratio = min(first_page["big"]) / min(first_page["page"])
    emit(f"dashboard: runs page 1 with {MANY_RUNS:,} runs / with {PAGE} runs", round(ratio, 2), "x", 1.5,
         f"server answer (50 rows either way), min of {repeat * 5}: {min(first_page['big']):.1f} ms vs "
         f"{min(first_page['page']):.1f} ms")  # fmt: skip
    filtered = answer_ms(f"{big_url}/runs?pipeline=pipeline_3&status=completed", repeat * 5)
    emit(f"dashboard: runs page 1 filtered by pipeline and status, {MANY_RUNS:,} runs", round(min(filtered), 1),
         "ms", None, f"min of {repeat * 5}; median {statistics.median(filtered):.1f} ms")  # fmt: skip
    last = answer_ms(f"{big_url}/runs?page={MANY_RUNS // PAGE}", repeat)
    emit(f"dashboard: last runs page (page {MANY_RUNS // PAGE}) of {MANY_RUNS:,} runs", round(min(last), 1), "ms",
         None, f"min of {repeat}; the store pages by limit, so the last page reads every run")  # fmt: skip
    shown = [painted_ms(page, f"{big_url}/runs") for _ in range(repeat)]
    emit(f"dashboard: runs page in the browser, {MANY_RUNS:,} runs", round(statistics.median(shown)), "ms",
         RENDER_LIMIT_MS, f"median of {repeat}, navigation start to first paint after load")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 7
    from zenml.integrations.dashboard.testing import CHROMIUM_FLAGS, INSTALL_HINT, chromium_path

    browser_path = chromium_path()
    if browser_path is None:
        emit("dashboard: run page of a 1,000-step chain, first view", None, "ms", RENDER_LIMIT_MS,
             f"no Chromium: {INSTALL_HINT}")  # fmt: skip
        return 0
    with tempfile.TemporaryDirectory(prefix="zenml-bench-dashboard-") as tmp:
        os.environ["ZENML_CONFIG_DIR"] = f"{tmp}/zen"
        began = time.perf_counter()
        runs = record_pipelines()
        recorded_s = time.perf_counter() - began
        from playwright.sync_api import sync_playwright

        from zenml.client import Client
        from zenml.integrations.dashboard.app import create_app
        from zenml.integrations.dashboard.server import DashboardServer
        from zenml.metadata_stores.sqlite import SQLiteMetadataStore
        from zenml.stack.stack import Stack

        stack = Client().active_stack
        small, big = (SQLiteMetadataStore(name, path=f"{tmp}/{name}.db") for name in ("small", "big"))
        record_many_runs(small, PAGE)
        began = time.perf_counter()
        record_many_runs(big, MANY_RUNS)
        many_s = time.perf_counter() - began

        def on(store: Any) -> Any:
            return create_app(Stack(stack.name, stack.artifact_store, store, stack.orchestrator))

        with (
            DashboardServer(create_app(stack)) as server,
            DashboardServer(on(small)) as small_server,
            DashboardServer(on(big)) as big_server,
            sync_playwright() as playwright,
        ):
            context = playwright.chromium.launch_persistent_context(
                f"{tmp}/chromium", executable_path=browser_path, headless=True, args=list(CHROMIUM_FLAGS)
            )
            page = context.new_page()
            painted_ms(page, f"{server.url}/runs")  # warm-up: the browser's and the server's first page
            run_pages(page, server.url, runs, repeat)
            runs_pages(page, small_server.url, big_server.url, repeat)
            context.close()
        print(f"recorded the pipelines in {recorded_s:.1f} s and {MANY_RUNS:,} runs in {many_s:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
