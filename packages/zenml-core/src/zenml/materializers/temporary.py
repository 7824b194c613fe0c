"""Local temporary directories that materializers hand out (a loaded ``Path``), and how long they live.

A directory made while a step runs (:func:`step_scope`, entered by the step
entrypoint around loading the inputs, calling the step and saving its
outputs) is deleted when the step ends; one made anywhere else lives until
the interpreter exits.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

_scope: ContextVar[list[str] | None] = ContextVar("zenml_temporary_scope", default=None)
_until_exit: list[str] = []


def _remove(paths: list[str]) -> None:
    import shutil

    while paths:
        shutil.rmtree(paths.pop(), ignore_errors=True)


def temporary_directory(prefix: str = "zenml-") -> str:
    """A new private directory (``tempfile.mkdtemp``), removed when the running step ends, else at exit."""
    import tempfile

    path = tempfile.mkdtemp(prefix=prefix)
    owner = _scope.get()
    if owner is not None:
        owner.append(path)
    else:
        if not _until_exit:
            import atexit

            atexit.register(_remove, _until_exit)
        _until_exit.append(path)
    return path


@contextmanager
def step_scope() -> Iterator[None]:
    """Delete the temporary directories made inside the block when it ends."""
    made: list[str] = []
    token = _scope.set(made)
    try:
        yield
    finally:
        _scope.reset(token)
        _remove(made)
