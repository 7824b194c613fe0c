"""@step(retry=StepRetryConfig(...)): a failing step is tried again, and every attempt is recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from zenml import pipeline, step
from zenml.config.retry_config import StepRetryConfig
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from pathlib import Path

ATTEMPTS: list[int] = []


@step(retry=StepRetryConfig(max_retries=2, delay=0))
def flaky() -> int:
    ATTEMPTS.append(len(ATTEMPTS) + 1)
    if len(ATTEMPTS) < 3:
        raise ConnectionError(f"attempt {len(ATTEMPTS)} lost the connection")
    return len(ATTEMPTS)


def test_a_flaky_step_succeeds_on_its_third_attempt(zen_home: Path) -> None:
    ATTEMPTS.clear()

    @pipeline(enable_cache=False)
    def flow() -> None:
        flaky()

    run = flow()
    assert run.status == "completed"
    assert run.steps["flaky"].output.load() == 3
    attempts = run.steps["flaky"].attempts
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, "retried"), (2, "retried"), (3, "completed")]
    assert attempts[0]["error"] == "ConnectionError: attempt 1 lost the connection"
    assert all(a["ended_at"] >= a["started_at"] for a in attempts)
    from zenml.client import Client

    again = Client().get_run(run.id).steps["flaky"]  # read back from the store
    assert [a["status"] for a in again.attempts] == ["retried", "retried", "completed"]


def test_retries_run_out_and_the_failure_keeps_every_attempt(zen_home: Path) -> None:
    calls: list[int] = []

    @step
    def always_fails() -> int:
        calls.append(1)
        raise ValueError("no")

    @pipeline(retry={"max_retries": 1})
    def flow() -> None:
        always_fails()

    with pytest.raises(StepFailedError, match="ValueError: no") as raised:
        flow()
    assert len(calls) == 2
    from zenml.client import Client

    failed = Client().get_run(raised.value.run_id).steps["always_fails"]
    assert failed.status == "failed"
    assert [a["status"] for a in failed.attempts] == ["retried", "failed"]


def test_waits_grow_with_backoff() -> None:
    config = StepRetryConfig(max_retries=3, delay=2, backoff=3)
    assert [config.wait_before(n) for n in (1, 2, 3)] == [2, 6, 18]
    assert StepRetryConfig(delay=5).wait_before(3) == 5
    with pytest.raises(ValueError, match="max_retries"):
        StepRetryConfig(max_retries=-1)
