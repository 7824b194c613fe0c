"""Turning a file-system error inside the zenml config directory into a message that names the setting at fault.

``ZENML_CONFIG_DIR`` pointing at a file, or at a directory that cannot be
created or written, otherwise surfaces as a bare ``[Errno 20] Not a
directory`` from wherever the directory was first used.
"""

from __future__ import annotations

import os


def _setting(directory: str) -> str:
    """Which setting chose ``directory``."""
    from zenml.stack.config import find_repo_dir

    repo = find_repo_dir()
    if repo is not None and os.path.realpath(repo) == os.path.realpath(directory):
        return "the .zen directory of this repository (zenml init)"
    if os.environ.get("ZENML_CONFIG_DIR"):
        return "set by ZENML_CONFIG_DIR"
    if os.environ.get("XDG_CONFIG_HOME"):
        return "from XDG_CONFIG_HOME; ZENML_CONFIG_DIR chooses another"
    return "the default; ZENML_CONFIG_DIR chooses another"


def _file_on_the_way(path: str) -> str | None:
    """``path`` itself or the nearest ancestor of it that exists, if that is not a directory."""
    while True:
        if os.path.lexists(path):
            return None if os.path.isdir(path) else path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def config_dir_message(error: BaseException) -> str | None:
    """The message for an OS error (or one caused by it) on a path inside the config directory, else ``None``."""
    from zenml.stack.config import config_dir

    cause: BaseException | None = error
    while cause is not None and not (isinstance(cause, OSError) and cause.filename):
        cause = cause.__cause__
    if cause is None:
        return None
    assert isinstance(cause, OSError)
    directory = config_dir()
    path = os.path.abspath(os.fsdecode(cause.filename))
    if path != directory and not path.startswith(directory.rstrip(os.sep) + os.sep):
        return None
    blocking = _file_on_the_way(directory)
    if blocking == directory:
        problem = "is a file, not a directory"
    elif blocking is not None:
        problem = f"cannot be created: {blocking} is a file"
    elif isinstance(cause, PermissionError):
        problem = f"is not writable ({cause.strerror or cause})"
    else:
        problem = f"cannot be used ({cause.strerror or cause}: {path})"
    return (
        f"the zenml config directory {directory} ({_setting(directory)}) {problem}. Point ZENML_CONFIG_DIR at a "
        "directory you can write (it is created if missing)"
    )
