"""Exceptions with ZenML's names and module path (``zenml.exceptions``)."""

from __future__ import annotations

# Not ``typing``: `from zenml import get_step_context` imports this module and stays typing-free.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class PicklableError:
    """Mixin for exceptions whose ``__init__`` does not take their ``args``.

    ``BaseException`` pickles as ``cls(*args)`` plus its ``__dict__``, which fails (or garbles the
    message) when ``__init__`` takes other parameters; this rebuilds the exception without calling
    ``__init__``, so an error raised on a worker reads the same on the driver.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        error: BaseException = self  # type: ignore[assignment]
        return (_rebuild, (type(error), error.args, dict(vars(error))))


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    error = cls.__new__(cls, *args)
    error.args = args
    vars(error).update(state)
    return error


class ZenMLBaseException(PicklableError, Exception):
    """Base of the errors defined here."""


class StepContextError(ZenMLBaseException, RuntimeError):
    """The step context cannot answer: no such output, several outputs and no name given, no model set."""


class IntegrationError(ZenMLBaseException):
    """An integration cannot be found, loaded or used."""
