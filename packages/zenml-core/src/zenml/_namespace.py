"""Spread one import package over several distributions, cheaply.

This does what :func:`pkgutil.extend_path` does for the ``zenml`` and
``zenml.integrations`` packages, using only :mod:`os` and :mod:`sys`:
importing :mod:`pkgutil` pulls in :mod:`typing` and :mod:`re`, which would
cost more than the interpreter's own start-up.
"""

import os
import sys


def extend_path(path: list[str], name: str) -> list[str]:
    """Return ``path`` plus every directory of package ``name`` on the search path.

    For a top-level package the search path is :data:`sys.path`; for a
    subpackage it is the parent package's ``__path__``, as in :mod:`pkgutil`.
    """
    parent, _, leaf = name.rpartition(".")
    if parent:
        parent_module = sys.modules.get(parent)
        search = list(getattr(parent_module, "__path__", []))
    else:
        search = [entry or os.curdir for entry in sys.path]
    result = list(path)
    seen = {os.path.normcase(os.path.abspath(entry)) for entry in result}
    for entry in search:
        if not isinstance(entry, str):
            continue
        candidate = os.path.join(entry, leaf)
        key = os.path.normcase(os.path.abspath(candidate))
        if key not in seen and os.path.isdir(candidate):
            seen.add(key)
            result.append(candidate)
    return result
