"""A step function's parameters, read from its code object (cheaper than importing :mod:`inspect`)."""

from __future__ import annotations

from typing import Any

from zenml.steps.errors import StepDefinitionError

_VARARGS = 0x04  # inspect.CO_VARARGS
_VARKEYWORDS = 0x08  # inspect.CO_VARKEYWORDS


class Parameters:
    """Names, defaults and keyword-only flags of a plain Python function's parameters."""

    def __init__(self, step_name: str, func: Any) -> None:
        code = getattr(func, "__code__", None)
        if code is None or not hasattr(func, "__defaults__"):
            raise StepDefinitionError(f"step {step_name!r}: @step needs a plain Python function, not {func!r}")
        if code.co_flags & (_VARARGS | _VARKEYWORDS):
            raise StepDefinitionError(f"step {step_name!r}: *args and **kwargs are not supported in steps")
        if code.co_posonlyargcount:
            raise StepDefinitionError(f"step {step_name!r}: positional-only parameters (before /) are not supported")
        positional = code.co_varnames[: code.co_argcount]
        keyword_only = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
        self.step_name = step_name
        self.positional: tuple[str, ...] = tuple(positional)
        self.names: tuple[str, ...] = tuple(positional) + tuple(keyword_only)
        defaults = func.__defaults__ or ()
        self.defaults: dict[str, Any] = dict(zip(positional[len(positional) - len(defaults) :], defaults, strict=True))
        self.defaults.update(func.__kwdefaults__ or {})

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Map call arguments to parameter names (missing ones are left out); ``TypeError`` as Python would."""
        if len(args) > len(self.positional):
            raise TypeError(f"takes {len(self.positional)} positional argument(s) but {len(args)} were given")
        bound = dict(zip(self.positional, args, strict=False))
        for name, value in kwargs.items():
            if name not in self.names:
                raise TypeError(f"got an unexpected keyword argument {name!r}")
            if name in bound:
                raise TypeError(f"got multiple values for argument {name!r}")
            bound[name] = value
        return bound
