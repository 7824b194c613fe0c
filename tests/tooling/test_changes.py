"""tools/changes.py: which packages a change tests, and the changelog fragments it must bring."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.tooling.repo import copy_repository, git
from tools.changes import matrix, selected
from tools.packages import PYTHONS, discover

if TYPE_CHECKING:
    from pathlib import Path


def names(paths: list[str] | None) -> list[str]:
    return [package.name for package in selected(discover(), paths)]


def test_push_and_core_and_shared_files_test_everything_an_integration_only_itself() -> None:
    everything = [package.name for package in discover()]
    assert names(None) == everything
    assert names(["packages/zenml-core/src/zenml/client.py"]) == everything
    assert names(["noxfile.py"]) == everything
    assert names(["packages/zenml-gcp/src/zenml/integrations/gcp/paths.py", "packages/zenml-gcp/README.md"]) == ["gcp"]
    assert names(["packages/zenml-gcp/README.md", "packages/zenml-tensorflow/pyproject.toml"]) == ["gcp", "tensorflow"]


def test_the_matrix_has_each_python_and_the_lowest_bounds_of_each_package() -> None:
    (gcp,) = [package for package in discover() if package.name == "gcp"]
    include = matrix([gcp])["include"]
    assert [entry["session"] for entry in include] == [*(f"tests-gcp-{python}" for python in PYTHONS), "lowest(gcp)"]
    assert {entry["package"] for entry in include} == {"gcp"}
    assert include[-1]["python"] == gcp.test_pythons[0] == PYTHONS[0]


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(repo / "tools" / "changes.py"), *args], cwd=repo,
                          capture_output=True, text=True, check=False)  # fmt: skip


def commit(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "change")


@pytest.fixture
def branch(tmp_path: Path) -> Path:
    repo = copy_repository(tmp_path / "repo")
    git(repo, "checkout", "--quiet", "-b", "topic")
    return repo


def test_plan_of_a_pull_request_prints_only_the_touched_package(branch: Path) -> None:
    commit(branch, {"packages/zenml-gcp/README.md": "# zenml-gcp\n"})
    result = run(branch, "plan", "--base", "main")
    assert result.returncode == 0, result.stderr
    sessions = [entry["session"] for entry in json.loads(result.stdout)["include"]]
    assert sessions == [*(f"tests-gcp-{python}" for python in PYTHONS), "lowest(gcp)"]


def test_a_source_change_without_a_fragment_is_refused_and_one_with_a_fragment_passes(branch: Path) -> None:
    source = "packages/zenml-gcp/src/zenml/integrations/gcp/paths.py"
    commit(branch, {source: (branch / source).read_text(encoding="utf-8") + "\n# changed\n"})
    refused = run(branch, "changelog", "--base", "main")
    assert refused.returncode == 1
    assert "zenml-gcp: 1 file(s) under src/ changed" in refused.stderr
    assert "packages/zenml-gcp/changelog.d/<issue>.<type>.md" in refused.stderr
    commit(branch, {"packages/zenml-gcp/changelog.d/12.fixed.md": "Paths are fixed.\n"})
    accepted = run(branch, "changelog", "--base", "main")
    assert accepted.returncode == 0, accepted.stderr


def test_a_misnamed_fragment_is_refused(branch: Path) -> None:
    commit(branch, {"packages/zenml-gcp/changelog.d/12.improved.md": "Better.\n"})
    result = run(branch, "changelog", "--base", "main")
    assert result.returncode == 1
    assert "12.improved.md: a fragment is named <issue>.<type>.md" in result.stderr


def test_the_regenerated_catalog_needs_no_core_fragment(branch: Path) -> None:
    catalog = "packages/zenml-core/src/zenml/integrations/_catalog_data.py"
    commit(branch, {catalog: (branch / catalog).read_text(encoding="utf-8") + "\n"})
    assert run(branch, "changelog", "--base", "main").returncode == 0
