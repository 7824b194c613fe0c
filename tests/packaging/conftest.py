"""Fixtures for the packaging tests: the built sdists and wheels of every package (discovered under packages/).

``nox -s wheels`` builds them into ``dist/`` and points ``ZENML_DIST_DIR`` at
it. Run alone (``pytest tests/packaging``), the fixture builds them into a
temporary directory with ``uv build`` or, without uv, ``python -m build``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.packages import Package, discover

ROOT = Path(__file__).resolve().parents[2]
PACKAGES: dict[str, Package] = {package.distribution: package for package in discover(ROOT)}
INTEGRATIONS = {name: package for name, package in PACKAGES.items() if not package.is_core}


def source_version(distribution: str) -> str:
    """The version in a package's ``__about__.py``, read as text (hatch reads it the same way)."""
    return PACKAGES[distribution].version


def _build(out: Path) -> None:
    uv = shutil.which("uv")
    for name, package in PACKAGES.items():
        if uv:
            command = [uv, "build", "--package", name, "--out-dir", str(out), "--quiet"]
        else:
            pytest.importorskip("build", reason="building wheels needs uv on PATH or the `build` package")
            command = [sys.executable, "-m", "build", "--outdir", str(out), str(package.path)]
        subprocess.run(command, cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def dist_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory holding exactly one sdist and one wheel per distribution."""
    configured = os.environ.get("ZENML_DIST_DIR")
    if configured:
        return Path(configured)
    out = tmp_path_factory.mktemp("dist")
    _build(out)
    return out


def _one(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    assert len(found) == 1, f"expected exactly one {pattern} in {dist}, found {[path.name for path in found]}"
    return found[0]


@pytest.fixture(scope="session")
def wheels(dist_dir: Path) -> dict[str, Path]:
    """Distribution name -> its wheel."""
    return {name: _one(dist_dir, f"{name.replace('-', '_')}-*.whl") for name in PACKAGES}


@pytest.fixture(scope="session")
def sdists(dist_dir: Path) -> dict[str, Path]:
    """Distribution name -> its sdist."""
    return {name: _one(dist_dir, f"{name.replace('-', '_')}-*.tar.gz") for name in PACKAGES}


@pytest.fixture(scope="session")
def source_versions() -> dict[str, str]:
    """Distribution name -> the version in its ``__about__.py``."""
    return {name: source_version(name) for name in PACKAGES}


@pytest.fixture(scope="session")
def about_files() -> dict[str, str]:
    """Distribution name -> its ``__about__.py``, relative to its folder."""
    return {name: package.version_file.relative_to(package.path).as_posix() for name, package in PACKAGES.items()}
