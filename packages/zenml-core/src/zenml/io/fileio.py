"""ZenML's ``zenml.io.fileio``: file operations on artifact store URIs and local paths.

A path below the root of the artifact store in use (the one a running materializer works on, else the running
step's, else the active stack's) goes through that store: atomic writes, ``gs://`` on a GCS store. Any other
path without a scheme is a local file. Text modes (``"r"``, ``"w"``) read and write UTF-8.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any

from zenml.artifact_stores.current import current_store

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from zenml.artifact_stores.base import ArtifactStore

PathType = str


def _candidates() -> list[ArtifactStore]:
    found = [store for store in (current_store(),) if store is not None]
    from zenml.steps.step_context import _CURRENT as step

    context = step.get()
    if context is not None:
        found.append(context._stack.artifact_store)
    try:
        from zenml.stack.stack import get_active_stack

        found.append(get_active_stack().artifact_store)
    except Exception:  # no usable stack: only the stores above and local paths
        pass
    return found


def _resolve(path: Any) -> tuple[ArtifactStore | None, str]:
    """``(store, name in it)`` for a path below a store's root, else ``(None, local path)``."""
    text = os.fspath(path)
    for store in _candidates():
        root = store.root_uri().rstrip("/")
        if text == root or text.startswith(root + "/"):
            return store, store.relative(text)
    if "://" in text:
        raise ValueError(
            f"no filesystem for {text!r}: zenml.io.fileio reaches local paths and the artifact store in use "
            "(register a stack whose artifact store has this root to use it)"
        )
    return None, text


def open(path: PathType, mode: str = "r") -> Any:
    """Open a file (``"r"``, ``"w"``, ``"rb"``, ``"wb"``)."""
    store, name = _resolve(path)
    if store is not None:
        return store.open(name, mode)
    import builtins

    if "b" in mode:
        return builtins.open(name, mode)
    return builtins.open(name, mode, encoding="utf-8")


def _dispatch(path: PathType, on_store: Callable[[ArtifactStore, str], Any], local: Callable[[str], Any]) -> Any:
    store, name = _resolve(path)
    return on_store(store, name) if store is not None else local(name)


def exists(path: PathType) -> bool:
    return bool(_dispatch(path, lambda store, name: store.exists(name), os.path.exists))


def isdir(path: PathType) -> bool:
    return bool(_dispatch(path, lambda store, name: store.isdir(name), os.path.isdir))


def listdir(path: PathType) -> list[str]:
    """Entry names directly under a directory."""
    return list(_dispatch(path, lambda store, name: store.listdir(name), lambda name: sorted(os.listdir(name))))


def makedirs(path: PathType) -> None:
    _dispatch(path, lambda store, name: store.makedirs(name), lambda name: os.makedirs(name, exist_ok=True))


def mkdir(path: PathType) -> None:
    _dispatch(path, lambda store, name: store.makedirs(name), os.mkdir)


def remove(path: PathType) -> None:
    _dispatch(path, lambda store, name: store.remove(name), os.remove)


def rmtree(path: PathType) -> None:
    _dispatch(path, lambda store, name: store.remove(name, recursive=True), shutil.rmtree)


def size(path: PathType) -> int:
    return int(_dispatch(path, lambda store, name: store.size(name), os.path.getsize))


def rename(src: PathType, dst: PathType, overwrite: bool = False) -> None:
    """Move a file (between stores and local paths too)."""
    source, source_name = _resolve(src)
    target, target_name = _resolve(dst)
    if source is not None and source is target:
        source.rename(source_name, target_name, overwrite=overwrite)
        return
    copy(src, dst, overwrite=overwrite)
    remove(src)


def copy(src: PathType, dst: PathType, overwrite: bool = False) -> None:
    """Copy a file; ``FileExistsError`` if ``dst`` exists and not ``overwrite``."""
    if exists(dst) and not overwrite:
        raise FileExistsError(f"cannot copy {os.fspath(src)!r} to {os.fspath(dst)!r}: the destination exists "
                              "(pass overwrite=True)")  # fmt: skip
    with open(src, "rb") as reader, open(dst, "wb") as writer:
        shutil.copyfileobj(reader, writer, 1 << 20)


def walk(top: PathType) -> Iterator[tuple[str, list[str], list[str]]]:
    """``(directory, subdirectories, files)`` below ``top``, like :func:`os.walk`."""
    store, name = _resolve(top)
    if store is None:
        yield from os.walk(name)
        return
    pending = [name]
    while pending:
        current = pending.pop(0)
        entries = store.listdir(current)
        children = {entry: f"{current}/{entry}" if current else entry for entry in entries}
        directories = [entry for entry in entries if store.isdir(children[entry])]
        files = [entry for entry in entries if entry not in directories]
        yield store.uri(current), directories, files
        pending.extend(children[entry] for entry in directories)


__all__ = ["copy", "exists", "isdir", "listdir", "makedirs", "mkdir", "open", "remove", "rename", "rmtree", "size",
           "walk"]  # fmt: skip
