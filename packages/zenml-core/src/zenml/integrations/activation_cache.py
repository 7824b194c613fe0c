"""Remember which installed integrations are usable, so activation skips metadata parsing.

Deciding which integrations to activate means reading entry points
(:mod:`importlib.metadata`) and checking requirements (:mod:`packaging`),
which together cost several times the interpreter's start-up. The result
only changes when something is installed or removed, so it is cached in a
small JSON file keyed by the interpreter and the modification times of the
directories on :data:`sys.path` (installing or removing a distribution adds
or removes a ``*.dist-info`` directory, which changes its parent's mtime).

``ZENML_INTEGRATION_CACHE=0`` turns the cache off. A missing, stale,
unreadable or unwritable cache only means the slow path runs.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FORMAT = 2
_MAX_PLANS = 16


def enabled() -> bool:
    """Whether the activation cache is in use."""
    return os.environ.get("ZENML_INTEGRATION_CACHE", "1").lower() not in ("0", "false", "no", "off")


def cache_file() -> str:
    """``integrations.json`` in the user's cache directory (:func:`zenml.utils.user_dirs.user_cache_dir`)."""
    from zenml.utils.user_dirs import user_cache_dir

    return os.path.join(user_cache_dir(), "integrations.json")


def environment_key() -> str:
    """A string that changes whenever a distribution may have been installed, upgraded or removed."""
    parts = [f"{_FORMAT}", sys.executable, sys.version]
    for index, entry in enumerate(sys.path):
        if index == 0 and not getattr(sys.flags, "safe_path", False):
            parts.append(entry)  # the script's directory or cwd: its mtime changes for unrelated reasons
            continue
        try:
            parts.append(f"{entry}={os.stat(entry or os.curdir).st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}=-")
    return "\n".join(parts)


def _read() -> dict[str, Any]:
    """The cache file's plans by key; empty when missing or unreadable."""
    try:
        with open(cache_file(), encoding="utf-8") as handle:
            import json

            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    plans = data.get("plans") if isinstance(data, dict) and data.get("format") == _FORMAT else None
    return plans if isinstance(plans, dict) else {}


def load(key: str) -> dict[str, Any] | None:
    """The cached plan for ``key``: ``{"activate": [[name, "module:Class"], ...], "skipped": {name: reason}}``."""
    if not enabled():
        return None
    plan = _read().get(key)
    return plan if isinstance(plan, dict) else None


def save(key: str, plan: dict[str, Any]) -> None:
    """Store ``plan`` for ``key`` atomically; failures are ignored (the cache is an optimisation)."""
    if not enabled():
        return
    import json
    import tempfile

    path = cache_file()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".integrations-", suffix=".json", dir=os.path.dirname(path))
        try:
            # One plan per environment key (script directories differ between projects), newest last.
            plans = {k: v for k, v in _read().items() if k != key}
            plans = dict(list(plans.items())[-(_MAX_PLANS - 1) :])
            plans[key] = plan
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": _FORMAT, "plans": plans}, handle)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass
