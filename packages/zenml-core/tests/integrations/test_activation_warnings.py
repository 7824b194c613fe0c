"""An installed but unusable integration is reported once per environment, and reading history activates nothing.

Fresh interpreters only: a throwaway installed integration (a real ``*.dist-info`` on ``PYTHONPATH``) whose
requirement is missing, as zenml-tensorflow without TensorFlow, and one whose ``activate()`` leaves a mark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

PIPELINE = """
from zenml import pipeline, step

@step
def one() -> int:
    return 1

@pipeline
def tiny() -> None:
    one()

print(tiny().name)
"""

WARNING = "IntegrationWarning: integration 'ztneeds' was not activated: zt-absent-library>=1 wanted"


def _distribution(site: Path, name: str, requires: list[str], body: str) -> None:
    """An installed integration as zenml's are: ``zenml.integrations.<name>``, found through its entry point."""
    info = site / f"zt_{name}-1.0.dist-info"
    info.mkdir(parents=True)
    metadata = ["Metadata-Version: 2.1", f"Name: zt-{name}", "Version: 1.0", *(f"Requires-Dist: {r}" for r in requires)]
    (info / "METADATA").write_text("\n".join(metadata) + "\n")
    (info / "entry_points.txt").write_text(f"[zenml.integrations]\n{name} = zenml.integrations.{name}:Thing\n")
    package = site / "zenml" / "integrations" / name  # no zenml/__init__.py: core's extends its path to here
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from zenml.integrations.integration import Integration\n"
        f"class Thing(Integration):\n    NAME = {name!r}\n    REQUIREMENTS = {requires!r}\n{body}"
    )


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """Private config and cache dirs, and a site directory with the two throwaway integrations."""
    site = tmp_path / "site"
    _distribution(site, "ztneeds", ["zt-absent-library>=1"], "")
    marks = tmp_path / "activations.txt"
    mark = (
        "    @classmethod\n    def activate(cls):\n"
        f"        with open({str(marks)!r}, 'a') as f:\n            f.write('activated\\n')\n"
    )
    _distribution(site, "ztprobe", [], mark)
    return {
        **os.environ,
        "PYTHONPATH": str(site),
        "ZENML_CONFIG_DIR": str(tmp_path / "config"),
        "ZENML_CACHE_DIR": str(tmp_path / "cache"),
        "MARKS": str(marks),
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result


def _activations(env: dict[str, str]) -> int:
    try:
        with open(env["MARKS"], encoding="utf-8") as marks:
            return len(marks.readlines())
    except FileNotFoundError:
        return 0


def _install(site: Path, name: str) -> Path:
    """Install an (empty) distribution ``name`` 1.0 into ``site``: a new ``*.dist-info`` directory."""
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    return info


def test_an_unusable_integration_is_reported_once_until_that_changes(
    environment: dict[str, str], tmp_path: Path
) -> None:
    first = _run(environment, "-c", PIPELINE)
    # One line, no line of zenml's source under it (official integrations installed here may add theirs).
    assert [line for line in first.stderr.splitlines() if "'zt" in line or not line.startswith("<zenml>:1: ")] == [
        f"<zenml>:1: {WARNING}, zt-absent-library is not installed "
        "(said once until this changes; `zenml integration list` shows it)"
    ]
    assert _run(environment, "-c", PIPELINE).stderr == ""
    assert _activations(environment) == 2  # both runs activated the usable integration

    # Installing something else (a new *.dist-info beside the others) changes nothing about it: still quiet.
    site = tmp_path / "site"
    _install(site, "zt-unrelated")
    assert _run(environment, "-c", PIPELINE).stderr == ""
    # Installing what it lacks makes it usable; removing that again is said again, once.
    library = _install(site, "zt-absent-library")
    assert _run(environment, "-c", PIPELINE).stderr == ""
    shutil.rmtree(library)
    assert WARNING in _run(environment, "-c", PIPELINE).stderr
    assert _run(environment, "-c", PIPELINE).stderr == ""


def test_reading_run_history_activates_no_integration(environment: dict[str, str]) -> None:
    run_name = _run({**environment, "PYTHONWARNINGS": "ignore"}, "-c", PIPELINE).stdout.split()[-1]
    assert _activations(environment) == 1
    for command in (["run", "list"], ["run", "show", run_name], ["run", "list", "--json"]):
        result = _run(environment, "-m", "zenml", *command)
        assert run_name in result.stdout
        assert result.stderr == "", command
    load = f"from zenml.client import Client; print(Client().get_run({run_name!r}).steps['one'].output.load())"
    assert _run(environment, "-c", load).stdout == "1\n"  # a builtin artifact: core's own materializer
    assert _activations(environment) == 1
