"""The materializer for ``pathlib.Path``: a local file or directory copied into the artifact store and back.

ZenML's module path (``zenml.materializers.path_materializer``). Saving a
path copies what it names into the artifact: a file, or a directory tree
with its empty directories, executable bits and the symlinks that stay
inside it. A symlink that points outside the directory is refused (it
would copy, or on load recreate, a link to anything on the machine), and so
is anything that is not a file, directory or symlink (sockets, devices).

Files of one artifact: ``path.json`` (the entries: relative path, kind, size,
executable bit, symlink target) and ``files/<n>``, the contents of the n-th
file, streamed in one pass each way so the content hash costs no extra
read. File names never become store names, so any name survives any store.

Loading gives a fresh local copy (for every store, so that a step which
changes the files it got can never alter the stored artifact), named as
the original (``<tmp>/<name>``). **Lifetime of the copy:** loaded inside a
running step (a step input), it is deleted when that step ends; loaded
anywhere else (``artifact.load()`` in your code), it lives until the
interpreter exits. Copy what you need to keep.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, ClassVar

from zenml.materializers.base import BaseMaterializer, MaterializerError
from zenml.materializers.json_files import read_json, write_json

MANIFEST_FILE = "path.json"
FILES_DIR = "files"
CHUNK = 1 << 23


def _copy(source: Any, target: Any) -> None:
    while chunk := source.read(CHUNK):
        target.write(chunk)


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def scan(directory: Path) -> list[dict[str, Any]]:
    """The entries of ``directory`` (sorted), or :class:`MaterializerError` for a symlink out or a special file."""
    root = os.path.realpath(directory)
    entries: list[dict[str, Any]] = []
    for current, dirs, files in os.walk(directory, followlinks=False):
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            full = os.path.join(current, name)
            relative = Path(os.path.relpath(full, directory)).as_posix()
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                resolved = os.path.realpath(full)
                if not _inside(root, resolved):
                    raise MaterializerError(
                        f"cannot store directory {str(directory)!r}: symlink {relative!r} points outside it "
                        f"(to {os.readlink(full)!r}); replace it with a copy of what it points to, or remove it"
                    )
                target = os.path.relpath(resolved, os.path.dirname(os.path.join(root, relative)))
                entries.append({"path": relative, "kind": "symlink", "target": Path(target).as_posix()})
            elif stat.S_ISDIR(info.st_mode):
                entries.append({"path": relative, "kind": "directory"})
            elif stat.S_ISREG(info.st_mode):
                entries.append({"path": relative, "kind": "file", "size": info.st_size,
                                "executable": bool(info.st_mode & stat.S_IXUSR)})  # fmt: skip
            else:
                raise MaterializerError(
                    f"cannot store directory {str(directory)!r}: {relative!r} is not a regular file, directory or "
                    "symlink (a socket, pipe or device); remove it"
                )
        dirs[:] = [name for name in dirs if not os.path.islink(os.path.join(current, name))]
    return entries


def _safe_relative(value: object, where: str) -> str:
    """A stored relative path, refused unless it is plain and stays inside (stored data chooses nothing)."""
    if not isinstance(value, str) or not value or value.startswith("/") or "\\" in value or "\x00" in value:
        raise MaterializerError(f"{where}: invalid path {value!r} in {MANIFEST_FILE}")
    parts = value.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise MaterializerError(f"{where}: invalid path {value!r} in {MANIFEST_FILE}")
    return value


class PathMaterializer(BaseMaterializer):
    """``pathlib.Path`` to a file or directory: its contents are stored, a fresh local copy is loaded."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Path,)
    VERSION: ClassVar[int] = 1

    def save(self, data: Any) -> None:
        if not isinstance(data, Path):
            raise MaterializerError(f"PathMaterializer saves pathlib.Path, not {type(data).__name__}")
        source = Path(os.path.realpath(data))  # the path given may itself be a symlink: store what it names
        name = source.name or "data"
        if source.is_file():
            entries = [{"path": name, "kind": "file", "size": source.stat().st_size,
                        "executable": os.access(source, os.X_OK)}]  # fmt: skip
            base = source.parent
            kind = "file"
        elif source.is_dir():
            entries = scan(source)
            base = source
            kind = "directory"
        else:
            raise MaterializerError(f"cannot store path {str(data)!r}: no such file or directory")
        number = 0
        for entry in entries:
            if entry["kind"] != "file":
                continue
            stored = entry["file"] = f"{FILES_DIR}/{number}"
            number += 1
            with (
                open(base / str(entry["path"]), "rb") as reader,
                self.artifact_store.open(self.path(stored), "wb") as writer,
            ):
                _copy(reader, writer)
        write_json(self, {"version": 1, "kind": kind, "name": name, "entries": entries}, MANIFEST_FILE)

    def load(self, data_type: type[Any]) -> Any:
        where = f"artifact {self.uri!r}"
        manifest = read_json(self, MANIFEST_FILE)
        if (
            not isinstance(manifest, dict)
            or manifest.get("version") != 1
            or manifest.get("kind") not in ("file", "directory")
        ):
            raise MaterializerError(f"{where}: {MANIFEST_FILE} is not a path manifest this zenml wrote")
        name = _safe_relative(manifest.get("name"), where)
        if "/" in name:
            raise MaterializerError(f"{where}: invalid name {name!r} in {MANIFEST_FILE}")
        from zenml.materializers.temporary import temporary_directory

        target = Path(temporary_directory(prefix="zenml-path-")) / name
        entries = manifest.get("entries")
        if not isinstance(entries, list):
            raise MaterializerError(f"{where}: {MANIFEST_FILE} has no list of entries")
        if manifest["kind"] == "directory":
            target.mkdir()
            base = target
        else:
            base = target.parent
        links = []
        for entry in entries:
            if not isinstance(entry, dict):
                raise MaterializerError(f"{where}: invalid entry {entry!r} in {MANIFEST_FILE}")
            local = base / _safe_relative(entry.get("path"), where)
            if entry.get("kind") == "directory":
                local.mkdir(parents=True, exist_ok=True)
            elif entry.get("kind") == "file":
                stored = _safe_relative(entry.get("file"), where)
                local.parent.mkdir(parents=True, exist_ok=True)
                with self.artifact_store.open(self.path(stored), "rb") as reader, open(local, "xb") as writer:
                    _copy(reader, writer)
                if entry.get("executable"):
                    local.chmod(local.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            elif entry.get("kind") == "symlink":
                links.append((local, entry.get("target")))
            else:
                raise MaterializerError(f"{where}: invalid entry {entry!r} in {MANIFEST_FILE}")
        for local, link_target in links:  # last: no file is ever written through a link
            if not isinstance(link_target, str) or link_target.startswith("/") or "\x00" in link_target:
                raise MaterializerError(f"{where}: invalid symlink target {link_target!r} in {MANIFEST_FILE}")
            resolved = os.path.normpath(os.path.join(local.parent, link_target))
            if not _inside(str(base), resolved):
                raise MaterializerError(f"{where}: symlink {str(local)!r} in {MANIFEST_FILE} points outside the copy")
            local.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(link_target, local)
        return target
