"""Laziness of ``import zenml``, ``zenml integration list`` and activation, each in a fresh interpreter."""

from __future__ import annotations

import sys


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
    assert heavy(modules, ("zenml.integrations.gcp", "zenml.integrations.tensorflow", "rich")) == []


def test_activate_integrations_imports_no_heavy_library(fresh, heavy) -> None:
    modules = fresh(
        """
        from zenml.integrations.registry import activate_integrations
        report = activate_integrations()
        assert report.activated == ["gcp", "tensorflow"], report
        assert report.skipped == {}, report
        """
    )
    assert "zenml.integrations.tensorflow" in modules
    assert heavy(modules) == []
