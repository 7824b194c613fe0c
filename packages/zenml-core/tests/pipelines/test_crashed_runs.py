"""A killed run is recognised: marked failed ("crashed: ...") by the next command that reads runs."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from zenml import pipeline, step
from zenml.cli.main import cli
from zenml.client import Client
from zenml.metadata_stores.models import FAILED, RUNNING, RunRecord, StepRecord
from zenml.testing import exited_owner
from zenml.utils.processes import this_process

if TYPE_CHECKING:
    from pathlib import Path

    from zenml.metadata_stores.base import MetadataStore

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="owners are judged from /proc")

KILLED_IN_A_STEP = textwrap.dedent(
    """
    import os, signal
    from zenml import pipeline, step

    @step
    def first() -> int:
        return 1

    @step
    def dies(value: int) -> int:
        os.kill(os.getpid(), signal.SIGKILL)
        return value

    @pipeline(enable_cache=False)
    def doomed() -> None:
        dies(first())

    doomed()
    """
)


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _kill_a_run(tmp_path: Path) -> None:
    script = tmp_path / "doomed.py"
    script.write_text(KILLED_IN_A_STEP)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == -9, done.stderr


def _raw_runs(store: MetadataStore) -> list[RunRecord]:
    """The records as stored, without the recovery that Client and the CLI do."""
    return store.list_runs()


def test_a_run_killed_in_a_step_is_failed_by_the_next_run_list(zen_home: Path, tmp_path: Path) -> None:
    _kill_a_run(tmp_path)
    store = Client().active_stack.metadata_store
    (stored,) = _raw_runs(store)
    assert stored.status == RUNNING
    assert stored.owner_host == this_process().host
    assert stored.heartbeat_at is not None
    assert stored.heartbeat_at >= store.list_steps(stored.id)[0].ended_at  # the recorded step was a heartbeat

    listed = zenml("run", "list")
    assert listed.exit_code == 0
    assert "failed (crashed)" in listed.stdout
    assert "running" not in listed.stdout
    (run,) = _raw_runs(store)
    assert run.status == FAILED
    assert run.error is not None
    assert run.error.startswith(f"crashed: process {stored.owner_pid} on host {stored.owner_host!r} no longer exists")
    assert "last seen" in run.error
    assert run.ended_at == stored.heartbeat_at  # it ended at its last sign of life, not when it was found
    shown = zenml("run", "show", run.name)
    assert f"Error: {run.error}" in shown.stdout


@pytest.mark.parametrize(
    "reader",
    [
        "client.list_runs",
        "client.get_run",
        "client.list_pipeline_runs",
        "client.get_pipeline_run",
        "pipeline.get_runs",
        "pipeline.latest_run_status",
        "zenml pipeline list",
        "new run",
    ],
)
def test_every_reader_of_runs_ends_a_dead_run(zen_home: Path, tmp_path: Path, reader: str) -> None:
    _kill_a_run(tmp_path)
    client = Client()
    (dead,) = _raw_runs(client.active_stack.metadata_store)
    if reader == "client.list_runs":
        (seen,) = client.list_runs(status=FAILED)
        assert client.list_runs(status=RUNNING) == []
    elif reader == "client.get_run":
        seen = client.get_run(dead.name)
    elif reader == "client.list_pipeline_runs":
        assert client.list_pipeline_runs(status=RUNNING).total == 0
        (seen,) = client.list_pipeline_runs(status=FAILED).items
    elif reader == "client.get_pipeline_run":
        seen = client.get_pipeline_run(dead.id[:8])
    elif reader == "pipeline.get_runs":
        (seen,) = client.get_pipeline("doomed").get_runs(status=FAILED)
    elif reader == "pipeline.latest_run_status":
        assert client.get_pipeline("doomed").latest_run_status == FAILED
        seen = client.get_run(dead.id)
    elif reader == "zenml pipeline list":
        import json

        listed = zenml("pipeline", "list", "--json")
        assert listed.exit_code == 0, listed.output
        assert [(row["name"], row["latest_run_status"]) for row in json.loads(listed.stdout)] == [("doomed", FAILED)]
        seen = client.get_run(dead.id)
    else:

        @step
        def fine() -> int:
            return 1

        @pipeline
        def healthy() -> None:
            fine()

        healthy()
        seen = client.get_run(dead.id)
    assert seen.id == dead.id
    assert seen.status == FAILED
    assert seen.error.startswith("crashed: ")
    assert {s.name: s.status for s in seen.steps.values()} == {"first": "completed"}


def _record_running_run(
    store: MetadataStore, run_id: str, host: str | None, pid: int | None, token: str | None
) -> None:
    now = time.time()
    store.create_run(
        RunRecord(
            id=run_id,
            name=f"p-{run_id}",
            pipeline_name="p",
            status=RUNNING,
            created_at=now - 60,
            owner_host=host,
            owner_pid=pid,
            owner_start=token,
            heartbeat_at=now - 30,
        )
    )
    store.record_step(
        StepRecord(run_id=run_id, name="done", status="completed", started_at=now - 50, ended_at=now - 40)
    )
    store.record_step(StepRecord(run_id=run_id, name="busy", status=RUNNING, started_at=now - 40))


def test_running_steps_end_with_their_run(zen_home: Path) -> None:
    store = Client().active_stack.metadata_store
    _record_running_run(store, "r-dead", *exited_owner())
    run = Client().get_run("r-dead")
    assert run.status == FAILED
    steps = {name: (view.status, view.error) for name, view in run.steps.items()}
    assert steps == {"done": ("completed", None), "busy": (FAILED, run.error)}


def test_runs_of_other_hosts_are_never_guessed_dead_but_can_be_marked_failed(zen_home: Path) -> None:
    store = Client().active_stack.metadata_store
    _record_running_run(store, "r-far", "another-host", 4242, "0badcafe.0badcafe.123")
    _record_running_run(store, "r-old", None, None, None)  # started by an older zenml
    assert {run.id: run.status for run in Client().list_runs()} == {"r-far": RUNNING, "r-old": RUNNING}
    listed = zenml("run", "list")
    assert re.search(r"running \(last seen 3\ds ago\)", listed.stdout)
    shown = zenml("run", "show", "r-far")
    assert "Run by process 4242 on host another-host, last seen" in shown.stdout

    marked = zenml("run", "mark-failed", "r-far", "--reason", "machine lost")
    assert marked.exit_code == 0, marked.output
    run = Client().get_run("r-far")
    assert run.status == FAILED
    assert run.error.startswith("crashed: marked failed with `zenml run mark-failed` on host")
    assert "(machine lost)" in run.error
    assert "on another-host" in run.error
    assert run.steps["busy"].status == FAILED
    assert zenml("run", "mark-failed", "r-old").exit_code == 0

    again = zenml("run", "mark-failed", "r-far")
    assert again.exit_code == 1
    assert "has already ended (failed)" in again.stderr
    unknown = zenml("run", "mark-failed", "nope")
    assert unknown.exit_code == 2
    assert "no run named 'nope'" in unknown.stderr


def test_mark_failed_refuses_a_run_whose_process_is_alive_here(zen_home: Path) -> None:
    me = this_process()
    store = Client().active_stack.metadata_store
    _record_running_run(store, "r-live", me.host, me.pid, me.token)
    refused = zenml("run", "mark-failed", "r-live")
    assert refused.exit_code == 1
    assert f"is still running in this process ({me.pid})" in refused.stderr
    assert Client().get_run("r-live").status == RUNNING


def test_the_heartbeat_beats_during_a_long_step(zen_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zenml.orchestrators import heartbeat

    monkeypatch.setattr(heartbeat, "INTERVAL_SECONDS", 0.05)
    beats: list[float] = []

    @step(enable_cache=False)
    def long() -> int:
        store = Client().active_stack.metadata_store
        (run,) = store.list_runs(status=RUNNING)
        assert run.heartbeat_at is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # wait for two beats from the heartbeat thread
            now = store.get_run(run.id).heartbeat_at
            if now is not None and (not beats or now > beats[-1]):
                beats.append(now)
                if len(beats) == 3:
                    break
            time.sleep(0.01)
        return len(beats)

    @pipeline
    def patient() -> None:
        long()

    run = patient()
    assert run.steps["long"].output.load() == 3
    assert beats == sorted(beats)
