"""``zenml --help`` and ``zenml --version`` answer without click, in exactly click's words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

FAST = "import sys; from zenml.cli.main import main; sys.argv[0] = 'zenml'; main()"
CLICK = "import sys; from zenml.cli.group import cli; cli(prog_name='zenml')"


def zenml(code: str, *args: str, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("columns", [None, 200, 80, 72, 40])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_exactly_what_click_prints(flag: str, columns: int | None) -> None:
    fast = zenml(FAST, flag, columns=columns)
    slow = zenml(CLICK, flag, columns=columns)
    assert fast.returncode == slow.returncode == 0, fast.stderr + slow.stderr
    assert fast.stdout == slow.stdout
    assert "Commands:" in fast.stdout


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_exactly_what_click_prints(flag: str) -> None:
    fast = zenml(FAST, flag)
    slow = zenml(CLICK, flag)
    assert fast.returncode == slow.returncode == 0
    assert fast.stdout == slow.stdout
    assert fast.stdout.startswith("zenml ")


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_fast_path_imports_no_click_and_no_config_library(
    args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # No variable names the config or cache directory: finding one would import platformdirs.
    for variable in ("ZENML_CONFIG_DIR", "ZENML_CACHE_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    libraries = ("click", "platformdirs", "filelock", "tomlkit", "tomli", "tomllib")
    probe = FAST + f"; import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {libraries})))"
    result = zenml(probe, *args)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_narrow_terminal_falls_back_to_click() -> None:
    fast = zenml(FAST, "--help", columns=30)
    slow = zenml(CLICK, "--help", columns=30)
    assert fast.returncode == 0, fast.stderr
    assert fast.stdout == slow.stdout
    # click wrapped a description onto an indented continuation line: only click draws those.
    assert any(line.startswith(" " * 18) and line.strip() for line in fast.stdout.splitlines())


def test_everything_else_still_goes_through_click() -> None:
    result = zenml(FAST, "no-such-command")
    assert result.returncode == 2
    assert "no-such-command" in result.stderr
    result = zenml(FAST, "--help", "--version")
    assert result.returncode == 0


def test_cli_and_lazy_group_stay_importable_from_main() -> None:
    from zenml.cli import group, main

    assert main.cli is group.cli
    assert main.LazyGroup is group.LazyGroup
    assert group.cli.help == main.HELP
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = main.nope
