"""Fixtures shared by every zenml-core test."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@pytest.fixture
def zen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user config dir (``ZENML_CONFIG_DIR``) and a working directory outside any repository."""
    home = tmp_path / "zen-home"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(home))
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def simulate_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Make platformdirs answer as on ``"linux"``, ``"macos"`` or ``"windows"`` for a fresh home directory.

    No ``ZENML_*_DIR`` or ``XDG_*`` variable is set, and the working directory is outside any repository. The
    platform is simulated by the class platformdirs picks (``platformdirs.PlatformDirs``); for Windows, its folder
    lookup reads ``%LOCALAPPDATA%`` (as platformdirs does where the Windows API is missing). Returns the home.
    """
    import platformdirs
    import platformdirs.macos
    import platformdirs.unix
    import platformdirs.windows

    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)
    for variable in ("ZENML_CONFIG_DIR", "ZENML_CACHE_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))

    def simulate(platform: str) -> Path:
        classes: dict[str, type[platformdirs.api.PlatformDirsABC]] = {
            "linux": platformdirs.unix.Unix,
            "macos": platformdirs.macos.MacOS,
            "windows": platformdirs.windows.Windows,
        }
        if platform == "windows":
            monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
            monkeypatch.setattr(
                platformdirs.windows, "get_win_folder", platformdirs.windows.get_win_folder_from_env_vars
            )
        monkeypatch.setattr(platformdirs, "PlatformDirs", classes[platform])
        return home

    return simulate
