"""Cache reuse checks each cached artifact's fingerprint (no reading of its bytes) and never serves a changed one."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.client import Client
from zenml.testing.pipelines import CALLS, chain, statuses

if TYPE_CHECKING:
    from typing import IO


@pytest.fixture(autouse=True)
def _calls(zen_home: Path) -> None:
    CALLS.clear()


def _data_file(run: Any, step_name: str) -> Path:
    return next(p for p in Path(run.steps[step_name].output.full_uri).rglob("*") if p.is_file())


def _flip_keeping_size_and_mtime(path: Path) -> None:
    """A same-size change in place, with the modification time put back (what a careless tool may do)."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[data.index(b"2")] = ord("7")
    with open(path, "r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


def test_a_same_size_byte_flip_makes_the_step_run_again() -> None:
    first = chain()
    _flip_keeping_size_and_mtime(_data_file(first, "make"))
    CALLS.clear()
    second = chain()
    assert CALLS == ["make"]
    assert statuses(second) == {"make": "completed", "add": "cached"}
    assert second.steps["make"].output.load() == [1, 2, 3]
    assert second.steps["add"].output.load() == 6


def test_an_unchanged_artifact_is_reused_without_reading_it(monkeypatch: pytest.MonkeyPatch) -> None:
    chain()
    reads: list[str] = []
    original = LocalArtifactStore.open

    def counting_open(self: LocalArtifactStore, name: str, mode: str = "rb") -> IO[bytes]:
        if mode in ("rb", "r"):
            reads.append(name)
        return original(self, name, mode)

    monkeypatch.setattr(LocalArtifactStore, "open", counting_open)
    CALLS.clear()
    second = chain()
    assert CALLS == []
    assert statuses(second) == {"make": "cached", "add": "cached"}
    assert reads == []


def test_a_file_replaced_by_a_symlink_out_of_the_store_makes_the_step_run_again(tmp_path: Path) -> None:
    first = chain()
    data = _data_file(first, "make")
    outside = tmp_path / "outside.json"
    outside.write_bytes(data.read_bytes())
    data.unlink()
    data.symlink_to(outside)
    CALLS.clear()
    again = chain()
    assert CALLS == ["make"]
    assert statuses(again) == {"make": "completed", "add": "cached"}
    assert chain().status == "completed"  # and the runs after it reuse the new output


def test_an_artifact_directory_replaced_by_a_symlink_makes_the_step_run_again(tmp_path: Path) -> None:
    first = chain()
    directory = Path(first.steps["make"].output.full_uri)
    moved = tmp_path / "moved"
    directory.rename(moved)
    directory.symlink_to(moved, target_is_directory=True)
    CALLS.clear()
    again = chain()
    assert CALLS == ["make"]
    assert again.status == "completed"


def test_artifacts_recorded_without_a_fingerprint_are_checked_by_their_content(zen_home: Path) -> None:
    """Records of schema version 1 have no fingerprint: their files are hashed instead, once per reuse."""
    first = chain()
    database = zen_home / "local_stores" / "metadata.db"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE artifacts SET fingerprint = NULL")
    conn.close()
    CALLS.clear()
    assert statuses(chain()) == {"make": "cached", "add": "cached"}
    _flip_keeping_size_and_mtime(_data_file(first, "make"))
    CALLS.clear()
    third = chain()
    assert CALLS == ["make"]
    assert third.steps["make"].output.load() == [1, 2, 3]


def test_recorded_fingerprints_follow_the_files() -> None:
    run = chain()
    record = Client().get_run(run.id).steps["make"].output
    store = LocalArtifactStore("check", path=record.record.artifact_store_path)
    assert record.record.fingerprint is not None
    assert store.fingerprint(record.uri) == record.record.fingerprint
    _data_file(run, "make").touch()
    assert store.fingerprint(record.uri) != record.record.fingerprint
