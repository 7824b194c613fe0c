"""Which types a skops file may contain: what scikit-learn, numpy and scipy ship, plus what you trust for one load.

A skops file names the types it rebuilds; skops imports and constructs
them, so those names are stored data and decide what code runs. Before a
load, :func:`check` asks skops for the types it does not trust by itself
(``skops.io.get_untrusted_types``) and lets through only those whose
top-level package is ``sklearn``, ``numpy`` or ``scipy``. Anything else (your
own transformer, a type from another library) is refused, naming the type,
unless you trust it for the loads inside a block::

    from zenml.integrations.sklearn import trusted_types

    with trusted_types("my_project.features.ClipTransformer"):
        model = artifact.load()  # or run the pipeline whose steps load it

or for every load of a materializer of your own
(``class MySklearnMaterializer(SklearnMaterializer): TRUSTED_TYPES = ("my_project.features.ClipTransformer",)``,
passed with ``@step(output_materializers=...)``). This module imports
neither scikit-learn nor skops.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

TRUSTED_PACKAGES = ("sklearn", "numpy", "scipy")

_lock = threading.Lock()
_trusted: list[str] = []  # types trusted by the `trusted_types` blocks open now, in any thread


class UntrustedTypeError(Exception):
    """A skops file holds a type that is not trusted; the message names it and how to trust it."""


@contextmanager
def trusted_types(*names: str) -> Iterator[None]:
    """Trust the types ``names`` (``"package.module.Class"``, as skops names them) for the loads inside the block."""
    for name in names:
        if not isinstance(name, str) or "." not in name:
            raise ValueError(f"trusted_types() takes full type names such as 'my_project.module.Class', not {name!r}")
    with _lock:
        _trusted.extend(names)
    try:
        yield
    finally:
        with _lock:
            for name in names:
                _trusted.remove(name)


def untrusted(found: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    """The names among ``found`` that neither the allowed packages, ``extra`` nor an open block trusts."""
    with _lock:
        trusted = {*_trusted, *extra}
    return sorted(name for name in found if name.partition(".")[0] not in TRUSTED_PACKAGES and name not in trusted)


def refusal(names: list[str], where: str) -> UntrustedTypeError:
    """The error for types nobody trusted."""
    listed = ", ".join(repr(name) for name in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    return UntrustedTypeError(
        f"{where} holds type(s) {listed}, which are not part of scikit-learn, numpy or scipy; loading would "
        "import and construct them, so zenml refuses. If you trust this code, allow it for this load: "
        f"`from zenml.integrations.sklearn import trusted_types` and `with trusted_types({quoted}): ...`"
    )
