"""The user's directories for zenml: a variable that names one, else the platform's (platformdirs).

A ``ZENML_*_DIR`` variable names the directory itself, an ``XDG_*_HOME``
variable the directory that holds ``zenml`` (on every platform, as before
zenml used platformdirs); without either, platformdirs gives the platform's
own place: ``~/.config/zenml`` and ``~/.cache/zenml`` on Linux,
``~/Library/Application Support/zenml`` and ``~/Library/Caches/zenml`` on
macOS, ``%LOCALAPPDATA%\\zenml`` and ``%LOCALAPPDATA%\\zenml\\Cache`` on Windows.
platformdirs is imported only then, never by ``import zenml`` or ``zenml --help``.
"""

from __future__ import annotations

import os

# Not ``typing.TYPE_CHECKING``: the stack config is read on every run, and typing is not needed for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from platformdirs.api import PlatformDirsABC

APP_NAME = "zenml"


def from_environment(variable: str, xdg_variable: str) -> str | None:
    """``$variable``, else ``$xdg_variable/zenml`` (``~`` expanded, made absolute); ``None`` when neither is set."""
    explicit = os.environ.get(variable)
    if explicit:
        return os.path.abspath(os.path.expanduser(explicit))
    xdg = os.environ.get(xdg_variable)
    if xdg:
        return os.path.join(os.path.abspath(os.path.expanduser(xdg)), APP_NAME)
    return None


def platform_dirs() -> PlatformDirsABC:
    """platformdirs' directories for zenml on this platform (``platformdirs.PlatformDirs`` picks the class)."""
    import platformdirs

    return platformdirs.PlatformDirs(APP_NAME, appauthor=False)


def platform_config_dir() -> str:
    """The platform's user config directory for zenml (platformdirs' ``user_config_dir``; see the module docstring)."""
    if _plain_linux():  # platformdirs' answer there, without importing it (every pipeline run reads the stack config)
        return os.path.join(os.path.expanduser("~/.config"), APP_NAME)
    return platform_dirs().user_config_dir


def user_cache_dir() -> str:
    """``$ZENML_CACHE_DIR``, else ``$XDG_CACHE_HOME/zenml``, else the platform's user cache directory."""
    found = from_environment("ZENML_CACHE_DIR", "XDG_CACHE_HOME")
    if found:
        return found
    if _plain_linux():  # platformdirs' answer there, without importing it (every warm activation asks)
        return os.path.join(os.path.expanduser("~/.cache"), APP_NAME)
    return platform_dirs().user_cache_dir


def _plain_linux() -> bool:
    """Linux that platformdirs would not treat as Android, and platformdirs not imported yet (else it answers)."""
    import sys

    android = os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"
    return sys.platform == "linux" and not android and "platformdirs" not in sys.modules
