"""The root conftest.py: each pytest run gets its own zenml config and cache dirs, and removes them at the end."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

INNER_TEST = """
import os
import subprocess
import sys


def test_config_dirs_are_private_and_subprocesses_write_there() -> None:
    config, cache = os.environ["ZENML_CONFIG_DIR"], os.environ["ZENML_CACHE_DIR"]
    base = os.path.dirname(config)
    assert os.path.basename(base).startswith("zenml-tests-") and os.path.dirname(cache) == base
    assert base.startswith(os.environ["TMPDIR"])
    # A pipeline run in a subprocess writes its history and the activation cache there.
    code = (
        "from zenml import pipeline, step\\n@step\\ndef one() -> int:\\n    return 1\\n"
        "@pipeline\\ndef p() -> None:\\n    one()\\np()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert os.listdir(config) and os.listdir(cache)
"""


def test_a_pytest_run_leaves_no_zenml_tests_directory_behind(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TEST), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ZENML_", "PYTEST_"))}
    env.update(TMPDIR=str(temp), PYTHONPATH=str(ROOT))  # the root conftest, loaded as a plugin below
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "conftest", "--rootdir", str(tmp_path),
         str(tmp_path / "test_inner.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert sorted(path.name for path in temp.iterdir()) == []  # nothing left behind, also not by the subprocess


def test_a_pytest_started_by_a_test_reuses_the_outer_directories(tmp_path: Path) -> None:
    code = "import conftest, os; conftest.pytest_configure(); print(os.environ['ZENML_CONFIG_DIR'])"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == os.environ["ZENML_CONFIG_DIR"]
    assert list(tmp_path.iterdir()) == []  # it created no directory of its own
