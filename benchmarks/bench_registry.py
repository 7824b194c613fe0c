"""Materializer registry and trust checks: activation, lookups and loads, as ratios to baselines of the same run.

(a) warm ``activate_integrations()`` as a whole new process (activation cache filled, bytecode
    cached) vs ``python -c pass``, ratio of minima of interleaved runs (limit 4x);
(b) the same activation measured inside the process, in ms (reported);
(c) the first materializer lookup of a builtin type and of ``numpy.ndarray`` (numpy already
    imported by the "user"), in a fresh process, in ms (reported);
(d) one ``load()`` of a small recorded artifact, per load, in microseconds, vs reading the same
    JSON file with ``open`` + ``json.loads`` (reported: trust checks, hash check and materializer).

Prints one JSON line per figure: ``{"benchmark", "value", "unit", "limit", "detail"}``.

    python benchmarks/bench_registry.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ACTIVATE = "from zenml.integrations.registry import activate_integrations\nactivate_integrations()\n"

IN_PROCESS = """
import sys, time
import zenml.integrations.registry, zenml.materializers.registry
from zenml.integrations.registry import activate_integrations
from zenml.materializers.registry import materializer_registry
start = time.perf_counter()
activate_integrations()
activated = time.perf_counter()
materializer_registry.get(int)
builtin = time.perf_counter()
import numpy
looked = time.perf_counter()
materializer_registry.get(numpy.ndarray)
array = time.perf_counter()
print(activated - start, builtin - activated, array - looked)
"""

LOADS = """
import json, sys, time
from zenml import pipeline, step

@step
def make() -> dict:
    return {"a": 1, "b": [1, 2, 3]}

@pipeline
def tiny() -> None:
    make()

run = tiny()
artifact = run.steps["make"].outputs["output"][0]
path = artifact.full_uri + "/data.json"
n = int(sys.argv[1])
artifact.load()
start = time.perf_counter()
for _ in range(n):
    artifact.load()
loads = (time.perf_counter() - start) / n
start = time.perf_counter()
for _ in range(n):
    with open(path, "rb") as handle:
        json.loads(handle.read())
raw = (time.perf_counter() - start) / n
print(loads, raw)
"""


def emit(benchmark: str, value: float | None, unit: str, limit: float | None, detail: str) -> None:
    print(json.dumps({"benchmark": benchmark, "value": value, "unit": unit, "limit": limit, "detail": detail}))


def run(command: list[str], env: dict[str, str], cwd: str) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{command[-1][:60]!r} failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    repeat = 8 if args.quick else 30
    python = sys.executable
    drop = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "ZENML_CONFIG_DIR", "ZENML_CACHE_DIR"}
    base_env = {key: value for key, value in os.environ.items() if key not in drop}
    with tempfile.TemporaryDirectory(prefix="zenml-bench-registry-") as tmp:
        env = {**base_env, "ZENML_CONFIG_DIR": f"{tmp}/zen", "ZENML_CACHE_DIR": f"{tmp}/cache", "HOME": tmp}
        commands = {"baseline": [python, "-c", "pass"], "activate": [python, "-c", ACTIVATE]}
        for command in commands.values():  # warm-up: bytecode and activation caches
            run(command, env, tmp)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, command in commands.items():
                samples[name].append(run(command, env, tmp)[0])
        base, activate = min(samples["baseline"]), min(samples["activate"])
        emit(
            "warm activate_integrations(), whole process",
            round(activate / base, 2),
            "x python -c pass",
            4.0,
            f"min {activate * 1e3:.1f} ms vs baseline {base * 1e3:.1f} ms; n={repeat}",
        )

        inside: list[tuple[float, ...]] = []
        for _ in range(max(5, repeat // 3)):
            inside.append(tuple(float(x) for x in run([python, "-c", IN_PROCESS], env, tmp)[1].split()))
        activation_ms, builtin_ms, array_ms = (statistics.median(column) * 1e3 for column in zip(*inside, strict=True))
        emit(
            "warm activate_integrations(), in process",
            round(activation_ms, 3),
            "ms",
            None,
            f"median of {len(inside)} fresh interpreters; max {max(row[0] for row in inside) * 1e3:.3f} ms",
        )
        emit(
            "first lookup of a builtin type",
            round(builtin_ms, 3),
            "ms",
            None,
            "materializer_registry.get(int) in a fresh interpreter (registers core's materializers)",
        )
        emit(
            "first lookup of numpy.ndarray",
            round(array_ms, 3),
            "ms",
            None,
            "materializer_registry.get(numpy.ndarray), numpy already imported: imports the numpy materializer",
        )

        count = 200 if args.quick else 2000
        loads, raw = (float(x) for x in run([python, "-c", LOADS, str(count)], env, tmp)[1].split())
        emit(
            "load() of a small recorded artifact",
            round(loads * 1e6, 1),
            "us",
            None,
            f"{count} loads of one dict artifact (trust checks, hash check, JSON decode); "
            f"open+json.loads of the same file: {raw * 1e6:.1f} us",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
