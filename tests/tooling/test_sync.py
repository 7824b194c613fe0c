"""tools/sync.py: core's catalog, extras and workspace sources are generated from the packages, and stay fresh."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import sync
from tools.packages import PackageError, discover

ROOT = Path(__file__).resolve().parents[2]


def test_the_checked_in_generated_files_are_fresh() -> None:
    stale = [str(path.relative_to(ROOT)) for path in sync.stale(ROOT)]
    assert stale == [], f"stale generated files {stale}: run `python3 dev.py sync` and commit the result"


def test_uv_lock_is_fresh() -> None:
    if shutil.which("uv") is None:
        pytest.skip("uv is not on PATH (python3 dev.py provides it)")
    problem = sync.lock(ROOT, check=True)
    assert problem is None, f"{problem}\nrun `python3 dev.py sync` and commit uv.lock"


def test_the_catalog_lists_every_integration_as_it_declares_itself() -> None:
    from zenml.integrations.catalog import CATALOG

    integrations = [package for package in discover() if not package.is_core]
    assert sorted(CATALOG) == sorted(package.name for package in integrations)
    for package in integrations:
        entry = CATALOG[package.name]
        assert (entry.distribution, entry.summary) == (package.distribution, package.summary)
        assert (entry.flavors, entry.type_packages) == (package.flavors, package.type_packages)
        assert entry.default_extra == package.default_extra
        assert entry.commands == package.commands


def test_check_names_a_stale_file_and_sync_repairs_it(tmp_path: Path) -> None:
    from tests.tooling.repo import copy_repository, git

    repo = copy_repository(tmp_path / "repo")
    pyproject = repo / "packages" / "zenml-gcp" / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('type-packages = ["google"]', 'type-packages = ["google", "grpc"]'), "utf-8")
    script = str(repo / "tools" / "sync.py")
    check = subprocess.run(
        [sys.executable, script, "--check", "--no-lock"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 1
    assert "stale: packages/zenml-core/src/zenml/integrations/_catalog_data.py" in check.stderr
    assert "python3 dev.py sync" in check.stderr
    subprocess.run([sys.executable, script, "--no-lock"], check=True, capture_output=True)
    assert '("google", "grpc")' in (repo / "packages/zenml-core/src/zenml/integrations/_catalog_data.py").read_text()
    assert git(repo, "status", "--porcelain").split() == [
        "M", "packages/zenml-core/src/zenml/integrations/_catalog_data.py", "M", "packages/zenml-gcp/pyproject.toml"
    ]  # fmt: skip


def test_two_packages_claiming_one_core_extra_is_an_error(tmp_path: Path) -> None:
    from tests.tooling.repo import copy_repository

    repo = copy_repository(tmp_path / "repo")
    pyproject = repo / "packages" / "zenml-gcp" / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("core-extras = { gcp = [] }", "core-extras = { gcp = [], numpy = [] }"), "utf-8")
    with pytest.raises(PackageError, match=r"claim the zenml-core extra\(s\) \['numpy'\]"):
        sync.generated(repo)
