"""``kill -9`` at random points of runs writing a large array, then a new run: no run left ``running``, no
temporary file left, and the right result. On the local stack and on a GCS stack (the emulator).

Each killed process is started fresh; it prints a line when its first step begins, and is killed after a
random delay drawn from (most of) the time an undisturbed run takes from there to its end (so the kills fall in
computing, writing, renaming, recording, the second step, or finishing). A kill that comes after the run
ended does not count: runs are started until :data:`KILLS` kills have hit a run in flight. What each kill
left behind, before the next command cleaned up, is printed (``pytest -s``) for the record.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from zenml.integrations.gcp.testing import GCSEmulator
    from zenml.metadata_stores.base import MetadataStore
    from zenml.metadata_stores.models import RunRecord

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="owners are judged from /proc"),
]

KILLS = 20
ELEMENTS = 3 * 1024 * 1024  # float64: 24 MiB
SEED = 10

RUN = textwrap.dedent(
    f"""
    import json
    import numpy as np
    from zenml import pipeline, step


    @step
    def make(seed: int) -> np.ndarray:
        print("step started", flush=True)
        return np.random.default_rng(seed).standard_normal({ELEMENTS})


    @step
    def total(array: np.ndarray) -> float:
        return float(array.sum())


    @pipeline(enable_cache=False)
    def chaos(seed: int) -> None:
        total(make(seed=seed))


    run = chaos(seed={SEED})
    print(json.dumps({{"status": run.status, "total": run.steps["total"].output.load()}}), flush=True)
    """
)


def _start(script: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(script)],
        cwd=script.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_step(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "step started", line + (process.stderr.read() if process.stderr else "")


def _stage(store: MetadataStore, run: RunRecord) -> str:
    if run.status != "running":
        return f"run ended ({run.status})"
    steps = len(store.list_steps(run.id))
    return {0: "in step make", 1: "make recorded, in step total", 2: "both steps recorded, run not ended"}[steps]


def _run_undisturbed(script: Path, env: dict[str, str], expected: float) -> float:
    """Run once to the end; return the seconds from the start of the first step to the process's exit."""
    process = _start(script, env)
    _wait_for_step(process)
    began = time.monotonic()
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == {"status": "completed", "total": expected}
    return time.monotonic() - began


def _chaos(workdir: Path, env: dict[str, str], store: MetadataStore, temp_files: Any, check_store: Any) -> None:
    """``store`` reads the records as stored (its ``list_runs`` does no recovery, unlike ``Client().list_runs``)."""
    import numpy as np

    expected = float(np.random.default_rng(SEED).standard_normal(ELEMENTS).sum())
    script = workdir / "chaos_run.py"
    script.write_text(RUN)
    span = min(_run_undisturbed(script, env, expected) for _ in range(2))  # the first one also creates the stores

    rng = random.Random(10)
    stages: list[str] = []
    attempts = 0
    while sum(stage != "run ended (completed)" for stage in stages) < KILLS:
        attempts += 1
        assert attempts <= 3 * KILLS, f"too few kills hit a run in flight: {Counter(stages)}"
        process = _start(script, env)
        _wait_for_step(process)
        delay = rng.uniform(0, 0.8 * span)  # runs under load take longer: most kills still land in flight
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        runs = store.list_runs()
        stages.append(_stage(store, runs[0]))
        if stages[-1].startswith("run ended"):  # this run was faster than the calibration: aim earlier
            span *= 0.85
        print(
            f"kill {attempts:2d} after {delay * 1e3:6.1f} ms of {span * 1e3:.0f}: {stages[-1]}; "
            f"{sum(run.status == 'running' for run in runs)} running run(s), {len(temp_files())} temp file(s)"
        )
    print("kills by stage:", dict(Counter(stages)))

    final = _start(script, env)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == {"status": "completed", "total": expected}
    runs = store.list_runs()
    assert len(runs) == attempts + 3
    assert [run.name for run in runs if run.status == "running"] == []
    killed = [run for run in runs[1:-2] if run.status == "failed"]
    assert len(killed) == KILLS
    assert all(run.error is not None and run.error.startswith("crashed: ") for run in killed)
    assert temp_files() == []
    check_store()


def test_kill_9_during_runs_on_the_local_stack(tmp_path: Path) -> None:
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config")}
    root = tmp_path / "config" / "local_stores" / "artifacts"

    def temp_files() -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob(".zenml-tmp*") if p.name != ".zenml-tmp") + sorted(
            p.name for p in (root / ".zenml-tmp").glob("*")
        )

    def check_store() -> None:
        for npy in root.rglob("data.npy"):  # every artifact file under its final name is complete
            assert npy.stat().st_size == ELEMENTS * 8 + 128

    from zenml.metadata_stores.sqlite import SQLiteMetadataStore

    store = SQLiteMetadataStore("chaos", path=str(tmp_path / "config" / "local_stores" / "metadata.db"))
    _chaos(tmp_path, env, store, temp_files, check_store)
    store.close()


@pytest.fixture(scope="module")
def emulator() -> Iterator[GCSEmulator]:
    from zenml.integrations.gcp.testing import GCSEmulator

    with GCSEmulator() as running:
        yield running


@pytest.mark.gcs
def test_kill_9_during_runs_on_a_gcs_stack(
    tmp_path: Path, emulator: GCSEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = f"chaos-{uuid.uuid4().hex[:10]}"
    emulator.create_bucket(bucket)
    local_temp = tmp_path / "tmp"
    local_temp.mkdir()
    env = {
        **os.environ,
        "ZENML_CONFIG_DIR": str(tmp_path / "config"),
        "STORAGE_EMULATOR_HOST": emulator.endpoint,
        "TMPDIR": str(local_temp),
    }
    zenml = [sys.executable, "-c", "from zenml.cli.main import cli; cli()"]
    for command in (
        ["artifact-store", "register", "remote", "--flavor", "gcp", "--path", f"gs://{bucket}/zen",
         "--option", "chunk_size_mb=4"],
        ["metadata-store", "register", "shared", "--flavor", "gcp", "--path", f"gs://{bucket}/meta"],
        ["stack", "register", "gcs", "-a", "remote", "-m", "shared", "--set"],
    ):  # fmt: skip
        subprocess.run([*zenml, *command], env=env, cwd=tmp_path, check=True, capture_output=True)

    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    from zenml.integrations.gcp.metadata_store import GCPMetadataStore

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.endpoint)
    client = storage.Client(project="chaos", credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    store = GCPMetadataStore("chaos", path=f"gs://{bucket}/meta")

    def temp_files() -> list[str]:
        """Local copies of killed writers (GCS writes themselves are resumable uploads: never visible unfinished)."""
        return sorted(p.name for p in local_temp.iterdir())

    def check_store() -> None:
        for blob in client.list_blobs(bucket, prefix="zen/"):  # every object is a complete artifact file
            if blob.name.endswith("data.npy"):
                assert blob.size == ELEMENTS * 8 + 128, blob.name
        running = [blob.name for blob in client.list_blobs(bucket, prefix="meta/index/running/")]
        assert running == []

    _chaos(tmp_path, env, store, temp_files, check_store)
