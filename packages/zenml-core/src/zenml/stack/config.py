"""The stack config file: named components and stacks, kept in TOML.

Where it lives: ``<repo>/.zen/config.toml`` when a ``.zen/`` directory exists
in the current directory or a parent (``zenml init`` creates one), else in
the user's config directory (:func:`user_config_dir`: ``$ZENML_CONFIG_DIR``,
else ``$XDG_CONFIG_HOME/zenml``, else the platform's, e.g. ``~/.config/zenml``
on Linux). Shape::

    active_stack = "default"

    [artifact_stores.local_data]
    flavor = "local"
    path = "/data/zen"

    [stacks.prod]
    artifact_store = "local_data"
    metadata_store = "default"
    orchestrator = "default"

The ``default`` components and stack (a local artifact store and a SQLite
metadata store under ``<config dir>/local_stores/``, the local orchestrator)
always exist and are never written to the file. Writes are atomic and
serialised by a lock file (filelock), so concurrent ``zenml`` commands do not
lose each other's changes, and they keep the file's comments, order and
formatting (tomlkit, see :func:`zenml.stack.toml_io.update_text`).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from zenml.stack.errors import StackConfigError
from zenml.stack.flavors import ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR
from zenml.utils.user_dirs import APP_NAME, from_environment, platform_config_dir

if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT = "default"
CONFIG_FILE = "config.toml"
REPO_DIR = ".zen"
LOCAL_STORES = "local_stores"  # the default stores' directory, below the config directory
LOCK_TIMEOUT = 30.0  # seconds a command waits for another one that is changing the same config

# component type -> table name in the file
SECTIONS = {ARTIFACT_STORE: "artifact_stores", METADATA_STORE: "metadata_stores", ORCHESTRATOR: "orchestrators"}

__all__ = [  # StackConfigError lives in zenml.stack.errors (so that components need not import this module)
    "CONFIG_FILE",
    "DEFAULT",
    "LOCAL_STORES",
    "LOCK_TIMEOUT",
    "REPO_DIR",
    "SECTIONS",
    "StackConfig",
    "StackConfigError",
    "config_dir",
    "config_lock",
    "edit_config",
    "find_repo_dir",
    "legacy_config_dir",
    "user_config_dir",
]


def find_repo_dir(start: str | None = None) -> str | None:
    """The nearest ``.zen`` directory in ``start`` (default: the cwd) or a parent."""
    here = os.path.realpath(start or os.getcwd())
    while True:
        repo = os.path.join(here, REPO_DIR)
        if os.path.isdir(repo):
            return repo
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def user_config_dir() -> str:
    """``$ZENML_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/zenml``, else the platform's user config directory.

    That is ``~/.config/zenml`` on Linux, ``~/Library/Application Support/zenml``
    on macOS and ``%LOCALAPPDATA%\\zenml`` on Windows (platformdirs). Earlier
    versions used ``~/.config/zenml`` everywhere: where that directory holds
    zenml's stacks or default stores and the platform's directory does not, it
    stays in use. Nothing is moved, so the default stores' absolute paths that
    run history records stay valid.
    """
    configured = from_environment("ZENML_CONFIG_DIR", "XDG_CONFIG_HOME")
    if configured:
        return configured
    platform_dir = platform_config_dir()
    legacy = legacy_config_dir()
    if platform_dir != legacy and _holds_zenml_data(legacy) and not _holds_zenml_data(platform_dir):
        return legacy
    return platform_dir


def legacy_config_dir() -> str:
    """``~/.config/zenml``: the user config directory of earlier versions on every platform."""
    return os.path.join(os.path.expanduser("~"), ".config", APP_NAME)


def _holds_zenml_data(directory: str) -> bool:
    """Whether ``directory`` has a stack config or the default stores (not only another tool's files)."""
    defaults = [tables[DEFAULT].get("path") for tables in _default_components(directory).values()]
    return any(os.path.exists(path) for path in [os.path.join(directory, CONFIG_FILE), *defaults] if path)


def config_dir() -> str:
    """The directory whose ``config.toml`` holds the stacks in effect here."""
    return find_repo_dir() or user_config_dir()


def _default_components(directory: str) -> dict[str, dict[str, dict[str, Any]]]:
    stores = os.path.join(directory, LOCAL_STORES)
    return {
        ARTIFACT_STORE: {DEFAULT: {"flavor": "local", "path": os.path.join(stores, "artifacts")}},
        METADATA_STORE: {DEFAULT: {"flavor": "sqlite", "path": os.path.join(stores, "metadata.db")}},
        ORCHESTRATOR: {DEFAULT: {"flavor": "local"}},
    }


def _read(path: str) -> tuple[str, dict[str, Any]]:
    """The text of the config file at ``path`` and what it says (both empty when there is no file)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return "", {}
    from zenml.stack.toml_io import TOMLDecodeError, loads

    try:
        text = raw.decode("utf-8")
        return text, loads(text)
    except TOMLDecodeError as exc:
        raise StackConfigError(
            f"cannot parse stack config {path}: {exc}. Fix that line, or move the file away to start afresh."
        ) from None
    except UnicodeDecodeError as exc:
        raise StackConfigError(f"cannot parse stack config {path}: not UTF-8 text ({exc})") from None


class StackConfig:
    """The contents of one stack config file plus the built-in defaults."""

    def __init__(self, path: str, data: dict[str, Any] | None = None, text: str = "") -> None:
        self.path = path
        self.data: dict[str, Any] = data if data is not None else {}
        self.text = text  # the file as read: :meth:`save` keeps its comments and formatting
        self.defaults = _default_components(os.path.dirname(path))
        self._check_shape()

    @classmethod
    def load(cls, directory: str | None = None) -> StackConfig:
        """Read the config in effect (missing file: only the defaults). Nothing is written."""
        path = os.path.join(directory or config_dir(), CONFIG_FILE)
        text, data = _read(path)
        return cls(path, data, text)

    def _check_shape(self) -> None:
        def where(key: str) -> str:
            return f"stack config {self.path}: [{key}]"

        for key in (*SECTIONS.values(), "stacks"):
            section = self.data.get(key, {})
            if not isinstance(section, dict):
                raise StackConfigError(f"{where(key)} must be a table")
            for name, table in section.items():
                if not isinstance(table, dict):
                    raise StackConfigError(f"{where(key + '.' + name)} must be a table")
        for key in SECTIONS.values():
            for name, table in self.data.get(key, {}).items():
                if not isinstance(table.get("flavor"), str):
                    raise StackConfigError(f'{where(key + "." + name)} needs a `flavor = "..."` entry')
        active = self.data.get("active_stack", DEFAULT)
        if not isinstance(active, str):
            raise StackConfigError(f"stack config {self.path}: active_stack must be a string")

    # -- reading -------------------------------------------------------
    def components(self, kind: str) -> dict[str, dict[str, Any]]:
        """Every component of one type, name -> table (with ``flavor``), defaults included."""
        return {**self.defaults[kind], **self.data.get(SECTIONS[kind], {})}

    def component(self, kind: str, name: str) -> dict[str, Any]:
        try:
            return dict(self.components(kind)[name])
        except KeyError:
            from zenml.utils.suggestions import unknown_choice

            raise StackConfigError(unknown_choice(kind.replace("_", " "), name, self.components(kind))) from None

    def stacks(self) -> dict[str, dict[str, str]]:
        """Every stack, name -> {component type: component name}, the default stack included."""
        default = dict.fromkeys(SECTIONS, DEFAULT)
        result = {DEFAULT: default}
        for name, table in self.data.get("stacks", {}).items():
            result[name] = {kind: table.get(kind, DEFAULT) for kind in SECTIONS}
        return result

    def stack(self, name: str) -> dict[str, str]:
        """Stack ``name``'s parts; a stack naming an undefined component is an error only here, when it is used.

        (Checked lazily so that a broken reference never blocks the commands
        that repair it: registering the missing component, deleting the stack.)
        """
        try:
            parts = self.stacks()[name]
        except KeyError:
            from zenml.utils.suggestions import unknown_choice

            raise StackConfigError(unknown_choice("stack", name, self.stacks())) from None
        for kind, section in SECTIONS.items():
            ref = parts[kind]
            if not isinstance(ref, str) or ref not in self.components(kind):
                raise StackConfigError(
                    f"stack config {self.path}: [stacks.{name}] names {kind.replace('_', ' ')} {ref!r}, which is "
                    f"not defined; register it with `zenml {kind.replace('_', '-')} register {ref} ...`, "
                    f"define it under [{section}.{ref}], or delete the stack with `zenml stack delete {name}`"
                )
        return parts

    @property
    def active_stack(self) -> str:
        active: str = self.data.get("active_stack", DEFAULT)
        return active

    def missing_active_stack(self) -> str | None:
        """The message to show when ``active_stack`` names a stack that is not defined, else ``None``."""
        if self.active_stack in self.stacks():
            return None
        return (
            f"the active stack {self.active_stack!r} set in {self.path} does not exist; run `zenml stack set "
            f"{DEFAULT}` (stacks: {', '.join(sorted(self.stacks()))})"
        )

    def active_stack_parts(self) -> dict[str, str]:
        """The active stack's parts (as :meth:`stack`); a missing active stack gets its own message."""
        problem = self.missing_active_stack()
        if problem is not None:
            raise StackConfigError(problem)
        return self.stack(self.active_stack)

    # -- changing (call inside :func:`edit_config`) ------------------------
    def set_active_stack(self, name: str) -> None:
        self.stack(name)
        self.data["active_stack"] = name

    def add_component(self, kind: str, name: str, table: dict[str, Any], *, replace: bool = False) -> None:
        _check_name(name)
        if name == DEFAULT:
            raise StackConfigError(f"{DEFAULT!r} is the built-in {kind.replace('_', ' ')}; choose another name")
        if name in self.components(kind) and not replace:
            raise StackConfigError(
                f"{kind.replace('_', ' ')} {name!r} already exists; choose another name or delete it first "
                f"(`zenml {kind.replace('_', '-')} delete {name}`)"
            )
        self.data.setdefault(SECTIONS[kind], {})[name] = table

    def remove_component(self, kind: str, name: str) -> None:
        self.component(kind, name)
        if name == DEFAULT:
            raise StackConfigError(f"the built-in {kind.replace('_', ' ')} {DEFAULT!r} cannot be deleted")
        users = sorted(stack for stack, parts in self.stacks().items() if parts[kind] == name)
        if users:
            raise StackConfigError(
                f"{kind.replace('_', ' ')} {name!r} is used by stack(s) {', '.join(users)}; delete those first"
            )
        del self.data[SECTIONS[kind]][name]

    def add_stack(self, name: str, parts: dict[str, str]) -> None:
        _check_name(name)
        if name == DEFAULT:
            raise StackConfigError(f"{DEFAULT!r} is the built-in stack; choose another name")
        if name in self.stacks():
            raise StackConfigError(f"stack {name!r} already exists; delete it first or choose another name")
        for kind, component in parts.items():
            self.component(kind, component)
        self.data.setdefault("stacks", {})[name] = dict(parts)

    def remove_stack(self, name: str) -> None:
        if name not in self.stacks():
            self.stack(name)  # raises: unknown stack
        if name == DEFAULT:
            raise StackConfigError(f"the built-in stack {DEFAULT!r} cannot be deleted")
        if name == self.active_stack:
            raise StackConfigError(f"stack {name!r} is active; `zenml stack set` another stack first")
        del self.data["stacks"][name]

    def save(self) -> None:
        """Write the file atomically (temp file + rename), keeping the comments, order and formatting of what
        did not change. Call with the lock held (:func:`edit_config`)."""
        import tempfile

        from zenml.stack.toml_io import update_text

        directory = os.path.dirname(self.path)
        os.makedirs(directory, exist_ok=True)
        text = update_text(self.text, self.data)
        fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.text = text


def _check_name(name: str) -> None:
    if not name or not all(char.isalnum() or char in "_-." for char in name):
        raise StackConfigError(f"invalid name {name!r}: use letters, digits, '_', '-' and '.'")


@contextmanager
def config_lock(path: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock on ``path`` (``<config>.lock``), waiting at most ``timeout`` seconds for it.

    filelock: an OS lock on the open file (``flock``, ``msvcrt.locking`` on
    Windows), so a killed process leaves no stale lock behind.
    """
    import filelock

    os.makedirs(os.path.dirname(path) or os.curdir, exist_ok=True)
    lock = filelock.FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise StackConfigError(
            f"timed out after {timeout:g}s waiting for the lock on {path}: another zenml command is changing the "
            "stack config. Wait for it to finish and retry; if none is running, find the process holding the lock "
            "with `fuser` or `lsof` on that file"
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def edit_config(directory: str | None = None) -> Iterator[StackConfig]:
    """Read the config under an exclusive lock, let the caller change it, and save it atomically.

    Nothing is written when the block raises.
    """
    directory = directory or config_dir()
    with config_lock(os.path.join(directory, CONFIG_FILE + ".lock")):
        config = StackConfig.load(directory)
        yield config
        config.save()
