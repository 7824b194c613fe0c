"""Helpers for laziness tests: run code in a fresh interpreter and report what it imported.

These tests need every integration installed (zenml-gcp, zenml-tensorflow with
tensorflow-cpu, zenml-sklearn, zenml-dashboard) and the libraries core's materializers use
(pandas, pydantic), so that "not imported" means "not imported although present".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

HEAVY = ("tensorflow", "keras", "google.cloud", "numpy")

_PRELUDE = "import sys as _sys_for_probe\n"
_EPILOGUE = (
    "\nimport json as _json_for_probe\n"
    "print('\\n@@MODULES@@' + _json_for_probe.dumps(sorted(_sys_for_probe.modules)))\n"
)


def run_fresh(code: str, *, cwd: Path | None = None, env: dict[str, str] | None = None) -> set[str]:
    """Run ``code`` with ``python -c`` in a new interpreter; return the module names it had imported.

    ``json`` is imported only after ``code`` has run, to print the result.
    """
    program = _PRELUDE + textwrap.dedent(code) + _EPILOGUE
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=cwd, env=full_env, check=False
    )
    assert result.returncode == 0, f"fresh interpreter failed:\n{result.stdout}\n{result.stderr}"
    payload = result.stdout.rpartition("@@MODULES@@")[2]
    return set(json.loads(payload))


def heavy_modules(modules: set[str], prefixes: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules in ``modules`` that are, or are inside, one of ``prefixes``."""
    return sorted(m for m in modules for p in prefixes if m == p or m.startswith(p + "."))


@pytest.fixture(scope="session", autouse=True)
def _require_all_integrations() -> None:
    """Laziness is only meaningful when the heavy libraries are installed."""
    from importlib.util import find_spec

    missing = [
        name
        for name in (
            "tensorflow",
            "google.cloud.storage",
            "numpy",
            "zenml.integrations.gcp",
            "zenml.integrations.tensorflow",
            "zenml.integrations.sklearn",
            "sklearn",
            "skops",
            "pandas",
            "pydantic",
            "zenml.integrations.dashboard",
            "starlette",
        )
        if find_spec(name) is None
    ]
    if missing:
        pytest.fail(f"laziness tests need every integration installed; missing: {', '.join(missing)}")


@pytest.fixture
def fresh() -> Callable[..., set[str]]:
    """``fresh(code) -> set of module names`` imported by a new interpreter running ``code``."""
    return run_fresh


@pytest.fixture
def heavy() -> Callable[..., list[str]]:
    """``heavy(modules, prefixes=HEAVY) -> sorted list`` of the heavy modules among ``modules``."""
    return heavy_modules
