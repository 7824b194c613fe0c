"""Keep every test run away from the user's real zenml config and cache.

Set before any test runs, so subprocesses started by tests inherit it too.
Tests that need their own directories still override these variables. The
directory is removed when the run ends, with everything tests and their
subprocesses wrote there; a pytest started by a test inherits the variables
and creates nothing of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile

_CREATED: list[str] = []


def pytest_configure() -> None:
    if os.environ.get("ZENML_CONFIG_DIR") and os.environ.get("ZENML_CACHE_DIR"):
        return
    base = tempfile.mkdtemp(prefix="zenml-tests-")
    _CREATED.append(base)
    os.environ.setdefault("ZENML_CONFIG_DIR", os.path.join(base, "config"))
    os.environ.setdefault("ZENML_CACHE_DIR", os.path.join(base, "cache"))


def pytest_unconfigure() -> None:
    while _CREATED:
        shutil.rmtree(_CREATED.pop(), ignore_errors=True)
