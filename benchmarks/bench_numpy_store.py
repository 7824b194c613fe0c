"""Save + load a large numpy array through LocalArtifactStore + NumpyMaterializer vs plain np.save/np.load.

Both write to the same directory (same disk). The store path includes
everything a pipeline pays with the default configuration: the atomic
temp-file write and rename, the content hash (CRC-32 computed while the data
streams to disk) and its verification on load (free when the loading process
wrote the file itself and it is unchanged). What users get when a step loads
another process's artifact is measured apart: a verified load in a fresh
process (numpy and zenml already imported, only the load timed) vs ``np.load``
in a fresh process, and its peak memory vs the array's size. Also reported:
the same with ``fsync=True``.
Prints one JSON object per line (see benchmarks/README or the harness).

    python benchmarks/bench_numpy_store.py [--quick] [--dir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from typing import Any

import numpy as np
from paired import best_of_pairs

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import load_artifact, save_artifact
from zenml.materializers.numpy import NumpyMaterializer

GIB = 1 << 30

# Run in a fresh interpreter: numpy and zenml imported first, then only the load is timed (and traced).
FRESH_LOAD = textwrap.dedent(
    """
    import json, sys, time, tracemalloc
    import numpy as np
    from zenml.artifact_stores.local import LocalArtifactStore
    from zenml.artifacts import load_artifact
    from zenml.materializers.numpy import NumpyMaterializer

    root, uri, content_hash, plain, traced = sys.argv[1:6]
    store = LocalArtifactStore("bench", path=root)
    if traced == "1":
        tracemalloc.start()
    began = time.perf_counter()
    if plain == "1":
        array = np.load(f"{root}/{uri}/data.npy")
    else:
        array = load_artifact(store=store, uri=uri, materializer_cls=NumpyMaterializer, data_type=np.ndarray,
                              materializer_version=NumpyMaterializer.VERSION, content_hash=content_hash)
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if traced == "1" else 0
    print(json.dumps({"seconds": seconds, "peak": peak, "nbytes": array.nbytes}))
    """
)


def fresh_load(root: str, uri: str, content_hash: str, *, plain: bool, traced: bool = False) -> dict[str, float]:
    """Load ``uri`` in a new interpreter (verified through the store, or with ``np.load``); its timing and peak."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_LOAD, root, uri, content_hash, "1" if plain else "0", "1" if traced else "0"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"loading in a fresh process failed:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


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


def store_round_trip(array: np.ndarray[Any, Any], store: LocalArtifactStore, index: int) -> tuple[float, float]:
    """Save then load in this process (the load is verified for free: this process hashed the file it wrote)."""
    uri = f"store-{index}"
    start = time.perf_counter()
    info = save_artifact(array, store=store, uri=uri, materializer_cls=NumpyMaterializer)
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
        info = save_artifact(array, store=store, uri="fresh", materializer_cls=NumpyMaterializer)
        fresh_store: list[float] = []
        fresh_plain: list[float] = []
        fresh_load(store.root, "fresh", info.content_hash, plain=False)  # warm-up: page cache, byte-code
        for _ in range(args.repeat + 2):  # interleaved, so that a slow moment hits both
            fresh_plain.append(fresh_load(store.root, "fresh", info.content_hash, plain=True)["seconds"])
            fresh_store.append(fresh_load(store.root, "fresh", info.content_hash, plain=False)["seconds"])
        emit(
            "numpy verified load in a fresh process",
            min(fresh_store) / min(fresh_plain),
            "x np.load in a fresh process",
            1.35,
            f"{mib:.0f} MiB: load_artifact with its content hash (CRC-32 of every byte, computed while reading) "
            f"{min(fresh_store) * 1000:.0f} ms vs np.load {min(fresh_plain) * 1000:.0f} ms; numpy imported before "
            f"timing in both; min of {len(fresh_store)} interleaved",
        )
        traced = fresh_load(store.root, "fresh", info.content_hash, plain=False, traced=True)
        emit(
            "numpy verified load in a fresh process, peak memory",
            traced["peak"] / traced["nbytes"],
            "x array size",
            1.1,
            f"peak traced allocation during the load: {traced['peak'] / (1 << 20):.1f} MiB for a "
            f"{traced['nbytes'] / (1 << 20):.0f} MiB array",
        )
        store.remove("fresh", recursive=True)
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
