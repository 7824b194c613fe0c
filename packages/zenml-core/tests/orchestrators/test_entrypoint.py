"""A step is runnable by reference from another process: given the run id, step id, plan and stack."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

from zenml.client import Client

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

STEPS_MODULE = textwrap.dedent(
    """
    from typing import Annotated
    from zenml import pipeline, step

    @step
    def numbers(n: int) -> list[int]:
        return list(range(n))

    @step
    def stats(values: list[int]) -> tuple[Annotated[int, "total"], Annotated[int, "count"]]:
        return sum(values), len(values)

    @pipeline
    def remote(n: int = 4) -> None:
        stats(numbers(n=n))
    """
)

WORKER = textwrap.dedent(
    """
    import json, sys
    from zenml.orchestrators.entrypoint import run_step_by_reference
    payload = json.loads(sys.stdin.read())
    result = run_step_by_reference(payload["run_id"], payload["step_id"], payload["deployment"], payload["stack"])
    print(json.dumps(result))
    """
)


def test_each_step_runs_in_its_own_process(zen_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "remote_steps.py").write_text(STEPS_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import remote_steps  # type: ignore[import-not-found]

    from zenml.metadata_stores.models import COMPLETED, RUNNING, RunRecord
    from zenml.stack.stack import get_active_stack

    stack = get_active_stack()
    deployment = remote_steps.remote.deployment()
    stack.metadata_store.create_run(
        RunRecord(deployment.run_id, deployment.run_name, deployment.pipeline_name, RUNNING, time.time())
    )
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path)}
    results = []
    for plan in deployment.steps:
        payload = {
            "run_id": deployment.run_id,
            "step_id": plan.id,
            "deployment": deployment.to_dict(),
            "stack": stack.to_dict(),
        }
        done = subprocess.run(
            [sys.executable, "-c", WORKER],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout))
    stack.metadata_store.finish_run(deployment.run_id, COMPLETED, time.time())
    assert [r["step"] for r in results] == ["numbers", "stats"]
    assert results[1]["status"] == "completed"
    assert set(results[1]["artifacts"]) == {"total", "count"}
    run = Client().get_run(deployment.run_id)
    assert run.status == "completed"
    assert run.steps["stats"].outputs["total"][0].load() == 6
    assert run.steps["stats"].outputs["count"][0].load() == 4
    assert run.steps["stats"].inputs["values"][0].load() == [0, 1, 2, 3]
