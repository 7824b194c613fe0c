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

The file names code to import, so it is checked before anything it names is
imported (:func:`load`): it must belong to the current user and be writable
by nobody else, and every integration it activates must be
``zenml.integrations.<name>:<Class>`` with ``<name>`` an installed package
of the ``zenml.integrations`` namespace (found without importing it).
Anything else discards the plan: the slow path decides again from metadata.
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


def environment_key(group: str = "zenml.integrations") -> str:
    """A string that changes whenever a distribution may have been installed, upgraded or removed.

    ``group`` is the entry-point group the plan is for.
    """
    parts = [f"{_FORMAT}", group, sys.executable, sys.version]
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
    """The cache file's plans by key; empty when missing, unreadable or not the current user's own file."""
    try:
        with open(cache_file(), encoding="utf-8") as handle:
            if not _private(os.fstat(handle.fileno())):
                return {}
            import json

            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    plans = data.get("plans") if isinstance(data, dict) and data.get("format") == _FORMAT else None
    return plans if isinstance(plans, dict) else {}


def _private(status: os.stat_result) -> bool:
    """Whether a file belongs to the current user and nobody else may write it (POSIX; elsewhere always)."""
    if os.name != "posix":
        return True
    return status.st_uid == os.geteuid() and not status.st_mode & 0o022


def load(key: str) -> dict[str, Any] | None:
    """The cached plan for ``key``: ``{"activate": [[name, "module:Class"], ...], "skipped": {name: reason}}``.

    ``None`` unless the plan passes :func:`acceptable` (nothing it names is imported before).
    """
    if not enabled():
        return None
    plan = _read().get(key)
    return plan if acceptable(plan) else None


def acceptable(plan: object) -> bool:
    """Whether a plan is well formed and activates only installed ``zenml.integrations.<name>:<Class>`` packages.

    Checked without importing any of them; a plan that fails is not used (nor cached).
    """
    if not isinstance(plan, dict):
        return False
    activate, skipped = plan.get("activate"), plan.get("skipped", {})
    if not isinstance(activate, list) or not isinstance(skipped, dict):
        return False
    if not all(isinstance(name, str) and isinstance(reason, str) for name, reason in skipped.items()):
        return False
    return all(_integration_package(item) for item in activate)


def _integration_package(item: object) -> bool:
    """Whether a plan entry is ``[name, "zenml.integrations.<name>:<Class>"]`` naming an installed package."""
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)):
        return False
    name, reference = item
    module, _, attribute = reference.partition(":")
    if not (name.isidentifier() and attribute.isidentifier() and module == f"zenml.integrations.{name}"):
        return False
    return _is_package(module)


def _is_package(module: str) -> bool:
    """Whether ``module``, a submodule of the imported ``zenml.integrations``, is a findable package.

    What :func:`importlib.util.find_spec` does for a submodule of an imported
    package (ask each finder on :data:`sys.meta_path` with the parent's
    ``__path__``), without importing :mod:`importlib.util` on the warm path.
    Nothing is imported.
    """
    parent = sys.modules.get(module.rpartition(".")[0])
    path = getattr(parent, "__path__", None)
    if path is None:
        return False
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            continue
        try:
            spec = find_spec(module, path)
        except (ImportError, ValueError):
            return False
        if spec is not None:
            return spec.submodule_search_locations is not None  # a package, not a module of core
    return False


def save(key: str, plan: dict[str, Any]) -> None:
    """Store ``plan`` for ``key`` atomically; failures are ignored (the cache is an optimisation)."""
    if not enabled() or not acceptable(plan):
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
