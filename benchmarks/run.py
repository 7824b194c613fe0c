"""Run every benchmark script, collect their results, print them and write a Markdown table.

    python benchmarks/run.py [--quick] [--only commands,pipeline] [--output PATH] [--strict]

Each ``benchmarks/bench_*.py`` runs with this interpreter (so in the same venv)
and prints JSON lines ``{"benchmark", "value", "unit", "limit", "detail"}``;
any other output passes through. ``limit`` is the most ``value`` may be (or
null when a figure is only reported). The table goes to
``benchmarks/results/BENCHMARKS.md``. The exit code is 1 when a script fails
or a figure has no value (it could not be measured), and with ``--strict`` also
when a value is over its limit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "BENCHMARKS.md"
FIELDS = ("benchmark", "value", "unit", "limit", "detail")


@dataclass
class Result:
    script: str
    benchmark: str
    value: float | None
    unit: str
    limit: float | None
    detail: str

    @property
    def status(self) -> str:
        if self.value is None:
            return "FAILED"
        if self.limit is None:
            return "reported"
        return "ok" if self.value <= self.limit else "OVER"


def parse_line(script: str, line: str) -> Result | None:
    """A result from one line of a script's output, or None when the line is not one."""
    text = line.strip()
    if not text.startswith("{"):
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or "benchmark" not in record or "value" not in record:
        return None
    detail = record.get("detail", "")
    return Result(
        script=script,
        benchmark=str(record["benchmark"]),
        value=None if record["value"] is None else float(record["value"]),
        unit=str(record.get("unit", "")),
        limit=None if record.get("limit") is None else float(record["limit"]),
        detail=detail if isinstance(detail, str) else json.dumps(detail, sort_keys=True),
    )


def run_script(path: Path, quick: bool, timeout: float) -> tuple[list[Result], str | None]:
    """Run one benchmark script; return its results and an error message if it failed."""
    command = [sys.executable, str(path), *(["--quick"] if quick else [])]
    print(f"\n### {path.name}", flush=True)
    started = time.monotonic()
    results: list[Result] = []
    with subprocess.Popen(command, cwd=HERE.parent, stdout=subprocess.PIPE, text=True) as process:
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                result = parse_line(path.stem, line)
                if result is None:
                    print(f"  {line.rstrip()}", flush=True)
                    continue
                results.append(result)
                print(f"  {result.benchmark}: {format_value(result.value)} {result.unit} "
                      f"(limit {format_value(result.limit)}) {result.status}", flush=True)  # fmt: skip
        finally:
            code = process.wait()
            watchdog.cancel()
    if time.monotonic() - started >= timeout:
        return results, f"timed out after {timeout:.0f}s"
    if code != 0:
        return results, f"exit code {code}"
    if not results:
        return results, "printed no result"
    return results, None


def format_value(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def markdown(results: list[Result], errors: dict[str, str], quick: bool) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {when} with Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs{' (--quick)' if quick else ''}. Ratios are to a baseline measured in the same run; "
        "`limit` is the most a value may be.",
        "",
        "| benchmark | value | unit | limit | status | detail |",
        "| --- | ---: | --- | ---: | --- | --- |",
    ]
    for result in results:
        cells = [result.benchmark, format_value(result.value), result.unit, format_value(result.limit), result.status,
                 result.detail]  # fmt: skip
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |")
    if errors:
        lines += ["", "Scripts that failed:", ""]
        lines += [f"- `{script}`: {message}" for script, message in sorted(errors.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="passed to every script: fewer repetitions, less data")
    parser.add_argument("--only", default="", help="comma-separated script names without bench_, e.g. commands")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the Markdown table")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per script")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a value is over its limit")
    parser.add_argument("--scripts-dir", type=Path, default=HERE, help="where the bench_*.py scripts are")
    args = parser.parse_args(argv)
    scripts = sorted(args.scripts_dir.glob("bench_*.py"))
    wanted = {name.strip().removeprefix("bench_") for name in args.only.split(",") if name.strip()}
    if wanted:
        unknown = wanted - {path.stem.removeprefix("bench_") for path in scripts}
        if unknown:
            print(f"error: no benchmark script for {sorted(unknown)} in {args.scripts_dir}", file=sys.stderr)
            return 2
        scripts = [path for path in scripts if path.stem.removeprefix("bench_") in wanted]
    results: list[Result] = []
    errors: dict[str, str] = {}
    for path in scripts:
        found, error = run_script(path, args.quick, args.timeout)
        results += found
        if error:
            errors[path.name] = error
    table = markdown(results, errors, args.quick)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text(table, encoding="utf-8")
    temporary.replace(args.output)
    print("\n" + table)
    print(f"written to {args.output}")
    over = [result.benchmark for result in results if result.status == "OVER"]
    unmeasured = [result.benchmark for result in results if result.status == "FAILED"]
    if over:
        print(f"over the limit{'' if args.strict else ' (not failing: no --strict)'}: {', '.join(over)}",
              file=sys.stderr)  # fmt: skip
    if unmeasured:
        print(f"not measured: {', '.join(unmeasured)}", file=sys.stderr)
    if errors:
        print(f"failed scripts: {', '.join(sorted(errors))}", file=sys.stderr)
    if errors or unmeasured:
        return 1
    return 1 if args.strict and over else 0


if __name__ == "__main__":
    sys.exit(main())
