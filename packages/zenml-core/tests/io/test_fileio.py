"""zenml.io.fileio on local paths and on the artifact store's URIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml.client import Client
from zenml.io import fileio


def test_local_paths(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    fileio.makedirs(str(target))
    with fileio.open(str(target / "f.txt"), "w") as handle:
        handle.write("hello")
    assert fileio.exists(str(target / "f.txt"))
    assert fileio.isdir(str(target))
    assert fileio.listdir(str(target)) == ["f.txt"]
    fileio.copy(str(target / "f.txt"), str(target / "g.txt"))
    with pytest.raises(FileExistsError, match="overwrite=True"):
        fileio.copy(str(target / "f.txt"), str(target / "g.txt"))
    assert fileio.size(str(target / "g.txt")) == 5
    fileio.rename(str(target / "g.txt"), str(target / "h.txt"))
    fileio.remove(str(target / "h.txt"))
    assert sorted(name for _, _, files in fileio.walk(str(tmp_path)) for name in files) == ["f.txt"]
    fileio.rmtree(str(tmp_path / "a"))
    assert not fileio.exists(str(tmp_path / "a"))


def test_artifact_store_uris(zen_home: Path) -> None:
    store = Client().active_stack.artifact_store
    uri = store.uri("custom/notes.txt")
    with fileio.open(uri, "w") as handle:
        handle.write("ünï")
    assert store.exists("custom/notes.txt")  # written through the store (atomically)
    with fileio.open(uri, "r") as handle:
        assert handle.read() == "ünï"
    assert fileio.listdir(store.uri("custom")) == ["notes.txt"]
    with pytest.raises(ValueError, match="no filesystem"):
        fileio.exists("s3://bucket/key")
