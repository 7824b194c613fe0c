"""Each package is versioned on its own: bumping one changes that package's ``__about__.py`` and nothing else."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from packaging.version import Version

from tools.packages import discover

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTIONS = [package.distribution for package in discover()]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", "dist", "build")


def snapshot(tree: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``tree``."""
    return {
        str(path.relative_to(tree)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(tree.rglob("*"))
        if path.is_file()
    }


def hatch_command() -> list[str]:
    hatch = shutil.which("hatch")
    if hatch is None:
        pytest.skip("hatch is not installed (nox -s wheels installs it)")
    return [hatch]


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_hatch_version_minor_changes_only_that_package(
    distribution: str, tmp_path: Path, about_files: dict[str, str], source_versions: dict[str, str]
) -> None:
    command = hatch_command()
    repo = tmp_path / "repo"
    for name in DISTRIBUTIONS:
        shutil.copytree(ROOT / "packages" / name, repo / "packages" / name, ignore=IGNORED)
    shutil.copyfile(ROOT / "pyproject.toml", repo / "pyproject.toml")
    before = snapshot(repo)
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_CACHE_HOME": str(home / ".cache")}  # fmt: skip
    for variable in ("VIRTUAL_ENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT"):  # set by nox; they would redirect hatch
        env.pop(variable, None)
    result = subprocess.run(
        [*command, "version", "minor"],
        cwd=repo / "packages" / distribution,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    after = snapshot(repo)
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    about = f"packages/{distribution}/{about_files[distribution]}"
    assert changed == [about]
    text = (repo / about).read_text(encoding="utf-8")
    match = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    assert match
    old = Version(source_versions[distribution])
    assert Version(match.group(1)) == Version(f"{old.major}.{old.minor + 1}.0")
