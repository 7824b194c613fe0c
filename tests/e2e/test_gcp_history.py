"""Artifacts, metadata, models and a ZenML-style materializer on a GCS stack (artifact and metadata store both
``gcp``, against the GCS emulator), run and read back in separate processes."""

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

from zenml.integrations.gcp.testing import GCSEmulator

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.gcs

ZENML = [sys.executable, "-c", "from zenml.cli.main import cli; cli()"]

LIBRARY = textwrap.dedent(
    """
    import os
    from typing import Any, ClassVar

    from zenml.enums import ArtifactType, VisualizationType
    from zenml.io import fileio
    from zenml.materializers.base_materializer import BaseMaterializer


    class Notes:
        def __init__(self, text: str) -> None:
            self.text = text


    class NotesMaterializer(BaseMaterializer):
        ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Notes,)
        ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA

        def load(self, data_type: type[Any]) -> Notes:
            with self.artifact_store.open(os.path.join(self.uri, "notes.txt"), "r") as handle:
                return Notes(handle.read())

        def save(self, data: Notes) -> None:
            with fileio.open(os.path.join(self.uri, "notes.txt"), "w") as handle:
                handle.write(data.text)

        def extract_metadata(self, data: Notes) -> dict[str, Any]:
            return {"characters": len(data.text)}

        def save_visualizations(self, data: Notes) -> dict[str, VisualizationType]:
            path = os.path.join(self.uri, "notes.md")
            with self.artifact_store.open(path, "w") as handle:
                handle.write("# " + data.text)
            return {path: VisualizationType.MARKDOWN}
    """
)

SCRIPT = textwrap.dedent(
    """
    import json
    from typing import Annotated

    from notes_lib import Notes, NotesMaterializer
    from zenml import ArtifactConfig, Model, get_step_context, log_metadata, pipeline, save_artifact, step


    @step(output_materializers=NotesMaterializer, enable_cache=False)
    def write_notes() -> Annotated[Notes, ArtifactConfig(name="notes", tags=["gcs"])]:
        log_metadata({"where": "gcs"})
        save_artifact({"saved": True}, name="side")
        return Notes("ünïcode on gs://")


    @step(enable_cache=False)
    def count(notes: Notes) -> Annotated[int, "length"]:
        log_metadata({"counted": True}, infer_artifact=True)
        return len(notes.text) + get_step_context().model.number


    @pipeline(model=Model(name="notes_model"))
    def notes_pipeline() -> None:
        count(write_notes())


    if __name__ == "__main__":
        run = notes_pipeline()
        print(json.dumps({"run": run.id, "status": str(run.status)}))
    """
)

READER = textwrap.dedent(
    """
    import json

    import notes_lib  # the user's module that defines the materializer (this process then trusts it)
    from zenml.client import Client

    client = Client()
    notes = client.get_artifact_version("notes")
    version = client.get_model_version("notes_model")
    version.set_stage("production")
    run = client.list_pipeline_runs(pipeline_name="notes_pipeline", size=1)[0]
    print(json.dumps({
        "notes": notes.load().text,
        "versions": [v.version for v in client.list_artifact_versions(name="notes")],
        "tags": notes.tags,
        "characters": notes.run_metadata["characters"],
        "visualization": notes.visualizations[0]["uri"].startswith("gs://"),
        "length": client.get_artifact_version("length").load(),
        "length_metadata": client.get_artifact_version("length").run_metadata["counted"],
        "step_metadata": run.steps["write_notes"].run_metadata,
        "run_metadata": run.run_metadata,
        "side": client.get_artifact_version("side").load(),
        "model_versions": [v.name for v in client.list_model_versions("notes_model")],
        "linked": sorted(version.data_artifacts),
        "stage": str(client.get_model_version("notes_model", "production").number),
    }))
    """
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[GCSEmulator]:
    with GCSEmulator() as running:
        yield running


def _run(command: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_history_on_a_gcs_stack(emulator: GCSEmulator, tmp_path: Path) -> None:
    bucket = f"hist-{uuid.uuid4().hex[:10]}"
    emulator.create_bucket(bucket)
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config"), "STORAGE_EMULATOR_HOST": emulator.endpoint}
    for command in (
        ["artifact-store", "register", "remote", "--flavor", "gcp", "--path", f"gs://{bucket}/zen"],
        ["metadata-store", "register", "shared", "--flavor", "gcp", "--path", f"gs://{bucket}/meta"],
        ["stack", "register", "gcs", "-a", "remote", "-m", "shared", "--set"],
    ):
        _run([*ZENML, *command], env, tmp_path)
    (tmp_path / "notes_lib.py").write_text(LIBRARY)
    (tmp_path / "notes.py").write_text(SCRIPT)
    (tmp_path / "reader.py").write_text(READER)
    for _ in range(2):
        assert json.loads(_run([sys.executable, "notes.py"], env, tmp_path))["status"] == "completed"
    seen = json.loads(_run([sys.executable, "reader.py"], env, tmp_path))
    assert seen["notes"] == "ünïcode on gs://"
    assert seen["versions"] == ["1", "2"]
    assert seen["tags"] == ["gcs"]
    assert seen["characters"] == 16
    assert seen["visualization"] is True
    assert seen["length"] == 16 + 2
    assert seen["length_metadata"] is True
    assert seen["step_metadata"] == {"where": "gcs"}
    assert seen["run_metadata"] == {"write_notes::where": "gcs"}
    assert seen["side"] == {"saved": True}
    assert seen["model_versions"] == ["1", "2"]
    assert seen["linked"] == ["length", "notes", "side"]
    assert seen["stage"] == "2"
    listed = json.loads(_run([*ZENML, "artifact", "list", "--json"], env, tmp_path))
    assert {item["name"]: item["versions"] for item in listed} == {"length": 2, "notes": 2, "side": 2}
    shown = json.loads(_run([*ZENML, "model", "show", "notes_model", "--json"], env, tmp_path))
    assert [version["stage"] for version in shown["versions"]] == [None, "production"]
