"""Pipeline overhead: whole-process runs and per-step cost, as ratios to baselines measured in the same run.

(a) a 10-step pipeline of trivial steps, cache off, as a whole new process, vs ``python -c pass``
    (limit 10x); the stores already exist (a first run creates them and is not counted);
(b) in-process overhead per trivial step, in ms (limit 2 ms), from chains of 10, 100 and 1,000
    steps, run in interleaved rounds in one process, cache off: the median over the runs of
    (process CPU time of the run - the step functions' own) / steps, with the min and max; the 1,000-step value
    at most 1.2x the 10-step one (overhead per step does not grow with the pipeline);
(b2) the cost per step of a 50-step chain whose every step is reused from the cache (the cache
    lookup: key, metadata query, fingerprint check of the cached artifact, records), and the cost of
    one heartbeat write (a running run notes it is alive every 30 s);
(c) ``from zenml import step, pipeline`` vs ``python -c pass`` (limit 3.5x);
(d) 8 processes each running 25 small pipelines into one store at once: runs missing (not recorded,
    not completed or without their final artifact; limit 0) and processes that failed or saw
    "database is locked" (limit 0);
(e) building and validating the graph of a 1,000-step pipeline (a chain, and a fan-out/fan-in of
    width 1,000), in ms of process CPU time (limit 200 ms), median of several builds.

Whole-process repetitions are interleaved with the baseline and compared by their minima. Prints
one JSON line per figure: ``{"benchmark", "value", "unit", "limit", "detail"}``.

    python benchmarks/bench_pipeline.py [--quick] [--tmpdir DIR]

Directory operations are part of every step (one directory per artifact), so the figures depend on
the file system of ``--tmpdir``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

# The trivial steps every script below builds its pipelines from.
STEPS = textwrap.dedent(
    """
    from zenml import pipeline, step

    @step
    def start() -> int:
        return 0

    @step
    def bump(value: int) -> int:
        return value + 1
    """
)

TEN_STEPS = STEPS + textwrap.dedent(
    """
    @pipeline(enable_cache=False)
    def ten_steps() -> None:
        value = start()
        for _ in range(9):
            value = bump(value)

    run = ten_steps()
    assert run.status == "completed"
    """
)

PER_STEP = STEPS + textwrap.dedent(
    """
    import json, sys, time

    def chain_of(steps):
        @pipeline(name=f"chain{steps}", enable_cache=False)
        def chain() -> None:
            value = start()
            for _ in range(steps - 1):
                value = bump(value)
        return chain

    curve = json.loads(sys.argv[1])
    chains = {steps: chain_of(steps) for steps, _ in curve}
    results = {steps: {"samples": [], "wall": [], "calls": []} for steps, _ in curve}
    for chain in chains.values():
        chain()  # warm-up: imports, stores, integrations
    # rounds: each chain once per round, so that a busy moment of the machine hits every length alike
    for round_ in range(max(repeat for _, repeat in curve)):
        for steps, repeat in curve:
            if round_ >= repeat:
                continue
            began, cpu = time.perf_counter(), time.process_time()
            run = chains[steps]()
            results[steps]["samples"].append(time.process_time() - cpu)
            results[steps]["wall"].append(time.perf_counter() - began)
            assert run.status == "completed"
    for steps, repeat in curve:
        for _ in range(repeat):
            cpu = time.process_time()
            value = 0
            for _ in range(steps):
                value = bump.func(value)
            results[steps]["calls"].append(time.process_time() - cpu)
    print(json.dumps(results))
    """
)

GRAPH = STEPS + textwrap.dedent(
    """
    import json, sys, time

    @step
    def total(values: list[int]) -> int:
        return sum(values)

    WIDTH = int(sys.argv[1])
    REPEAT = int(sys.argv[2])

    @pipeline
    def chain() -> None:
        value = start()
        for _ in range(WIDTH - 1):
            value = bump(value)

    @pipeline
    def fan() -> None:
        first = start()
        total([bump(first) for _ in range(WIDTH)])

    results = {}
    for name, built in (("chain", chain), ("fan", fan)):
        assert len(built.build()) in (WIDTH, WIDTH + 2)  # warm-up, and the graph is complete
        samples = []
        for _ in range(REPEAT):
            began = time.process_time()
            built.build()
            samples.append(time.process_time() - began)
        results[name] = samples
    print(json.dumps(results))
    """
)

CONCURRENT = textwrap.dedent(
    """
    import sys
    from zenml import pipeline, step

    @step
    def make(worker: int, index: int) -> list[int]:
        return [worker, index]

    @step
    def add(values: list[int]) -> int:
        return sum(values)

    @pipeline
    def small(worker: int, index: int) -> None:
        add(make(worker=worker, index=index))

    worker = int(sys.argv[1])
    for index in range(int(sys.argv[2])):
        assert small(worker=worker, index=index).status == "completed"
    """
)


CACHED = STEPS + textwrap.dedent(
    """
    import json, sys, time

    STEPS = int(sys.argv[1])
    REPEAT = int(sys.argv[2])

    @pipeline(enable_cache=True)
    def chain() -> None:
        value = start()
        for _ in range(STEPS - 1):
            value = bump(value)

    chain()  # fills the cache (and warms imports, stores, integrations)
    cached = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        run = chain()
        cached.append(time.perf_counter() - began)
        assert {step.status for step in run.steps.values()} == {"cached"}
    beats = []
    store = run.stack.metadata_store
    for _ in range(REPEAT):
        began = time.perf_counter()
        for _ in range(20):
            store.heartbeat(run.id, time.time())
        beats.append((time.perf_counter() - began) / 20)
    print(json.dumps({"cached": cached, "beats": beats}))
    """
)


def emit(benchmark: str, value: float | None, unit: str, limit: float | None, detail: str) -> None:
    print(json.dumps({"benchmark": benchmark, "value": value, "unit": unit, "limit": limit, "detail": detail}))


def timed(command: list[str], env: dict[str, str], cwd: str) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{command[-1][:60]!r} failed:\n{done.stderr[-2000:]}")
    return elapsed


def ratio_of_minima(
    commands: dict[str, list[str]], env: dict[str, str], cwd: str, repeat: int
) -> dict[str, list[float]]:
    for command in commands.values():  # warm-up: byte-code caches, page cache, stores created
        timed(command, env, cwd)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(timed(command, env, cwd))
    return samples


def per_step_curve(python: str, env: dict[str, str], tmp: str, quick: bool) -> None:
    """Figure (b): per-step overhead of 10-, 100- and 1,000-step chains, and the 1,000/10 ratio."""
    curve = [(10, 10 if quick else 40), (100, 3 if quick else 10), (1000, 2 if quick else 5)]
    done = subprocess.run(
        [python, "-c", PER_STEP, json.dumps(curve)], env=env, cwd=tmp, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        emit("in-process overhead per trivial step", None, "ms", 2.0, done.stderr[-500:])
    else:
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        medians: dict[int, float] = {}
        for steps, _ in curve:
            own = statistics.median(measured[str(steps)]["calls"])  # the step functions' own time
            per_step = [(sample - own) / steps * 1e3 for sample in measured[str(steps)]["samples"]]
            wall = statistics.median(measured[str(steps)]["wall"]) / steps * 1e3
            medians[steps] = statistics.median(per_step)
            emit(
                f"in-process overhead per trivial step, {steps:,}-step chain",
                round(medians[steps], 3),
                "ms",
                2.0,
                f"process CPU time (user + system: what other jobs on the machine do not add), median of "
                f"{len(per_step)} runs (min {min(per_step):.3f}, max {max(per_step):.3f} ms per step; wall median "
                f"{wall:.3f} ms), cache off; includes run bookkeeping (run record, graph, one SQLite transaction "
                "per step)",
            )
        emit(
            "in-process overhead per step, 1,000 steps / 10 steps",
            round(medians[1000] / medians[10], 2),
            "x the 10-step value",
            1.2,
            "per-step medians: " + ", ".join(f"{steps:,} steps {value:.3f} ms" for steps, value in medians.items()),
        )


def graph_build(python: str, env: dict[str, str], tmp: str, quick: bool) -> None:
    """Figure (e): building and validating 1,000-step graphs."""
    width, builds = 1000, (3 if quick else 9)
    done = subprocess.run(
        [python, "-c", GRAPH, str(width), str(builds)], env=env, cwd=tmp, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    for shape, label in (("chain", f"a {width:,}-step chain"), ("fan", f"a fan-out/fan-in of width {width:,}")):
        if done.returncode != 0:
            emit(f"graph build + validation, {label}", None, "ms", 200.0, done.stderr[-500:])
            continue
        samples = json.loads(done.stdout.strip().splitlines()[-1])[shape]
        emit(
            f"graph build + validation, {label}",
            round(statistics.median(samples) * 1e3, 1),
            "ms",
            200.0,
            f"Pipeline.build() in process CPU time: run the pipeline function, check every connection, order "
            f"and resolve materializers; median of {len(samples)} (min {min(samples) * 1e3:.1f}, "
            f"max {max(samples) * 1e3:.1f} ms)",
        )


def cached_steps(python: str, env: dict[str, str], tmp: str, quick: bool) -> None:
    """Figure (b2): a step reused from the cache, and one heartbeat write."""
    steps, runs = 50, (5 if quick else 20)
    done = subprocess.run(
        [python, "-c", CACHED, str(steps), str(runs)], env=env, cwd=tmp, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        emit("in-process cost per cached step", None, "ms", None, done.stderr[-500:])
        return
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    cached_run = min(measured["cached"])
    emit(
        "in-process cost per cached step",
        round(cached_run / steps * 1e3, 3),
        "ms",
        None,
        f"{steps}-step chain, every step reused, min of {runs} runs: {cached_run * 1e3:.1f} ms per run; "
        "cache key, lookup, fingerprint check of the cached artifact, records",
    )
    beat = min(measured["beats"])
    emit(
        "heartbeat write (SQLite)",
        round(beat * 1e3, 3),
        "ms",
        None,
        f"one beat every 30 s while a run runs: {beat / 30 * 100:.4f}% of one core; recorded steps "
        "are beats too, in the same transaction",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and a smaller concurrency test")
    parser.add_argument("--tmpdir", default=None, help="where the stores go (default: the system's temp dir)")
    args = parser.parse_args(argv)
    repeat = 5 if args.quick else 15
    python = sys.executable
    drop = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "ZENML_CONFIG_DIR"}  # byte-code caches on, as for users
    base_env = {key: value for key, value in os.environ.items() if key not in drop}
    with tempfile.TemporaryDirectory(prefix="zenml-bench-pipeline-", dir=args.tmpdir) as tmp:
        env = {**base_env, "ZENML_CONFIG_DIR": f"{tmp}/zen", "HOME": tmp, "XDG_CONFIG_HOME": f"{tmp}/.config"}
        samples = ratio_of_minima(
            {
                "baseline": [python, "-c", "pass"],
                "ten": [python, "-c", TEN_STEPS],
                "import": [python, "-c", "from zenml import step, pipeline"],
            },
            env,
            tmp,
            repeat,
        )
        base = min(samples["baseline"])
        ten = min(samples["ten"])
        emit(
            "10-step pipeline, whole process, cache off",
            round(ten / base, 2),
            "x python -c pass",
            10.0,
            f"min {ten * 1e3:.1f} ms vs baseline {base * 1e3:.1f} ms; "
            f"median {statistics.median(samples['ten']) * 1e3:.1f} ms; n={repeat}",
        )
        imported = min(samples["import"])
        emit(
            "from zenml import step, pipeline",
            round(imported / base, 2),
            "x python -c pass",
            3.5,
            f"min {imported * 1e3:.1f} ms vs baseline {base * 1e3:.1f} ms; n={repeat}",
        )

        per_step_curve(python, env, tmp, args.quick)
        graph_build(python, env, tmp, args.quick)
        cached_steps(python, env, tmp, args.quick)
        workers, each = (4, 10) if args.quick else (8, 25)
        script = Path(tmp) / "concurrent.py"
        script.write_text(CONCURRENT)
        cenv = {**env, "ZENML_CONFIG_DIR": f"{tmp}/zen-concurrent"}
        began = time.perf_counter()
        processes = [
            subprocess.Popen(
                [python, str(script), str(worker), str(each)],
                env=cenv,
                cwd=tmp,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for worker in range(workers)
        ]
        errors = []
        for process in processes:
            _, err = process.communicate()
            if process.returncode != 0 or "database is locked" in err:
                errors.append(err[-300:])
        elapsed = time.perf_counter() - began
        check = subprocess.run(
            [
                python,
                "-c",
                "from zenml.client import Client; runs = Client().list_runs(pipeline_name='small'); "
                "print(len(runs), sum(r.status == 'completed' for r in runs), "
                "sum(len(r.steps['add'].outputs) for r in runs))",
            ],
            env=cenv,
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        expected = workers * each
        try:
            recorded, completed, outputs = (int(x) for x in check.stdout.split())
        except ValueError:
            recorded = completed = outputs = 0
        emit(
            f"{workers} processes x {each} pipelines into one store: runs missing",
            expected - min(recorded, completed, outputs),
            "runs",
            0,
            f"{recorded} runs, {completed} completed, {outputs} final artifacts of {expected}; {elapsed:.1f} s wall",
        )
        emit(
            f"{workers} processes x {each} pipelines into one store: process errors",
            len(errors),
            "processes",
            0,
            "exit code not 0, or 'database is locked' on stderr" + (f"; first error: {errors[0]}" if errors else ""),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
