"""End to end against an open Ray head started from the CLI on loopback, then with a second node joined.

On one node the default local stores work; once the cluster has two nodes, a stack with local stores is
refused before anything runs, and a stack on GCS stores (the emulator) runs its steps on both nodes.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.ray import __version__

from .conftest import RayHead
from .driver import drive

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def open_head(loopback_only: Path, warm_bytecode: None) -> Iterator[RayHead]:
    head = RayHead(loopback_only, token=None)
    try:
        yield head
    finally:
        head.stop()


@pytest.fixture(scope="module")
def two_nodes(open_head: RayHead) -> RayHead:
    """The open head with a second node joined (the tests that need one node come first in this module)."""
    open_head.add_node()
    return open_head


def test_pipeline_on_an_open_head(open_head: RayHead, tmp_path: Path) -> None:
    code, result = drive(tmp_path, open_head.address, None)
    assert code == 0, result
    assert result["total"]["n"] == 6


def test_version_skew_is_refused_before_the_run_is_recorded(open_head: RayHead, tmp_path: Path) -> None:
    """The workers see another zenml-ray (as when the cluster has an older release installed)."""
    other = tmp_path / "other_release"
    info = other / "zenml_ray-9.9.9.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zenml-ray\nVersion: 9.9.9\n")
    (info / "entry_points.txt").write_text("[zenml.integrations]\nray = zenml.integrations.ray:RayIntegration\n")
    code, result = drive(tmp_path, open_head.address, None, runtime_env={"working_dir": str(other)})
    assert code == 1
    error = str(result["error"])
    assert error.startswith("VersionSkewError: the Ray cluster at 127.0.0.1:"), error
    assert f"zenml-ray 9.9.9 runs on the cluster, zenml-ray {__version__} here" in error
    assert "Install the same versions on both sides" in error
    assert result["runs"] == 0, "refused before the run was recorded: no step ran"


def test_local_stores_are_refused_on_two_nodes(two_nodes: RayHead, tmp_path: Path) -> None:
    code, result = drive(tmp_path, two_nodes.address, None)
    assert code == 1
    error = str(result["error"])
    assert error.startswith("StackNotShareableError: stack 'shared' cannot run on the Ray cluster at"), error
    assert "which has 2 nodes" in error
    assert "artifact store 'a' (local) and metadata store 'm' (sqlite) can only be reached from this machine" in error
    assert "zenml artifact-store register shared --flavor gcp" in error
    assert result["runs"] == 0


@pytest.mark.needs_integrations
@pytest.mark.gcs
def test_gcs_stores_run_on_both_nodes(two_nodes: RayHead, tmp_path: Path) -> None:
    from zenml.integrations.gcp.testing import GCSEmulator

    with GCSEmulator() as emulator:
        bucket = f"zr-{uuid.uuid4().hex[:10]}"
        emulator.create_bucket(bucket)
        emulator_env = {"STORAGE_EMULATOR_HOST": emulator.endpoint}
        code, result = drive(tmp_path, two_nodes.address, None, bucket=bucket, env_vars=emulator_env,
                             driver_env=emulator_env)  # fmt: skip
    assert code == 0, result
    where = result["total"]["where"]
    assert len({place["node"] for place in where}) == 2, "the two branches ran on the two nodes"
    assert result["status"] == "completed"
