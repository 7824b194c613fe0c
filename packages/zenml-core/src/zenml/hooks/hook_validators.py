"""Resolving hooks given as callables or ``"module:function"`` strings, and running them.

A hook runs in the step's process, right after the step: ``on_success`` once the outputs
are stored, ``on_failure`` once the step has failed for good (after its retries). A failure
hook may take one argument, the exception that made the step fail. A hook that raises is
reported with a :class:`HookFailedWarning` (and logged); it never hides the step's own outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

HookSpecification = str | Callable[..., Any]
_VARARGS = 0x04
_VARKEYWORDS = 0x08


class HookValidationException(TypeError):
    """A hook cannot be used: not found, not callable, or with a signature that does not fit."""


class HookFailedWarning(UserWarning):
    """A success or failure hook raised; the message names the hook, the step and the error."""


def _import_hook(reference: str) -> Any:
    """Import ``"module:function"`` or ZenML's ``"module.function"``."""
    from zenml.utils.imports import import_reference

    if ":" not in reference:
        module, _, attribute = reference.rpartition(".")
        if not module:
            raise HookValidationException(
                f"hook {reference!r} must be a callable or a 'module:function' (or 'module.function') string"
            )
        reference = f"{module}:{attribute}"
    try:
        return import_reference(reference)
    except ImportError as error:
        raise HookValidationException(f"hook {reference!r} cannot be imported: {error}") from error


def reference_of(func: Callable[..., Any]) -> str:
    """``"module:qualname"`` of a hook function."""
    module = getattr(func, "__module__", None) or "__main__"
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)
    return f"{module}:{name}"


def _check_signature(func: Callable[..., Any], kind: str, reference: str) -> None:
    code = getattr(func, "__code__", None)
    if code is None:  # a builtin or a callable object: nothing to check
        return
    positional = code.co_argcount - len(getattr(func, "__defaults__", None) or ())
    required = list(code.co_varnames[:positional])
    kwonly = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    required += [name for name in kwonly if name not in (getattr(func, "__kwdefaults__", None) or {})]
    if kind == "on_success" and required:
        raise HookValidationException(
            f"success hook {reference!r} must take no arguments, but requires {', '.join(required)}"
        )
    if kind == "on_failure":
        if len(required) > 1:
            raise HookValidationException(
                f"failure hook {reference!r} may take one argument (the exception), but requires {', '.join(required)}"
            )
        try:
            import typing

            annotations = typing.get_type_hints(func)
        except Exception:  # unresolvable string annotations: not checked
            annotations = {}
        for name in required:
            annotation = annotations.get(name)
            if isinstance(annotation, type) and not issubclass(annotation, BaseException):
                raise HookValidationException(
                    f"failure hook {reference!r}: argument {name!r} receives the exception, so annotate it "
                    f"BaseException (or a subclass), not {annotation.__name__}"
                )


def resolve_and_validate_hook(hook: HookSpecification, kind: str = "on_failure") -> tuple[str, Callable[..., Any]]:
    """The reference and the callable of a hook given as a callable or a ``"module:function"`` string.

    ``kind`` is ``"on_success"`` or ``"on_failure"``; the hook's signature must fit it.
    """
    if isinstance(hook, str):
        func = _import_hook(hook)
        reference = hook if ":" in hook else f"{hook.rpartition('.')[0]}:{hook.rpartition('.')[2]}"
    else:
        func = hook
        reference = reference_of(hook) if callable(hook) else repr(hook)
    if not callable(func):
        raise HookValidationException(f"hook {reference!r} is not callable ({type(func).__name__})")
    _check_signature(func, kind, reference)
    return reference, func


def resolve_hooks(
    update: Any,
    callables: dict[str, Callable[..., Any]],
    *,
    on_success: HookSpecification | None,
    on_failure: HookSpecification | None,
) -> None:
    """Resolve the hooks given to ``configure``: their references go to ``update``'s
    ``success_hook_source``/``failure_hook_source``, their callables to ``callables``."""
    for kind, hook, attribute in (
        ("on_success", on_success, "success_hook_source"),
        ("on_failure", on_failure, "failure_hook_source"),
    ):
        if hook is not None:
            reference, func = resolve_and_validate_hook(hook, kind)
            callables[kind] = func
            setattr(update, attribute, reference)


def _takes_exception(func: Callable[..., Any]) -> bool:
    code = getattr(func, "__code__", None)
    if code is None:
        return False
    return code.co_argcount + code.co_kwonlyargcount > 0 or bool(code.co_flags & _VARARGS)


def load_and_run_hook(
    hook: HookSpecification, *, exception: BaseException | None = None, where: str = "", kind: str = ""
) -> BaseException | None:
    """Run a hook (a callable or a reference), passing ``exception`` to a failure hook that takes it.

    Returns the exception the hook raised (after reporting it), or ``None``.
    """
    try:
        func = _import_hook(hook) if isinstance(hook, str) else hook
        if exception is not None and _takes_exception(func):
            func(exception)
        else:
            func()
    except Exception as error:
        import warnings

        name = hook if isinstance(hook, str) else reference_of(hook)
        message = f"{kind or 'hook'} {name!r}{f' of {where}' if where else ''} raised {type(error).__name__}: {error}"
        logger.error(message)
        warnings.warn(message, HookFailedWarning, stacklevel=2)
        return error
    return None
