"""Pipeline overhead: whole-process runs and per-step cost, as ratios to baselines measured in the same run.

(a) a 10-step pipeline of trivial steps, cache off, as a whole new process, vs ``python -c pass``
    (limit 10x); the stores already exist (a first run creates them and is not counted);
(b) in-process overhead per trivial step, in ms (aim: under 2 ms), from a 50-step chain run
    several times in one process, cache off; the same chain with every step reused from the cache
    (the cache lookup: key, metadata query, fingerprint check of the cached artifact, records); and
    the cost of one heartbeat write (a running run notes it is alive every 30 s);
(c) ``from zenml import step, pipeline`` vs ``python -c pass`` (limit 3.5x);
(d) 8 processes each running 25 small pipelines into one store at once: runs recorded / expected
    (must be 1.0, with no "database is locked").

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

TEN_STEPS = textwrap.dedent(
    """
    from zenml import pipeline, step

    @step
    def start() -> int:
        return 0

    @step
    def bump(value: int) -> int:
        return value + 1

    @pipeline(enable_cache=False)
    def ten_steps() -> None:
        value = start()
        for _ in range(9):
            value = bump(value)

    run = ten_steps()
    assert run.status == "completed"
    """
)

PER_STEP = textwrap.dedent(
    """
    import json, sys, time
    from zenml import pipeline, step

    @step
    def start() -> int:
        return 0

    @step
    def bump(value: int) -> int:
        return value + 1

    STEPS = int(sys.argv[1])
    REPEAT = int(sys.argv[2])

    @pipeline(enable_cache=False)
    def chain() -> None:
        value = start()
        for _ in range(STEPS - 1):
            value = bump(value)

    chain()  # warm-up: imports, stores, integrations
    samples = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        run = chain()
        samples.append(time.perf_counter() - began)
        assert run.status == "completed"
    cached_chain = chain.with_options(enable_cache=True)
    cached_chain()  # fills the cache
    cached = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        run = cached_chain()
        cached.append(time.perf_counter() - began)
        assert {step.status for step in run.steps.values()} == {"cached"}
    beats = []
    store = run.stack.metadata_store
    for _ in range(REPEAT):
        began = time.perf_counter()
        for _ in range(20):
            store.heartbeat(run.id, time.time())
        beats.append((time.perf_counter() - began) / 20)
    calls = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        value = 0
        for _ in range(STEPS):
            value = bump.func(value)
        calls.append(time.perf_counter() - began)
    print(json.dumps({"samples": samples, "calls": calls, "cached": cached, "beats": beats}))
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

        steps, runs = 50, (5 if args.quick else 20)
        done = subprocess.run(
            [python, "-c", PER_STEP, str(steps), str(runs)],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            emit("in-process overhead per trivial step", None, "ms", 2.0, done.stderr[-500:])
        else:
            measured = json.loads(done.stdout.strip().splitlines()[-1])
            per_step = (min(measured["samples"]) - min(measured["calls"])) / steps
            emit(
                "in-process overhead per trivial step",
                round(per_step * 1e3, 3),
                "ms",
                2.0,
                f"{steps}-step chain, cache off, min of {runs} runs: {min(measured['samples']) * 1e3:.1f} ms per run "
                f"(median {statistics.median(measured['samples']) * 1e3:.1f} ms); includes run bookkeeping",
            )
            if "cached" in measured:
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
            f"{workers} processes x {each} pipelines into one store",
            round(min(recorded, completed, outputs) / expected, 3),
            "runs recorded / expected",
            None,
            f"{recorded} runs, {completed} completed, {outputs} final artifacts of {expected}; {len(errors)} process "
            f"errors; {elapsed:.1f} s wall" + (f"; first error: {errors[0]}" if errors else ""),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
