"""``zenml run logs RUN [STEP]``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from zenml import pipeline, step
from zenml.cli.main import cli
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from pathlib import Path


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@step
def greet(name: str = "world") -> str:
    print(f"hello {name}")
    return name


@step
def silent(name: str) -> int:
    return len(name)


@step
def crash(name: str) -> None:
    print("crashing")
    raise KeyError(name)


@pipeline(enable_cache=False)
def greeting() -> None:
    silent(greet())


@pipeline(enable_cache=False)
def crashing() -> None:
    crash(greet())


def test_every_step_that_printed_with_a_header(zen_home: Path) -> None:
    run = greeting()
    result = zenml("run", "logs", run.name)
    assert result.exit_code == 0
    assert result.stdout == "── greet (completed) ──\nhello world\n"
    assert zenml("run", "logs", run.id[:10]).stdout == result.stdout  # an id prefix works as for run show


def test_one_step_alone_and_a_step_that_printed_nothing(zen_home: Path) -> None:
    run = greeting()
    assert zenml("run", "logs", run.name, "greet").stdout == "hello world\n"
    quiet = zenml("run", "logs", run.name, "silent")
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    assert quiet.stderr == f"Step 'silent' of run {run.name!r} printed nothing.\n"


def test_a_failed_step_ends_with_its_traceback(zen_home: Path) -> None:
    with pytest.raises(StepFailedError) as raised:
        crashing()
    output = zenml("run", "logs", raised.value.run_name or "", "crash").stdout
    assert output.startswith("crashing\nTraceback (most recent call last):\n")
    assert output.endswith("KeyError: 'world'\n")


def test_unknown_runs_and_steps_are_usage_errors(zen_home: Path) -> None:
    run = greeting()
    unknown_step = zenml("run", "logs", run.name, "gret")
    assert unknown_step.exit_code == 2
    assert "unknown step 'gret'. Did you mean 'greet'?" in unknown_step.stderr
    unknown_run = zenml("run", "logs", "no-such-run")
    assert unknown_run.exit_code == 2
    assert "see `zenml run list`" in unknown_run.stderr


def test_logs_removed_from_the_store_are_a_clear_failure(zen_home: Path) -> None:
    run = greeting()
    greet_step = run.steps["greet"]
    assert greet_step.logs_uri is not None
    import os

    os.remove(greet_step.logs_uri)
    result = zenml("run", "logs", run.name, "greet")
    assert result.exit_code == 1
    assert f"recorded at {greet_step.logs_uri} but are not there any more" in result.stderr
