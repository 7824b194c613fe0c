"""Checking what a step returned against its output annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml.steps.errors import StepOutputError
from zenml.steps.typing_utils import matches, type_name

if TYPE_CHECKING:
    from zenml.steps.base import Step


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def split_outputs(step: Step, step_id: str, result: Any) -> dict[str, Any]:
    """Map a step's return value to its named outputs, checking each against its annotation."""
    names = list(step.outputs)
    if not names:
        if result is not None:
            raise StepOutputError(
                f"step {step_id!r} is annotated `-> None` but returned {type(result).__name__} {_short(result)}; "
                "annotate its output (e.g. `-> int`) to store it"
            )
        return {}
    if len(names) == 1:
        values = {names[0]: result}
    else:
        if not isinstance(result, (tuple, list)) or len(result) != len(names):
            got = f"{len(result)} values" if isinstance(result, (tuple, list)) else type(result).__name__
            raise StepOutputError(
                f"step {step_id!r} declares {len(names)} outputs ({', '.join(names)}) but returned {got}; "
                f"return a tuple of {len(names)} values in that order"
            )
        values = dict(zip(names, result, strict=True))
    for name, value in values.items():
        annotation = step.outputs[name]
        if not matches(value, annotation):
            raise StepOutputError(
                f"step {step_id!r} output {name!r} must be {type_name(annotation)} (its annotation), but the step "
                f"returned {type(value).__name__} {_short(value)}"
            )
    return values
