"""The one ``__getattr__`` body of zenml's packages whose public names load on first access (PEP 562).

No ``from __future__`` import: ``import zenml`` imports this module, and :mod:`__future__` costs more than it.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping


def attribute(namespace: "MutableMapping[str, object]", name: str, table: "Mapping[str, tuple[str, str]]") -> object:
    """``name`` of the package whose globals are ``namespace``: ``table[name]`` is ``(module, attribute)``.

    Imported on first access and kept in ``namespace``; an unknown name is an :class:`AttributeError`.
    """
    target = table.get(name)
    if target is None:
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(target[0]), target[1])
    namespace[name] = value
    return value
