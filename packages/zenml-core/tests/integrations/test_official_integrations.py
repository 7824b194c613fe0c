"""Each official integration agrees with its distribution's metadata and with core's catalog."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement

from zenml.integrations.catalog import CATALOG
from zenml.integrations.registry import integration_registry
from zenml.integrations.requirements import requirements_of_distribution


def _installed_official() -> list[str]:
    installed = integration_registry.installed()
    names = [name for name in CATALOG if name in installed]
    if not names:
        pytest.fail("no official integration is installed: install zenml-gcp and zenml-tensorflow into the venv")
    return names


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
@pytest.mark.parametrize("name", sorted(CATALOG))
def test_requirements_agree_with_requires_dist(name: str) -> None:
    if name not in _installed_official():
        pytest.fail(f"{name} is not installed in the development environment")
    cls = integration_registry.get(name)
    declared = requirements_of_distribution(cls.DISTRIBUTION, exclude=["zenml-core"])
    assert {Requirement(line) for line in cls.REQUIREMENTS} == {Requirement(line) for line in declared}


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
@pytest.mark.parametrize("name", sorted(CATALOG))
def test_class_entry_point_and_catalog_agree(name: str) -> None:
    entry = CATALOG[name]
    installed = integration_registry.installed()[name]
    cls = integration_registry.get(name)
    assert name == cls.NAME
    assert cls.DISTRIBUTION == entry.distribution == installed.distribution
    assert cls.version() == installed.version
    assert set(cls.FLAVORS) == set(entry.flavors)
    assert {name: (reference, text) for name, reference, text in entry.commands} == cls.COMMANDS
    types = [reference for references in cls.MATERIALIZERS.values() for reference in references]
    packages = {reference.partition(":")[0].partition(".")[0] for reference in types}
    assert packages <= set(entry.type_packages)
    assert cls.problems() == []
    assert cls.core_requirements(), "an integration pins the zenml-core range it supports"
