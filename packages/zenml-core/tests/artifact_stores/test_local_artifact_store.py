"""LocalArtifactStore: the generic contract plus what only a local directory can show."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from zenml.artifact_stores.base import InvalidArtifactNameError
from zenml.artifact_stores.local import TEMP_DIR, TEMP_PREFIX, AtomicFileWriter, LocalArtifactStore
from zenml.stack.flavors import ARTIFACT_STORE, flavor_registry
from zenml.testing import ArtifactStoreContract


class TestLocalArtifactStoreContract(ArtifactStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> LocalArtifactStore:
        return LocalArtifactStore("test", path=str(tmp_path / "root"))


class TestLocalArtifactStoreWithFsyncContract(ArtifactStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> LocalArtifactStore:
        return LocalArtifactStore("test", path=str(tmp_path / "root"), fsync=True)


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("test", path=str(tmp_path / "root"))


def temp_files(root: Path) -> list[str]:
    """Temporary files: in the store's temp directory, or beside their target."""
    return [str(p) for p in [*root.rglob(f"{TEMP_PREFIX}*"), *(root / TEMP_DIR).glob("*")]]


def test_flavor_is_registered_by_reference() -> None:
    assert flavor_registry.load(ARTIFACT_STORE, "local") is LocalArtifactStore


def test_construction_touches_nothing(tmp_path: Path) -> None:
    LocalArtifactStore("x", path=str(tmp_path / "later"))
    assert not (tmp_path / "later").exists()


def test_describe_and_from_config(tmp_path: Path) -> None:
    store = LocalArtifactStore.from_config("s", {"flavor": "local", "path": str(tmp_path), "fsync": True})
    assert isinstance(store, LocalArtifactStore)
    assert store.fsync
    assert store.describe() == {"name": "s", "type": "artifact_store", "flavor": "local", "path": str(tmp_path),
                                "fsync": True}  # fmt: skip


def test_open_for_writing_returns_a_real_file(store: LocalArtifactStore) -> None:
    handle = store.open("x.bin", "wb")
    try:
        assert isinstance(handle, AtomicFileWriter)
        assert isinstance(handle, io.BufferedWriter)
        assert handle.name.endswith("x.bin")
    finally:
        handle.close()


def test_numpy_save_takes_the_real_file_path(store: LocalArtifactStore) -> None:
    import numpy as np  # in the test group: a missing numpy fails, it does not skip

    array = np.arange(100_000, dtype=np.float32).reshape(100, 1000)
    with store.open("arr.npy", "wb") as handle:
        assert np.lib.format.isfileobj(handle)
        np.save(handle, array)
    with store.open("arr.npy", "rb") as handle:
        assert np.array_equal(np.load(handle), array)


def test_temporary_file_sits_in_the_temp_directory_names_its_owner_and_is_hidden(store: LocalArtifactStore) -> None:
    from zenml.utils.processes import this_process

    handle = store.open("d/file.npy", "wb")
    handle.write(b"x")
    root = Path(store.root)
    pending = temp_files(root)
    assert len(pending) == 1
    assert Path(pending[0]).parent == root / TEMP_DIR
    assert Path(pending[0]).name.startswith(f"{this_process().tag}-")
    assert Path(pending[0]).name.endswith("-file.npy")  # the extension stays, for libraries that check it
    assert store.listdir("d") == []
    assert store.listdir() == ["d"]
    assert list(store.walk_files()) == []
    handle.close()
    assert temp_files(root) == []
    assert store.listdir("d") == ["file.npy"]


def test_unclosed_writer_is_discarded_when_collected(store: LocalArtifactStore) -> None:
    handle = store.open("dropped", "wb")
    handle.write(b"partial")
    del handle
    import gc

    gc.collect()
    assert not store.exists("dropped")
    assert temp_files(Path(store.root)) == []


def test_discard_and_double_close(store: LocalArtifactStore) -> None:
    handle = store.open("f", "wb")
    assert isinstance(handle, AtomicFileWriter)
    handle.write(b"x")
    handle.discard()
    handle.close()
    assert not store.exists("f")
    with store.open("g", "wb") as other:
        other.write(b"y")
    other.close()
    assert (Path(store.root) / "g").read_bytes() == b"y"


def test_symlink_out_of_the_root_is_refused(store: LocalArtifactStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"secret")
    store.makedirs("")
    os.symlink(outside, Path(store.root) / "link")
    with pytest.raises(InvalidArtifactNameError, match="outside the artifact store's root"):
        store.open("link/secret", "rb")
    with pytest.raises(InvalidArtifactNameError, match="outside"):
        store.open("link/new", "wb")
    with pytest.raises(InvalidArtifactNameError, match="outside"):
        store.remove("link/secret")
    assert (outside / "secret").read_bytes() == b"secret"
    assert not (outside / "new").exists()


def test_symlink_inside_the_root_is_fine(store: LocalArtifactStore) -> None:
    store.makedirs("real")
    os.symlink(Path(store.root) / "real", Path(store.root) / "alias")
    with store.open("alias/f", "wb") as handle:
        handle.write(b"ok")
    assert (Path(store.root) / "real" / "f").read_bytes() == b"ok"


def test_root_cannot_be_removed_or_written(store: LocalArtifactStore) -> None:
    store.makedirs("")
    with pytest.raises(InvalidArtifactNameError):
        store.remove("", recursive=True)
    with pytest.raises(InvalidArtifactNameError):
        store.open("", "wb")
    assert os.path.isdir(store.root)


def test_local_path_for_reading_is_the_real_file(store: LocalArtifactStore) -> None:
    with store.open("a/b", "wb") as handle:
        handle.write(b"x")
    with store.local_path("a/b") as path:
        assert path == os.path.join(store.root, "a", "b")


def test_local_path_for_writing_keeps_the_extension(store: LocalArtifactStore) -> None:
    with store.local_path("m/model.keras", "w") as path:
        assert path.endswith(".keras")
        assert os.path.dirname(path) == os.path.join(store.root, TEMP_DIR)  # same file system: atomic rename
        Path(path).write_bytes(b"k")
    assert store.listdir("m") == ["model.keras"]


def test_local_path_write_with_nothing_written_is_an_error(store: LocalArtifactStore) -> None:
    with pytest.raises(FileNotFoundError, match="nothing was written"), store.local_path("empty", "w"):
        pass


def test_local_path_write_replaces_an_existing_directory(store: LocalArtifactStore) -> None:
    for content in (b"one", b"two"):
        with store.local_path("model", "w") as path:
            os.makedirs(path)
            Path(path, "weights").write_bytes(content)
    assert store.listdir("model") == ["weights"]
    assert (Path(store.root) / "model" / "weights").read_bytes() == b"two"
    assert temp_files(Path(store.root)) == []


def test_non_empty_directory_needs_recursive(store: LocalArtifactStore) -> None:
    with store.open("d/f", "wb") as handle:
        handle.write(b"x")
    with pytest.raises(OSError, match="recursive=True"):
        store.remove("d")
    store.remove("d/f")
    store.remove("d")
    assert not store.exists("d")


def test_rename_directory(store: LocalArtifactStore) -> None:
    with store.open("src/f", "wb") as handle:
        handle.write(b"x")
    store.makedirs("dst")
    with pytest.raises(FileExistsError):
        store.rename("src", "dst")
    store.rename("src", "dst", overwrite=True)
    assert store.listdir("dst") == ["f"]


def test_relative_root_is_resolved_at_construction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = LocalArtifactStore("rel", path="artifacts")
    monkeypatch.chdir("/")
    with store.open("f", "wb") as handle:
        handle.write(b"x")
    assert (tmp_path / "artifacts" / "f").exists()


def test_the_next_write_removes_temp_files_of_dead_writers_only(store: LocalArtifactStore) -> None:
    from zenml.utils.processes import this_process

    with store.open("first", "wb") as handle:
        handle.write(b"1")
    from zenml.testing import exited_owner

    temp = Path(store.root) / TEMP_DIR
    dead = exited_owner().tag
    leftovers = {
        f"{dead}-aaaaaaaaaaaa-data.npy": "file",
        f"{dead}-bbbbbbbbbbbb-model": "dir",  # local_path("w") may leave a directory
        f"{this_process().tag}-cccccccccccc-live.npy": "file",  # a write of this (living) process, in flight
        "not-a-zenml-name": "file",
    }
    for name, kind in leftovers.items():
        if kind == "dir":
            (temp / name).mkdir()
            (temp / name / "weights").write_bytes(b"w")
        else:
            (temp / name).write_bytes(b"partial")
    with store.open("second", "wb") as handle:
        handle.write(b"2")
    assert sorted(p.name for p in temp.iterdir()) == sorted(
        [f"{this_process().tag}-cccccccccccc-live.npy", "not-a-zenml-name"]
    )
    with store.local_path("third", "w") as path:  # local_path writes clean up as well
        Path(path).write_bytes(b"3")
    assert store.listdir() == ["first", "second", "third"]


def test_a_target_on_another_file_system_gets_its_temp_file_beside_it(store: LocalArtifactStore) -> None:
    """A mount inside the root: os.replace from the root's temp directory would fail (EXDEV)."""
    import subprocess

    store.makedirs("mounted")
    mounted = os.path.join(store.root, "mounted")
    mount = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", mounted], capture_output=True, check=False)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.decode(errors='replace').strip()}")
    try:
        handle = store.open("mounted/file", "wb")
        handle.write(b"x")
        (pending,) = temp_files(Path(store.root))
        assert Path(pending).parent == Path(mounted)
        handle.close()
        assert store.listdir("mounted") == ["file"]
        with store.local_path("mounted/dir", "w") as path:
            os.makedirs(path)
            Path(path, "f").write_bytes(b"y")
        assert list(store.walk_files("mounted")) == ["mounted/dir/f", "mounted/file"]
    finally:
        subprocess.run(["umount", mounted], check=False)
