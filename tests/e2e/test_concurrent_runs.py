"""Several processes running pipelines into the same stores at once lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

PROGRAM = textwrap.dedent(
    """
    import sys
    from typing import Annotated
    from zenml import pipeline, step

    @step
    def source(worker: int, index: int) -> list[int]:
        return [worker, index, worker * index]

    @step
    def total(values: list[int]) -> Annotated[int, "sum"]:
        return sum(values)

    @step
    def label(value: int) -> str:
        return f"total={value}"

    @pipeline
    def concurrent(worker: int, index: int) -> None:
        label(total(source(worker=worker, index=index)))

    worker = int(sys.argv[1])
    for index in range(int(sys.argv[2])):
        # every other run shares its parameters with every worker: cache hits across processes
        run = concurrent(worker=worker if index % 2 else 0, index=index)
        assert run.status == "completed", run.status
    """
)


def test_processes_share_one_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zenml.client import Client

    workers, runs_each = 4, 6
    script = tmp_path / "concurrent_pipeline.py"
    script.write_text(PROGRAM)
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "zen")}
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(worker), str(runs_each)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(workers)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "database is locked" not in err

    monkeypatch.setenv("ZENML_CONFIG_DIR", str(tmp_path / "zen"))
    monkeypatch.chdir(tmp_path)
    runs = Client().list_runs(pipeline_name="concurrent")
    assert len(runs) == workers * runs_each
    assert {run.status for run in runs} == {"completed"}
    assert len({run.name for run in runs}) == workers * runs_each
    for run in runs:
        assert list(run.steps) == ["source", "total", "label"]
        values = run.steps["source"].output.load()
        assert run.steps["total"].outputs["sum"][0].load() == sum(values)
        assert run.steps["label"].output.load() == f"total={sum(values)}"
