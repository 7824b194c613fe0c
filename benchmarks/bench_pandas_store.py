"""Save + load a 1 GiB numeric DataFrame through the local store + PandasMaterializer vs to_parquet/read_parquet.

Both write Parquet (pyarrow, snappy) to the same directory (same disk). The
store path includes what a pipeline pays with the default configuration: the
atomic temp-file write and rename, the schema file, the content hash computed
while the data streams, and, on load, the full integrity check. Each load runs
in a fresh process that did not write the file (as the next step of a pipeline
on another worker, or ``artifact.load()`` later), timing the load call only
(interpreter and pandas start-up excluded on both sides).
Prints one JSON object per line (see benchmarks/README or the harness).

    python benchmarks/bench_pandas_store.py [--quick] [--dir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from paired import best_of_pairs

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import save_artifact
from zenml.materializers.pandas_materializer import PandasMaterializer

GIB = 1 << 30
COLUMNS = 16

LOADER = """
import json, sys, time
import pandas as pd
kind, where = sys.argv[1], sys.argv[2]
if kind == "plain":
    start = time.perf_counter()
    frame = pd.read_parquet(where)
else:
    from zenml.artifact_stores.local import LocalArtifactStore
    from zenml.artifacts import load_artifact
    from zenml.materializers.pandas_materializer import PandasMaterializer
    store = LocalArtifactStore("bench", path=where)
    start = time.perf_counter()
    frame = load_artifact(store=store, uri=sys.argv[3], materializer_cls=PandasMaterializer, data_type=pd.DataFrame,
                          materializer_version=PandasMaterializer.VERSION, content_hash=sys.argv[4])
print(json.dumps({"seconds": time.perf_counter() - start, "shape": list(frame.shape)}))
"""


def emit(benchmark: str, value: float, unit: str, limit: float | None, detail: str) -> None:
    print(
        json.dumps({"benchmark": benchmark, "value": round(value, 4), "unit": unit, "limit": limit, "detail": detail})
    )


def fresh_load(*args: str) -> float:
    result = subprocess.run([sys.executable, "-c", LOADER, *args], capture_output=True, text=True, check=True)
    return float(json.loads(result.stdout.splitlines()[-1])["seconds"])


def plain_round_trip(frame: pd.DataFrame, directory: str, index: int) -> tuple[float, float]:
    path = os.path.join(directory, f"plain-{index}.parquet")
    start = time.perf_counter()
    frame.to_parquet(path)
    saved = time.perf_counter() - start
    loaded = fresh_load("plain", path)
    os.remove(path)
    return saved, loaded


def store_round_trip(frame: pd.DataFrame, store: LocalArtifactStore, index: int) -> tuple[float, float]:
    uri = f"store-{index}"
    start = time.perf_counter()
    info = save_artifact(frame, store=store, uri=uri, materializer_cls=PandasMaterializer)
    saved = time.perf_counter() - start
    loaded = fresh_load("store", store.path, uri, info.content_hash)
    store.remove(uri, recursive=True)
    return saved, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 MiB instead of 1 GiB")
    parser.add_argument("--dir", default=None, help="directory on the disk to test (default: system temp dir)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = (64 << 20) if args.quick else GIB
    rows = size // 8 // COLUMNS
    values = np.random.default_rng(0).random((rows, COLUMNS))
    frame = pd.DataFrame(values, columns=[f"c{i}" for i in range(COLUMNS)])
    del values
    directory = tempfile.mkdtemp(prefix="zenml-bench-pandas-", dir=args.dir)
    try:
        store = LocalArtifactStore("bench", path=os.path.join(directory, "store"))  # default config
        plain, ours = best_of_pairs(
            lambda index: plain_round_trip(frame, directory, index),
            lambda index: store_round_trip(frame, store, index),
            args.repeat,
        )
        mib = size / (1 << 20)
        emit(
            "pandas_store_save_load_ratio",
            ours.total / plain.total,
            "x",
            1.3,
            f"{mib:.0f} MiB DataFrame ({rows} x {COLUMNS} float64): store save+load {ours.total * 1000:.0f} ms "
            "(atomic temp+rename, schema, crc32 while writing, full verification on a fresh-process load) vs "
            f"df.to_parquet+pd.read_parquet {plain.total * 1000:.0f} ms, best of {args.repeat}",
        )
        emit("pandas_store_save_ratio", ours.save / plain.save, "x", None,
             f"{ours.save * 1000:.0f} vs {plain.save * 1000:.0f} ms")  # fmt: skip
        emit("pandas_store_load_ratio", ours.load / plain.load, "x", None,
             f"fresh process: {ours.load * 1000:.0f} vs {plain.load * 1000:.0f} ms")  # fmt: skip
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
