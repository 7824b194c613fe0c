"""Objects named by ``"package.module:attribute"`` references: imported (trusted references) or only looked up."""

from __future__ import annotations

import sys


def split_reference(reference: str) -> tuple[str, str]:
    """``("package.module", "attr.sub")`` of a reference; :class:`ValueError` unless it has both parts."""
    module_name, sep, qualname = reference.partition(":") if isinstance(reference, str) else ("", "", "")
    if not sep or not module_name or not qualname:
        raise ValueError(f"invalid reference {reference!r}: expected 'package.module:attribute'")
    return module_name, qualname


def import_reference(reference: str) -> object:
    """Import ``"package.module:attr.sub"`` and return the attribute.

    Only for references that trusted code wrote (a registry, the user's own
    arguments): never for a reference read from stored data, which goes
    through :func:`imported_object`. Raises :class:`ImportError` with the
    reference in its message when the module or attribute cannot be found.
    """
    from importlib import import_module

    try:
        module_name, qualname = split_reference(reference)
    except ValueError as error:
        raise ImportError(str(error)) from None
    module = import_module(module_name)
    value: object = module
    for part in qualname.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise ImportError(f"{reference!r}: module {module_name!r} has no attribute {qualname!r}") from None
    return value


def imported_object(reference: str) -> object | None:
    """What ``reference`` names among the modules imported already, or ``None``; imports and calls nothing.

    The module must be in :data:`sys.modules`; each part of the attribute path
    is read from the namespace (``__dict__``) of the module or class before it,
    or is a submodule already in :data:`sys.modules`, so no module
    ``__getattr__`` hook, metaclass, property or other code runs. This is how
    a reference read from stored data is resolved.
    """
    try:
        module_name, qualname = split_reference(reference)
    except ValueError:
        return None
    value: object = sys.modules.get(module_name)
    for part in qualname.split("."):
        kind = type(value)  # never ``value.__class__``, which an object may fake
        if issubclass(kind, _MODULE_TYPE):
            namespace = _MODULE_NAMESPACE.__get__(value)
            if part not in namespace:
                value = sys.modules.get(f"{namespace.get('__name__')}.{part}")
                continue
        elif issubclass(kind, type):
            namespace = _CLASS_NAMESPACE.__get__(value)
        else:
            return None
        value = namespace.get(part)
    return value


def imported_type(reference: str) -> type | None:
    """The class ``reference`` names among the modules imported already (see :func:`imported_object`), or ``None``."""
    value = imported_object(reference)
    return value if issubclass(type(value), type) else None  # type: ignore[return-value]


# The descriptors behind ``module.__dict__`` and ``cls.__dict__``, called directly so that a module
# subclass or a metaclass cannot intercept the lookup.
_MODULE_TYPE = type(sys)
_MODULE_NAMESPACE = _MODULE_TYPE.__dict__["__dict__"]  # type: ignore[index]
_CLASS_NAMESPACE = type.__dict__["__dict__"]
