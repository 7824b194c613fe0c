"""Switching the active stack closes the components of the stack it replaces."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from zenml.metadata_stores.sqlite import SQLiteMetadataStore
from zenml.stack.config import edit_config
from zenml.stack.flavors import ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR
from zenml.stack.stack import get_active_stack

if TYPE_CHECKING:
    from pathlib import Path


def test_replaced_stack_is_closed(zen_home: Path, tmp_path: Path) -> None:
    first = get_active_stack()
    assert get_active_stack() is first  # cached while the config is unchanged
    store = first.metadata_store
    assert isinstance(store, SQLiteMetadataStore)
    assert store.list_runs() == []
    conn = store._conn()
    conn.execute("SELECT 1")

    with edit_config() as config:
        config.add_component(METADATA_STORE, "other", {"flavor": "sqlite", "path": str(tmp_path / "other.db")})
        config.add_stack("s", {ARTIFACT_STORE: "default", METADATA_STORE: "other", ORCHESTRATOR: "default"})
        config.set_active_stack("s")
    second = get_active_stack()
    assert second is not first
    assert second.metadata_store.list_runs() == []
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        conn.execute("SELECT 1")
    assert store.list_runs() == []  # a closed store reopens on next use
