"""The ray orchestrator on the local Ray zenml starts (one per test session), with the default local stores.

The active stack is made with the CLI as a user would: `zenml orchestrator register r --flavor ray` and the
default artifact and metadata stores.
"""

from __future__ import annotations

import logging
import os
import re
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


def _worker_log(caplog: pytest.LogCaptureFixture, run_name: str) -> list[tuple[str, int, bool]]:
    """``(step, worker pid, whether that task built the run's stack)`` of each step of a run, from the driver's log."""
    found = []
    for record in caplog.records:
        match = re.fullmatch(r"step '(\w+)' of run '(.+)' ran in Ray worker process (\d+), which (\w+) .*",
                             record.getMessage())  # fmt: skip
        if match and match.group(2) == run_name:
            found.append((match.group(1), int(match.group(3)), match.group(4) == "built"))
    return found


def test_worker_processes_build_a_stack_once_per_run_and_never_reuse_another_runs(
    ray_stack: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import zr_steps
    from click.testing import CliRunner

    from zenml.cli.group import cli

    caplog.set_level(logging.DEBUG, logger="zenml.integrations.ray.orchestrator")
    first = zr_steps.counting(offset=1)
    for args in (  # the second run: other stores, the same orchestrator (the same Ray, the same worker processes)
        ["artifact-store", "register", "other", "--flavor", "local", "--path", str(tmp_path / "other-artifacts")],
        ["metadata-store", "register", "other", "--flavor", "sqlite", "--path", str(tmp_path / "other.db")],
        ["stack", "register", "other", "-a", "other", "-m", "other", "-o", "r", "--set"],
    ):
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    second = zr_steps.counting(offset=10)
    assert [first.steps[f"add_{i}"].output.load() for i in range(4)] == [1, 2, 3, 4]
    assert [second.steps[f"add_{i}"].output.load() for i in range(4)] == [10, 20, 30, 40]
    assert second.steps["add_3"].output.uri.startswith(str(tmp_path / "other-artifacts")), "the second run's store"
    assert {run.id for run in Client().list_pipeline_runs()} == {second.id}, "recorded in the second run's store"
    pids = []
    for run in (first, second):
        log = _worker_log(caplog, run.name)
        assert [step for step, _, _ in log] == ["zero", "add_0", "add_1", "add_2", "add_3"]
        seen: set[int] = set()
        for _step, pid, built in log:
            assert built == (pid not in seen), "a worker process builds a run's stack for its first step of the run"
            seen.add(pid)
        assert len(seen) < len(log), "some worker process ran two steps of the run with one stack"
        pids.append(seen)
    assert pids[0] & pids[1], "the second run ran in worker processes that held the first run's stack"
