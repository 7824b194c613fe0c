"""Runtime checks of values and of connections against type annotations."""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

NoneType = type(None)


def strip_annotated(annotation: Any) -> Any:
    """``Annotated[T, ...]`` -> ``T``; ``None`` -> ``NoneType``; anything else unchanged."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return NoneType if annotation is None else annotation


def _is_union(annotation: Any) -> bool:
    origin = get_origin(annotation)
    return origin is Union or origin is types.UnionType


def concrete_class(annotation: Any) -> type | None:
    """The class a value of ``annotation`` is an instance of (``list[int]`` -> ``list``), if there is one."""
    annotation = strip_annotated(annotation)
    if annotation is Any or isinstance(annotation, TypeVar) or _is_union(annotation):
        return None
    origin = get_origin(annotation)
    candidate = origin if origin is not None else annotation
    return candidate if isinstance(candidate, type) else None


def type_name(annotation: Any) -> str:
    """A readable name: ``int``, ``list[int]``, ``numpy.ndarray``."""
    annotation = strip_annotated(annotation)
    if isinstance(annotation, type) and get_origin(annotation) is None:
        if annotation.__module__ == "builtins":
            return annotation.__qualname__
        return f"{annotation.__module__}.{annotation.__qualname__}"
    return repr(annotation).replace("typing.", "")


def matches(value: Any, annotation: Any) -> bool:
    """Whether ``value`` is an instance of ``annotation`` (containers are checked element by element)."""
    annotation = strip_annotated(annotation)
    if annotation is Any or annotation is object or isinstance(annotation, TypeVar):
        return True
    if _is_union(annotation):
        return any(matches(value, arg) for arg in get_args(annotation))
    origin = get_origin(annotation)
    if origin is Literal:
        return value in get_args(annotation)
    if origin is None:
        if not isinstance(annotation, type):
            return True  # NewType, ForwardRef, ...: not checked
        if annotation is float and isinstance(value, int):
            return True  # the numeric tower, as in PEP 484
        return isinstance(value, annotation)
    if not isinstance(origin, type):
        return True
    if not isinstance(value, origin):
        return False
    return _matches_items(value, origin, get_args(annotation))


def _matches_items(value: Any, origin: type, args: tuple[Any, ...]) -> bool:
    if not args:
        return True
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return all(matches(item, args[0]) for item in value)
        if args == ((),):
            return len(value) == 0
        return len(value) == len(args) and all(matches(item, arg) for item, arg in zip(value, args, strict=True))
    if issubclass(origin, Mapping) and len(args) == 2:
        return all(matches(k, args[0]) and matches(v, args[1]) for k, v in value.items())
    if origin in (list, set, frozenset) and len(args) == 1:
        return all(matches(item, args[0]) for item in value)
    return True


def is_compatible(produced: Any, consumed: Any) -> bool:
    """Whether an output annotated ``produced`` may feed an input annotated ``consumed``."""
    produced = strip_annotated(produced)
    consumed = strip_annotated(consumed)
    if consumed in (Any, object) or produced is Any or isinstance(consumed, TypeVar) or isinstance(produced, TypeVar):
        return True
    if getattr(consumed, "ZENML_UNMATERIALIZED", False):  # the input receives the artifact version itself
        return True
    if _is_union(consumed):
        return any(is_compatible(produced, arg) for arg in get_args(consumed))
    if _is_union(produced):
        return all(is_compatible(arg, consumed) for arg in get_args(produced))
    out_cls = concrete_class(produced)
    in_cls = concrete_class(consumed)
    if out_cls is None or in_cls is None:
        return True
    if in_cls is float and out_cls is int:
        return True
    return issubclass(out_cls, in_cls)
