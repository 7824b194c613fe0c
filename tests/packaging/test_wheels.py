"""Every built wheel and sdist has the layout and metadata the namespace design needs.

An integration wheel that shipped ``zenml/__init__.py`` or
``zenml/integrations/__init__.py`` would delete core's files when it is
uninstalled, so each one must hold its own subtree and nothing else.
"""

from __future__ import annotations

import configparser
import email.parser
import tarfile
import zipfile
from typing import TYPE_CHECKING

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tools.packages import PYTHONS, discover

if TYPE_CHECKING:
    from email.message import Message
    from pathlib import Path

PACKAGES = {package.distribution: package for package in discover()}
DISTRIBUTIONS = sorted(PACKAGES)
INTEGRATIONS = sorted(name for name, package in PACKAGES.items() if not package.is_core)
CORE_EXTRAS = [(extra, name, set(own)) for name in INTEGRATIONS for extra, own in PACKAGES[name].core_extras]


def names_in(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def dist_info(wheel: Path) -> str:
    name, version = wheel.name.split("-")[:2]
    return f"{name}-{version}.dist-info/"


def read(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member).decode("utf-8")


def metadata(wheel: Path) -> Message:
    return email.parser.Parser().parsestr(read(wheel, dist_info(wheel) + "METADATA"))


def entry_points(wheel: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(read(wheel, dist_info(wheel) + "entry_points.txt"))
    return parser


def requirements(message: Message) -> list[Requirement]:
    return [Requirement(line) for line in message.get_all("Requires-Dist") or []]


def extra_requirements(message: Message, extra: str) -> list[Requirement]:
    return [req for req in requirements(message) if req.marker and req.marker.evaluate({"extra": extra})]


def base_requirements(message: Message) -> list[Requirement]:
    return [req for req in requirements(message) if not req.marker or req.marker.evaluate({"extra": ""})]


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_wheel_is_pure_python_and_named_after_its_version(
    distribution: str, wheels: dict[str, Path], source_versions: dict[str, str]
) -> None:
    wheel = wheels[distribution]
    assert wheel.name == f"{distribution.replace('-', '_')}-{source_versions[distribution]}-py3-none-any.whl"


@pytest.mark.parametrize("distribution", INTEGRATIONS)
def test_integration_wheel_holds_only_its_own_subtree(distribution: str, wheels: dict[str, Path]) -> None:
    wheel = wheels[distribution]
    files = names_in(wheel)
    subtree = f"{PACKAGES[distribution].subtree}/"
    assert "zenml/__init__.py" not in files
    assert "zenml/integrations/__init__.py" not in files
    strays = [name for name in files if not name.startswith((subtree, dist_info(wheel)))]
    assert strays == [], f"{wheel.name} ships files outside {subtree}: {strays}"
    assert f"{subtree}__init__.py" in files
    assert f"{subtree}__about__.py" in files


def test_core_wheel_holds_the_namespace_roots_and_no_integration(wheels: dict[str, Path]) -> None:
    wheel = wheels["zenml-core"]
    files = names_in(wheel)
    for required in ("zenml/__init__.py", "zenml/integrations/__init__.py", "zenml/__about__.py", "zenml/cli/main.py"):
        assert required in files
    strays = [name for name in files if not name.startswith(("zenml/", dist_info(wheel)))]
    assert strays == []
    for integration in INTEGRATIONS:
        assert not [name for name in files if name.startswith(f"{PACKAGES[integration].subtree}/")]


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_wheel_has_no_bytecode_tests_or_caches(distribution: str, wheels: dict[str, Path]) -> None:
    files = names_in(wheels[distribution])
    assert not [name for name in files if name.endswith((".pyc", ".pyo")) or "__pycache__" in name]
    assert not [name for name in files if "/tests/" in name or name.startswith("tests/")]


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_wheel_record_lists_every_file(distribution: str, wheels: dict[str, Path]) -> None:
    wheel = wheels[distribution]
    recorded = {line.split(",")[0] for line in read(wheel, dist_info(wheel) + "RECORD").splitlines() if line}
    assert recorded == set(names_in(wheel)) - {name for name in names_in(wheel) if name.endswith("/")}


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_wheel_ships_py_typed(distribution: str, wheels: dict[str, Path]) -> None:
    assert f"{PACKAGES[distribution].subtree}/py.typed" in names_in(wheels[distribution])


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_metadata_is_complete(distribution: str, wheels: dict[str, Path], source_versions: dict[str, str]) -> None:
    message = metadata(wheels[distribution])
    assert message["Name"] == distribution
    assert message["Version"] == source_versions[distribution]
    assert SpecifierSet(message["Requires-Python"]) == SpecifierSet(">=3.10")
    assert message.get("License-Expression") or message.get("License")
    assert message["Summary"]
    assert len(message["Summary"]) > 20
    assert message["Description-Content-Type"] == "text/markdown"
    description = message.get_payload()
    assert isinstance(description, str)
    assert description.strip(), "the README must be the long description"
    assert message.get_all("Project-URL"), "Project-URL entries are missing"
    classifiers = message.get_all("Classifier") or []
    for python in PYTHONS:
        assert f"Programming Language :: Python :: {python}" in classifiers
    assert "Typing :: Typed" in classifiers


@pytest.mark.parametrize("distribution", INTEGRATIONS)
def test_integration_requires_a_core_range_that_admits_this_core(
    distribution: str, wheels: dict[str, Path], source_versions: dict[str, str]
) -> None:
    core = [req for req in base_requirements(metadata(wheels[distribution])) if req.name == "zenml-core"]
    assert len(core) == 1, f"{distribution} must depend on zenml-core"
    specifier = core[0].specifier
    assert str(specifier), "zenml-core must be a version range, not unpinned"
    assert specifier.contains(source_versions["zenml-core"])
    assert any(spec.operator in {"<", "<=", "~=", "=="} for spec in specifier), "the core range needs an upper bound"


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_requires_dist_is_what_the_pyproject_declares(distribution: str, wheels: dict[str, Path]) -> None:
    declared = {Requirement(line) for line in PACKAGES[distribution].dependencies}
    unconditional = [req for req in requirements(metadata(wheels[distribution])) if "extra" not in str(req.marker)]
    assert set(unconditional) == declared


def test_tensorflow_flavour_is_chosen_by_extras(wheels: dict[str, Path]) -> None:
    message = metadata(wheels["zenml-tensorflow"])
    base = {canonicalize_name(req.name) for req in base_requirements(message)}
    assert not base & {"tensorflow", "tensorflow-cpu"}, "no hard TensorFlow dependency: any distribution of it will do"
    extras = set(message.get_all("Provides-Extra") or [])
    assert {"cpu", "tensorflow"} <= extras
    assert [req.name for req in extra_requirements(message, "cpu")] == ["tensorflow-cpu"]
    assert [req.name for req in extra_requirements(message, "tensorflow")] == ["tensorflow"]


@pytest.mark.parametrize(("extra", "sibling", "sibling_extras"), CORE_EXTRAS)
def test_core_extras_resolve_to_the_sibling_distributions(
    extra: str, sibling: str, sibling_extras: set[str], wheels: dict[str, Path], source_versions: dict[str, str]
) -> None:
    message = metadata(wheels["zenml-core"])
    assert extra in (message.get_all("Provides-Extra") or [])
    chosen = extra_requirements(message, extra)
    assert [req.name for req in chosen] == [sibling]
    assert chosen[0].extras == sibling_extras
    assert chosen[0].specifier.contains(source_versions[sibling]), "the extra must admit the sibling's current version"
    sibling_provides = set(metadata(wheels[sibling]).get_all("Provides-Extra") or [])
    assert sibling_extras <= sibling_provides


@pytest.mark.parametrize("distribution", INTEGRATIONS)
def test_integration_declares_its_entry_point(distribution: str, wheels: dict[str, Path]) -> None:
    wheel = wheels[distribution]
    package = PACKAGES[distribution]
    points = entry_points(wheel)
    assert dict(points["zenml.integrations"]) == {package.name: f"{package.import_path}:{package.class_name}"}
    assert f"class {package.class_name}(" in read(wheel, f"{package.subtree}/__init__.py")


def test_core_wheel_has_the_zenml_console_script(wheels: dict[str, Path]) -> None:
    points = entry_points(wheels["zenml-core"])
    assert dict(points["console_scripts"]) == {"zenml": "zenml.cli.main:main"}
    assert "def main(" in read(wheels["zenml-core"], "zenml/cli/main.py")


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_sdist_holds_sources_tests_readme_and_changelog(
    distribution: str, sdists: dict[str, Path], source_versions: dict[str, str]
) -> None:
    root = f"{distribution.replace('-', '_')}-{source_versions[distribution]}/"
    with tarfile.open(sdists[distribution]) as archive:
        members = [member.name for member in archive.getmembers() if member.isfile()]
    for required in ("pyproject.toml", "README.md", "CHANGELOG.md", "PKG-INFO"):
        assert root + required in members
    assert [name for name in members if name.startswith(root + "tests/") and name.endswith(".py")], "no tests"
    assert [name for name in members if name.startswith(root + "src/zenml/") and name.endswith("__about__.py")]
    assert not [name for name in members if "__pycache__" in name or name.endswith(".pyc")]
    if distribution != "zenml-core":
        assert root + "src/zenml/__init__.py" not in members
        assert root + "src/zenml/integrations/__init__.py" not in members
