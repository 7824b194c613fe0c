"""ZenML's integration registry API, and an integration class copied from ZenML's repository.

The copied class (ZenML's ``zenml/integrations/numpy/__init__.py``, verbatim) is shipped in a
test-only wheel with a real ``.dist-info`` and entry point, installed with uv into a new venv
that sees this environment's packages; a fresh interpreter there discovers, checks and
activates it, and runs a pipeline whose step returns a type its materializers handle.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from zenml.exceptions import IntegrationError
from zenml.integrations.integration import Integration
from zenml.integrations.registry import IntegrationRegistry, UnknownIntegrationError
from zenml.stack.flavor import Flavor

FIXTURES = Path(__file__).parent / "fixtures" / "zenml_numpy_copy"


class DemoArtifactStoreFlavor(Flavor):
    @property
    def name(self) -> str:
        return "demo"

    @property
    def type(self) -> str:
        from zenml.enums import StackComponentType

        return StackComponentType.ARTIFACT_STORE

    @property
    def implementation_class(self) -> type:
        from zenml.artifact_stores.local import LocalArtifactStore

        return LocalArtifactStore


def test_registry_api_for_classes_defined_in_code() -> None:
    registry = IntegrationRegistry(group="zenml.integrations.none-installed")

    class DemoIntegration(Integration):
        NAME = "demo_api"
        REQUIREMENTS = ["packaging>=20", "click>=8; python_version >= '3'"]
        APT_PACKAGES = ["graphviz"]
        REQUIREMENTS_IGNORED_ON_UNINSTALL = ["packaging"]

        @classmethod
        def flavors(cls) -> list[type[Flavor]]:
            return [DemoArtifactStoreFlavor]

    from zenml.integrations.registry import integration_registry

    integration_registry.unregister("demo_api")
    registry.register_integration(DemoIntegration.NAME, DemoIntegration)
    assert registry.integrations["demo_api"] is DemoIntegration
    assert "demo_api" in registry.list_integration_names
    assert "gcp" in registry.list_integration_names  # the official catalog is known before install
    assert registry.is_installed("demo_api") is True
    assert "demo_api" in registry.get_installed_integrations()
    assert registry.select_integration_requirements("demo_api", target_os="Linux") == DemoIntegration.REQUIREMENTS
    assert registry.select_uninstall_requirements("demo_api") == ["click>=8; python_version >= '3'"]
    assert DemoIntegration.get_requirements(target_os="Windows", python_version="3.11") == DemoIntegration.REQUIREMENTS
    assert registry.select_integration_requirements("gcp") == ["zenml-gcp"]
    assert registry.is_installed("gcp") is False
    with pytest.raises(KeyError, match="unknown integration 'nope'"):
        registry.is_installed("nope")
    with pytest.raises(UnknownIntegrationError, match="Did you mean 'demo_api'"):
        registry.select_integration_requirements("demo_apj")
    with pytest.raises(IntegrationError, match="register_integration"):
        registry.integrations = {}  # type: ignore[misc]
    [flavor] = DemoIntegration.flavors()
    assert (flavor().name, flavor().component_type) == ("demo", "artifact_store")


def test_default_flavors_describe_the_flavor_references() -> None:
    class Refs(Integration):
        FLAVORS = {("artifact_store", "elsewhere"): "zenml.artifact_stores.local:LocalArtifactStore"}

    [flavor] = Refs.flavors()
    instance = flavor()
    assert (instance.name, instance.component_type) == ("elsewhere", "artifact_store")
    from zenml.artifact_stores.local import LocalArtifactStore

    assert instance.implementation_class is LocalArtifactStore


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _build_wheel(directory: Path) -> Path:
    """A wheel of ``zenml-numpy-copy`` shipping only ``zenml/integrations/numpy/**`` and its entry point."""
    dist_info = "zenml_numpy_copy-0.0.1.dist-info"
    files = {
        "zenml/integrations/numpy/__init__.py": (FIXTURES / "__init__.py.txt").read_bytes(),
        "zenml/integrations/numpy/materializers.py": (FIXTURES / "materializers.py.txt").read_bytes(),
        f"{dist_info}/METADATA": b"Metadata-Version: 2.1\nName: zenml-numpy-copy\nVersion: 0.0.1\n"
        b"Requires-Dist: numpy<3.0.0\n",
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: zenml-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist_info}/entry_points.txt": b"[zenml.integrations]\nnumpy = zenml.integrations.numpy:NumpyIntegration\n",
    }
    wheel = directory / "zenml_numpy_copy-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        lines = []
        for name, data in files.items():
            archive.writestr(name, data)
            lines.append(_record_line(name, data))
        lines.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(lines) + "\n")
    return wheel


@pytest.fixture
def venv_with_copied_integration(tmp_path: Path) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("this test installs a wheel with uv; put uv on PATH (python3 dev.py provides it)")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # this environment's packages (zenml-core and numpy), with their .pth files processed
    Path(purelib, "_parent_env.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n", encoding="utf-8"
    )
    wheel = _build_wheel(tmp_path)
    subprocess.run([uv, "pip", "install", "--python", str(python), "--no-deps", "--offline", str(wheel)],
                   check=True, capture_output=True)  # fmt: skip
    return python


PROGRAM = """
import json, warnings
from zenml.integrations.registry import integration_registry, activate_integrations
report = activate_integrations()
from zenml import pipeline, step
from zenml.integrations.numpy.materializers import Polynomial

@step
def fit() -> Polynomial:
    return Polynomial([1.0, 0.0, 2.0])

@step
def evaluate(poly: Polynomial) -> float:
    return poly(3.0)

@pipeline
def curve():
    evaluate(fit())

run = curve()
print(json.dumps({
    "activated": report.activated,
    "skipped": report.skipped,
    "names": "numpy" in integration_registry.list_integration_names,
    "installed": integration_registry.is_installed("numpy"),
    "installed_list": "numpy" in integration_registry.get_installed_integrations(),
    "requirements": integration_registry.select_integration_requirements("numpy"),
    "class": integration_registry.integrations["numpy"].__qualname__,
    "value": run.steps["evaluate"].output.load(),
    "materializer": run.steps["fit"].output.materializer,
}))
"""


def test_an_integration_copied_from_zenml_works_when_installed(
    venv_with_copied_integration: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config"), "ZENML_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [str(venv_with_copied_integration), "-c", PROGRAM], capture_output=True, text=True, env=env, cwd=tmp_path,
        check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert "numpy" in found["activated"], found
    assert "numpy" not in found["skipped"]
    assert (found["names"], found["installed"], found["installed_list"]) == (True, True, True)
    assert found["requirements"] == ["numpy<3.0.0"]
    assert found["class"] == "NumpyIntegration"
    assert found["value"] == 11.0  # 3**2 + 2
    assert found["materializer"] == "zenml.integrations.numpy.materializers:PolynomialMaterializer"
