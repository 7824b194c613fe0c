"""Step logs: what steps print is shown as before, kept bounded, stored with the run and read back."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

import pytest

from zenml import pipeline, step
from zenml.config.retry_config import StepRetryConfig
from zenml.logging import step_logging
from zenml.logging.step_logging import PART, StepOutput, capture, format_traceback
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from pathlib import Path


def test_output_is_shown_and_kept_then_the_streams_are_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    before = (vars(sys.stdout).get("write"), vars(sys.stderr).get("write"))
    output = StepOutput().start()
    print("to stdout")
    sys.stderr.write("to stderr\n")
    output.stop()
    print("after")
    assert output.text() == "to stdout\nto stderr\n"
    assert capsys.readouterr() == ("to stdout\nafter\n", "to stderr\n")
    assert (vars(sys.stdout).get("write"), vars(sys.stderr).get("write")) == before


def test_logging_handlers_writing_to_the_console_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)  # holds the stream object itself, as basicConfig's does
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("zenml-test-step-logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        output = StepOutput().start()
        logger.info("loading %d rows", 3)
        logger.debug("not shown, so not kept")
        output.stop()
    finally:
        logger.removeHandler(handler)
    assert output.text() == "INFO zenml-test-step-logging: loading 3 rows\n"
    assert capsys.readouterr().err == output.text()


def test_kept_output_is_bounded_to_its_start_and_end(capsys: pytest.CaptureFixture[str]) -> None:
    output = StepOutput().start()
    for number in range(3 * PART // 1000):
        sys.stdout.write(f"{number:09d}" + "." * 990 + "\n")
    output.stop()
    capsys.readouterr()
    text = output.text()
    head, marker, tail = text.partition("\n[... ")
    assert marker
    assert head.startswith("000000000")
    assert len(head) == PART
    assert tail.endswith(f"{3 * PART // 1000 - 1:09d}" + "." * 990 + "\n")
    left_out = int(tail.partition(" characters left out")[0].replace(",", ""))
    assert len(head) + left_out + len(tail.partition(" ...]\n")[2]) == output.total == 3 * PART // 1000 * 1000


def test_capture_is_off_when_zenml_disables_step_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENML_DISABLE_STEP_LOGS_STORAGE", "true")
    assert capture() is None
    monkeypatch.setenv("ZENML_DISABLE_STEP_LOGS_STORAGE", "false")
    started = capture()
    assert started is not None
    started.stop()


@step
def chatty(count: int = 2) -> int:
    for number in range(count):
        print(f"line {number}")
    print("a warning", file=sys.stderr)
    return count


@step
def quiet(value: int) -> int:
    return value + 1


@step
def broken(value: int) -> int:
    print("about to fail")
    raise ValueError(f"cannot use {value}")


@pipeline(enable_cache=False)
def talking() -> None:
    quiet(chatty())


@pipeline(enable_cache=False)
def failing() -> None:
    broken(quiet(1))


def test_a_steps_output_is_stored_with_the_run_and_read_back(
    zen_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = talking()
    assert "line 0\nline 1\n" in capsys.readouterr().out  # still shown while it runs
    chatty_step, quiet_step = run.steps["chatty"], run.steps["quiet"]
    assert chatty_step.read_logs() == "line 0\nline 1\na warning\n"
    assert chatty_step.record.logs_uri == f"logs/{run.id}/chatty.log"
    assert chatty_step.logs_uri == f"{run.record.artifact_store_path}/logs/{run.id}/chatty.log"
    assert (quiet_step.record.logs_uri, quiet_step.logs_uri, quiet_step.read_logs()) == (None, None, "")
    assert run.record.graph == {"chatty": [], "quiet": ["chatty"]}


def test_a_failed_step_keeps_its_traceback_from_its_own_code(zen_home: Path) -> None:
    with pytest.raises(StepFailedError) as raised:
        failing()
    from zenml import Client

    failed = Client().get_run(raised.value.run_id).steps["broken"]
    traceback = failed.traceback
    assert traceback is not None
    assert traceback.startswith("Traceback (most recent call last):\n")
    assert "in broken\n" in traceback
    assert "zenml/orchestrators" not in traceback
    assert traceback.endswith("ValueError: cannot use 2\n")
    assert failed.read_logs() == "about to fail\n" + traceback


def test_every_attempt_of_a_retried_step_is_in_its_logs(zen_home: Path) -> None:
    attempts = {"count": 0}

    @step(retry=StepRetryConfig(max_retries=1, delay=0))
    def flaky() -> int:
        attempts["count"] += 1
        print(f"attempt {attempts['count']}")
        if attempts["count"] == 1:
            raise OSError("try again")
        return 1

    @pipeline(enable_cache=False)
    def retrying() -> None:
        flaky()

    assert retrying().steps["flaky"].read_logs() == "attempt 1\nattempt 2\n"


def test_with_capture_off_nothing_is_stored(zen_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENML_DISABLE_STEP_LOGS_STORAGE", "1")
    run = talking()
    assert run.steps["chatty"].record.logs_uri is None


def test_a_store_that_refuses_the_logs_costs_the_logs_not_the_step(
    zen_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(name: str) -> str:
        return f"../outside/{name}"  # the store refuses names that leave it

    monkeypatch.setattr(step_logging, "logs_name", lambda run_id, step: refuse(step))
    run = talking()
    assert run.status == "completed"
    assert run.steps["chatty"].record.logs_uri is None
    assert "zenml: could not store the step's logs" in capsys.readouterr().err


def test_tracebacks_are_bounded() -> None:
    def deep(level: int) -> None:
        if level == 0:
            raise RuntimeError("x" * (step_logging.MAX_TRACEBACK + 10))
        deep(level - 1)

    with pytest.raises(RuntimeError) as raised:
        deep(3)
    text = format_traceback(raised.value)
    assert text.startswith("[...]\n")
    assert len(text) == step_logging.MAX_TRACEBACK + len("[...]\n")
