"""End to end on a GCS stack (artifact store + metadata store both ``gcp``) against a real GCS emulator.

Everything runs through the real CLI and in separate processes: register the
stack, run a pipeline, run it again (cached), read the first process's runs
and artifacts from a second process, and fail a step with a persistent fault.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp.testing import FaultProxy, GCSEmulator

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.gcs

ZENML = [sys.executable, "-c", "from zenml.cli.main import cli; cli()"]

PIPELINE = textwrap.dedent(
    """
    import json
    import sys
    from typing import Annotated

    from zenml import pipeline, step


    @step
    def make_numbers(n: int = 5) -> Annotated[list, "numbers"]:
        return list(range(n))


    @step
    def total(numbers: list) -> Annotated[int, "total"]:
        return sum(numbers)


    @step
    def payload() -> Annotated[bytes, "blob"]:
        return bytes(range(256)) * 4096  # 1 MiB: several resumable-upload chunks with chunk_size_mb=0.25


    @pipeline
    def numbers_pipeline() -> None:
        total(make_numbers())
        payload()


    if __name__ == "__main__":
        try:
            run = numbers_pipeline()
        except Exception as error:  # the engine raises after recording the failed run
            print(json.dumps({"raised": f"{type(error).__name__}: {error}"}))
            sys.exit(3)
        steps = {name: step_run.status for name, step_run in run.steps.items()}
        print(json.dumps({"name": run.name, "status": run.status, "steps": steps}))
    """
)

READER = textwrap.dedent(
    """
    import json
    from zenml import Client

    client = Client()
    runs = client.list_runs(pipeline_name="numbers_pipeline")
    first = runs[-1]
    print(json.dumps({
        "runs": [[run.name, run.status] for run in runs],
        "total": first.steps["total"].outputs["total"][0].load(),
        "blob_size": len(first.steps["payload"].outputs["blob"][0].load()),
        "artifact_store": type(client.active_stack.artifact_store).__name__,
        "metadata_store": type(client.active_stack.metadata_store).__name__,
    }))
    """
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[GCSEmulator]:
    with GCSEmulator() as running:
        yield running


@pytest.fixture
def gcs_stack(emulator: GCSEmulator, tmp_path: Path) -> dict[str, str]:
    """A private config dir whose active stack keeps artifacts and metadata in a new emulator bucket."""
    bucket = f"e2e-{uuid.uuid4().hex[:10]}"
    emulator.create_bucket(bucket)
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config"), "STORAGE_EMULATOR_HOST": emulator.endpoint}
    for command in (
        ["artifact-store", "register", "remote", "--flavor", "gcp", "--path", f"gs://{bucket}/zen",
         "--option", "chunk_size_mb=0.25", "--option", "retry_timeout=3"],
        ["metadata-store", "register", "shared", "--flavor", "gcp", "--path", f"gs://{bucket}/meta"],
        ["stack", "register", "gcs", "-a", "remote", "-m", "shared", "--set"],
    ):  # fmt: skip
        _zenml(command, env, tmp_path)
    (tmp_path / "gcs_numbers.py").write_text(PIPELINE)
    (tmp_path / "reader.py").write_text(READER)
    return {**env, "BUCKET": bucket}


def _zenml(args: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run([*ZENML, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, f"zenml {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _python(script: Path, env: dict[str, str], *, expect: int = 0) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=script.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == expect, f"{script.name} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    parsed: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def test_pipeline_on_a_gcs_stack_is_shared_across_processes(gcs_stack: dict[str, str], tmp_path: Path) -> None:
    first = _python(tmp_path / "gcs_numbers.py", gcs_stack)
    assert first["status"] == "completed"
    assert first["steps"] == {"make_numbers": "completed", "total": "completed", "payload": "completed"}

    second = _python(tmp_path / "gcs_numbers.py", gcs_stack)  # a new process: the cache lives in the bucket
    assert second["steps"] == {"make_numbers": "cached", "total": "cached", "payload": "cached"}

    seen = _python(tmp_path / "reader.py", gcs_stack)  # a third process reads the first one's runs and artifacts
    assert seen["runs"] == [[second["name"], "completed"], [first["name"], "completed"]]
    assert seen["total"] == 10
    assert seen["blob_size"] == 1024 * 1024
    assert (seen["artifact_store"], seen["metadata_store"]) == ("GCPArtifactStore", "GCPMetadataStore")

    listed = json.loads(_zenml(["run", "list", "--json"], gcs_stack, tmp_path))
    assert {run["name"] for run in listed} == {first["name"], second["name"]}
    shown = _zenml(["stack", "show"], gcs_stack, tmp_path)
    assert f"gs://{gcs_stack['BUCKET']}/zen" in shown


def test_a_persistent_fault_fails_the_step_names_the_object_and_leaves_nothing_half_written(
    gcs_stack: dict[str, str], emulator: GCSEmulator, tmp_path: Path
) -> None:
    with FaultProxy(emulator.endpoint) as proxy:
        proxy.add("503", method="PUT", path="upload_id=", times=None)  # every chunk of every resumable upload
        env = {**gcs_stack, "STORAGE_EMULATOR_HOST": proxy.endpoint}
        outcome = _python(tmp_path / "gcs_numbers.py", env, expect=3)
    bucket = gcs_stack["BUCKET"]
    assert f"gs://{bucket}/zen/" in str(outcome["raised"]), outcome
    assert "upload_id" not in str(outcome["raised"])

    runs = json.loads(_zenml(["run", "list", "--json"], gcs_stack, tmp_path))
    assert [run["status"] for run in runs] == ["failed"], runs
    check = textwrap.dedent(
        f"""
        import json
        from google.cloud import storage
        client = storage.Client()
        names = [blob.name for blob in client.list_blobs({bucket!r}, prefix="zen/")]
        print(json.dumps({{"names": names}}))
        """
    )
    (tmp_path / "check.py").write_text(check)
    names = _python(tmp_path / "check.py", gcs_stack)["names"]
    assert isinstance(names, list)
    artifacts = [name for name in names if name.startswith("zen/runs/")]
    assert not [name for name in artifacts if "payload" in name and not name.endswith(".zenml-dir")], names
    assert [name for name in names if name.endswith("/payload.log")], names  # the failed step's traceback


QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"

MODEL_READER = textwrap.dedent(
    """
    import json
    from zenml import Client

    run = Client().list_runs(pipeline_name="quickstart")[0]
    model = run.steps["train"].outputs["model"][0].load()
    accuracy = run.steps["evaluate"].outputs["accuracy"][0].load()
    summary = {"run": run.name, "model": type(model).__name__, "layers": len(model.layers), "accuracy": accuracy}
    print(json.dumps(summary))
    """
)


@pytest.mark.slow
@pytest.mark.tensorflow
def test_the_quickstart_runs_unchanged_on_a_gcs_stack(gcs_stack: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(QUICKSTART)],
        env=gcs_stack,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert f"gs://{gcs_stack['BUCKET']}/zen/runs/" in result.stdout  # the artifacts went to the bucket
    (tmp_path / "model_reader.py").write_text(MODEL_READER)
    seen = _python(tmp_path / "model_reader.py", gcs_stack)  # another process loads the Keras model from GCS
    assert seen["model"] == "Sequential"
    assert seen["layers"] == 3
    assert isinstance(seen["accuracy"], float)
    assert seen["accuracy"] >= 0.9
