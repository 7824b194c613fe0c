"""GCPArtifactStore against a real GCS emulator: the filesystem API, streaming, atomicity."""

from __future__ import annotations

import os
import tracemalloc

import pytest

from zenml.artifact_stores.base import ArtifactNotFoundError, InvalidArtifactNameError
from zenml.integrations.gcp.artifact_store import DIR_MARKER, GCPArtifactStore

pytestmark = pytest.mark.gcs


@pytest.fixture
def store(gcs_bucket: str) -> GCPArtifactStore:
    return GCPArtifactStore("remote", path=f"gs://{gcs_bucket}/zen", chunk_size_mb=0.25)


def _raw_names(store: GCPArtifactStore) -> list[str]:
    return sorted(blob.name for blob in store._gcs.client.list_blobs(store.bucket_name))


def test_write_then_read_round_trips(store: GCPArtifactStore) -> None:
    with store.open("a/b.txt", "wb") as handle:
        handle.write(b"hello ")
        handle.write(bytearray(b"world"))
    with store.open("a/b.txt", "rb") as handle:
        assert handle.read() == b"hello world"
    assert store.size("a/b.txt") == 11
    assert _raw_names(store) == ["zen/a/b.txt"]


def test_large_write_uses_chunked_resumable_upload_and_streams_back(store: GCPArtifactStore) -> None:
    data = os.urandom(256 * 1024 * 5 + 123)  # five 256 KiB chunks and a bit
    with store.open("big.bin", "wb") as handle:
        for start in range(0, len(data), 100_000):
            handle.write(data[start : start + 100_000])
    assert store.size("big.bin") == len(data)
    pieces = []
    with store.open("big.bin", "rb") as handle:
        while piece := handle.read(70_000):
            pieces.append(piece)
    assert b"".join(pieces) == data


def test_streaming_write_keeps_memory_bounded(store: GCPArtifactStore) -> None:
    block = os.urandom(64 * 1024)
    total = 8 * 1024 * 1024
    tracemalloc.start()
    try:
        with store.open("stream.bin", "wb") as handle:
            for _ in range(total // len(block)):
                handle.write(block)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert store.size("stream.bin") == total
    assert peak < total / 4, f"peak {peak} bytes for an {total}-byte upload with 256 KiB chunks"


def test_object_is_invisible_until_close_and_never_after_an_error(store: GCPArtifactStore) -> None:
    handle = store.open("model/data.bin", "wb")
    handle.write(os.urandom(256 * 1024 * 3))  # resumable session started, three chunks sent
    assert not store.exists("model/data.bin")
    handle.close()
    assert store.exists("model/data.bin")

    def write_then_fail() -> None:
        with store.open("model/broken.bin", "wb") as broken:
            broken.write(os.urandom(256 * 1024 * 3))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_then_fail()
    assert not store.exists("model/broken.bin")
    assert store.listdir("model") == ["data.bin"]


def test_a_writer_dropped_without_close_publishes_nothing(store: GCPArtifactStore) -> None:
    handle = store.open("dropped.bin", "wb")
    handle.write(os.urandom(256 * 1024 * 2))
    del handle
    import gc

    gc.collect()
    assert not store.exists("dropped.bin")


def test_listing_has_directory_semantics(store: GCPArtifactStore) -> None:
    for name in ("x/1.txt", "x/2.txt", "x/sub/3.txt", "x/sub/deeper/4.txt", "y.txt"):
        with store.open(name, "wb") as handle:
            handle.write(name.encode())
    assert store.listdir() == ["x", "y.txt"]
    assert store.listdir("x") == ["1.txt", "2.txt", "sub"]
    assert store.isdir("x/sub")
    assert not store.isdir("x/1.txt")
    assert store.exists("x/sub")
    assert store.exists("x/1.txt")
    assert not store.exists("x/missing")
    assert not store.isdir("x/su")  # a name prefix is not a directory
    assert list(store.walk_files("x")) == ["x/1.txt", "x/2.txt", "x/sub/3.txt", "x/sub/deeper/4.txt"]
    assert store.listdir("nope") == []  # as the local store: missing or not a directory
    assert store.listdir("y.txt") == []


def test_makedirs_makes_an_empty_directory_visible(store: GCPArtifactStore) -> None:
    store.makedirs("empty/dir")
    store.makedirs("empty/dir")  # idempotent
    assert store.isdir("empty/dir")
    assert store.listdir("empty") == ["dir"]
    assert store.listdir("empty/dir") == []
    assert DIR_MARKER not in list(store.walk_files())
    store.remove("empty/dir")
    assert not store.exists("empty/dir")


def test_rename_file_and_directory(store: GCPArtifactStore) -> None:
    for name in ("src/a.txt", "src/b/c.txt", "other.txt"):
        with store.open(name, "wb") as handle:
            handle.write(name.encode())
    store.rename("other.txt", "moved.txt")
    assert not store.exists("other.txt")
    with store.open("moved.txt") as handle:
        assert handle.read() == b"other.txt"
    with pytest.raises(FileExistsError):
        store.rename("moved.txt", "src/a.txt")
    store.rename("moved.txt", "src/a.txt", overwrite=True)
    with store.open("src/a.txt") as handle:
        assert handle.read() == b"other.txt"
    store.rename("src", "dst")
    assert not store.exists("src")
    assert list(store.walk_files("dst")) == ["dst/a.txt", "dst/b/c.txt"]
    with pytest.raises(ArtifactNotFoundError):
        store.rename("nothing", "else")


def test_remove_file_and_tree(store: GCPArtifactStore) -> None:
    for name in ("t/a", "t/b/c"):
        with store.open(name, "wb") as handle:
            handle.write(b"x")
    with pytest.raises(IsADirectoryError):
        store.remove("t")
    store.remove("t/a")
    assert not store.exists("t/a")
    store.remove("t", recursive=True)
    assert not store.exists("t")
    with pytest.raises(ArtifactNotFoundError):
        store.remove("t")


def test_checksum_comes_from_object_metadata_and_tracks_content(store: GCPArtifactStore) -> None:
    with store.open("c.bin", "wb") as handle:
        handle.write(b"abc")
    first = store.checksum("c.bin")
    assert first.startswith("crc32c:")
    import google_crc32c

    assert first == "crc32c:" + google_crc32c.Checksum(b"abc").digest().hex()  # type: ignore[no-untyped-call]
    with store.open("c.bin", "wb") as handle:
        handle.write(b"abd")
    assert store.checksum("c.bin") != first


def test_local_path_read_and_write(store: GCPArtifactStore) -> None:
    with store.local_path("files/model.h5", "w") as path:
        with open(path, "wb") as handle:
            handle.write(b"weights")
        assert not store.exists("files/model.h5")
    with store.open("files/model.h5") as handle:
        assert handle.read() == b"weights"
    with store.local_path("files/model.h5") as path, open(path, "rb") as handle:
        assert handle.read() == b"weights"

    with store.local_path("saved_model", "w") as path:
        os.makedirs(os.path.join(path, "variables"))
        for relative in ("saved_model.pb", "variables/variables.index"):
            with open(os.path.join(path, relative), "wb") as handle:
                handle.write(relative.encode())
    assert list(store.walk_files("saved_model")) == [
        "saved_model/saved_model.pb",
        "saved_model/variables/variables.index",
    ]
    with store.local_path("saved_model") as path, open(os.path.join(path, "variables", "variables.index"), "rb") as f:
        assert f.read() == b"variables/variables.index"
    assert not os.path.exists(path)

    with pytest.raises(FileNotFoundError, match="nothing was written"), store.local_path("never", "w"):
        pass


def test_names_cannot_escape_the_prefix(store: GCPArtifactStore) -> None:
    with pytest.raises(InvalidArtifactNameError):
        store.open("../outside", "wb")
    with pytest.raises(InvalidArtifactNameError):
        store.exists("/abs")
    assert store.uri("a/b") == store.path + "/a/b"


def test_object_deleted_behind_the_stores_back(store: GCPArtifactStore) -> None:
    with store.open("gone.bin", "wb") as handle:
        handle.write(os.urandom(256 * 1024 * 2))
    reader = store.open("gone.bin", "rb")
    first = reader.read(1000)
    assert len(first) == 1000
    store._gcs.bucket.blob("zen/gone.bin").delete()
    with pytest.raises(ArtifactNotFoundError, match=r"gs://.*/zen/gone\.bin"):
        reader.read(256 * 1024 * 2)  # past the buffered chunk: the next ranged read finds nothing
    reader.close()
    for call in (
        lambda: store.open("gone.bin", "rb"),
        lambda: store.size("gone.bin"),
        lambda: store.checksum("gone.bin"),
    ):
        with pytest.raises(ArtifactNotFoundError, match=r"gone\.bin"):
            call()


def test_unsupported_mode_is_a_clear_error(store: GCPArtifactStore) -> None:
    with pytest.raises(ValueError, match="'rb', 'wb', 'r' or 'w'"):
        store.open("x", "ab")
