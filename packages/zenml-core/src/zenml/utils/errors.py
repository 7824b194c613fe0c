"""Exceptions that survive a pickle round-trip (to and from worker processes) with their message and fields."""

from __future__ import annotations

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
