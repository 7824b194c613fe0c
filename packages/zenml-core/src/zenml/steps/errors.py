"""Errors raised while defining, invoking or running steps."""

from __future__ import annotations

from zenml.exceptions import PicklableError


class StepDefinitionError(TypeError):
    """A step function cannot be used as a step (missing or unsupported annotations)."""


class StepInvocationError(TypeError):
    """A step was called with arguments that do not fit its signature."""


class StepOutputError(TypeError):
    """A step returned a value that does not match its output annotations."""


class StepFailedError(PicklableError, RuntimeError):
    """A step raised while running; the original exception is chained as ``__cause__``."""

    def __init__(self, step_name: str, message: str, *, run_id: str = "", run_name: str = "") -> None:
        super().__init__(message)
        self.step_name = step_name
        self.run_id = run_id  # look the failed run up with ``Client().get_run(error.run_id)``
        self.run_name = run_name
