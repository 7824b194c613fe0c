"""Which exceptions are the user's to fix, and the one-line message the CLI prints for them.

The ``zenml`` group turns these into ``Error: ...`` and exit status 1 instead
of a traceback. Anything not listed here is a bug and keeps its traceback.
Only modules that are already imported are consulted: an exception of a
module nobody imported cannot have been raised.
"""

from __future__ import annotations

import sys

# module -> names of the exception classes in it that mean "the user must fix something".
_FAMILIES: dict[str, tuple[str, ...]] = {
    "zenml.stack.config": ("StackConfigError",),
    "zenml.stack.flavors": ("UnknownFlavorError",),
    "zenml.stack.component": ("UnknownOptionsError",),
    "zenml.metadata_stores.sqlite_schema": ("SchemaTooNewError",),
    "zenml.metadata_stores.base": ("RunNotFoundError", "ArtifactRecordNotFoundError"),
    "zenml.integrations.registry": ("IntegrationError",),
}


def _sqlite_message(error: BaseException) -> str | None:
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is None:
        return None
    if isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError:
        return (
            f"the SQLite metadata store cannot be used: {error}. If the file is damaged, move it away (runs recorded "
            "in it are lost) or point the metadata store at another path; `zenml stack show` shows its path"
        )
    return None


def user_error_message(error: BaseException) -> str | None:
    """The message to print for ``error`` if it is a user-facing failure, else ``None`` (a bug: re-raise)."""
    if isinstance(error, OSError) or isinstance(error.__cause__, OSError):
        from zenml.stack.config_dir_errors import config_dir_message

        message = config_dir_message(error)
        if message is not None:
            return message
    for module_name, class_names in _FAMILIES.items():
        module = sys.modules.get(module_name)
        if module is None:
            continue
        families = tuple(getattr(module, name) for name in class_names if hasattr(module, name))
        if isinstance(error, families):
            return str(error)
    sqlite_message = _sqlite_message(error)
    if sqlite_message is not None:
        return sqlite_message
    if isinstance(error, BrokenPipeError):  # stdout's reader left: the CLI exits quietly, see zenml.cli.main
        return None
    if isinstance(error, OSError):  # files, permissions, network, cloud storage (GCSError is an OSError)
        return str(error)
    return None
