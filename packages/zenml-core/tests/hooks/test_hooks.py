"""on_success / on_failure hooks on steps and pipelines, as callables or "module:function" strings."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import pytest

from zenml import get_step_context, pipeline, step
from zenml.hooks.hook_validators import HookFailedWarning, HookValidationException
from zenml.steps.errors import StepFailedError

if TYPE_CHECKING:
    from pathlib import Path

CALLS: list[str] = []


def record_success() -> None:
    CALLS.append(f"success:{get_step_context().step_name}")


def record_failure(exception: BaseException) -> None:
    CALLS.append(f"failure:{get_step_context().step_name}:{type(exception).__name__}:{exception}")


def failing_hook() -> None:
    raise RuntimeError("the hook broke")


@pytest.fixture(autouse=True)
def _clear() -> None:
    CALLS.clear()


def test_step_hooks_run_after_success_and_after_failure(zen_home: Path) -> None:
    @step(on_success=record_success)
    def good() -> int:
        return 1

    @step(on_failure=f"{__name__}:record_failure")
    def bad(x: int) -> int:
        raise ValueError(f"bad input {x}")

    @pipeline
    def flow() -> None:
        bad(good())

    with pytest.raises(StepFailedError, match="bad input 1"):
        flow()
    assert CALLS == ["success:good", "failure:bad:ValueError:bad input 1"]


def test_pipeline_hooks_are_the_default_of_every_step(zen_home: Path) -> None:
    @step
    def one() -> int:
        return 1

    @step(on_success=lambda: CALLS.append("own hook"))
    def two(x: int) -> int:
        return x

    @pipeline(on_success=f"{__name__}.record_success", enable_cache=False)
    def flow() -> None:
        two(one())

    flow()
    assert CALLS == ["success:one", "own hook"]


def test_a_failing_hook_is_reported_without_hiding_the_steps_own_error(zen_home: Path) -> None:
    @step(on_failure=failing_hook)
    def broken() -> int:
        raise KeyError("the real problem")

    @pipeline
    def flow() -> None:
        broken()

    with (
        pytest.warns(HookFailedWarning, match="on_failure .*failing_hook.* raised RuntimeError: the hook broke"),
        pytest.raises(StepFailedError, match="the real problem") as raised,
    ):
        flow()
    assert isinstance(raised.value.__cause__, KeyError)


def test_a_failing_success_hook_leaves_the_step_completed(zen_home: Path) -> None:
    @step(on_success=failing_hook)
    def fine() -> int:
        return 5

    @pipeline
    def flow() -> None:
        fine()

    with pytest.warns(HookFailedWarning, match="on_success"):
        run = flow()
    assert run.status == "completed"
    assert run.steps["fine"].output.load() == 5


def test_hooks_are_not_run_for_cached_steps(zen_home: Path) -> None:
    @step(on_success=record_success)
    def cached() -> int:
        return 1

    @pipeline
    def flow() -> None:
        cached()

    flow()
    flow()
    assert CALLS == ["success:cached"]


def test_invalid_hooks_are_refused_when_configured() -> None:
    with pytest.raises(HookValidationException, match="cannot be imported"):
        step(on_success="no_such_module_xyz:hook")(lambda: 1)
    with pytest.raises(HookValidationException, match="must take no arguments"):

        @step(on_success=record_failure)
        def s() -> int:
            return 1

    def two_args(a: BaseException, b: int) -> None: ...

    with pytest.raises(HookValidationException, match="may take one argument"):
        step(on_failure=two_args)(lambda: 1)

    def wrong(a: int) -> None: ...

    with pytest.raises(HookValidationException, match="annotate it BaseException"):
        step(on_failure=wrong)(lambda: 1)
    warnings.resetwarnings()
