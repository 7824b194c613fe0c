"""Values of component options, from the command line (``--option key=value``) or the config file.

A value a flavor cannot use is an :class:`~zenml.stack.component.InvalidOptionError`
naming the option and what it accepts: ``zenml ... register`` exits 2 on it.
"""

from __future__ import annotations

import math

from zenml.stack.component import InvalidOptionError

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def boolean_option(name: str, value: object) -> bool:
    """``True``/``False`` (or, as text, true/false, yes/no, on/off, 1/0); anything else is refused."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidOptionError(f"option {name} must be true or false, not {value!r}")


def number_option(name: str, value: object, *, unit: str, positive: bool = False) -> float:
    """A finite number that is at least 0 (more than 0 with ``positive``), e.g. seconds."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidOptionError(f"option {name} must be a number of {unit}, not {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number) or number < 0 or (positive and number == 0):
        bound = "more than 0" if positive else "0 or more"
        raise InvalidOptionError(f"option {name} must be a finite number of {unit}, {bound}; not {value!r}")
    return number
