"""Requirement checks against the real environment (tensorflow-cpu is installed, tensorflow is not)."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from zenml.integrations.requirements import (
    canonical_name,
    check_requirements,
    core_requirements_of,
    find_provider,
    requirement_problem,
    requirements_of_distribution,
)

MakeDistribution = Callable[..., Path]


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_tensorflow_is_provided_by_tensorflow_cpu() -> None:
    with pytest.raises(PackageNotFoundError):
        version("tensorflow")  # the point of the test: only tensorflow-cpu is installed
    provider = find_provider("tensorflow")
    assert provider is not None
    assert provider.name == "tensorflow-cpu"
    assert provider.version == version("tensorflow-cpu")
    assert check_requirements(["tensorflow>=2.16"]) == []


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_version_conflict_names_the_providing_distribution() -> None:
    installed = version("tensorflow-cpu")
    assert check_requirements(["tensorflow>=99"]) == [
        f"tensorflow>=99 wanted, {installed} installed (from tensorflow-cpu)"
    ]


def test_version_conflict_of_the_distribution_itself() -> None:
    installed = version("packaging")
    assert check_requirements(["packaging<1"]) == [f"packaging<1 wanted, {installed} installed"]


def test_missing_distribution() -> None:
    assert check_requirements(["zt-not-installed-anywhere>=1"]) == [
        "zt-not-installed-anywhere>=1 wanted, zt-not-installed-anywhere is not installed"
    ]


def test_unparsable_requirement_is_a_problem_not_an_exception() -> None:
    (problem,) = check_requirements(["foo bar"])
    assert problem.startswith("requirement 'foo bar' does not parse:")


def test_markers_that_do_not_apply_are_skipped_and_others_are_checked() -> None:
    assert check_requirements(["zt-missing; python_version < '3'"]) == []
    assert check_requirements(["zt-missing; python_version >= '3'"]) == [
        'zt-missing; python_version >= "3" wanted, zt-missing is not installed'
    ]


def test_each_problem_is_reported_and_met_requirements_are_not() -> None:
    problems = check_requirements(["packaging", "zt-a", "zt-b>=1", "packaging<1"])
    assert len(problems) == 3
    assert [p.split(" ")[0] for p in problems] == ["zt-a", "zt-b>=1", "packaging<1"]


def test_import_package_found_beyond_the_alias_table(make_distribution: MakeDistribution) -> None:
    make_distribution("zt-acme-fast", "1.5", top_level=("zt_acme",), modules={"zt_acme.__init__": ""})
    provider = find_provider("zt-acme")
    assert provider is not None
    assert provider.name == "zt-acme-fast"
    assert check_requirements(["zt-acme>=1"]) == []
    assert check_requirements(["zt-acme>=2"]) == ["zt-acme>=2 wanted, 1.5 installed (from zt-acme-fast)"]


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_requirements_of_requested_extras_are_checked(make_distribution: MakeDistribution) -> None:
    make_distribution(
        "zt-extras",
        requires=["packaging", "zt-missing-extra-dep>=1; extra == 'more'"],
    )
    assert check_requirements(["zt-extras"]) == []
    assert check_requirements(["zt-extras[more]"]) == [
        "zt-missing-extra-dep>=1 wanted, zt-missing-extra-dep is not installed"
    ]
    assert requirement_problem("zenml-tensorflow[cpu]") is None  # tensorflow-cpu>=2.16 is installed


def test_extras_that_require_each_other_are_checked_once(make_distribution: MakeDistribution) -> None:
    make_distribution(
        "zt-cycle",
        requires=[
            "zt-cycle[y]; extra == 'x'",
            "zt-cycle[x]; extra == 'y'",
            "zt-cycle-missing>=2; extra == 'y'",
        ],
    )
    # Before the fix this raised RecursionError (a[x] needs a[y] needs a[x] ...).
    assert check_requirements(["zt-cycle[x]"]) == ["zt-cycle-missing>=2 wanted, zt-cycle-missing is not installed"]
    assert requirement_problem("zt-cycle[x,y]") == "zt-cycle-missing>=2 wanted, zt-cycle-missing is not installed"


def test_requirements_of_distribution_collapses_alternative_extras(make_distribution: MakeDistribution) -> None:
    make_distribution(
        "zt-tf-like",
        requires=[
            "zenml-core<0.2,>=0.1",
            "packaging>=20; python_version >= '3'",
            "tensorflow>=2.16; extra == 'tensorflow'",
            "tensorflow-cpu>=2.16; extra == 'cpu'",
            "pytest; extra == 'dev'",
        ],
    )
    assert requirements_of_distribution("zt-tf-like", exclude=["zenml-core"]) == [
        'packaging>=20; python_version >= "3"',
        "tensorflow>=2.16",
    ]
    assert "zenml-core<0.2,>=0.1" in requirements_of_distribution("zt-tf-like")


def test_requirements_of_a_missing_distribution_raise() -> None:
    with pytest.raises(PackageNotFoundError):
        requirements_of_distribution("zt-not-installed-anywhere")


def test_canonical_name() -> None:
    assert canonical_name("Tensorflow_CPU") == "tensorflow-cpu"


def test_core_requirements_of_keeps_the_zenml_core_lines_not_behind_an_extra() -> None:
    lines = [
        "google-cloud-storage>=2.10",
        "zenml-core<0.2,>=0.1",
        "zenml_core>=0.1; python_version >= '3.10'",
        "zenml-core[gcp]; extra == 'all'",
        "not a requirement [",
    ]
    assert core_requirements_of(lines) == ["zenml-core<0.2,>=0.1", 'zenml_core>=0.1; python_version >= "3.10"']
