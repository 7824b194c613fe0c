"""Save + load a large numpy array through LocalArtifactStore + NumpyMaterializer vs plain np.save/np.load.

Both write to the same directory (same disk). The store path includes
everything a pipeline pays with the default configuration: the atomic
temp-file write and rename, the content hash (CRC-32 computed while the data
streams to disk) and its verification on load (free when the loading process
wrote the file itself and it is unchanged; measured separately for a "cold"
process). Also reported: the same with ``fsync=True``.
Prints one JSON object per line (see benchmarks/README or the harness).

    python benchmarks/bench_numpy_store.py [--quick] [--dir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
import tracemalloc
from typing import Any

import numpy as np
from paired import best_of_pairs

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import load_artifact, save_artifact
from zenml.materializers.numpy import NumpyMaterializer

GIB = 1 << 30


def emit(benchmark: str, value: float, unit: str, limit: float | None, detail: str) -> None:
    print(
        json.dumps({"benchmark": benchmark, "value": round(value, 4), "unit": unit, "limit": limit, "detail": detail})
    )


def plain_round_trip(array: np.ndarray[Any, Any], directory: str, index: int) -> tuple[float, float]:
    path = os.path.join(directory, f"plain-{index}.npy")
    start = time.perf_counter()
    np.save(path, array)
    saved = time.perf_counter()
    loaded = np.load(path)
    done = time.perf_counter()
    assert loaded.shape == array.shape
    del loaded
    os.remove(path)
    return saved - start, done - saved


def store_round_trip(
    array: np.ndarray[Any, Any], store: LocalArtifactStore, index: int, *, cold: bool = False
) -> tuple[float, float]:
    """Save then load; ``cold``: forget the hashes this process noted, as a loading process other than the writer."""
    uri = f"store-{index}"
    start = time.perf_counter()
    info = save_artifact(array, store=store, uri=uri, materializer_cls=NumpyMaterializer)
    if cold:
        from zenml.artifacts.tracking import forget_noted_hashes

        forget_noted_hashes()
    saved = time.perf_counter()
    loaded = load_artifact(
        store=store,
        uri=uri,
        materializer_cls=NumpyMaterializer,
        data_type=np.ndarray,
        materializer_version=NumpyMaterializer.VERSION,
        content_hash=info.content_hash,
    )
    done = time.perf_counter()
    assert loaded.shape == array.shape
    del loaded
    store.remove(uri, recursive=True)
    return saved - start, done - saved


def peak_memory(func: Any, *args: Any) -> int:
    tracemalloc.start()
    try:
        func(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 MiB instead of 1 GiB")
    parser.add_argument("--dir", default=None, help="directory on the disk to test (default: system temp dir)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = (64 << 20) if args.quick else GIB
    array = np.random.default_rng(0).random(size // 8)
    directory = tempfile.mkdtemp(prefix="zenml-bench-numpy-", dir=args.dir)
    try:
        store = LocalArtifactStore("bench", path=os.path.join(directory, "store"))  # default config
        plain, ours = best_of_pairs(
            lambda index: plain_round_trip(array, directory, index),
            lambda index: store_round_trip(array, store, index),
            args.repeat,
        )
        mib = size / (1 << 20)
        emit(
            "numpy_store_save_load_ratio",
            ours.total / plain.total,
            "x",
            1.35,
            f"{mib:.0f} MiB float64: store save+load {ours.total * 1000:.0f} ms "
            "(atomic temp+rename, crc32 on write + verify on load) vs "
            f"np.save+np.load {plain.total * 1000:.0f} ms, best of {args.repeat}",
        )
        emit(
            "numpy_store_save_ratio",
            ours.save / plain.save,
            "x",
            None,
            f"{ours.save * 1000:.0f} vs {plain.save * 1000:.0f} ms",
        )
        emit(
            "numpy_store_load_ratio",
            ours.load / plain.load,
            "x",
            None,
            f"{ours.load * 1000:.0f} vs {plain.load * 1000:.0f} ms",
        )
        cold = [store_round_trip(array, store, 200 + i, cold=True) for i in range(args.repeat)]
        cold_load = min(load for _, load in cold)
        emit(
            "numpy_store_cold_load_ratio",
            cold_load / plain.load,
            "x",
            None,
            f"load in a process that did not write it (full crc32 verification, overlapped with the read): "
            f"{cold_load * 1000:.0f} vs {plain.load * 1000:.0f} ms",
        )
        durable = LocalArtifactStore("bench-fsync", path=os.path.join(directory, "durable"), fsync=True)
        durable_total = min(sum(store_round_trip(array, durable, 100 + i)) for i in range(args.repeat))
        emit(
            "numpy_store_fsync_save_load_ratio",
            durable_total / plain.total,
            "x",
            None,
            f"LocalArtifactStore(fsync=True): {durable_total * 1000:.0f} ms; np.save never waits for the disk",
        )
        ours_peak = peak_memory(store_round_trip, array, store, 99)
        plain_peak = peak_memory(plain_round_trip, array, directory, 99)
        emit(
            "numpy_store_peak_memory_ratio",
            ours_peak / size,
            "x",
            1.25,
            f"peak traced allocation during store save+load / array size (the loaded copy is 1.0x); "
            f"np.save+np.load: {plain_peak / size:.3f}x",
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
