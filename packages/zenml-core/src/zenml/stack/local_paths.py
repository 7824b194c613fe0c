"""Validation of the ``path`` option of flavors that keep their data on this machine (local, sqlite)."""

from __future__ import annotations

from zenml.stack.component import InvalidOptionError

# URI scheme -> the flavor (and integration) that handles it.
_SCHEME_FLAVORS = {"gs": "gcp"}


def check_local_path(path: object, *, flavor: str) -> str:
    """Return ``path`` if it can be a local filesystem path, else raise :class:`InvalidOptionError`.

    Refused: a non-string or empty path, and any URI (``scheme://...``), which
    would otherwise be created as a relative directory named ``scheme:``.
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
    return path
