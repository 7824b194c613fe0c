"""Keep every test run away from the user's real zenml config and cache.

Set before any test runs, so subprocesses started by tests inherit it too.
Tests that need their own directories still override these variables.
"""

from __future__ import annotations

import os
import tempfile


def pytest_configure() -> None:
    base = tempfile.mkdtemp(prefix="zenml-tests-")
    os.environ.setdefault("ZENML_CONFIG_DIR", os.path.join(base, "config"))
    os.environ.setdefault("ZENML_CACHE_DIR", os.path.join(base, "cache"))
