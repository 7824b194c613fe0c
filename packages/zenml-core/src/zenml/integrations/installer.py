"""Install and uninstall distributions in the running interpreter's environment, with uv or pip.

uv is used when it is on ``PATH`` (or next to the interpreter), as
``uv pip ... --python <this interpreter>``; otherwise ``<this interpreter> -m pip``.
``ZENML_INSTALLER=pip`` or ``=uv`` forces one. Every install is previewed first
(``--dry-run``), so a resolver conflict or a missing network shows up before
anything changes; after installing, ``pip check`` reports the conflicts left in
the environment instead of hiding them.

The index is the one the user configured: uv and pip each read their own settings,
and when only the other tool's are set (``pip.conf`` or ``PIP_INDEX_URL`` while uv
runs, ``UV_DEFAULT_INDEX`` while pip runs), they are passed on the command line
(:mod:`zenml.integrations.index_settings`), so the command shown says which index is used.

The arguments say what to install; :mod:`zenml.integrations.install_source` says where an official
integration comes from (the place zenml-core came from).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Substrings of uv's and pip's error output that mean "the package index cannot be reached".
_NETWORK_ERRORS = (
    "failed to fetch",
    "error sending request",
    "tcp connect error",
    "dns error",
    "connection refused",
    "network is unreachable",
    "could not fetch url",
    "newconnectionerror",
    "failed to establish a new connection",
    "temporary failure in name resolution",
    "name or service not known",
    "max retries exceeded",
    "connecttimeout",
    "read timed out",
    "network was disabled",
)


class InstallerError(Exception):
    """Installing or uninstalling failed; the message says why and what to do."""


class NoNetworkError(InstallerError):
    """The package index cannot be reached."""


def _find_uv() -> str | None:
    from shutil import which

    beside = Path(sys.executable).parent / ("uv.exe" if os.name == "nt" else "uv")
    if beside.is_file():
        return str(beside)
    return which("uv")


class Installer:
    """Runs uv or pip against one interpreter (by default the running one)."""

    def __init__(self, python: str | None = None, tool: str | None = None) -> None:
        self.python = python or sys.executable
        choice = (tool or os.environ.get("ZENML_INSTALLER", "")).lower()
        if choice not in ("", "uv", "pip"):
            raise InstallerError(f"ZENML_INSTALLER={choice!r} is not supported: use 'uv' or 'pip'.")
        uv = _find_uv() if choice in ("", "uv") else None
        if uv is not None:
            self.tool = "uv"
            self._uv = uv
        elif choice == "uv":
            raise InstallerError("uv is not on PATH: install uv or set ZENML_INSTALLER=pip.")
        else:
            self.tool = "pip"
            self._uv = ""
        self._index: list[str] | None = None

    def index_options(self) -> list[str]:
        """The index options an install passes: the user's settings that this tool would not read itself."""
        if self._index is None:
            from zenml.integrations.index_settings import index_arguments

            self._index = index_arguments(self.tool, self.python)
        return self._index

    def _command(self, action: str, *args: str) -> list[str]:
        if action == "install":
            args = (*self.index_options(), *args)
        if self.tool == "uv":
            return [self._uv, "pip", action, "--python", self.python, *args]
        return [self.python, "-m", "pip", action, "--disable-pip-version-check", *args]

    def _run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        if self.tool == "pip" and command[1:3] == ["-m", "pip"]:
            from importlib.util import find_spec

            if self.python == sys.executable and find_spec("pip") is None:
                raise InstallerError(
                    "neither uv nor pip is available to this interpreter: install uv, "
                    f"or pip with `{self.python} -m ensurepip`."
                )
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as error:
            raise InstallerError(f"cannot run {command[0]}: {error}") from error

    def describe(self, action: str, arguments: list[str]) -> str:
        """The command that :meth:`install` or :meth:`uninstall` would run, for display."""
        import shlex

        return shlex.join(self._command(action, *arguments))

    def preview_install(self, arguments: list[str]) -> list[str]:
        """What installing ``arguments`` (requirements, ``-e DIR``, ``--find-links DIR``) would change.

        One line per distribution; nothing is changed. Raises :class:`NoNetworkError` when the index
        cannot be reached and :class:`InstallerError` when the requirements cannot be resolved.
        """
        if self.tool == "uv":
            result = self._run(self._command("install", "--dry-run", *arguments))
            self._raise_for(result, "resolve")
            return [line.strip() for line in result.stderr.splitlines() if line.startswith((" + ", " - ", " ~ "))]
        result = self._run(self._command("install", "--dry-run", "--quiet", "--report", "-", *arguments))
        self._raise_for(result, "resolve")
        import json

        try:
            report = json.loads(result.stdout or "{}")
        except ValueError:
            return [line for line in result.stdout.splitlines() if line.strip()]
        lines = []
        for item in report.get("install", []):
            metadata = item.get("metadata", {})
            lines.append(f"+ {metadata.get('name', '?')}=={metadata.get('version', '?')}")
        return lines

    def install(self, arguments: list[str]) -> None:
        """Install ``arguments`` (requirements, ``-e DIR``, ``--find-links DIR``, as :meth:`preview_install`)."""
        self._raise_for(self._run(self._command("install", *arguments)), "install")
        from zenml.integrations.requirements import clear_cache

        clear_cache()

    def uninstall(self, distributions: list[str]) -> None:
        """Uninstall ``distributions`` (their own dependencies stay installed)."""
        args = distributions if self.tool == "uv" else ["-y", *distributions]
        self._raise_for(self._run(self._command("uninstall", *args)), "uninstall")
        from zenml.integrations.requirements import clear_cache

        clear_cache()

    def check(self) -> list[str]:
        """The dependency conflicts in the environment (``pip check``), one line each; empty when none."""
        result = self._run(self._command("check"))
        if result.returncode == 0:
            return []
        lines = (result.stdout + result.stderr).splitlines()
        return [line.strip() for line in lines if line.strip() and not line.startswith("Using Python")]

    def _raise_for(self, result: subprocess.CompletedProcess[str], verb: str) -> None:
        if result.returncode == 0:
            return
        output = "\n".join(
            line for line in (result.stderr + result.stdout).splitlines() if line.strip() and "Using Python" not in line
        )
        lowered = output.lower()
        if any(marker in lowered for marker in _NETWORK_ERRORS):
            cause = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "")
            raise NoNetworkError(
                f"cannot reach the package index ({cause}). Check the network connection, or point "
                "UV_INDEX_URL / PIP_INDEX_URL at a reachable index. Nothing was changed."
            )
        raise InstallerError(f"{self.tool} could not {verb}:\n{output.strip()}")
