"""GCS benchmarks against a local emulator: GCPArtifactStore vs the raw google-cloud-storage client.

    python benchmarks/bench_gcs.py            # 256 MiB artifact
    python benchmarks/bench_gcs.py --quick    # 32 MiB artifact

Prints one JSON object per line: {"benchmark", "value", "unit", "limit", "detail"}.

- gcs_write_ratio / gcs_read_ratio: time through ``GCPArtifactStore.open`` divided by the
  same streaming transfer with the raw client (``blob.open`` with the same chunk size),
  best of the repeats (noise on a shared machine only ever adds time), alternating which
  goes first, measured in this run (target <= 1.1); ``detail`` has every time and the
  ratio of medians too. ``detail`` also gives the
  raw client's one-call methods (upload_from_file / download_to_file) for reference.
- gcs_write_peak_memory / gcs_read_peak_memory: the store's peak RSS growth during the
  transfer, in MiB (target: at most a quarter of the artifact).
- gcs_metadata_concurrent_writers: 4 processes write runs into one GCPMetadataStore at
  once; the runs missing afterwards plus the writers that failed (limit 0).

Each transfer runs in a fresh worker process so that peak memory is its own; the
emulator runs in another process. The emulator keeps objects in memory and copies a
resumable upload's data on every chunk, so absolute speeds are the emulator's, not GCS's;
the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid

MIB = 1024 * 1024
WRITE_BLOCK = MIB
CHUNK_DIVISOR = 16  # chunk = artifact / 16: 16 MiB for 256 MiB (the store's default), 2 MiB for --quick


def _blocks(size: int) -> bytes:
    """One MiB of incompressible data, reused: the source never holds the whole artifact in memory."""
    return os.urandom(WRITE_BLOCK) if size else b""


def _rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _chunk_mb(size: int) -> int:
    return max(1, size // CHUNK_DIVISOR // MIB)


def _worker(variant: str, bucket: str, size: int) -> None:
    """Run one transfer and print {"seconds", "peak_mib"}."""
    from google.cloud import storage

    from zenml.integrations.gcp.artifact_store import GCPArtifactStore

    block = _blocks(size)
    store = GCPArtifactStore("bench", path=f"gs://{bucket}/store", chunk_size_mb=_chunk_mb(size))
    client = storage.Client()
    raw_blob = client.bucket(bucket).blob(f"raw/{variant.split('-', maxsplit=1)[0]}.bin")
    store.exists("warm-up")  # connect (and check the bucket) before timing
    name = "artifact.bin"
    chunk = _chunk_mb(size) * MIB
    before = _rss_bytes()
    started = time.perf_counter()
    if variant == "store-write":
        with store.open(name, "wb") as handle:
            for _ in range(size // WRITE_BLOCK):
                handle.write(block)
    elif variant == "raw-write":
        with raw_blob.open("wb", chunk_size=chunk) as handle:
            for _ in range(size // WRITE_BLOCK):
                handle.write(block)
    elif variant == "rawcall-write":
        source = _RepeatingReader(block, size)
        raw_blob.chunk_size = chunk
        raw_blob.upload_from_file(source, size=size)
    elif variant == "store-read":
        with store.open(name, "rb") as handle:
            while handle.read(WRITE_BLOCK):
                pass
    elif variant == "raw-read":
        with client.bucket(bucket).blob("store/" + name).open("rb", chunk_size=chunk) as handle:
            while handle.read(WRITE_BLOCK):
                pass
    elif variant == "rawcall-read":
        client.bucket(bucket).blob("store/" + name).download_to_file(_NullWriter())
    else:
        raise SystemExit(f"unknown variant {variant}")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(json.dumps({"seconds": seconds, "peak_mib": max(peak, 0) / MIB}))


class _RepeatingReader:
    """A file-like source of ``size`` bytes made of one repeated block."""

    def __init__(self, block: bytes, size: int) -> None:
        self.block, self.size, self.pos = block, size, 0

    def read(self, count: int = -1) -> bytes:
        remaining = self.size - self.pos
        count = remaining if count < 0 else min(count, remaining)
        out = bytearray()
        while len(out) < count:
            offset = (self.pos + len(out)) % len(self.block)
            out += self.block[offset : offset + count - len(out)]
        self.pos += len(out)
        return bytes(out)

    def tell(self) -> int:
        return self.pos

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = pos if whence == 0 else (self.pos + pos if whence == 1 else self.size + pos)
        return self.pos


class _NullWriter:
    def write(self, data: bytes) -> int:
        return len(data)


def _run_worker(variant: str, bucket: str, size: int, env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--worker", variant, "--bucket", bucket, "--size", str(size)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if result.returncode != 0:
        raise SystemExit(f"worker {variant} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _emit(benchmark: str, value: float, unit: str, limit: float | None, detail: dict[str, object]) -> None:
    print(
        json.dumps({"benchmark": benchmark, "value": round(value, 4), "unit": unit, "limit": limit, "detail": detail})
    )
    sys.stdout.flush()


def _metadata_writers(bucket: str, env: dict[str, str], writers: int = 4, runs_each: int = 10) -> None:
    code = (
        "import sys\n"
        "from zenml.integrations.gcp.metadata_store import GCPMetadataStore\n"
        "from zenml.metadata_stores.models import RunRecord, StepRecord\n"
        "store = GCPMetadataStore('bench', path=sys.argv[1])\n"
        "for i in range(int(sys.argv[3])):\n"
        "    rid = f'{sys.argv[2]}-{i}'\n"
        "    store.create_run(RunRecord(id=rid, name=rid, pipeline_name='p', status='running', created_at=float(i)))\n"
        "    store.record_step(StepRecord(run_id=rid, name='s', status='completed', started_at=1.0, ended_at=2.0))\n"
        "    store.finish_run(rid, 'completed', 3.0)\n"
    )
    path = f"gs://{bucket}/meta"
    started = time.perf_counter()
    processes = [
        subprocess.Popen([sys.executable, "-c", code, path, f"w{n}", str(runs_each)], env=env) for n in range(writers)
    ]
    codes = [process.wait(timeout=600) for process in processes]
    seconds = time.perf_counter() - started
    os.environ.update(env)
    from zenml.integrations.gcp.metadata_store import GCPMetadataStore

    runs = GCPMetadataStore("check", path=path).list_runs()
    complete = sum(1 for run in runs if run.status == "completed")
    expected = writers * runs_each
    _emit(
        "gcs_metadata_concurrent_writers",
        (expected - complete) + sum(1 for code in codes if code != 0),
        "runs missing + failed writers",
        0.0,
        {"writers": writers, "runs": expected, "found": complete, "exit_codes": codes, "seconds": round(seconds, 2)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 32 MiB artifact instead of 256 MiB")
    parser.add_argument("--repeats", type=int, default=None, help="repeats of each transfer (default 5, quick 3)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--bucket", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.bucket, args.size)
        return

    from zenml.integrations.gcp.testing import GCSEmulator

    size = (32 if args.quick else 256) * MIB
    repeats = args.repeats or (3 if args.quick else 5)
    with GCSEmulator() as emulator:
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        emulator.create_bucket(bucket)
        env = {**os.environ, "STORAGE_EMULATOR_HOST": emulator.endpoint}
        times: dict[str, list[float]] = {}
        peaks: dict[str, list[float]] = {}
        order = [("raw-write", "store-write"), ("store-read", "raw-read")]
        for repeat in range(repeats):
            for pair in order:
                for variant in pair if repeat % 2 == 0 else reversed(pair):
                    measured = _run_worker(variant, bucket, size, env)
                    times.setdefault(variant, []).append(measured["seconds"])
                    peaks.setdefault(variant, []).append(measured["peak_mib"])
        for variant in ("rawcall-write", "rawcall-read"):
            measured = _run_worker(variant, bucket, size, env)
            times[variant] = [measured["seconds"]]
            peaks[variant] = [measured["peak_mib"]]

        size_mib = size // MIB
        for kind in ("write", "read"):
            store_s, raw_s = min(times[f"store-{kind}"]), min(times[f"raw-{kind}"])
            median_ratio = statistics.median(times[f"store-{kind}"]) / statistics.median(times[f"raw-{kind}"])
            call_s = times[f"rawcall-{kind}"][0]
            _emit(
                f"gcs_{kind}_ratio",
                store_s / raw_s,
                "x raw client (blob.open, same chunk size)",
                1.1,
                {
                    "size_mib": size_mib,
                    "chunk_mib": _chunk_mb(size),
                    "store_seconds": [round(t, 3) for t in times[f"store-{kind}"]],
                    "raw_seconds": [round(t, 3) for t in times[f"raw-{kind}"]],
                    "ratio_of_medians": round(median_ratio, 3),
                    "store_mib_per_s": round(size_mib / store_s, 1),
                    "raw_mib_per_s": round(size_mib / raw_s, 1),
                    "raw_one_call_seconds": round(call_s, 3),
                    "ratio_to_raw_one_call": round(store_s / call_s, 3),
                    "raw_one_call_peak_mib": round(peaks[f"rawcall-{kind}"][0], 1),
                    "emulator": "gcp-storage-emulator, in memory, 127.0.0.1",
                },
            )
        for kind in ("write", "read"):
            peak = max(peaks[f"store-{kind}"])
            _emit(
                f"gcs_{kind}_peak_memory",
                peak,
                "MiB",
                size_mib / 4,
                {
                    "size_mib": size_mib,
                    "raw_peak_mib": round(max(peaks[f"raw-{kind}"]), 1),
                    "chunk_mib": _chunk_mb(size),
                },
            )
        _metadata_writers(bucket, env)


if __name__ == "__main__":
    main()
