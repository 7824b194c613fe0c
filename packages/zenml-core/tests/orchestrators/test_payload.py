"""The step payload: typed, versioned JSON that runs a step in any process, the local orchestrator included."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest

from zenml.client import Client
from zenml.orchestrators.payload import (
    KIND,
    VERSION,
    NotImportableError,
    PayloadError,
    StepPayload,
    check_importable,
    step_payloads,
    version_skew,
    writer_versions,
)

if TYPE_CHECKING:
    from pathlib import Path

STEPS_MODULE = textwrap.dedent(
    """
    from typing import Annotated
    from zenml import pipeline, step

    @step
    def numbers(n: int, shape: tuple[int, int] = (2, 3)) -> list[int]:
        assert isinstance(shape, tuple), "parameters round-trip exactly"
        return list(range(n))

    @step
    def stats(values: list[int]) -> tuple[Annotated[int, "total"], Annotated[int, "count"]]:
        return sum(values), len(values)

    @step
    def explode(values: list[int]) -> int:
        raise ValueError(f"cannot handle {len(values)} values")

    @pipeline
    def remote(n: int = 4) -> None:
        stats(numbers(n=n))

    @pipeline
    def failing() -> None:
        explode(numbers(n=2))

    @step
    def total(values: list[int], more: list[int]) -> int:
        return sum(values) + sum(more)

    @pipeline
    def chain(length: int = 3) -> None:
        values = numbers(n=2)
        for _ in range(length):
            values = numbers(n=2, after=values)
        total(values, numbers(n=3))
    """
)


@pytest.fixture
def remote_steps(zen_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    (tmp_path / "remote_steps.py").write_text(STEPS_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    import remote_steps  # type: ignore[import-not-found]

    return remote_steps


def _zenml_step_run(payload: str) -> subprocess.CompletedProcess[str]:
    """``zenml step run --payload -`` in a fresh interpreter (the CLI's module entry point)."""
    code = "import sys; from zenml.cli.main import main; sys.argv = ['zenml', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, "step", "run", "--payload", "-"], input=payload,
                          capture_output=True, text=True, check=False)  # fmt: skip


def _start_run(deployment: object) -> object:
    from zenml.metadata_stores.models import RUNNING, RunRecord
    from zenml.stack.stack import get_active_stack

    stack = get_active_stack()
    stack.metadata_store.create_run(
        RunRecord(deployment.run_id, deployment.run_name, deployment.pipeline_name, RUNNING, time.time())  # type: ignore[attr-defined]
    )
    return stack


def test_each_step_runs_in_its_own_process_from_its_payload(remote_steps: object) -> None:
    from zenml.metadata_stores.models import COMPLETED

    deployment = remote_steps.remote.deployment()  # type: ignore[attr-defined]
    stack = _start_run(deployment)
    payloads = step_payloads(deployment, stack)  # type: ignore[arg-type]
    results = []
    for plan in deployment.steps:
        done = _zenml_step_run(payloads[plan.id].to_json())
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout))
    stack.metadata_store.finish_run(deployment.run_id, COMPLETED, time.time())  # type: ignore[attr-defined]
    assert [r["step"] for r in results] == ["numbers", "stats"]
    assert results[1]["status"] == "completed"
    assert set(results[1]["artifacts"]) == {"total", "count"}
    run = Client().get_run(deployment.run_id)
    assert run.steps["stats"].outputs["total"][0].load() == 6
    assert run.steps["stats"].outputs["count"][0].load() == 4


def test_a_payload_holds_its_step_and_the_steps_it_reads_from_only(remote_steps: object) -> None:
    from zenml.stack.stack import get_active_stack

    short = step_payloads(remote_steps.chain.deployment(length=3), get_active_stack())  # type: ignore[attr-defined]
    long = step_payloads(remote_steps.chain.deployment(length=300), get_active_stack())  # type: ignore[attr-defined]
    assert {plan["id"] for plan in long["total"].deployment["steps"]} == {"numbers_301", "numbers_302", "total"}
    assert [plan["id"] for plan in long["numbers_7"].deployment["steps"]] == ["numbers_6", "numbers_7"]
    assert [plan["id"] for plan in long["numbers"].deployment["steps"]] == ["numbers"]
    # what a step costs to send and decode does not grow with the pipeline (a few digits differ: ids, length)
    assert abs(len(long["numbers_7"].to_json()) - len(short["numbers_3"].to_json())) < 16
    assert long["total"].deployment["run_id"] == long["numbers"].deployment["run_id"]


def test_a_failing_step_exits_1_with_its_error_and_is_recorded(remote_steps: object) -> None:
    deployment = remote_steps.failing.deployment()  # type: ignore[attr-defined]
    stack = _start_run(deployment)
    payloads = step_payloads(deployment, stack)  # type: ignore[arg-type]
    assert _zenml_step_run(payloads["numbers"].to_json()).returncode == 0
    done = _zenml_step_run(payloads["explode"].to_json())
    assert done.returncode == 1
    assert "step 'explode' of pipeline 'failing' failed: ValueError: cannot handle 2 values" in done.stderr
    assert "Traceback" not in done.stderr
    step = Client().get_run(deployment.run_id).steps["explode"]
    assert step.status == "failed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "invalid JSON"),
        ('{"kind": "other"}', f'"kind": {KIND!r}'),
        (json.dumps({"kind": KIND, "version": VERSION + 1, "versions": {"zenml-core": "9.0"}}),
         "written by zenml-core 9.0"),
        (json.dumps({"kind": KIND, "version": VERSION, "step": "a", "versions": {}, "stack": {},
                     "deployment": {"steps": []}}), "which its deployment does not have"),
    ],
)  # fmt: skip
def test_unreadable_payloads_are_usage_errors(text: str, message: str, zen_home: Path) -> None:
    with pytest.raises(PayloadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        StepPayload.from_json(text)
    done = _zenml_step_run(text)
    assert done.returncode == 2
    assert message in done.stderr


def test_a_missing_payload_file_is_a_usage_error(zen_home: Path) -> None:
    code = "import sys; from zenml.cli.main import main; sys.argv = ['zenml', *sys.argv[1:]]; main()"
    done = subprocess.run([sys.executable, "-c", code, "step", "run", "--payload", "missing.json"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "cannot read the payload file" in done.stderr


def test_payload_json_round_trips(remote_steps: object) -> None:
    deployment = remote_steps.remote.deployment()  # type: ignore[attr-defined]
    from zenml.stack.stack import get_active_stack

    payload = step_payloads(deployment, get_active_stack())["numbers"]
    again = StepPayload.from_json(payload.to_json())
    assert again.to_json() == payload.to_json()
    assert again.step == payload.step
    data = json.loads(payload.to_json())
    assert (data["kind"], data["version"], data["step"]) == (KIND, VERSION, "numbers")
    assert data["versions"]["zenml-core"] == writer_versions()["zenml-core"]
    assert data["stack"]["name"] == "default"


def test_version_skew_names_each_zenml_package() -> None:
    here = {"python": "3.12.1", "zenml-core": "0.1.0", "zenml-ray": "0.1.0", "other": "1"}
    there = {"python": "3.11.7", "zenml-core": "0.2.0", "zenml-ray": "0.1.0", "other": "2"}
    assert version_skew(there, here) == ["zenml-core 0.2.0 wrote it, zenml-core 0.1.0 is installed here"]
    assert version_skew(there, here, python=True)[0] == "Python 3.11.7 wrote it, Python 3.12.1 would run it"


def test_a_payload_from_another_zenml_core_refuses_to_run(remote_steps: object) -> None:
    deployment = remote_steps.remote.deployment()  # type: ignore[attr-defined]
    stack = _start_run(deployment)
    payload = step_payloads(deployment, stack)["numbers"]  # type: ignore[arg-type]
    skewed = StepPayload(payload.deployment, payload.step, payload.stack, {**payload.versions, "zenml-core": "0.0.1"})
    done = _zenml_step_run(skewed.to_json())
    assert done.returncode == 1
    assert "zenml-core 0.0.1 wrote it" in done.stderr


def test_steps_in_main_or_in_functions_are_refused_for_remote_execution(remote_steps: object) -> None:
    from zenml import pipeline, step

    check_importable(remote_steps.remote.deployment())  # type: ignore[attr-defined]

    @step
    def nested() -> int:
        return 1

    @pipeline
    def local_only() -> None:
        nested()

    with pytest.raises(NotImportableError, match=r"inside function 'test_steps_in_main.*move 'nested' to the top"):
        check_importable(local_only.deployment())
    script = textwrap.dedent(
        """
        from zenml import pipeline, step
        from zenml.orchestrators.payload import check_importable

        @step
        def here() -> int:
            return 1

        @pipeline
        def scripted() -> None:
            here()

        check_importable(scripted.deployment())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert "NotImportableError: step 'here' is defined in the script being run (__main__)" in done.stderr
    assert "move 'here' into a module of your project" in done.stderr


def test_types_in_main_are_refused_for_remote_execution(remote_steps: object) -> None:
    script = textwrap.dedent(
        """
        from dataclasses import dataclass
        from zenml import pipeline
        from zenml.orchestrators.payload import check_importable
        import remote_steps

        @dataclass
        class Point:
            x: int

        from zenml import step
        import types
        module = types.ModuleType("user_steps")
        source = "from zenml import step\\nimport __main__\\n@step\\n"
        source += "def make() -> __main__.Point:\\n    return __main__.Point(1)"
        exec(source, module.__dict__)
        module.make.func.__module__ = "user_steps"
        import sys; sys.modules["user_steps"] = module

        @pipeline
        def scripted() -> None:
            module.make()

        check_importable(scripted.deployment())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert "type 'Point' of step 'make' ('output') is defined in the script being run (__main__)" in done.stderr


def test_the_local_orchestrator_runs_each_step_from_its_json_payload(
    remote_steps: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    real = StepPayload.from_json.__func__  # type: ignore[attr-defined]

    def spy(cls: type[StepPayload], text: str) -> StepPayload:
        read.append(json.loads(text)["step"])
        return real(cls, text)  # type: ignore[no-any-return]

    monkeypatch.setattr(StepPayload, "from_json", classmethod(spy))
    run = remote_steps.remote(n=3)  # type: ignore[attr-defined]
    assert read == ["numbers", "stats"]
    assert run.steps["stats"].outputs["total"][0].load() == 3
