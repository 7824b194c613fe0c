"""The numpy materializer: np.save format, exact dtypes and shapes, memory mapping, no pickle, lazy import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")

from zenml.artifact_stores.local import LocalArtifactStore  # noqa: E402
from zenml.artifacts import load_artifact, save_artifact  # noqa: E402
from zenml.materializers.base import MaterializerError  # noqa: E402
from zenml.materializers.numpy import MemmapNumpyMaterializer, NumpyMaterializer  # noqa: E402
from zenml.materializers.registry import materializer_registry  # noqa: E402


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("test", path=str(tmp_path))


def round_trip(store: LocalArtifactStore, array: Any, materializer: Any = NumpyMaterializer) -> Any:
    uri = f"a{len(store.listdir())}"
    info = save_artifact(array, store=store, uri=uri, materializer_cls=NumpyMaterializer)
    return load_artifact(
        store=store, uri=uri, materializer_cls=materializer, data_type=np.ndarray, materializer_version=1,
        content_hash=info.content_hash,
    )  # fmt: skip


ARRAYS = {
    "float64 2d": lambda: np.random.default_rng(1).random((30, 40)),
    "int8 3d": lambda: np.arange(60, dtype=np.int8).reshape(3, 4, 5),
    "fortran": lambda: np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "strided view": lambda: np.arange(100).reshape(10, 10)[::2, 1::3],
    "scalar 0d": lambda: np.array(3.5),
    "empty": lambda: np.zeros((0, 7), dtype=np.float32),
    "bool": lambda: np.array([True, False, True]),
    "complex": lambda: np.array([1 + 2j, -3j], dtype=np.complex64),
    "big-endian": lambda: np.arange(10, dtype=">u4"),
    "unicode": lambda: np.array(["a", "héllo"]),
    "structured": lambda: np.array([(1, 2.5), (3, 4.5)], dtype=[("a", "<i4"), ("b", "<f8")]),
    "datetime": lambda: np.array(["2024-01-01", "2025-06-30"], dtype="datetime64[D]"),
    "float16": lambda: np.array([1.5, np.nan, np.inf], dtype=np.float16),
}


@pytest.mark.parametrize("name", list(ARRAYS))
def test_arrays_round_trip_exactly(store: LocalArtifactStore, name: str) -> None:
    array = ARRAYS[name]()
    loaded = round_trip(store, array)
    assert loaded.dtype == array.dtype
    assert loaded.shape == array.shape
    np.testing.assert_array_equal(loaded, array)


def test_files_are_plain_npy(store: LocalArtifactStore) -> None:
    array = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    save_artifact(array, store=store, uri="x", materializer_cls=NumpyMaterializer)
    path = Path(store.root) / "x" / "data.npy"
    reference = Path(store.root) / "reference.npy"
    np.save(reference, array)
    assert path.read_bytes() == reference.read_bytes()
    np.testing.assert_array_equal(np.load(path), array)


def test_memory_mapped_load(store: LocalArtifactStore) -> None:
    array = np.arange(1000, dtype=np.int64).reshape(10, 100)
    loaded = round_trip(store, array, MemmapNumpyMaterializer)
    assert isinstance(loaded, np.memmap)
    assert not loaded.flags.writeable
    np.testing.assert_array_equal(loaded, array)
    assert MemmapNumpyMaterializer.VERSION == NumpyMaterializer.VERSION


def test_memory_mapped_load_still_checks_integrity(store: LocalArtifactStore) -> None:
    from zenml.artifacts import ArtifactCorruptedError

    info = save_artifact(np.zeros(1000), store=store, uri="m", materializer_cls=NumpyMaterializer)
    path = Path(store.root) / "m" / "data.npy"
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(ArtifactCorruptedError, match="'m'"):
        load_artifact(store=store, uri="m", materializer_cls=MemmapNumpyMaterializer, data_type=np.ndarray,
                      materializer_version=1, content_hash=info.content_hash)  # fmt: skip


def test_object_arrays_are_refused_not_pickled(store: LocalArtifactStore) -> None:
    with pytest.raises(MaterializerError, match="without pickle"):
        save_artifact(np.array([{"a": 1}], dtype=object), store=store, uri="o", materializer_cls=NumpyMaterializer)


def test_masked_arrays_are_refused_rather_than_losing_the_mask(store: LocalArtifactStore) -> None:
    masked = np.ma.masked_array([1, 2, 3], mask=[False, True, False])
    with pytest.raises(MaterializerError, match="MaskedArray would lose"):
        save_artifact(masked, store=store, uri="ma", materializer_cls=NumpyMaterializer)


def test_memmaps_are_saved_as_plain_arrays(store: LocalArtifactStore, tmp_path: Path) -> None:
    mapped = np.memmap(tmp_path / "m.bin", dtype=np.float32, mode="w+", shape=(4, 5))
    mapped[:] = 7.0
    loaded = round_trip(store, mapped)
    assert type(loaded) is np.ndarray
    np.testing.assert_array_equal(loaded, np.full((4, 5), 7.0, dtype=np.float32))


def test_pickled_npy_is_refused_on_load(store: LocalArtifactStore) -> None:
    (Path(store.root) / "p").mkdir()
    np.save(Path(store.root) / "p" / "data.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(MaterializerError, match="pickle"):
        load_artifact(
            store=store, uri="p", materializer_cls=NumpyMaterializer, data_type=np.ndarray, materializer_version=1
        )


def test_truncated_file_without_hash_is_reported(store: LocalArtifactStore) -> None:
    save_artifact(np.arange(1000.0), store=store, uri="t", materializer_cls=NumpyMaterializer)
    path = Path(store.root) / "t" / "data.npy"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(MaterializerError, match="truncated"):
        load_artifact(
            store=store, uri="t", materializer_cls=NumpyMaterializer, data_type=np.ndarray, materializer_version=1
        )


def test_large_array_crosses_the_parallel_hash_path(store: LocalArtifactStore) -> None:
    from zenml.artifacts import ArtifactCorruptedError, compute_content_hash
    from zenml.artifacts.tracking import PARALLEL_MIN, forget_noted_hashes

    array = np.random.default_rng(2).integers(0, 255, size=(5, 1 << 22), dtype=np.uint8)  # 20 MiB
    assert array.nbytes > 2 * PARALLEL_MIN
    info = save_artifact(array, store=store, uri="big", materializer_cls=NumpyMaterializer)
    assert info.content_hash == compute_content_hash(store, "big")  # hashed in slices while writing
    forget_noted_hashes()  # load as another process would: verify while reading, in slices
    kwargs: dict[str, Any] = {"store": store, "uri": "big", "materializer_cls": NumpyMaterializer,
                              "data_type": np.ndarray, "content_hash": info.content_hash,
                              "materializer_version": 1}  # fmt: skip
    np.testing.assert_array_equal(load_artifact(**kwargs), array)
    path = Path(store.root) / "big" / "data.npy"
    with open(path, "r+b") as handle:  # flip one byte in the middle of the second slice
        handle.seek(PARALLEL_MIN + 12345)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 1]))
    forget_noted_hashes()
    with pytest.raises(ArtifactCorruptedError, match="'big'"):
        load_artifact(**kwargs)


def test_registered_for_ndarray_and_subclasses() -> None:
    assert materializer_registry.get(np.ndarray) is NumpyMaterializer
    assert materializer_registry.get(np.memmap) is NumpyMaterializer


def test_numpy_is_imported_only_when_an_array_type_is_seen() -> None:
    code = (
        "import sys\n"
        "from zenml.materializers.registry import materializer_registry as r\n"
        "r.get(int); r.get(dict)\n"
        "assert 'numpy' not in sys.modules, 'numpy imported by builtin lookups'\n"
        "assert 'zenml.materializers.numpy' not in sys.modules\n"
        "import numpy\n"
        "print(r.get(numpy.ndarray).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "NumpyMaterializer"
