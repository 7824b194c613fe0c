"""The package index a user configured, carried over to the installer that would not read it.

uv reads neither pip's environment variables (``PIP_INDEX_URL``, ``PIP_EXTRA_INDEX_URL``) nor its
configuration files (``pip.conf``), and pip reads none of uv's (``UV_DEFAULT_INDEX``,
``UV_INDEX_URL``, ``UV_INDEX``, ``UV_EXTRA_INDEX_URL``). ``zenml integration install`` runs uv
whenever uv is on ``PATH``, so a user who pointed pip at a private index would otherwise install
from PyPI. When the installer that runs has no index setting of its own and the other one has,
:func:`index_arguments` passes it on the command line (index URLs and find-links); with none
anywhere, each tool keeps its default (PyPI).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_UV_SETTINGS = ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_INDEX", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_NO_INDEX")
_UV_CONFIG_KEYS = ("index-url", "[[index]]", "extra-index-url", "find-links", "no-index")


def _uv_config_files() -> list[Path]:
    """uv's user and system ``uv.toml`` (a project's own configuration is uv's business)."""
    if os.environ.get("UV_NO_CONFIG"):
        return []
    if os.environ.get("UV_CONFIG_FILE"):
        return [Path(os.environ["UV_CONFIG_FILE"])]
    user = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    system = [Path(folder) for folder in os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep) if folder]
    return [user / "uv" / "uv.toml", *(folder / "uv" / "uv.toml" for folder in system), Path("/etc/uv/uv.toml")]


def uv_has_index_settings() -> bool:
    """Whether uv's environment variables or configuration files name an index (then uv needs no help)."""
    if any(os.environ.get(name) for name in _UV_SETTINGS):
        return True
    for path in _uv_config_files():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if any(key in text for key in _UV_CONFIG_KEYS):
            return True
    return False


def _pip_config_files(python: str) -> list[Path]:
    """pip's configuration files for ``python``, lowest priority first (global, user, site, ``PIP_CONFIG_FILE``)."""
    configured = os.environ.get("PIP_CONFIG_FILE")
    if configured == os.devnull:
        return []
    name = "pip.ini" if os.name == "nt" else "pip.conf"
    system = [Path(folder) for folder in os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep) if folder]
    files = [*(folder / "pip" / name for folder in reversed(system)), Path("/etc") / name]
    if not (configured and Path(configured).is_file()):  # pip skips the user's files when PIP_CONFIG_FILE exists
        user = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        if sys.platform == "darwin":
            files.append(Path.home() / "Library" / "Application Support" / "pip" / name)
        elif os.name == "nt":
            files.append(Path(os.environ.get("APPDATA", Path.home())) / "pip" / name)
        files += [Path.home() / ".pip" / name, user / "pip" / name]
    prefix = Path(sys.prefix) if python == sys.executable else Path(python).resolve().parent.parent
    files.append(prefix / name)
    if configured:
        files.append(Path(configured))
    return files


def pip_settings(python: str) -> tuple[str | None, list[str], list[str]]:
    """pip's index URL, extra index URLs and find-links (directories or pages of distributions) for ``python``."""
    from configparser import ConfigParser, Error

    index: str | None = None
    extra: list[str] = []
    links: list[str] = []
    for path in _pip_config_files(python):
        parser = ConfigParser(interpolation=None)
        try:
            if not parser.read(path, encoding="utf-8"):
                continue
        except (Error, UnicodeDecodeError):
            continue
        for section in ("global", "install"):  # a command's own section overrides [global]
            if not parser.has_section(section):
                continue
            for key, value in parser.items(section):
                option = key.replace("_", "-")
                if option == "index-url":
                    index = value.strip() or index
                elif option == "extra-index-url":
                    extra = value.split()
                elif option == "find-links":
                    links = value.split()
    index = os.environ.get("PIP_INDEX_URL") or index
    extra = os.environ.get("PIP_EXTRA_INDEX_URL", "").split() or extra
    links = os.environ.get("PIP_FIND_LINKS", "").split() or links
    return index, extra, links


def uv_settings() -> tuple[str | None, list[str], list[str]]:
    """uv's default index, extra indexes and find-links from its environment variables."""
    index = os.environ.get("UV_DEFAULT_INDEX") or os.environ.get("UV_INDEX_URL") or None
    extra = [entry.partition("=")[2] if "=" in entry.split("://")[0] else entry
             for entry in os.environ.get("UV_INDEX", "").split()]  # fmt: skip
    links = os.environ.get("UV_FIND_LINKS", "").replace(",", " ").split()
    return index, [*extra, *os.environ.get("UV_EXTRA_INDEX_URL", "").split()], links


def _options(index: str | None, extra: list[str], links: list[str]) -> list[str]:
    options = ["--index-url", index] if index else []
    for url in extra:
        options += ["--extra-index-url", url]
    for link in links:
        options += ["--find-links", link]
    return options


def index_arguments(tool: str, python: str) -> list[str]:
    """Command-line options that give ``tool`` ("uv" or "pip") the index configured for the other one."""
    if tool == "uv":
        if uv_has_index_settings():
            return []
        index, extra, links = pip_settings(python)
        # pip takes the best version across all its indexes; uv by default the first index that has a name.
        return [*_options(index, extra, links), *(["--index-strategy", "unsafe-best-match"] if extra else [])]
    if any(pip_settings(python)):
        return []
    return _options(*uv_settings())


def index_description(tool: str, python: str) -> str:
    """Where ``tool`` looks for distributions, in words: its index URLs and find-links, or PyPI."""
    if tool == "uv" and uv_has_index_settings():
        index, extra, links = uv_settings()
        if not (index or extra or links):
            return "the package index in uv's configuration (uv.toml)"
    else:
        index, extra, links = pip_settings(python)
        if tool == "pip" and not (index or extra or links):
            index, extra, links = uv_settings()
    return "the package index " + ", ".join([index or "https://pypi.org/simple", *extra, *links])
