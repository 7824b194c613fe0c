"""The dashboard over a GCS stack (artifact and metadata store in an emulator bucket), filled by a real run.

Marked ``needs_integrations``: it needs zenml-gcp, so nox runs it in tests-cross.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import pytest
from click.testing import CliRunner

from zenml import pipeline, step
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = [pytest.mark.needs_integrations, pytest.mark.gcs]


@step
def gradient() -> Annotated[np.ndarray, "gradient"]:
    print("drawing a gradient")
    return np.tile(np.arange(64, dtype=np.uint8) * 4, (48, 1))


@step
def check(image: np.ndarray) -> None:
    raise AssertionError(f"too dark: mean {image.mean():.0f}")


@pipeline(enable_cache=False)
def on_gcs() -> None:
    check(gradient())


@pytest.fixture
def gcs_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A private config whose active stack keeps artifacts and metadata in a new bucket of a GCS emulator."""
    from zenml.cli.main import cli
    from zenml.integrations.gcp.testing import GCSEmulator
    from zenml.stack.config import StackConfig
    from zenml.stack.stack import Stack

    with GCSEmulator() as emulator:
        bucket = f"dash-{uuid.uuid4().hex[:10]}"
        emulator.create_bucket(bucket)
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.endpoint)
        monkeypatch.setenv("ZENML_CONFIG_DIR", str(tmp_path / "config"))
        monkeypatch.chdir(tmp_path)
        for command in (
            ["artifact-store", "register", "remote", "--flavor", "gcp", "--path", f"gs://{bucket}/zen"],
            ["metadata-store", "register", "shared", "--flavor", "gcp", "--path", f"gs://{bucket}/meta"],
            ["stack", "register", "gcs", "-a", "remote", "-m", "shared", "--set"],
        ):
            result = CliRunner().invoke(cli, command, catch_exceptions=False)
            assert result.exit_code == 0, result.output
        yield Stack.from_config(StackConfig.load())


def test_a_gcs_history_is_browsable_with_logs_and_previews(gcs_stack: Any, http: Any) -> None:
    from zenml.integrations.dashboard.app import create_app
    from zenml.integrations.dashboard.server import DashboardServer

    with pytest.raises(StepFailedError) as raised:
        on_gcs()
    run_id = raised.value.run_id
    with DashboardServer(create_app(gcs_stack)) as server:
        runs = http(f"{server.url}/runs").body
        assert f'href="/runs/{run_id}"' in runs
        assert 'class="badge status-failed">failed<' in runs
        page = http(f"{server.url}/runs/{run_id}").body
        assert 'class="node status-completed" href="/runs/' in page
        assert 'data-step="check"' in page
        step_page = http(f"{server.url}/runs/{run_id}/step?name=gradient").body
        assert '<pre class="logs" id="logs">drawing a gradient\n</pre>' in step_page
        failed = http(f"{server.url}/runs/{run_id}/step?name=check").body
        assert "AssertionError: too dark: mean 126" in failed
        assert ", in check\n" in failed
        [artifact_id] = [
            artifact.id for artifact in gcs_stack.metadata_store.list_artifacts(run_id=run_id, step_name="gradient")
        ]
        artifact = http(f"{server.url}/artifacts/{artifact_id}").body
        assert (
            f"<code>gs://{gcs_stack.artifact_store.path.removeprefix('gs://')}/runs/{run_id}/gradient/gradient"
            in artifact
        )
        assert "<tr><th>shape</th><td>(48, 64)</td></tr>" in artifact
        image = http(f"{server.url}/artifacts/{artifact_id}/image.png")
        assert image.status == 200
        assert image.content.startswith(b"\x89PNG")
        assert '<tr data-artifact="gradient">' in http(f"{server.url}/artifacts").body
        versions = http(f"{server.url}/artifact?name=gradient").body
        assert f'<a href="/artifacts/{artifact_id}">1</a>' in versions
        assert f'<a href="/runs/{run_id}/step?name=gradient">gradient</a>' in versions
