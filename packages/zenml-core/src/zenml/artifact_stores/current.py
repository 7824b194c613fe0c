"""The artifact store in use: the one a materializer call or a running step works on (a context variable).

``zenml.io.fileio`` resolves paths against it first, and a materializer made without an artifact store uses
it. It imports nothing but :mod:`contextvars`, so any module may use it.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from zenml.artifact_stores.base import ArtifactStore

_CURRENT: ContextVar[ArtifactStore | None] = ContextVar("zenml_artifact_store_in_use", default=None)


@contextmanager
def using_store(store: ArtifactStore) -> Iterator[None]:
    """Make ``store`` the artifact store in use while the block runs."""
    token = _CURRENT.set(store)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_store() -> ArtifactStore | None:
    """The artifact store in use, if any."""
    return _CURRENT.get()
