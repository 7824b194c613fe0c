"""``zenml integration ...``: in-process for the installed integrations, in a subprocess for throwaway ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from zenml.cli.main import cli
from zenml.integrations.catalog import CATALOG


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["integration", *args], input=input)


def zenml(*args: str, site: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``zenml integration ...`` in a fresh interpreter with ``site`` on ``PYTHONPATH``."""
    env = {**os.environ, "PYTHONPATH": str(site), **(extra_env or {})}
    code = "import sys; from zenml.cli.main import main; sys.argv[0] = 'zenml'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "integration", *args], capture_output=True, text=True, env=env, check=False
    )


def write_integration(site: Path, name: str, requirements: list[str], *, module: str | None = None) -> None:
    """A throwaway installed integration: metadata declaring ``requirements`` and a matching class."""
    dist = f"zt-{name}"
    info = site / f"zt_{name}-0.3.dist-info"
    info.mkdir(parents=True)
    metadata = ["Metadata-Version: 2.1", f"Name: {dist}", "Version: 0.3"]
    metadata += [f"Requires-Dist: {line}" for line in requirements]
    (info / "METADATA").write_text("\n".join(metadata) + "\n")
    module = module or f"zt_{name}"
    (info / "entry_points.txt").write_text(f"[zenml.integrations]\n{name} = {module}:Thing\n")
    (site / f"zt_{name}.py").write_text(
        "from zenml.integrations.integration import Integration\n"
        f"class Thing(Integration):\n    NAME = {name!r}\n    DISTRIBUTION = {dist!r}\n"
        f"    REQUIREMENTS = {requirements!r}\n"
    )


def site_packages() -> list[str]:
    return sorted(p.name for p in Path(sysconfig.get_paths()["purelib"]).iterdir())


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_list_shows_every_integration_and_its_status() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["INTEGRATION", "DISTRIBUTION", "VERSION", "STATUS"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert sorted(rows) == sorted(CATALOG)
    assert rows["gcp"] == ["gcp", "zenml-gcp", "0.1.0", "usable"]
    assert rows["tensorflow"] == ["tensorflow", "zenml-tensorflow", "0.1.0", "usable"]


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_list_json() -> None:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    records = {record["name"]: record for record in json.loads(result.output)}
    assert records["tensorflow"]["usable"] is True
    assert records["tensorflow"]["problems"] == []
    assert records["gcp"]["entry_point"] == "zenml.integrations.gcp:GcpIntegration"


TF_DATASET = "zenml.integrations.tensorflow.materializers.dataset_materializer:DatasetMaterializer"


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_show_reports_requirements_and_components() -> None:
    result = run("show", "gcp", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["requirements"][0] == {"requirement": "google-cloud-storage>=3.0,<4", "problem": None}
    assert {f["flavor"] for f in record["flavors"]} == {"gcp"}
    text = run("show", "tensorflow").output
    assert "tensorflow>=2.16: ok" in text
    assert "keras:Model -> zenml.integrations.tensorflow.materializers.keras_materializer:KerasMaterializer" in text
    shown = json.loads(run("show", "tensorflow", "--json").output)["materializers"]
    assert {"reference": TF_DATASET, "types": ["tensorflow:data.Dataset"]} in shown


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_requirements_lines_for_pip() -> None:
    result = run("requirements", "gcp", "tensorflow")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["google-cloud-storage>=3.0,<4", "zenml-core<0.2,>=0.1", "tensorflow>=2.16"]


@pytest.mark.parametrize("command", ["show", "requirements", "install", "uninstall"])
def test_unknown_name_exits_2_with_the_closest_match(command: str) -> None:
    result = run(command, "tensorflw")
    assert result.exit_code == 2
    known = ", ".join(sorted(CATALOG))
    assert f"unknown integration 'tensorflw'. Did you mean 'tensorflow'? Known integrations: {known}." in result.output


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_install_of_a_usable_integration_does_nothing() -> None:
    result = run("install", "gcp", "--dry-run")
    assert result.exit_code == 0
    assert "gcp: zenml-gcp 0.1.0 is installed and usable; nothing to do." in result.output


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_uninstall_asks_and_aborts_without_changes() -> None:
    before = site_packages()
    result = run("uninstall", "gcp", input="n\n")
    assert result.exit_code == 1
    assert "- zenml-gcp==0.1.0" in result.output
    assert "aborted; nothing was changed." in result.output
    assert site_packages() == before


def test_broken_entry_point_is_listed_and_show_fails_cleanly(tmp_path: Path) -> None:
    write_integration(tmp_path, "broken", ["packaging"], module="zt_nowhere")
    listed = zenml("list", site=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "broken" in listed.stdout
    assert "not usable: module 'zt_nowhere' of the entry point 'broken = zt_nowhere:Thing' of zt-broken 0.3" in (
        listed.stdout
    )
    shown = zenml("show", "broken", site=tmp_path)
    assert shown.returncode == 1
    assert "Traceback" not in shown.stderr
    assert shown.stderr.strip() == (
        "Error: entry point 'broken = zt_nowhere:Thing' of zt-broken 0.3: module 'zt_nowhere' is not found. "
        "Reinstall or uninstall zt-broken."
    )


def test_unparsable_requirement_is_reported(tmp_path: Path) -> None:
    write_integration(tmp_path, "garbled", ["foo bar"])
    record = {r["name"]: r for r in json.loads(zenml("list", "--json", site=tmp_path).stdout)}["garbled"]
    assert record["usable"] is False
    assert record["problems"][0].startswith("requirement 'foo bar' does not parse")
    shown = zenml("show", "garbled", site=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "foo bar: requirement 'foo bar' does not parse" in shown.stdout


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_conflicting_requirement_and_install_without_network(tmp_path: Path) -> None:
    from importlib.metadata import version

    write_integration(tmp_path, "conflict", ["tensorflow>=99"])
    installed = version("tensorflow-cpu")
    listed = zenml("list", site=tmp_path)
    assert f"not usable: tensorflow>=99 wanted, {installed} installed (from tensorflow-cpu)" in listed.stdout

    before = site_packages()
    offline = {
        "UV_INDEX_URL": "http://127.0.0.1:9/simple",
        "UV_DEFAULT_INDEX": "http://127.0.0.1:9/simple",
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "UV_HTTP_RETRIES": "0",
        "PIP_RETRIES": "0",
        "UV_NO_CACHE": "1",
    }
    result = zenml("install", "conflict", "-y", site=tmp_path, extra_env=offline)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tensorflow-cpu>=99" in result.stdout  # upgrades the distribution that provides tensorflow
    assert "Traceback" not in result.stderr
    (message,) = result.stderr.strip().splitlines()
    assert message.startswith("Error: cannot reach the package index")
    assert message.endswith("Nothing was changed.")
    assert site_packages() == before


def core_alone(tmp_path: Path) -> dict[str, str]:
    """An environment with zenml-core, click and packaging only: ``python -S`` and a hand-made path."""
    import zenml

    site = tmp_path / "core-alone"
    if not site.exists():
        site.mkdir()
        for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
            if entry.name.startswith(("click", "packaging", "zenml_core-")):
                (site / entry.name).symlink_to(entry)
    core_src = Path(zenml.__file__).resolve().parents[1]
    return {"PYTHONPATH": os.pathsep.join([str(core_src), str(site)])}


def zenml_core_alone(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **core_alone(tmp_path), **extra}
    code = "import sys; from zenml.cli.main import main; sys.argv[0] = 'zenml'; main()"
    return subprocess.run(
        [sys.executable, "-S", "-c", code, "integration", *args], capture_output=True, text=True, env=env, check=False
    )


def test_catalog_integrations_are_known_before_they_are_installed(tmp_path: Path) -> None:
    listed = zenml_core_alone(tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split(maxsplit=3) for line in listed.stdout.splitlines()[1:]]
    assert rows == [
        [name, entry.distribution, "-", f"not installed: zenml integration install {name}"]
        for name, entry in sorted(CATALOG.items())
    ]
    shown = zenml_core_alone(tmp_path, "show", "tensorflow", "--json")
    record = json.loads(shown.stdout)
    assert record["installed"] is False
    assert record["requirements"] == [{"requirement": "zenml-tensorflow[tensorflow]", "problem": "not installed"}]
    assert zenml_core_alone(tmp_path, "requirements", "tensorflow", "gcp").stdout.split() == [
        "zenml-tensorflow[tensorflow]",
        "zenml-gcp",
    ]


def test_install_of_a_missing_integration_without_network(tmp_path: Path) -> None:
    before = site_packages()
    result = zenml_core_alone(
        tmp_path,
        "install",
        "tensorflow",
        "--dry-run",
        ZENML_INSTALL_SOURCE="index",
        ZENML_INSTALLER="uv",
        UV_INDEX_URL="http://127.0.0.1:9/simple",
        UV_DEFAULT_INDEX="http://127.0.0.1:9/simple",
        UV_HTTP_RETRIES="0",
        UV_NO_CACHE="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    assert result.returncode == 1
    assert "zenml-tensorflow[tensorflow]" in result.stdout  # no tensorflow here: the extra brings it
    assert result.stderr.startswith("Error: cannot reach the package index")
    assert "Traceback" not in result.stderr
    assert site_packages() == before


def test_install_explains_an_integration_that_needs_another_core(tmp_path: Path) -> None:
    from importlib.metadata import version

    write_integration(tmp_path, "newcore", ["zenml-core>=99"])
    core = version("zenml-core")
    before = site_packages()
    result = zenml("install", "newcore", "-y", site=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert f"newcore: zt-newcore 0.3 supports zenml-core>=99, but zenml-core {core} is installed" in message
    assert "never changes zenml-core" in message
    assert f'pip install "zt-newcore" "zenml-core=={core}"' in message
    assert 'pip install "zenml-core>=99"' in message
    assert site_packages() == before
