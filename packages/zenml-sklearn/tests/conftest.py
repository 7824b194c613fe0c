"""Fixtures for zenml-sklearn tests: a real local artifact store, a private zenml config, small fitted models."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from zenml.artifact_stores.local import LocalArtifactStore


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    from zenml.artifact_stores.local import LocalArtifactStore

    return LocalArtifactStore("test", path=str(tmp_path / "store"))


@pytest.fixture
def zen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private zenml config dir and a working directory outside any repository."""
    home = tmp_path / "zen-home"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(home))
    monkeypatch.chdir(work)
    return home
