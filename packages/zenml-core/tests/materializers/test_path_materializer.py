"""pathlib.Path: files and directories copied into the store, loaded as fresh local copies; no escaping symlinks."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import load_artifact, save_artifact
from zenml.artifacts.tracking import forget_noted_hashes
from zenml.materializers.base import MaterializerError
from zenml.materializers.path_materializer import PathMaterializer
from zenml.materializers.registry import materializer_registry


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("test", path=str(tmp_path / "store"))


def round_trip(store: LocalArtifactStore, value: Path) -> Path:
    uri = f"a{len(store.listdir())}"
    info = save_artifact(value, store=store, uri=uri, materializer_cls=PathMaterializer)
    forget_noted_hashes()
    loaded: Path = load_artifact(store=store, uri=uri, materializer_cls=PathMaterializer, data_type=Path,
                                 materializer_version=1, content_hash=info.content_hash)  # fmt: skip
    return loaded


def tree(root: Path) -> dict[str, Any]:
    """Every entry below ``root``: file bytes and executable bit, directories, symlink targets."""
    found: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[relative] = ("link", os.readlink(path))
        elif path.is_dir():
            found[relative] = "dir"
        else:
            found[relative] = (path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR))
    return found


def make_tree(root: Path) -> Path:
    (root / "data" / "images" / "nested").mkdir(parents=True)
    (root / "data" / "empty").mkdir()
    (root / "data" / "a.csv").write_text("x,y\n1,2\n")
    (root / "data" / "images" / "b.bin").write_bytes(bytes(range(256)) * 100)
    (root / "data" / "images" / "nested" / "empty.txt").write_bytes(b"")
    (root / "data" / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (root / "data" / "run.sh").chmod(0o755)
    (root / "data" / "latest").symlink_to("images/b.bin")
    (root / "data" / "images" / "up").symlink_to("../a.csv")
    return root / "data"


def test_directory_round_trips_with_empty_dirs_modes_and_inner_symlinks(
    store: LocalArtifactStore, tmp_path: Path
) -> None:
    source = make_tree(tmp_path / "src")
    loaded = round_trip(store, source)
    assert loaded.name == "data"
    assert loaded != source
    assert tree(loaded) == tree(source)
    assert (loaded / "latest").read_bytes() == (source / "images" / "b.bin").read_bytes()


def test_file_round_trips_with_its_name(store: LocalArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "model.onnx"
    source.write_bytes(b"\x00weights" * 1000)
    loaded = round_trip(store, source)
    assert loaded.name == "model.onnx"
    assert loaded.is_file()
    assert loaded.read_bytes() == source.read_bytes()


def test_a_changed_copy_never_changes_the_artifact(store: LocalArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("original")
    info = save_artifact(source, store=store, uri="n", materializer_cls=PathMaterializer)
    kwargs: dict[str, Any] = {"store": store, "uri": "n", "materializer_cls": PathMaterializer, "data_type": Path,
                              "materializer_version": 1, "content_hash": info.content_hash}  # fmt: skip
    first = load_artifact(**kwargs)
    first.write_text("changed by a step")
    assert load_artifact(**kwargs).read_text() == "original"


def test_symlink_pointing_outside_is_refused(store: LocalArtifactStore, tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("password")
    source = tmp_path / "dir"
    source.mkdir()
    (source / "ok.txt").write_text("fine")
    (source / "leak").symlink_to(tmp_path / "secret")
    with pytest.raises(MaterializerError, match="symlink 'leak' points outside it"):
        save_artifact(source, store=store, uri="x", materializer_cls=PathMaterializer)
    assert not store.exists("x")


def test_symlinked_directory_pointing_outside_is_refused(store: LocalArtifactStore, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    source = tmp_path / "dir"
    source.mkdir()
    (source / "sub").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(MaterializerError, match="points outside"):
        save_artifact(source, store=store, uri="x", materializer_cls=PathMaterializer)


def test_missing_path_and_special_files_are_refused(store: LocalArtifactStore, tmp_path: Path) -> None:
    with pytest.raises(MaterializerError, match="no such file or directory"):
        save_artifact(tmp_path / "nope", store=store, uri="x", materializer_cls=PathMaterializer)
    source = tmp_path / "with_fifo"
    source.mkdir()
    os.mkfifo(source / "pipe")
    with pytest.raises(MaterializerError, match="not a regular file"):
        save_artifact(source, store=store, uri="y", materializer_cls=PathMaterializer)


@pytest.mark.parametrize(
    "entry",
    [
        {"path": "../escape.txt", "kind": "file", "file": "files/0"},
        {"path": "/etc/passwd", "kind": "file", "file": "files/0"},
        {"path": "link", "kind": "symlink", "target": "../../etc/passwd"},
        {"path": "link", "kind": "symlink", "target": "/etc/passwd"},
        {"path": "ok", "kind": "file", "file": "../other/files/0"},
    ],
)
def test_a_crafted_manifest_cannot_write_or_link_outside_the_copy(
    store: LocalArtifactStore, tmp_path: Path, entry: dict[str, Any]
) -> None:
    source = tmp_path / "d"
    source.mkdir()
    (source / "f").write_text("x")
    save_artifact(source, store=store, uri="m", materializer_cls=PathMaterializer)
    manifest = Path(store.root) / "m" / "path.json"
    data = json.loads(manifest.read_text())
    data["entries"].append(entry)
    manifest.write_text(json.dumps(data))
    with pytest.raises(MaterializerError, match=r"invalid|outside"):
        load_artifact(store=store, uri="m", materializer_cls=PathMaterializer, data_type=Path, materializer_version=1)
    assert not (tmp_path / "escape.txt").exists()


def test_registered_for_paths() -> None:
    assert materializer_registry.get(Path) is PathMaterializer
    assert materializer_registry.get(type(Path("x"))) is PathMaterializer


def test_step_copies_are_removed_when_the_step_ends_and_loads_outside_live_on(tmp_path: Path, zen_home: Path) -> None:
    from zenml import pipeline, step

    seen: list[Path] = []

    @step
    def make() -> Path:
        folder = tmp_path / "made"
        folder.mkdir()
        (folder / "a.txt").write_text("hello")
        return folder

    @step
    def read(folder: Path) -> str:
        seen.append(folder)
        return (folder / "a.txt").read_text()

    @pipeline(enable_cache=False)
    def paths() -> None:
        read(make())

    run = paths()
    assert run.steps["read"].output.load() == "hello"
    assert seen
    assert not seen[0].exists()
    outside = run.steps["make"].output.load()
    assert (outside / "a.txt").read_text() == "hello"  # lives until the interpreter exits
