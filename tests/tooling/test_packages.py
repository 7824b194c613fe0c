"""tools/packages.py: discovery of packages/*, their declarations, and what depends on what."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from tools.packages import PYTHONS, PackageError, by_name, dependents, discover, load

if TYPE_CHECKING:
    from pathlib import Path


def test_discovers_core_first_then_the_integrations() -> None:
    packages = discover()
    assert packages[0].distribution == "zenml-core"
    names = by_name(packages)
    assert {"core", "gcp", "tensorflow"} <= set(names)
    gcp = names["gcp"]
    assert (gcp.distribution, gcp.entry_point) == ("zenml-gcp", "zenml.integrations.gcp:GcpIntegration")
    assert gcp.subtree == "zenml/integrations/gcp"
    assert gcp.sibling_dependencies == ("zenml-core",)
    assert gcp.flavors == (("artifact_store", "gcp"), ("metadata_store", "gcp"))
    assert gcp.test_pythons == PYTHONS
    assert names["tensorflow"].ci_extra == "tensorflow-cpu"
    assert names["tensorflow"].core_extras == (("tensorflow", ("tensorflow",)), ("tensorflow-cpu", ("cpu",)))


def test_a_change_to_core_reaches_every_package_and_one_to_an_integration_only_it() -> None:
    packages = discover()
    assert dependents(packages, {"core"}) == {package.name for package in packages}
    assert dependents(packages, {"gcp"}) == {"gcp"}


def test_commands_are_read_as_declared(tmp_path: Path) -> None:
    text = _GOOD + '[tool.zenml.commands]\nup = {reference = "zenml.integrations.x.cli:up", help = "Start it."}\n'
    assert load(_package(tmp_path, "zenml-x", text)).commands == (("up", "zenml.integrations.x.cli:up", "Start it."),)


def _package(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "packages" / name
    shutil.copytree(discover()[1].path / "src", folder / "src")  # any __about__.py will do
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder


_GOOD = """
[project]
name = "zenml-x"
dependencies = ["zenml-core>=0.1,<0.2"]
[project.entry-points."zenml.integrations"]
x = "zenml.integrations.x:XIntegration"
[tool.hatch.version]
path = "src/zenml/integrations/gcp/__about__.py"
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('name = "zenml-x"', 'name = "zenml-y"'), "must be the folder's name"),
        (('x = "zenml', '[project.entry-points."zenml.integrations"]\nx = "zenml'), "zenml.integrations"),
        (('[tool.hatch.version]\npath = "src/zenml/integrations/gcp/__about__.py"', ""), "__about__.py"),
        (("", '[tool.zenml]\nflavors = ["artifact_store"]'), "component_type:flavor"),
        (("", '[tool.zenml.tests]\npythons = ["3.9"]'), "not supported"),
        (("", '[tool.zenml]\nci-extra = "nope"'), "not one of core-extras"),
        (("", "[tool.zenml]\nsummary = 3"), "must be a string"),
        (("", '[tool.zenml.commands]\nUp = {reference = "zenml.integrations.x.cli:up", help = "h"}'), "lowercase"),
        (("", '[tool.zenml.commands]\nup = {reference = "zenml.integrations.x.cli:up"}'), "reference = "),
        (("", '[tool.zenml.commands]\nup = {reference = "elsewhere.cli:up", help = "h"}'), "zenml.integrations.x."),
        (("", '[tool.zenml.commands]\nup = {reference = "zenml.integrations.x.cli:up", help = " "}'), "one non-empty"),
        (('dependencies = ["zenml-core>=0.1,<0.2"]', "dependencies = ["), "zenml-x"),
    ],
)
def test_a_bad_declaration_is_an_error_that_names_the_file(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    old, new = edit
    text = _GOOD.replace(old, new, 1) if old else _GOOD + new + "\n"
    folder = _package(tmp_path, "zenml-x", text)
    with pytest.raises(PackageError, match=message) as caught:
        load(folder)
    assert str(folder / "pyproject.toml") in str(caught.value)
