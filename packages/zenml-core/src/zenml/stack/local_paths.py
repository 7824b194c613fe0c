"""Validation of the ``path`` option of flavors that keep their data on this machine (local, sqlite)."""

from __future__ import annotations

from zenml.stack.component import InvalidOptionError

# URI scheme -> the flavor (and integration) that handles it.
_SCHEME_FLAVORS = {"gs": "gcp"}


def check_local_path(path: object, *, flavor: str) -> str:
    """Return ``path`` if it can be a local filesystem path, else raise :class:`InvalidOptionError`.

    Refused: a non-string or empty path, any URI (``scheme://...``), which
    would otherwise be created as a relative directory named ``scheme:``, and a
    path longer than this platform allows (as a whole, or one of its names).
    """
    if not isinstance(path, str):
        raise InvalidOptionError(f"the {flavor} flavor needs a path string, got {path!r}")
    if not path.strip():
        raise InvalidOptionError(f"the {flavor} flavor needs a non-empty path: a directory or file on this machine")
    if "://" in path:
        scheme = path.split("://", 1)[0].lower()
        remote = _SCHEME_FLAVORS.get(scheme)
        hint = (
            f"{scheme}:// paths need --flavor {remote} (zenml integration install {remote})"
            if remote
            else f"no flavor for {scheme}:// paths is known; use a local path"
        )
        raise InvalidOptionError(f"the {flavor} flavor keeps data on this machine and cannot use {path!r}: {hint}")
    problem = _too_long(path)
    if problem:
        raise InvalidOptionError(f"the {flavor} flavor cannot use path {path!r}: {problem}; choose a shorter path")
    return path


def _too_long(path: str) -> str | None:
    """Why ``path`` is longer than the platform allows, if it is (limits of its file system where known)."""
    import os

    absolute = os.path.abspath(os.path.expanduser(path))
    existing = absolute
    while not os.path.exists(existing) and os.path.dirname(existing) != existing:
        existing = os.path.dirname(existing)
    try:
        name_max = os.pathconf(existing, "PC_NAME_MAX")
        path_max = os.pathconf(existing, "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):  # Windows: the classic limits
        name_max, path_max = 255, 260
    longest = max(absolute.replace("\\", "/").split("/"), key=lambda part: len(os.fsencode(part)))
    if len(os.fsencode(longest)) > name_max:
        return f"the name {longest[:40]!r}... has {len(os.fsencode(longest))} bytes, more than the {name_max} allowed"
    if len(os.fsencode(absolute)) >= path_max:
        return f"it has {len(os.fsencode(absolute))} bytes, more than the {path_max - 1} allowed"
    return None
