"""The user's cache directory per platform, and the variables that name directories on every platform."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from zenml.utils.user_dirs import from_environment, user_cache_dir

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", (".cache", "zenml")),
        ("macos", ("Library", "Caches", "zenml")),
        ("windows", ("AppData", "Local", "zenml", "Cache")),
    ],
)
def test_cache_dir_is_the_platforms(
    simulate_platform: Callable[[str], Path], platform: str, expected: tuple[str, ...]
) -> None:
    home = simulate_platform(platform)
    assert user_cache_dir() == os.path.join(home, *expected)


@pytest.mark.parametrize("platform", ["linux", "macos", "windows"])
def test_variables_win_on_every_platform(
    simulate_platform: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str
) -> None:
    simulate_platform(platform)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == str(tmp_path / "xdg" / "zenml")
    monkeypatch.setenv("ZENML_CACHE_DIR", str(tmp_path / "explicit"))
    assert user_cache_dir() == str(tmp_path / "explicit")


def test_variables_are_expanded_and_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZENML_CONFIG_DIR", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert from_environment("ZENML_CONFIG_DIR", "XDG_CONFIG_HOME") is None
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative")
    assert from_environment("ZENML_CONFIG_DIR", "XDG_CONFIG_HOME") == str(tmp_path / "relative" / "zenml")
    monkeypatch.setenv("ZENML_CONFIG_DIR", "~/zen")
    assert from_environment("ZENML_CONFIG_DIR", "XDG_CONFIG_HOME") == str(tmp_path / "home" / "zen")


def test_platformdirs_is_imported_only_when_no_variable_names_the_directory(tmp_path: Path) -> None:
    probe = (
        "import sys; from zenml.integrations.activation_cache import cache_file; cache_file(); "
        "print('platformdirs' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"ZENML_CACHE_DIR", "XDG_CACHE_HOME"}}
    env["HOME"] = str(tmp_path)

    def imported(**extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], env={**env, **extra}, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert imported(ZENML_CACHE_DIR=str(tmp_path / "c")) == "False"
    assert imported(XDG_CACHE_HOME=str(tmp_path / "x")) == "False"
    # on Linux the default (~/.cache/zenml) is found without platformdirs; elsewhere platformdirs finds it
    assert imported() == ("False" if sys.platform == "linux" else "True")


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux default is computed without platformdirs")
@pytest.mark.parametrize(("kind", "variables", "parts"), [
    ("cache", ("ZENML_CACHE_DIR", "XDG_CACHE_HOME"), (".cache", "zenml")),
    ("config", ("ZENML_CONFIG_DIR", "XDG_CONFIG_HOME"), (".config", "zenml")),
])  # fmt: skip
def test_the_linux_default_is_platformdirs_answer(
    tmp_path: Path, kind: str, variables: tuple[str, str], parts: tuple[str, ...]
) -> None:
    function = {"cache": "user_cache_dir", "config": "platform_config_dir"}[kind]
    probe = (
        f"import sys; from zenml.utils.user_dirs import {function}; fast = {function}(); "
        "assert 'platformdirs' not in sys.modules; import platformdirs; "
        f"print(fast == platformdirs.PlatformDirs('zenml', appauthor=False).user_{kind}_dir, fast)"
    )
    env = {k: v for k, v in os.environ.items() if k not in variables}
    env["HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", os.path.join(str(tmp_path), *parts)]
