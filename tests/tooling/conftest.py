"""Fixtures for the tooling tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.tooling.repo import copy_repository

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A git repository holding a copy of this working tree, committed."""
    return copy_repository(tmp_path / "repo")
