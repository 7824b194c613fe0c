"""dev.py: the two-command entry point (its pure parts, and its command line in a real interpreter)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zenml_dev_script", ROOT / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pyenv_versions_keep_the_current_one_first_then_the_newest_of_each_minor() -> None:
    dev = load_dev()
    installed = ["2.7.18", "3.9.18", "3.10.2", "3.10.13", "3.11.7", "3.12.1", "3.13.0", "3.12.1/envs/x", "pypy3.10"]
    assert dev.choose_versions(installed, "3.11.7") == "3.11.7:3.10.13:3.12.1:3.13.0"
    assert dev.choose_versions(installed, "system") == "system:3.10.13:3.11.7:3.12.1:3.13.0"
    assert dev.choose_versions(["3.8.1"], "") is None


def test_unknown_command_exits_2_with_the_choices() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "tset"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 2
    assert "unknown command 'tset'" in result.stderr
    assert "demo, test" in result.stderr


def test_help_names_both_quickstart_commands() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "python3 dev.py demo" in result.stdout
    assert "python3 dev.py test" in result.stdout


def test_every_tool_command_runs_a_script_that_answers_help() -> None:
    dev = load_dev()
    assert set(dev.SCRIPTS) == {"new-integration", "sync", "release", "ci-setup"}
    for command, script in dev.SCRIPTS.items():
        result = subprocess.run(
            [sys.executable, str(ROOT / script), "--help"], capture_output=True, text=True, check=False, cwd=ROOT
        )
        assert result.returncode == 0, f"{command}: {result.stderr}"
        assert f"dev.py {command}" in result.stdout


def test_uv_command_runs_the_uv_of_the_dev_venv(tmp_path: Path) -> None:
    dev = load_dev()
    if not (dev.DEV_VENV / "tools.txt").is_file():
        pytest.skip(".dev-venv/ is not set up here (python3 dev.py creates it; .ci/run always runs through it)")
    # From another directory, as a person who has no uv of their own would run it.
    env = {**os.environ, "PATH": os.defpath}
    result = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "uv", "--version"], capture_output=True, text=True, check=False,
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("uv ")


def test_ci_lanes_keep_ray_with_tests_cross_and_skip_what_lowest_runs() -> None:
    dev = load_dev()
    sessions = [
        {"session": name, "python": python}
        for name, python in [
            ("lint", "3.12"), ("wheels", "3.12"), ("tests-core-3.10", "3.10"), ("tests-core-3.12", "3.12"),
            ("tests-ray-3.10", "3.10"), ("tests-ray-3.12", "3.12"), ("tests-solo-3.11", "3.11"),
            ("lowest(core)", "3.10"), ("lowest(ray)", "3.10"), ("lowest(solo)", "3.12"),
            ("install-combos", "3.12"), ("tests-cross", "3.12"),
        ]
    ]  # fmt: skip
    first, second = dev.lanes(sessions)
    assert first == ["lint", "wheels", "tests-core-3.12", "tests-solo-3.11", "lowest(core)", "lowest(solo)",
                     "install-combos"]  # fmt: skip
    assert second == ["tests-ray-3.12", "lowest(ray)", "tests-cross"]
