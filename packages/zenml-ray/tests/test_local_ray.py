"""The ray orchestrator on the local Ray zenml starts (one per test session), with the default local stores.

The active stack is made with the CLI as a user would: `zenml orchestrator register r --flavor ray` and the
default artifact and metadata stores.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from zenml.client import Client
from zenml.steps.errors import StepFailedError

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_bytecode")]


def test_diamond_runs_its_branches_in_parallel_in_worker_processes(ray_stack: None) -> None:
    import zr_steps  # type: ignore[import-not-found]

    run = zr_steps.diamond(seconds=1.0)
    assert run.status == "completed"
    a, b, joined = run.steps["join"].output.load()
    pids = {run.steps["start"].output.load(), a, b, joined}
    assert os.getpid() not in pids, "every step runs in a Ray worker, not in the driver"
    left, right = run.steps["left"].record, run.steps["right"].record
    assert left.started_at < right.ended_at, "the branches overlap"
    assert right.started_at < left.ended_at, "the branches overlap"
    again = zr_steps.diamond(seconds=1.0)
    assert {step.status for step in again.steps.values()} == {"cached"}


def test_a_failing_step_fails_the_run_with_its_error(ray_stack: None) -> None:
    import zr_steps

    with pytest.raises(StepFailedError, match="step 'fails' of pipeline 'failing' failed: ValueError") as info:
        zr_steps.failing()
    assert info.value.step_name == "fails"
    run = Client().get_run(info.value.run_id)
    assert run.status == "failed"
    assert run.steps["fails"].status == "failed"
    assert run.steps["start"].status == "completed"


def test_a_killed_worker_fails_its_step_and_the_rerun_recomputes_only_it(ray_stack: None, tmp_path: Path) -> None:
    import zr_steps

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
    os.kill(int(pid_file.read_text()), signal.SIGKILL)
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
