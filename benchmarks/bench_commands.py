"""Start-up cost of zenml's entry points, as ratios to ``python -c pass`` in the same venv and run.

Each command runs as a whole new process. The repetitions are interleaved
(baseline, command 1, command 2, ..., baseline, ...) so that a slow moment of
the machine hits every command alike; the ratio is taken between the minimum
wall times (the median ratio is reported in ``detail``). Prints one JSON line
per command: ``{"benchmark", "value", "unit", "limit", "detail"}``.

    python benchmarks/bench_commands.py [--quick] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = "python -c pass"
# (command, reference command, limit): ratios between two commands of the table, measured in the same run
RELATIVE = [
    (
        'python -c "from zenml import step, pipeline, get_step_context"',
        'python -c "from zenml import step, pipeline"',
        1.5,
    ),
]


def commands() -> dict[str, tuple[list[str], float]]:
    """Benchmark name -> (command, limit as a ratio to the baseline)."""
    python = sys.executable
    zenml = shutil.which("zenml", path=str(Path(python).parent)) or shutil.which("zenml")
    table: dict[str, tuple[list[str], float]] = {
        'python -c "import zenml"': ([python, "-c", "import zenml"], 1.5),
        'python -c "from zenml import step, pipeline"': ([python, "-c", "from zenml import step, pipeline"], 3.5),
        'python -c "from zenml import step, pipeline, get_step_context"': (
            [python, "-c", "from zenml import step, pipeline, get_step_context"],
            3.5,
        ),
    }
    if zenml is not None:
        table["zenml --help"] = ([zenml, "--help"], 4.0)
        table["zenml integration list"] = ([zenml, "integration", "list"], 5.0)
    return table


def run_once(command: list[str], cwd: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions of each command (default 30, quick 8)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (8 if args.quick else 30)
    table = commands()
    everything = {BASELINE: [sys.executable, "-c", "pass"]} | {name: command for name, (command, _) in table.items()}
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    failed = 0
    with tempfile.TemporaryDirectory(prefix="zenml-bench-") as cwd:
        env.update(HOME=cwd, XDG_CONFIG_HOME=f"{cwd}/.config", XDG_DATA_HOME=f"{cwd}/.local/share")
        broken: dict[str, str] = {}
        for name, command in everything.items():  # warm-up: byte-code caches, page cache
            try:
                run_once(command, cwd, env)
            except RuntimeError as error:
                broken[name] = str(error)
        if BASELINE in broken:
            print(f"baseline failed: {broken[BASELINE]}", file=sys.stderr)
            return 1
        times: dict[str, list[float]] = {name: [] for name in everything if name not in broken}
        for _ in range(repeat):
            for name, samples in times.items():
                samples.append(run_once(everything[name], cwd, env))
    base = times.pop(BASELINE)
    for name, (_, limit) in table.items():
        if name in broken:
            failed += 1
            record = {"benchmark": name, "value": None, "unit": "x python -c pass", "limit": limit,
                      "detail": f"failed: {broken[name][:300]}"}  # fmt: skip
            print(json.dumps(record), flush=True)
            continue
        ratios = [sample / baseline for sample, baseline in zip(times[name], base, strict=True)]
        record = {
            "benchmark": name,
            "value": round(min(times[name]) / min(base), 2),
            "unit": "x python -c pass",
            "limit": limit,
            "detail": (
                f"min {min(times[name]) * 1000:.1f} ms vs baseline {min(base) * 1000:.1f} ms; "
                f"median ratio {statistics.median(ratios):.2f}; n={repeat}"
            ),
        }
        print(json.dumps(record), flush=True)
    for name, reference, limit in RELATIVE:
        if name not in times or reference not in times:
            continue
        record = {
            "benchmark": f"{name.removeprefix('python -c ')} vs {reference.removeprefix('python -c ')}",
            "value": round(min(times[name]) / min(times[reference]), 2),
            "unit": "x the second command",
            "limit": limit,
            "detail": f"min {min(times[name]) * 1000:.1f} ms vs {min(times[reference]) * 1000:.1f} ms; n={repeat}",
        }
        print(json.dumps(record), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
