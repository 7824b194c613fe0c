"""save_artifact / load_artifact: content hashes, deleted and corrupted artifacts, versions."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, ClassVar

import pytest

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import (
    ArtifactCorruptedError,
    ArtifactExistsError,
    ArtifactMissingError,
    MaterializerVersionError,
    compute_content_hash,
    load_artifact,
    save_artifact,
)
from zenml.materializers.base import BaseMaterializer
from zenml.materializers.builtin import BuiltinMaterializer


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("test", path=str(tmp_path))


class TwoFileMaterializer(BaseMaterializer):
    """Writes a header through open() and a body through local_path(), reads with a seek."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (str,)
    VERSION: ClassVar[int] = 3

    def save(self, data: Any) -> None:
        with self.artifact_store.open(self.path("header"), "wb") as handle:
            handle.write(b"HDR")
        with self.artifact_store.local_path(self.path("sub/body"), "w") as path, open(path, "wb") as handle:
            handle.write(data.encode())

    def load(self, data_type: type[Any]) -> Any:
        with self.artifact_store.open(self.path("header"), "rb") as handle:
            handle.seek(0)
            assert handle.read() == b"HDR"
        with self.artifact_store.local_path(self.path("sub/body"), "r") as path, open(path, "rb") as handle:
            return handle.read().decode()


def load(store: LocalArtifactStore, uri: str, content_hash: str | None, materializer: Any = BuiltinMaterializer,
         data_type: type[Any] = dict, **extra: Any) -> Any:  # fmt: skip
    extra.setdefault("materializer_version", materializer.VERSION)
    return load_artifact(
        store=store, uri=uri, materializer_cls=materializer, data_type=data_type, content_hash=content_hash, **extra
    )


def test_info_reports_size_hash_and_files(store: LocalArtifactStore) -> None:
    info = save_artifact({"a": 1}, store=store, uri="runs/1/s/out", materializer_cls=BuiltinMaterializer)
    data = (Path(store.root) / "runs/1/s/out/data.json").read_bytes()
    assert info.size == len(data)
    assert info.files == ("data.json",)
    assert info.content_hash.startswith("crc32:")
    assert info.content_hash == compute_content_hash(store, "runs/1/s/out")
    manifest = f"data.json\0{len(data)}\0{zlib.crc32(data):08x}\n".encode()
    assert info.content_hash == f"crc32:{zlib.crc32(manifest):08x}"


def test_hash_of_files_written_and_read_around_the_stream(store: LocalArtifactStore) -> None:
    info = save_artifact("body text", store=store, uri="two", materializer_cls=TwoFileMaterializer)
    assert info.files == ("header", "sub/body")
    assert info.size == 3 + len("body text")
    assert info.content_hash == compute_content_hash(store, "two")
    assert load(store, "two", info.content_hash, TwoFileMaterializer, str) == "body text"
    (Path(store.root) / "two" / "sub" / "body").write_bytes(b"BODY TEXT")
    with pytest.raises(ArtifactCorruptedError):
        load(store, "two", info.content_hash, TwoFileMaterializer, str)


def test_deleted_artifact_names_the_uri(store: LocalArtifactStore) -> None:
    info = save_artifact({"a": 1}, store=store, uri="runs/1/trainer/model", materializer_cls=BuiltinMaterializer)
    store.remove("runs/1/trainer/model", recursive=True)
    with pytest.raises(ArtifactMissingError, match="runs/1/trainer/model") as raised:
        load(store, "runs/1/trainer/model", info.content_hash)
    assert raised.value.uri == "runs/1/trainer/model"
    assert "enable_cache=False" in str(raised.value)
    assert isinstance(raised.value, FileNotFoundError)


def test_deleted_file_inside_the_artifact(store: LocalArtifactStore) -> None:
    info = save_artifact("x", store=store, uri="two", materializer_cls=TwoFileMaterializer)
    store.remove("two/sub/body")
    with pytest.raises(ArtifactMissingError, match="two"):
        load(store, "two", info.content_hash, TwoFileMaterializer, str)


def test_missing_without_hash_is_still_named(store: LocalArtifactStore) -> None:
    with pytest.raises(ArtifactMissingError, match="never/saved"):
        load(store, "never/saved", None)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda raw: raw.replace(b"1", b"2"),  # same size, different content: still valid JSON
        lambda raw: raw[:-1],  # truncated: the loader fails first, corruption is reported
        lambda raw: raw + b" ",  # appended
    ],
    ids=["altered", "truncated", "appended"],
)
def test_corrupted_artifact_names_uri_expected_and_actual(store: LocalArtifactStore, corrupt: Any) -> None:
    info = save_artifact({"a": 1}, store=store, uri="c", materializer_cls=BuiltinMaterializer)
    path = Path(store.root) / "c" / "data.json"
    path.write_bytes(corrupt(path.read_bytes()))
    with pytest.raises(ArtifactCorruptedError) as raised:
        load(store, "c", info.content_hash)
    message = str(raised.value)
    assert "'c'" in message
    assert info.content_hash in message
    assert raised.value.actual in message
    assert raised.value.actual != info.content_hash


def test_extra_file_in_the_artifact_is_corruption(store: LocalArtifactStore) -> None:
    info = save_artifact({"a": 1}, store=store, uri="c", materializer_cls=BuiltinMaterializer)
    (Path(store.root) / "c" / "intruder").write_bytes(b"?")
    with pytest.raises(ArtifactCorruptedError):
        load(store, "c", info.content_hash)


def test_materializer_version_mismatch(store: LocalArtifactStore) -> None:
    info = save_artifact("x", store=store, uri="v", materializer_cls=TwoFileMaterializer)
    assert load(store, "v", info.content_hash, TwoFileMaterializer, str, materializer_version=3) == "x"
    with pytest.raises(MaterializerVersionError, match=r"version 2.*version 3"):
        load(store, "v", info.content_hash, TwoFileMaterializer, str, materializer_version=2)


@pytest.mark.parametrize("recorded", [None, "3", 3.0, True, [3]])
def test_a_missing_or_invalid_materializer_version_is_an_error_not_a_skipped_check(
    store: LocalArtifactStore, recorded: object
) -> None:
    info = save_artifact("x", store=store, uri="v", materializer_cls=TwoFileMaterializer)
    with pytest.raises(MaterializerVersionError, match="records no valid materializer version") as raised:
        load(store, "v", info.content_hash, TwoFileMaterializer, str, materializer_version=recorded)
    assert raised.value.saved == recorded


def test_unknown_hash_algorithm(store: LocalArtifactStore) -> None:
    save_artifact({"a": 1}, store=store, uri="h", materializer_cls=BuiltinMaterializer)
    with pytest.raises(ValueError, match="unknown algorithm"):
        load(store, "h", "sha256:abc")


def test_an_artifact_directory_is_never_reused(store: LocalArtifactStore) -> None:
    save_artifact({"a": 1}, store=store, uri="once", materializer_cls=BuiltinMaterializer)
    with pytest.raises(ArtifactExistsError, match="once"):
        save_artifact({"a": 2}, store=store, uri="once", materializer_cls=BuiltinMaterializer)
    assert load(store, "once", None) == {"a": 1}


def test_failing_materializer_leaves_no_partial_file(store: LocalArtifactStore) -> None:
    class Failing(BaseMaterializer):
        def save(self, data: Any) -> None:
            with self.artifact_store.open(self.path("data"), "wb") as handle:
                handle.write(b"half")
                raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        save_artifact(1, store=store, uri="f", materializer_cls=Failing)
    assert list(store.walk_files("f")) == []


class CommitsOneFileThenFails(BaseMaterializer):
    """Commits a whole file, then a nested one, then raises before finishing."""

    def save(self, data: Any) -> None:
        with self.artifact_store.open(self.path("header"), "wb") as handle:
            handle.write(b"HDR")
        with self.artifact_store.open(self.path("sub/part-0"), "wb") as handle:
            handle.write(b"part")
        raise RuntimeError("out of quota after the first part")


def test_files_committed_before_a_failure_are_removed(store: LocalArtifactStore) -> None:
    with pytest.raises(RuntimeError, match="out of quota"):
        save_artifact("x", store=store, uri="runs/r1/out", materializer_cls=CommitsOneFileThenFails)
    assert list(store.walk_files("runs/r1/out")) == []
    assert not store.exists("runs/r1/out")
    assert store.isdir("runs/r1")  # only what the save created is removed
    # the same uri can be saved to afterwards
    info = save_artifact({"a": 1}, store=store, uri="runs/r1/out", materializer_cls=BuiltinMaterializer)
    assert load(store, "runs/r1/out", info.content_hash) == {"a": 1}


def test_an_empty_directory_made_beforehand_is_kept_but_emptied(store: LocalArtifactStore) -> None:
    store.makedirs("made/out")
    store.makedirs("made/sibling")
    with pytest.raises(RuntimeError, match="out of quota"):
        save_artifact("x", store=store, uri="made/out", materializer_cls=CommitsOneFileThenFails)
    assert store.isdir("made/out")
    assert store.listdir("made/out") == []
    assert store.isdir("made/sibling")


class CountingStore(LocalArtifactStore):
    """Counts the files opened for reading, to see which loads re-read data for the hash."""

    reads = 0

    def open(self, name: str, mode: str = "rb") -> Any:
        if mode == "rb":
            CountingStore.reads += 1
        return super().open(name, mode)


def test_files_hashed_by_this_process_are_not_read_twice(tmp_path: Path) -> None:
    store = CountingStore("count", path=str(tmp_path))
    info = save_artifact("body", store=store, uri="a", materializer_cls=TwoFileMaterializer)
    CountingStore.reads = 0
    assert load(store, "a", info.content_hash, TwoFileMaterializer, str) == "body"
    assert CountingStore.reads == 1  # the materializer's own read of the header, no extra hashing read
    # another process (no memo) hashes the body it did not stream
    from zenml.artifacts.tracking import forget_noted_hashes

    forget_noted_hashes()
    CountingStore.reads = 0
    assert load(store, "a", info.content_hash, TwoFileMaterializer, str) == "body"
    assert CountingStore.reads == 3  # header (seeked: re-hashed) + body, plus the materializer's header read


def test_changed_file_is_rehashed_even_after_a_memo(store: LocalArtifactStore) -> None:
    info = save_artifact({"a": 1}, store=store, uri="m", materializer_cls=BuiltinMaterializer)
    assert load(store, "m", info.content_hash) == {"a": 1}
    path = Path(store.root) / "m" / "data.json"
    path.write_bytes(path.read_bytes().replace(b"1", b"2"))
    with pytest.raises(ArtifactCorruptedError):
        load(store, "m", info.content_hash)


def test_stores_without_version_tags_always_verify(tmp_path: Path) -> None:
    class Untagged(LocalArtifactStore):
        def version_tag(self, name: str) -> str | None:
            return None

    store = Untagged("u", path=str(tmp_path))
    info = save_artifact({"a": 1}, store=store, uri="m", materializer_cls=BuiltinMaterializer)
    path = Path(store.root) / "m" / "data.json"
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace(b"1", b"2"))
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(ArtifactCorruptedError):
        load(store, "m", info.content_hash)
