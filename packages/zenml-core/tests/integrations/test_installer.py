"""The installer: command lines and failing cleanly without network (where from: test_install_source.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from shutil import which

import pytest

from zenml.integrations.installer import Installer, InstallerError, NoNetworkError


def _site_packages_listing() -> list[str]:
    return sorted(p.name for p in Path(sysconfig.get_paths()["purelib"]).iterdir())


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point uv and pip at a closed loopback port, without retries."""
    for variable in ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "PIP_INDEX_URL"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9/simple")
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("UV_NO_CACHE", "1")


def test_uv_runs_against_this_interpreter() -> None:
    installer = Installer(tool="uv")
    command = installer.describe("install", ["zt-x"])
    assert "pip install --python" in command
    assert sys.executable in command


def test_unknown_installer_is_refused() -> None:
    with pytest.raises(InstallerError, match="ZENML_INSTALLER='conda' is not supported"):
        Installer(tool="conda")


def test_without_network_nothing_changes(no_network: None) -> None:
    before = _site_packages_listing()
    installer = Installer(tool="uv")
    with pytest.raises(NoNetworkError) as caught:
        installer.preview_install(["zt-not-on-any-index>=1"])
    assert "cannot reach the package index" in str(caught.value)
    assert "Nothing was changed." in str(caught.value)
    with pytest.raises(NoNetworkError):
        installer.install(["zt-not-on-any-index>=1"])
    assert _site_packages_listing() == before


def test_offline_resolution_failure_is_reported_as_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_OFFLINE", "1")
    with pytest.raises(NoNetworkError):
        Installer(tool="uv").preview_install(["zt-not-in-any-cache>=1"])


def test_nothing_to_change_when_already_met(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_OFFLINE", "1")  # an installed, satisfied requirement needs no index
    assert Installer(tool="uv").preview_install(["packaging"]) == []


# -- a real round trip, offline, into a throwaway virtual environment -------------------------------

PLUG = """
from zenml.integrations.integration import Integration

class Plug(Integration):
    NAME = "plug"
    DISTRIBUTION = "zt-plug"
    REQUIREMENTS = [{requirement!r}]
"""


def build_wheel(directory: Path, name: str, version: str, files: dict[str, str], **metadata: object) -> Path:
    """Write a minimal, valid pure-Python wheel (with a hashed RECORD)."""
    import base64
    import hashlib
    import zipfile

    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {line}" for line in metadata.get("requires", ())]  # type: ignore[attr-defined]
    contents = dict(files)
    contents[f"{info}/METADATA"] = "\n".join(lines) + "\n"
    contents[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: zt\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    if "entry_points" in metadata:
        contents[f"{info}/entry_points.txt"] = str(metadata["entry_points"])
    record = []
    for path, text in contents.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    contents[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    wheel = directory / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in contents.items():
            archive.writestr(path, text)
    return wheel


@pytest.fixture
def throwaway_venv(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A venv that sees the development environment (zenml, click, ...) but installs into its own site-packages.

    Returns its python, a wheel directory (``zt-dep`` 1.0 and the ``plug`` integration requiring
    ``zt-dep>=1``, which is already installed without its dependency), and an offline environment.
    """
    uv = _uv()
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_wheel(wheels, "zt-dep", "1.0", {"zt_dep/__init__.py": ""})
    plug = build_wheel(
        wheels,
        "zt-plug",
        "1.0",
        {"zt_plug.py": PLUG.format(requirement="zt-dep>=1")},
        requires=["zt-dep>=1"],
        entry_points="[zenml.integrations]\nplug = zt_plug:Plug\n",
    )
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", str(venv), "--python", sys.executable], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dev = sysconfig.get_paths()["purelib"]
    Path(purelib, "zz_dev.pth").write_text(f"import site; site.addsitedir({dev!r})\n")
    env = {
        **os.environ,
        "PATH": f"{Path(uv).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "UV_OFFLINE": "1",
        "UV_FIND_LINKS": str(wheels),
        "UV_NO_CACHE": "1",
        "ZENML_INSTALLER": "uv",
    }
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), "--no-deps", str(plug)], env=env, check=True)
    return python, wheels, env


def _uv() -> str:
    return which("uv") or str(Path(sys.executable).parent / "uv")


def _zenml(python: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from zenml.cli.main import main; sys.argv[0] = 'zenml'; main()"
    return subprocess.run(
        [str(python), "-c", code, "integration", *args], capture_output=True, text=True, env=env, check=False
    )


def test_install_and_uninstall_round_trip(throwaway_venv: tuple[Path, Path, dict[str, str]]) -> None:
    python, _, env = throwaway_venv
    assert "not usable: zt-dep>=1 wanted, zt-dep is not installed" in _zenml(python, env, "list").stdout

    dry = _zenml(python, env, "install", "plug", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "+ zt-dep==1.0" in dry.stdout
    assert "not usable" in _zenml(python, env, "list").stdout  # a dry run changes nothing

    declined = _zenml(python, env, "install", "plug")  # no -y, and stdin is empty: not confirmed
    assert declined.returncode == 1
    assert "not usable" in _zenml(python, env, "list").stdout

    installed = _zenml(python, env, "install", "plug", "-y")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "Installed: plug." in installed.stdout
    assert "plug         zt-plug           1.0      usable" in _zenml(python, env, "list").stdout

    removed = _zenml(python, env, "uninstall", "plug", "-y")
    assert removed.returncode == 0, removed.stderr
    assert "- zt-plug==1.0" in removed.stdout
    assert "plug" not in _zenml(python, env, "list").stdout


Venv = tuple[Path, Path, dict[str, str]]


def test_install_reports_a_resolver_conflict(throwaway_venv: Venv, tmp_path: Path) -> None:
    python, _, env = throwaway_venv
    # a newer plug that needs zt-dep>=2, while only zt-dep 1.0 exists
    newer = build_wheel(
        tmp_path,
        "zt-plug",
        "2.0",
        {"zt_plug.py": PLUG.format(requirement="zt-dep>=2")},
        requires=["zt-dep>=2"],
        entry_points="[zenml.integrations]\nplug = zt_plug:Plug\n",
    )
    subprocess.run(
        [_uv(), "pip", "install", "-q", "--python", str(python), "--no-deps", str(newer)], env=env, check=True
    )
    result = _zenml(python, env, "install", "plug", "-y")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: uv could not resolve:")
    assert "zt-dep>=2" in result.stderr
    listing = _zenml(python, env, "list").stdout
    assert "not usable: zt-dep>=2 wanted, zt-dep is not installed" in listing
