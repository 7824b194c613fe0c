"""Fixtures shared by every zenml-core test."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
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
