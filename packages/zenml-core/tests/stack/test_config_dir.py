"""Where the user's stack config lives on each platform, and an earlier ``~/.config/zenml`` that stays in use."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from zenml import pipeline, step
from zenml.cli.main import cli
from zenml.client import Client
from zenml.stack.config import StackConfig, legacy_config_dir, user_config_dir

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

PLATFORM_CONFIG_DIRS = {
    "linux": (".config", "zenml"),
    "macos": ("Library", "Application Support", "zenml"),
    "windows": ("AppData", "Local", "zenml"),
}


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@step
def answer() -> int:
    return 42


@pipeline
def earlier() -> None:
    answer()


@pytest.mark.parametrize("platform", sorted(PLATFORM_CONFIG_DIRS))
def test_config_dir_is_the_platforms(simulate_platform: Callable[[str], Path], platform: str) -> None:
    home = simulate_platform(platform)
    assert user_config_dir() == os.path.join(home, *PLATFORM_CONFIG_DIRS[platform])
    assert StackConfig.load().path == os.path.join(home, *PLATFORM_CONFIG_DIRS[platform], "config.toml")


@pytest.mark.parametrize("platform", sorted(PLATFORM_CONFIG_DIRS))
def test_variables_win_on_every_platform(
    simulate_platform: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str
) -> None:
    home = simulate_platform(platform)
    (home / ".config" / "zenml").mkdir(parents=True)
    (home / ".config" / "zenml" / "config.toml").write_text('active_stack = "default"\n')  # even with legacy data
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert user_config_dir() == str(tmp_path / "xdg" / "zenml")
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(tmp_path / "explicit"))
    assert user_config_dir() == str(tmp_path / "explicit")


@pytest.mark.parametrize("platform", ["macos", "windows"])
def test_an_earlier_config_dir_keeps_its_stacks_and_history(
    simulate_platform: Callable[[str], Path], tmp_path: Path, platform: str
) -> None:
    # An earlier zenml used ~/.config/zenml on every platform: what it does on Linux to this day.
    home = simulate_platform("linux")
    legacy = home / ".config" / "zenml"
    run = earlier()
    data = tmp_path / "data"
    assert zenml("artifact-store", "register", "data", "--flavor", "local", "--path", str(data)).exit_code == 0
    assert zenml("stack", "register", "mine", "-a", "data", "-m", "default").exit_code == 0
    assert {path.name for path in legacy.iterdir()} >= {"config.toml", "local_stores"}

    simulate_platform(platform)
    assert legacy_config_dir() == str(legacy)
    assert user_config_dir() == str(legacy)
    stacks = json.loads(zenml("stack", "list", "--json").stdout)
    assert [stack["name"] for stack in stacks] == ["default", "mine"]
    (kept,) = Client().list_runs()
    assert kept.id == run.id
    assert kept.steps["answer"].output.load() == 42  # the recorded artifact path still holds it
    assert zenml("stack", "set", "mine").exit_code == 0  # a write goes to the same place
    assert StackConfig.load().path == str(legacy / "config.toml")
    assert StackConfig.load().active_stack == "mine"
    assert not (home.joinpath(*PLATFORM_CONFIG_DIRS[platform])).exists()


@pytest.mark.parametrize("platform", ["macos", "windows"])
def test_an_earlier_dir_with_only_the_default_stores_stays_in_use(
    simulate_platform: Callable[[str], Path], platform: str
) -> None:
    home = simulate_platform("linux")
    earlier()  # runs on the default stack: local_stores/ only, no config.toml
    legacy = home / ".config" / "zenml"
    assert {path.name for path in legacy.iterdir()} == {"local_stores"}
    simulate_platform(platform)
    assert user_config_dir() == str(legacy)
    assert len(Client().list_runs()) == 1


@pytest.mark.parametrize("platform", ["macos", "windows"])
def test_the_platforms_dir_wins_once_it_holds_stacks(simulate_platform: Callable[[str], Path], platform: str) -> None:
    home = simulate_platform(platform)
    legacy = home / ".config" / "zenml"
    legacy.mkdir(parents=True)
    (legacy / "config.yaml").write_text("another tool's file\n")
    assert user_config_dir() == os.path.join(home, *PLATFORM_CONFIG_DIRS[platform])  # nothing of ours there

    (legacy / "config.toml").write_text('active_stack = "default"\n')
    assert user_config_dir() == str(legacy)
    native = home.joinpath(*PLATFORM_CONFIG_DIRS[platform])
    native.mkdir(parents=True)
    (native / "config.toml").write_text('active_stack = "default"\n')
    assert user_config_dir() == str(native)  # both hold stacks: the platform's, which a newer zenml wrote
