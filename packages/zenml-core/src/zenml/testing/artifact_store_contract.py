"""The behaviour every :class:`~zenml.artifact_stores.base.ArtifactStore` must show, as pytest tests.

Only the store's public API is used, so the suite runs against local
directories and object stores alike. The subclass provides ``store``: a
fresh, empty store per test.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

from zenml.artifact_stores.base import InvalidArtifactNameError

if TYPE_CHECKING:
    from collections.abc import Callable

    from zenml.artifact_stores.base import ArtifactStore

ESCAPING_NAMES = ["..", "../x", "a/../../x", "a/../b", "/etc/passwd", "/", "..\\x", "a\\..\\..\\x", "C:/x", "a/\x00b"]


def write(store: ArtifactStore, name: str, data: bytes) -> None:
    with store.open(name, "wb") as handle:
        handle.write(data)


def write_then_fail(store: ArtifactStore, name: str, data: bytes) -> None:
    """Write ``data`` to ``name`` and raise ``RuntimeError("boom")`` before the file is closed."""
    with store.open(name, "wb") as handle:
        handle.write(data)
        raise RuntimeError("boom")


def write_local_path_then_fail(store: ArtifactStore, name: str, data: bytes) -> None:
    """Write ``data`` through ``local_path(name, "w")`` and raise ``RuntimeError("boom")`` inside the block."""
    with store.local_path(name, "w") as path:
        with open(path, "wb") as handle:
            handle.write(data)
        raise RuntimeError("boom")


def read(store: ArtifactStore, name: str) -> bytes:
    with store.open(name, "rb") as handle:
        return handle.read()


class ArtifactStoreContract:
    """Subclass with a ``store`` fixture returning a fresh, empty :class:`ArtifactStore`."""

    # -- reading and writing -----------------------------------------------------

    def test_round_trip_of_every_byte_value(self, store: ArtifactStore) -> None:
        payload = bytes(range(256)) * 4099  # ~1 MiB, not a multiple of any buffer size
        write(store, "a/b/data.bin", payload)
        assert read(store, "a/b/data.bin") == payload
        assert store.size("a/b/data.bin") == len(payload)
        assert store.exists("a/b/data.bin")

    def test_empty_file(self, store: ArtifactStore) -> None:
        write(store, "empty", b"")
        assert store.exists("empty")
        assert store.size("empty") == 0
        assert read(store, "empty") == b""

    def test_several_writes_are_concatenated(self, store: ArtifactStore) -> None:
        with store.open("parts", "wb") as handle:
            for index in range(50):
                handle.write(bytes([index]) * 1000)
        assert read(store, "parts") == b"".join(bytes([i]) * 1000 for i in range(50))

    def test_partial_reads(self, store: ArtifactStore) -> None:
        write(store, "f", b"0123456789")
        with store.open("f", "rb") as handle:
            assert handle.read(3) == b"012"
            assert handle.read() == b"3456789"
            assert handle.read() == b""

    def test_overwrite_replaces_the_whole_file(self, store: ArtifactStore) -> None:
        write(store, "f", b"a long first version")
        write(store, "f", b"short")
        assert read(store, "f") == b"short"

    def test_write_is_invisible_until_closed(self, store: ArtifactStore) -> None:
        handle = store.open("pending/file", "wb")
        handle.write(b"data")
        assert not store.exists("pending/file")
        handle.close()
        assert read(store, "pending/file") == b"data"

    def test_failed_write_leaves_nothing(self, store: ArtifactStore) -> None:
        with pytest.raises(RuntimeError, match="boom"):
            write_then_fail(store, "d/new", b"half")
        assert not store.exists("d/new")
        assert "new" not in store.listdir("d")

    def test_failed_overwrite_keeps_the_old_content(self, store: ArtifactStore) -> None:
        write(store, "f", b"old")
        with pytest.raises(RuntimeError, match="boom"):
            write_then_fail(store, "f", b"new and broken")
        assert read(store, "f") == b"old"

    def test_missing_files(self, store: ArtifactStore) -> None:
        assert not store.exists("nope")
        with pytest.raises(FileNotFoundError, match="nope"):
            store.open("nope", "rb")
        with pytest.raises(FileNotFoundError, match="nope"):
            store.size("nope")
        with pytest.raises(FileNotFoundError, match="nope"):
            store.remove("nope")

    def test_unknown_mode_is_rejected(self, store: ArtifactStore) -> None:
        with pytest.raises(ValueError, match="mode"):
            store.open("f", "a")

    def test_text_modes_as_in_zenml(self, store: ArtifactStore) -> None:
        text: Any = store.open("t/notes.txt", "w")
        with text as handle:
            handle.write("ünïcode\nline two")
        assert read(store, "t/notes.txt") == "ünïcode\nline two".encode()
        text = store.open("t/notes.txt", "r")
        with text as handle:
            assert handle.read() == "ünïcode\nline two"

        def fail_half_way() -> None:
            half: Any = store.open("t/notes.txt", "w")
            with half as handle:
                handle.write("half")
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            fail_half_way()
        assert read(store, "t/notes.txt") == "ünïcode\nline two".encode()

    def test_full_uris_below_the_root_are_names(self, store: ArtifactStore) -> None:
        full = store.uri("deep/dir/f.bin")
        write(store, full, b"x")
        assert read(store, "deep/dir/f.bin") == b"x"
        assert store.exists(store.uri("deep/dir"))
        assert store.isdir(store.uri("deep"))
        assert store.listdir(store.uri("deep/dir")) == ["f.bin"]
        assert store.relative(full) == "deep/dir/f.bin"
        assert store.relative(store.uri()) == ""

    # -- directories -------------------------------------------------------------

    def test_listdir_shows_direct_entries_sorted(self, store: ArtifactStore) -> None:
        for name in ("b/x", "a/y/z", "c", "a/w"):
            write(store, name, name.encode())
        assert store.listdir() == ["a", "b", "c"]
        assert store.listdir("a") == ["w", "y"]
        assert store.listdir("a/y") == ["z"]
        assert store.listdir("missing") == []

    def test_isdir_and_exists(self, store: ArtifactStore) -> None:
        write(store, "dir/sub/file", b"x")
        assert store.isdir("dir")
        assert store.isdir("dir/sub")
        assert not store.isdir("dir/sub/file")
        assert store.exists("dir")
        assert not store.isdir("missing")

    def test_walk_files(self, store: ArtifactStore) -> None:
        for name in ("r/b", "r/a/2", "r/a/1", "other"):
            write(store, name, b"x")
        assert list(store.walk_files("r")) == ["r/a/1", "r/a/2", "r/b"]
        assert list(store.walk_files()) == ["other", "r/a/1", "r/a/2", "r/b"]

    def test_makedirs_is_idempotent(self, store: ArtifactStore) -> None:
        store.makedirs("m/n")
        store.makedirs("m/n")
        write(store, "m/n/f", b"x")
        assert store.isdir("m/n")
        assert store.listdir("m/n") == ["f"]

    def test_remove_file_and_tree(self, store: ArtifactStore) -> None:
        write(store, "t/a", b"1")
        write(store, "t/s/b", b"2")
        store.remove("t/a")
        assert not store.exists("t/a")
        store.remove("t", recursive=True)
        assert not store.exists("t/s/b")
        assert store.listdir() == []

    # -- rename ------------------------------------------------------------------

    def test_rename(self, store: ArtifactStore) -> None:
        write(store, "src", b"payload")
        store.rename("src", "moved/dst")
        assert not store.exists("src")
        assert read(store, "moved/dst") == b"payload"

    def test_rename_does_not_overwrite_unless_asked(self, store: ArtifactStore) -> None:
        write(store, "a", b"A")
        write(store, "b", b"B")
        with pytest.raises(FileExistsError):
            store.rename("a", "b")
        assert read(store, "a") == b"A"
        assert read(store, "b") == b"B"
        store.rename("a", "b", overwrite=True)
        assert read(store, "b") == b"A"
        assert not store.exists("a")

    def test_rename_missing_source(self, store: ArtifactStore) -> None:
        with pytest.raises(FileNotFoundError):
            store.rename("missing", "x")

    # -- names -------------------------------------------------------------------

    @pytest.mark.parametrize("name", ESCAPING_NAMES)
    def test_names_cannot_escape_the_root(self, store: ArtifactStore, name: str) -> None:
        calls: list[Callable[[], object]] = [
            lambda: store.open(name, "wb"),
            lambda: store.open(name, "rb"),
            lambda: store.exists(name),
            lambda: store.isdir(name),
            lambda: store.listdir(name),
            lambda: store.makedirs(name),
            lambda: store.remove(name, recursive=True),
            lambda: store.size(name),
            lambda: store.rename(name, "x"),
            lambda: store.rename("x", name),
            lambda: store.local_path(name, "r").__enter__(),
            lambda: store.local_path(name, "w").__enter__(),
            lambda: store.uri(name),
        ]
        write(store, "x", b"x")
        for call in calls:
            with pytest.raises(InvalidArtifactNameError):
                call()
        assert read(store, "x") == b"x"

    def test_dot_segments_and_slashes_are_normalised(self, store: ArtifactStore) -> None:
        write(store, "./a//b/./c", b"x")
        assert read(store, "a/b/c") == b"x"

    def test_uri_names_the_file(self, store: ArtifactStore) -> None:
        assert store.uri("a/b").endswith("a/b")
        assert store.uri("a/b").startswith(store.uri().rstrip("/"))

    # -- local paths -------------------------------------------------------------

    def test_local_path_for_reading(self, store: ArtifactStore) -> None:
        write(store, "lp/file.bin", b"local")
        with store.local_path("lp/file.bin", "r") as path, open(path, "rb") as handle:
            assert handle.read() == b"local"

    def test_local_path_for_reading_a_directory(self, store: ArtifactStore) -> None:
        write(store, "lp/dir/a.txt", b"A")
        write(store, "lp/dir/sub/b.txt", b"B")
        import os

        with store.local_path("lp/dir", "r") as path:
            with open(os.path.join(path, "a.txt"), "rb") as handle:
                assert handle.read() == b"A"
            with open(os.path.join(path, "sub", "b.txt"), "rb") as handle:
                assert handle.read() == b"B"

    def test_local_path_for_writing_a_file(self, store: ArtifactStore) -> None:
        with store.local_path("lw/file.bin", "w") as path:
            with open(path, "wb") as handle:
                handle.write(b"written")
            assert not store.exists("lw/file.bin")
        assert read(store, "lw/file.bin") == b"written"

    def test_local_path_for_writing_a_directory(self, store: ArtifactStore) -> None:
        import os

        with store.local_path("lw/model", "w") as path:
            os.makedirs(os.path.join(path, "variables"))
            with open(os.path.join(path, "saved_model.pb"), "wb") as handle:
                handle.write(b"pb")
            with open(os.path.join(path, "variables", "v.data"), "wb") as handle:
                handle.write(b"vars")
        assert list(store.walk_files("lw/model")) == ["lw/model/saved_model.pb", "lw/model/variables/v.data"]
        assert read(store, "lw/model/variables/v.data") == b"vars"

    def test_local_path_write_that_fails_stores_nothing(self, store: ArtifactStore) -> None:
        with pytest.raises(RuntimeError, match="boom"):
            write_local_path_then_fail(store, "lw/broken", b"half")
        assert not store.exists("lw/broken")

    def test_local_path_of_missing_file(self, store: ArtifactStore) -> None:
        with pytest.raises(FileNotFoundError), store.local_path("missing", "r"):
            pass

    # -- checksums and concurrency -----------------------------------------------

    def test_checksum_follows_the_content(self, store: ArtifactStore) -> None:
        write(store, "c", b"one")
        first = store.checksum("c")
        assert first == store.checksum("c")
        write(store, "c", b"two")
        assert store.checksum("c") != first

    def test_concurrent_writers_never_tear_a_file(self, store: ArtifactStore) -> None:
        payloads = [bytes([index]) * (256 * 1024 + index) for index in range(6)]
        seen: set[bytes] = set()
        errors: list[BaseException] = []
        write(store, "shared/file", payloads[0])

        def writer(payload: bytes) -> None:
            try:
                for _ in range(5):
                    write(store, "shared/file", payload)
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        def reader() -> None:
            try:
                for _ in range(20):
                    seen.add(read(store, "shared/file"))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=writer, args=(payload,)) for payload in payloads]
        threads.append(threading.Thread(target=reader))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert read(store, "shared/file") in payloads
        assert seen <= set(payloads), "a reader saw a torn or mixed file"
        assert store.listdir("shared") == ["file"], "temporary files were left behind"

    def test_concurrent_writers_of_different_files(self, store: ArtifactStore) -> None:
        def writer(index: int) -> None:
            for item in range(10):
                write(store, f"many/{index}/{item}", f"{index}-{item}".encode())

        threads = [threading.Thread(target=writer, args=(index,)) for index in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(list(store.walk_files("many"))) == 60
        assert read(store, "many/3/7") == b"3-7"

    # -- artifacts through the store ---------------------------------------------

    def test_artifact_round_trip_and_integrity(self, store: ArtifactStore) -> None:
        from zenml.artifacts import ArtifactCorruptedError, ArtifactMissingError, load_artifact, save_artifact
        from zenml.materializers.builtin import BuiltinMaterializer

        value = {"a": [1, 2.5, None], "b": (True, "x")}
        info = save_artifact(value, store=store, uri="runs/r/s/out", materializer_cls=BuiltinMaterializer)
        assert info.size == store.size("runs/r/s/out/data.json")
        kwargs = {"store": store, "uri": "runs/r/s/out", "materializer_cls": BuiltinMaterializer, "data_type": dict,
                  "materializer_version": BuiltinMaterializer.VERSION}  # fmt: skip
        assert load_artifact(**kwargs, content_hash=info.content_hash) == value  # type: ignore[arg-type]

        original = read(store, "runs/r/s/out/data.json")
        write(store, "runs/r/s/out/data.json", original.replace(b"2.5", b"3.5"))
        with pytest.raises(ArtifactCorruptedError, match="runs/r/s/out") as raised:
            load_artifact(**kwargs, content_hash=info.content_hash)  # type: ignore[arg-type]
        assert raised.value.expected == info.content_hash
        assert raised.value.actual != info.content_hash

        store.remove("runs/r/s/out", recursive=True)
        with pytest.raises(ArtifactMissingError, match="runs/r/s/out"):
            load_artifact(**kwargs, content_hash=info.content_hash)  # type: ignore[arg-type]
