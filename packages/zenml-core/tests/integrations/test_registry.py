"""Discovery, loading and activation with real throwaway distributions on ``sys.path``."""

from __future__ import annotations

import importlib
import threading
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from zenml.integrations.catalog import CATALOG
from zenml.integrations.integration import Integration
from zenml.integrations.registry import (
    BrokenIntegrationError,
    IntegrationNotInstalledError,
    IntegrationRegistry,
    IntegrationWarning,
    UnknownIntegrationError,
    integration_registry,
)

MakeDistribution = Callable[..., Path]

GOOD = """
from zenml.integrations.integration import Integration

CALLS = []

class Good(Integration):
    NAME = "{name}"
    REQUIREMENTS = ["packaging"]

    @classmethod
    def activate(cls):
        import time
        time.sleep(0.05)  # widen the window for a race
        CALLS.append(cls.NAME)
"""

RAISING = """
from zenml.integrations.integration import Integration

class Raising(Integration):
    NAME = "raising"

    @classmethod
    def activate(cls):
        raise RuntimeError("boom in activate")
"""

UNUSABLE = """
from zenml.integrations.integration import Integration

class Unusable(Integration):
    NAME = "unusable"
    REQUIREMENTS = ["zt-never-installed>=1", "tensorflow>=99"]
"""

NOT_A_CLASS = """
class Plain:
    NAME = "plain"
"""

IMPORT_FAILS = """
raise ValueError("boom at import")
"""


@pytest.fixture
def group() -> str:
    """A private entry-point group, so the real integrations stay out of these tests."""
    return f"zt.integrations.{uuid.uuid4().hex}"


def _make_all(make_distribution: MakeDistribution, group: str) -> IntegrationRegistry:
    make_distribution(
        "zt-good",
        "1.2",
        group=group,
        entry_points={"good": "zt_good:Good"},
        modules={"zt_good": GOOD.format(name="good")},
    )
    make_distribution(
        "zt-raising", group=group, entry_points={"raising": "zt_raising:Raising"}, modules={"zt_raising": RAISING}
    )
    make_distribution(
        "zt-unusable", group=group, entry_points={"unusable": "zt_unusable:Unusable"}, modules={"zt_unusable": UNUSABLE}
    )
    make_distribution("zt-missing-module", group=group, entry_points={"missing": "zt_no_such_module:Thing"})
    return IntegrationRegistry(group=group)


def test_discovery_reads_metadata_without_importing(make_distribution: MakeDistribution, group: str) -> None:
    import sys

    registry = _make_all(make_distribution, group)
    installed = registry.installed()
    assert sorted(installed) == ["good", "missing", "raising", "unusable"]
    good = installed["good"]
    assert (good.distribution, good.version, good.entry_point) == ("zt-good", "1.2", "zt_good:Good")
    assert "zt_good" not in sys.modules


def test_get_loads_the_class(make_distribution: MakeDistribution, group: str) -> None:
    registry = _make_all(make_distribution, group)
    cls = registry.get("good")
    assert issubclass(cls, Integration)
    assert cls.NAME == "good"
    assert integration_registry.registered()["good"] is cls  # IntegrationMeta registered it


@pytest.mark.parametrize(
    ("entry_point", "modules", "expected"),
    [
        ("zt_absent_module:Thing", {}, "module 'zt_absent_module' is not found"),
        ("zt_plain:Missing", {"zt_plain": NOT_A_CLASS}, "has no attribute 'Missing'"),
        ("zt_plain:Plain", {"zt_plain": NOT_A_CLASS}, "which is not an Integration subclass"),
        ("zt_fails:Thing", {"zt_fails": IMPORT_FAILS}, "importing it raised ValueError: boom at import"),
        ("zt_named:Good", {"zt_named": GOOD.format(name="other")}, "declares NAME 'other', not 'broken'"),
    ],
)
def test_broken_entry_point_names_entry_point_and_distribution(
    make_distribution: MakeDistribution, group: str, entry_point: str, modules: dict[str, str], expected: str
) -> None:
    make_distribution("zt-broken", "3.1", group=group, entry_points={"broken": entry_point}, modules=modules)
    registry = IntegrationRegistry(group=group)
    with pytest.raises(BrokenIntegrationError) as caught:
        registry.get("broken")
    message = str(caught.value)
    assert f"entry point 'broken = {entry_point}' of zt-broken 3.1" in message
    assert expected in message
    assert "Reinstall or uninstall zt-broken." in message


def test_unknown_name_suggests_the_closest(group: str) -> None:
    registry = IntegrationRegistry(group=group)
    with pytest.raises(UnknownIntegrationError) as caught:
        registry.get("tensorflw")
    assert "Did you mean 'tensorflow'?" in str(caught.value)
    assert ", ".join(sorted(CATALOG)) in str(caught.value)


def test_catalog_integration_not_installed(group: str) -> None:
    registry = IntegrationRegistry(group=group)
    with pytest.raises(IntegrationNotInstalledError, match=r"zenml integration install tensorflow"):
        registry.get("tensorflow")
    assert set(registry.known()) == set(CATALOG)
    assert registry.known()["gcp"][1] is None


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_metadata_problems_of_an_installed_integration(make_distribution: MakeDistribution, group: str) -> None:
    make_distribution(
        "zt-meta",
        group=group,
        entry_points={"meta": "zt_meta_absent:Meta"},
        requires=["tensorflow>=99", "zt-never-installed"],
    )
    problems = IntegrationRegistry(group=group).installed()["meta"].problems()
    assert problems[0].startswith("module 'zt_meta_absent' of the entry point 'meta = zt_meta_absent:Meta'")
    assert problems[1].startswith("tensorflow>=99 wanted,")
    assert problems[1].endswith("installed (from tensorflow-cpu)")
    assert problems[2] == "zt-never-installed wanted, zt-never-installed is not installed"


def test_activation_skips_and_warns_and_activates_the_rest(make_distribution: MakeDistribution, group: str) -> None:
    registry = _make_all(make_distribution, group)
    with pytest.warns(IntegrationWarning) as caught:
        report = registry.activate_integrations()
    assert report.activated == ["good"]
    assert sorted(report.skipped) == ["missing", "raising", "unusable"]
    assert "activate() raised RuntimeError: boom in activate" in report.skipped["raising"]
    assert "zt-never-installed>=1 wanted" in report.skipped["unusable"]
    assert "tensorflow>=99 wanted" in report.skipped["unusable"]
    assert "module 'zt_no_such_module' is not found" in report.skipped["missing"]
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 3
    assert messages[0].startswith("integration 'missing' was not activated: entry point")
    assert not report.ok

    zt_good = importlib.import_module("zt_good")

    assert zt_good.CALLS == ["good"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert registry.activate_integrations() is report  # idempotent, and silent the second time
    assert zt_good.CALLS == ["good"]


def test_activation_is_thread_safe(make_distribution: MakeDistribution, group: str) -> None:
    make_distribution(
        "zt-good", group=group, entry_points={"good": "zt_good:Good"}, modules={"zt_good": GOOD.format(name="good")}
    )
    registry = IntegrationRegistry(group=group)
    barrier = threading.Barrier(8)
    reports = []

    def run() -> None:
        barrier.wait()
        reports.append(registry.activate_integrations())

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    zt_good = importlib.import_module("zt_good")

    assert zt_good.CALLS == ["good"]
    assert len(reports) == 8
    assert all(report is reports[0] for report in reports)
    assert reports[0].activated == ["good"]


def test_activation_registers_flavors_and_materializers_by_reference(
    make_distribution: MakeDistribution, group: str
) -> None:
    from zenml.materializers.registry import materializer_registry
    from zenml.stack.flavors import flavor_registry

    source = """
    from zenml.integrations.integration import Integration

    class Parts(Integration):
        NAME = "parts"
        FLAVORS = {("artifact_store", "zt-parts"): "zt_parts_absent.store:Store"}
        MATERIALIZERS = {"zt_parts_absent.materializers:Parts": ("zt_parts_types:Part",)}
    """
    make_distribution("zt-parts", group=group, entry_points={"parts": "zt_parts:Parts"}, modules={"zt_parts": source})
    with materializer_registry.scope(), flavor_registry.scope():
        report = IntegrationRegistry(group=group).activate_integrations()
        assert report.activated == ["parts"]
        assert flavor_registry.reference("artifact_store", "zt-parts") == "zt_parts_absent.store:Store"
        assert materializer_registry.lazy_registrations()["zt_parts_types"] == ["zt_parts_absent.materializers:Parts"]
    assert "zt-parts" not in flavor_registry.flavors("artifact_store")
    assert "zt_parts_types" not in materializer_registry.lazy_registrations()


def test_materializers_in_the_old_module_to_packages_shape_are_reported(
    make_distribution: MakeDistribution, group: str
) -> None:
    source = """
    from zenml.integrations.integration import Integration

    class Old(Integration):
        NAME = "old"
        MATERIALIZERS = {"zt_old_absent.materializers": ("zt_old_types",)}
    """
    make_distribution("zt-old", group=group, entry_points={"old": "zt_old:Old"}, modules={"zt_old": source})
    with pytest.warns(IntegrationWarning, match="'old' was not activated: activate.. raised ValueError") as caught:
        report = IntegrationRegistry(group=group).activate_integrations()
    assert report.activated == []
    assert """expected {"package.module:Class": ("package:Type", ...)}""" in str(caught[0].message)


def test_duplicate_names_keep_the_first_and_are_reported(make_distribution: MakeDistribution, group: str) -> None:
    make_distribution("zt-dup-a", group=group, entry_points={"dup": "zt_dup_a:X"})
    make_distribution("zt-dup-b", group=group, entry_points={"dup": "zt_dup_b:X"})
    registry = IntegrationRegistry(group=group)
    assert list(registry.installed()) == ["dup"]
    assert sorted(registry.duplicates()["dup"]) == ["zt-dup-a", "zt-dup-b"]


AGREEING = """
from zenml.integrations.integration import Integration

class Agreeing(Integration):
    NAME = "{name}"
    DISTRIBUTION = "{distribution}"
    REQUIREMENTS = {requirements!r}
"""


@pytest.mark.parametrize(
    ("requirements", "core"),
    [
        (["packaging>=20"], "zenml-core>=0.1"),  # usable
        (["packaging>=20", "zt-never-installed>=1"], "zenml-core>=99"),  # a missing dependency, core out of range
    ],
)
def test_class_and_metadata_agree_on_usability(
    make_distribution: MakeDistribution, group: str, requirements: list[str], core: str
) -> None:
    name = f"agree{len(requirements)}"
    distribution = f"zt-{name}"
    make_distribution(
        distribution,
        group=group,
        entry_points={name: f"zt_{name}:Agreeing"},
        requires=[core, *requirements, "zt-optional-only; extra == 'docs'"],
        modules={f"zt_{name}": AGREEING.format(name=name, distribution=distribution, requirements=requirements)},
    )
    registry = IntegrationRegistry(group=group)
    from_metadata = registry.installed()[name].problems()
    cls = registry.get(name)
    assert cls.core_requirements() == [core]
    assert sorted(cls.problems()) == sorted(from_metadata)
    if len(requirements) > 1:
        assert sorted(from_metadata) == [
            f"{core} wanted, 0.1.0 installed",
            "zt-never-installed>=1 wanted, zt-never-installed is not installed",
        ]
    else:
        assert from_metadata == []
