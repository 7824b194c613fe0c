"""Steps: typed Python functions whose inputs and outputs are stored as artifacts.

``from zenml.steps import step, get_step_context, StepContext, BaseStep`` work as in ZenML;
the names load on first access.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.steps.base import Step as BaseStep
    from zenml.steps.decorator import step
    from zenml.steps.step_context import StepContext, get_step_context

_LAZY = {
    "step": ("zenml.steps.decorator", "step"),
    "BaseStep": ("zenml.steps.base", "Step"),
    "get_step_context": ("zenml.steps.step_context", "get_step_context"),
    "StepContext": ("zenml.steps.step_context", "StepContext"),
}

__all__ = ["BaseStep", "StepContext", "get_step_context", "step"]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        from zenml._legacy import name_error

        error = name_error(__name__, name)
        if error is not None:
            raise error
    from zenml._lazy import attribute

    return attribute(globals(), name, _LAZY)
