"""RayIntegration: found by its entry point, activated, requirements as declared, and lazy."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points, packages_distributions

from packaging.requirements import Requirement

from zenml.integrations.ray import RayIntegration
from zenml.integrations.registry import activate_integrations
from zenml.integrations.requirements import canonical_name, requirements_of_distribution


def test_entry_point_loads_the_integration() -> None:
    points = [point for point in entry_points(group="zenml.integrations") if point.name == "ray"]
    assert len(points) == 1
    assert points[0].load() is RayIntegration
    assert (RayIntegration.NAME, RayIntegration.DISTRIBUTION) == ("ray", "zenml-ray")


def test_activation_registers_the_integration() -> None:
    assert RayIntegration.problems() == []
    report = activate_integrations()
    assert "ray" in report.activated, report


def test_requirements_equal_the_distributions_requires_dist() -> None:
    declared = requirements_of_distribution("zenml-ray", exclude=["zenml-core"])
    assert {Requirement(line) for line in RayIntegration.REQUIREMENTS} == {Requirement(line) for line in declared}
    assert RayIntegration.core_requirements(), "the distribution pins the zenml-core range it supports"


def _import_names(requirements: list[str]) -> set[str]:
    """The top-level modules that the distributions in ``requirements`` install."""
    wanted = {canonical_name(Requirement(line).name) for line in requirements}
    return {
        module
        for module, distributions in packages_distributions().items()
        if wanted & {canonical_name(distribution) for distribution in distributions}
    }


PROBE = """
import json, sys
from zenml.integrations.registry import activate_integrations
report = activate_integrations()
assert "ray" in report.activated, report
print(json.dumps(sorted(sys.modules)))
"""


def test_activation_in_a_fresh_interpreter_imports_none_of_the_requirements() -> None:
    ours = _import_names(requirements_of_distribution("zenml-core"))  # core's own light dependencies
    heavy = _import_names(RayIntegration.REQUIREMENTS) - ours
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    modules = {name.partition(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}
    assert sorted(modules & heavy) == []
