"""End to end against Ray heads started from the CLI (token-protected and open), and a worker killed mid-step."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from zenml.client import Client
from zenml.steps.errors import StepFailedError

from .conftest import RayHead

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.e2e

USER_PACKAGE = textwrap.dedent(
    """
    import os
    from zenml import pipeline, step

    @step
    def where() -> dict:
        return {"pid": os.getpid(), "shipped": os.environ.get("ZR_SHIPPED", "")}

    @step
    def total(info: dict, n: int = 3) -> int:
        return n + len(info["shipped"])

    @pipeline
    def shipped() -> None:
        total(where())
    """
)

DRIVER = textwrap.dedent(
    """
    import json, os, sys, time
    address, token_file, code_dir, data = sys.argv[1:5]
    sys.path.insert(0, code_dir)  # the driver imports the pipeline from there; workers get it by runtime_env
    import user_pkg
    from zenml.artifact_stores.local import LocalArtifactStore
    from zenml.integrations.registry import activate_integrations
    from zenml.integrations.ray.orchestrator import RayOrchestrator
    from zenml.metadata_stores.sqlite import SQLiteMetadataStore
    from zenml.pipelines.pipeline import Pipeline
    from zenml.stack.stack import Stack

    activate_integrations()
    orchestrator = RayOrchestrator(
        "cluster", address=address, auth_token_file=token_file or None, connect_timeout=3,
        runtime_env={"py_modules": [os.path.join(code_dir, "user_pkg")], "env_vars": {"ZR_SHIPPED": "yes"}},
    )
    stack = Stack("shared", LocalArtifactStore("a", path=os.path.join(data, "artifacts")),
                  SQLiteMetadataStore("m", path=os.path.join(data, "metadata.db")), orchestrator)
    started = time.monotonic()
    try:
        run = Pipeline.run_on(stack, user_pkg.shipped.deployment())
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}", "seconds": time.monotonic() - started}))
        sys.exit(1)
    print(json.dumps({"total": run.steps["total"].output.load(), "where": run.steps["where"].output.load(),
                      "driver": os.getpid()}))
    """
)


@pytest.fixture(scope="module")
def token_head(loopback_only: Path) -> Iterator[RayHead]:
    head = RayHead(loopback_only, token="zr-" + os.urandom(16).hex())
    try:
        head.wait_ready()
        yield head
    finally:
        head.stop()


@pytest.fixture(scope="module")
def open_head(loopback_only: Path) -> Iterator[RayHead]:
    head = RayHead(loopback_only, token=None)
    try:
        head.wait_ready()
        yield head
    finally:
        head.stop()


def _drive(tmp_path: Path, address: str, token_file: Path | None) -> tuple[int, dict[str, object]]:
    """Run the pipeline from a driver process whose working directory does not hold the user's code."""
    code = tmp_path / "code"
    (code / "user_pkg").mkdir(parents=True)
    (code / "user_pkg" / "__init__.py").write_text(USER_PACKAGE)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, address, str(token_file or ""), str(code), str(tmp_path / "data")],
        capture_output=True, text=True, cwd=cwd, check=False, timeout=600,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    return done.returncode, json.loads(lines[-1])


def test_pipeline_on_a_token_protected_head_with_shipped_code(token_head: RayHead, tmp_path: Path) -> None:
    code, result = _drive(tmp_path, token_head.address, token_head.token_file)
    assert code == 0, result
    assert result["total"] == 6  # n + len("yes"): the env var reached the worker through runtime_env
    assert result["where"]["pid"] != result["driver"]  # type: ignore[index]


def test_a_token_protected_head_without_our_token_is_a_clear_error(token_head: RayHead, tmp_path: Path) -> None:
    code, result = _drive(tmp_path, token_head.address, None)
    assert code == 1
    error = str(result["error"])
    assert error.startswith("RayAuthenticationError: orchestrator 'cluster': the Ray head at")
    assert "requires token authentication and no token was given" in error
    assert "auth_token_file" in error
    print(f"token rejection reported after {result['seconds']:.1f}s")


def test_a_wrong_token_is_reported_as_rejected(token_head: RayHead, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong_token"
    wrong.write_text("not-the-token")
    code, result = _drive(tmp_path, token_head.address, wrong)
    assert code == 1
    assert f"rejected the token given by auth_token_file={wrong}" in str(result["error"])


def test_pipeline_on_an_open_head(open_head: RayHead, tmp_path: Path) -> None:
    code, result = _drive(tmp_path, open_head.address, None)
    assert code == 0, result
    assert result["total"] == 6


def test_a_killed_worker_fails_its_step_and_the_rerun_recomputes_only_it(ray_stack: None, tmp_path: Path) -> None:
    import zr_steps  # type: ignore[import-not-found]

    marker = str(tmp_path / "release")
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            zr_steps.killable(marker=marker)
        except BaseException as error:  # handed to the test thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    pid_file = Path(marker + ".pid")
    deadline = time.monotonic() + 300
    while not pid_file.exists() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid_file.exists(), outcome.get("error")
    worker = int(pid_file.read_text())
    os.kill(worker, signal.SIGKILL)
    thread.join(timeout=300)
    error = outcome.get("error")
    assert isinstance(error, StepFailedError), error
    assert error.step_name == "wait_for_file"
    assert "its Ray worker process died while running it" in str(error)
    assert "max_retries=0" in str(error)
    first = Client().get_run(error.run_id)
    assert first.status == "failed"
    assert first.steps["wait_for_file"].status == "failed"
    assert "after" not in first.steps  # never ran: its upstream failed
    Path(marker).write_text("go")
    second = zr_steps.killable(marker=marker)
    statuses = {name: step.status for name, step in second.steps.items()}
    assert statuses == {"start": "cached", "right": "cached", "wait_for_file": "completed", "after": "completed"}
