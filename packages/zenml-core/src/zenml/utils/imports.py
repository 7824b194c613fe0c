"""Import objects named by ``"package.module:attribute"`` references."""

from __future__ import annotations


def import_reference(reference: str) -> object:
    """Import ``"package.module:attr.sub"`` and return the attribute.

    Raises :class:`ImportError` with the reference in its message when the
    module or attribute cannot be found.
    """
    from importlib import import_module

    module_name, sep, qualname = reference.partition(":")
    if not sep or not module_name or not qualname:
        raise ImportError(f"invalid reference {reference!r}: expected 'package.module:attribute'")
    module = import_module(module_name)
    value: object = module
    for part in qualname.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise ImportError(f"{reference!r}: module {module_name!r} has no attribute {qualname!r}") from None
    return value
