"""benchmarks/run.py runs real scripts, collects their JSON lines and writes the Markdown table."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "benchmarks" / "run.py"

GOOD = """
import json, sys
quick = "--quick" in sys.argv
print("warming up")
print(json.dumps({"benchmark": "fast thing", "value": 1.2, "unit": "x baseline", "limit": 1.5,
                  "detail": "quick" if quick else "full"}))
print(json.dumps({"benchmark": "slow thing", "value": 7, "unit": "x baseline", "limit": 4, "detail": {"n": 3}}))
print(json.dumps({"benchmark": "reported", "value": 0.5, "unit": "ms", "limit": None, "detail": "a|b"}))
"""

BROKEN = """
import sys
print("about to fail")
sys.exit(3)
"""

SILENT = "print('nothing to report')\n"


def harness(tmp_path: Path, scripts: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    folder = tmp_path / "scripts"
    folder.mkdir(parents=True)
    for name, body in scripts.items():
        (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    output = tmp_path / "results" / "BENCHMARKS.md"
    result = subprocess.run(
        [sys.executable, str(RUN), "--scripts-dir", str(folder), "--output", str(output), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return result, output.read_text(encoding="utf-8") if output.exists() else ""


def test_results_become_a_markdown_table_with_status(tmp_path: Path) -> None:
    result, table = harness(tmp_path, {"bench_good.py": GOOD}, "--quick")
    assert result.returncode == 0, result.stderr
    assert "| fast thing | 1.2 | x baseline | 1.5 | ok | quick |" in table
    assert '| slow thing | 7 | x baseline | 4 | OVER | {"n": 3} |' in table
    assert "| reported | 0.5 | ms | - | reported | a\\|b |" in table
    assert "(--quick)" in table
    assert "warming up" in result.stdout
    assert "over the limit (not failing: no --strict): slow thing" in result.stderr


def test_strict_fails_on_a_value_over_its_limit(tmp_path: Path) -> None:
    result, _ = harness(tmp_path, {"bench_good.py": GOOD}, "--strict")
    assert result.returncode == 1
    assert "over the limit: slow thing" in result.stderr


WITHIN = """
import json
print(json.dumps({"benchmark": "fast thing", "value": 1.5, "unit": "x baseline", "limit": 1.5, "detail": ""}))
print(json.dumps({"benchmark": "reported", "value": 99, "unit": "ms", "limit": None, "detail": ""}))
"""

UNMEASURED = """
import json
print(json.dumps({"benchmark": "could not run", "value": None, "unit": "ms", "limit": 2, "detail": "boom"}))
"""


def test_strict_passes_when_every_value_is_within_its_limit(tmp_path: Path) -> None:
    result, table = harness(tmp_path, {"bench_within.py": WITHIN}, "--strict")
    assert result.returncode == 0, result.stderr
    assert "| fast thing | 1.5 | x baseline | 1.5 | ok |" in table


def test_a_figure_without_value_fails_the_run_even_if_its_script_exits_0(tmp_path: Path) -> None:
    result, table = harness(tmp_path, {"bench_within.py": WITHIN, "bench_unmeasured.py": UNMEASURED})
    assert result.returncode == 1
    assert "| could not run | - | ms | 2 | FAILED | boom |" in table
    assert "not measured: could not run" in result.stderr


def test_a_failing_or_silent_script_fails_the_run_and_is_listed(tmp_path: Path) -> None:
    result, table = harness(tmp_path, {"bench_good.py": GOOD, "bench_broken.py": BROKEN, "bench_silent.py": SILENT})
    assert result.returncode == 1
    assert "- `bench_broken.py`: exit code 3" in table
    assert "- `bench_silent.py`: printed no result" in table
    assert "| fast thing |" in table


def test_a_script_that_hangs_is_stopped_by_the_timeout(tmp_path: Path) -> None:
    result, table = harness(tmp_path, {"bench_hang.py": "import time\ntime.sleep(60)\n"}, "--timeout", "1")
    assert result.returncode == 1
    assert "- `bench_hang.py`: timed out after 1s" in table


def test_only_selects_scripts_and_rejects_unknown_names(tmp_path: Path) -> None:
    result, table = harness(tmp_path, {"bench_good.py": GOOD, "bench_broken.py": BROKEN}, "--only", "good")
    assert result.returncode == 0, result.stderr
    assert "bench_broken" not in table
    result, _ = harness(tmp_path / "again", {"bench_good.py": GOOD}, "--only", "nope")
    assert result.returncode == 2
    assert "no benchmark script for ['nope']" in result.stderr
