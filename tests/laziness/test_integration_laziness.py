"""Laziness of ``import zenml``, ``zenml integration list`` and activation, each in a fresh interpreter."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tools.packages import discover

INTEGRATIONS = sorted(package.name for package in discover() if not package.is_core)


def _third_party(modules: set[str], baseline: set[str]) -> list[str]:
    stdlib = set(sys.stdlib_module_names)
    return sorted(m for m in modules - baseline if m.partition(".")[0] not in stdlib and m.partition(".")[0] != "zenml")


def test_import_zenml_imports_no_third_party_module(fresh) -> None:
    baseline = fresh("pass")  # what site start-up (.pth files) imports anyway
    modules = fresh("import zenml")
    assert "zenml" in modules
    assert _third_party(modules, baseline) == []


def test_integration_list_imports_no_heavy_library_and_no_integration(fresh, heavy) -> None:
    modules = fresh(
        """
        from zenml.cli.main import cli
        cli(["integration", "list"], standalone_mode=False)
        cli(["integration", "list", "--json"], standalone_mode=False)
        """
    )
    assert "zenml.cli.integration" in modules
    assert heavy(modules) == []
    # listing reads metadata: the integrations' own modules are not imported either
    assert heavy(modules, (*(f"zenml.integrations.{name}" for name in INTEGRATIONS), "rich")) == []


def test_warm_integration_list_reads_no_package_metadata(fresh, heavy, tmp_path: Path) -> None:
    """With every integration and tensorflow-cpu installed, a second listing comes from the activation cache."""
    code = """
        from zenml.cli.main import cli
        cli(["integration", "list"], standalone_mode=False)
        """
    env = {"ZENML_CACHE_DIR": str(tmp_path)}
    cold = fresh(code, env=env, cwd=tmp_path)
    warm = fresh(code, env=env, cwd=tmp_path)
    assert {"importlib.metadata", "packaging"} <= cold  # the first one read metadata and filled the cache
    assert heavy(warm) == []
    assert heavy(warm, ("importlib.metadata", "packaging", "rich")) == []
    assert heavy(warm, tuple(f"zenml.integrations.{name}" for name in INTEGRATIONS)) == []


_ACTIVATE = f"""
    from zenml.integrations.registry import activate_integrations
    report = activate_integrations()
    assert report.activated == {INTEGRATIONS!r}, report
    assert report.skipped == {{}}, report
    """


@pytest.mark.parametrize("cache", ["off", "warm"])
def test_activate_integrations_imports_no_heavy_library(fresh, heavy, tmp_path: Path, cache: str) -> None:
    # A private cache directory: the session-wide ZENML_CACHE_DIR may already hold a plan for this environment.
    env = {"ZENML_CACHE_DIR": str(tmp_path), "ZENML_INTEGRATION_CACHE": "0" if cache == "off" else "1"}
    cache_file = tmp_path / "integrations.json"
    if cache == "warm":
        fresh(_ACTIVATE, env=env)  # the slow path, which writes the plan
        assert cache_file.is_file()
    modules = fresh(_ACTIVATE, env=env)
    assert "zenml.integrations.tensorflow" in modules
    assert heavy(modules) == []
    if cache == "off":
        # the slow path ran: requirements were checked from metadata, and nothing was cached
        assert {"packaging", "importlib.metadata"} <= modules
        assert not cache_file.exists()
    else:
        # the cached plan was used: no metadata read, no requirement parsed
        assert heavy(modules, ("packaging", "importlib.metadata")) == []
