"""tools/release.py: a maintainer's bump (version + changelog from fragments) and the checks of a release tag."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.tooling.repo import clean_env, copy_repository, git
from tools.release import ReleaseError, next_version

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("current", "part", "expected"),
    [
        ("0.1.0", "patch", "0.1.1"),
        ("0.1.3", "minor", "0.2.0"),
        ("0.9.1", "major", "1.0.0"),
        ("0.1.0", "0.3.0", "0.3.0"),
    ],
)
def test_next_version(current: str, part: str, expected: str) -> None:
    assert next_version(current, part) == expected


@pytest.mark.parametrize(("part", "message"), [("0.1.0", "not above"), ("0.0.9", "not above"), ("huge", "neither")])
def test_a_bad_bump_is_refused(part: str, message: str) -> None:
    with pytest.raises(ReleaseError, match=message):
        next_version("0.1.0", part)


def test_a_package_never_released_may_take_its_current_version_once() -> None:
    assert next_version("0.1.0", "0.1.0", released=False) == "0.1.0"
    with pytest.raises(ReleaseError, match=r"not above the current 0.1.0 \(or 0.1.0 itself"):
        next_version("0.1.0", "0.0.9", released=False)


def release(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(repo / "tools" / "release.py"), *args], cwd=repo,
                          capture_output=True, text=True, check=False, env=clean_env())  # fmt: skip


def test_bump_builds_the_changelog_from_fragments_and_then_the_tag_is_ready(tmp_path: Path) -> None:
    assert shutil.which("towncrier"), "towncrier must be on PATH (nox -s tests-cross installs it)"
    repo = copy_repository(tmp_path / "repo")
    package = repo / "packages" / "zenml-gcp"
    (package / "changelog.d" / "31.fixed.md").write_text("Uploads retry on 503.\n", encoding="utf-8")
    (package / "changelog.d" / "+docs.added.md").write_text("A guide to shared histories.\n", encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "fragments")
    fragments = {f"packages/zenml-gcp/changelog.d/{path.name}" for path in (package / "changelog.d").glob("*.*.md")}

    early = release(repo, "check-tag", "zenml-gcp-v0.2.0")
    assert early.returncode == 1
    assert "tag zenml-gcp-v0.2.0 says 0.2.0 but packages/zenml-gcp is at version 0.1.0" in early.stderr

    result = release(repo, "bump", "zenml-gcp", "minor")
    assert result.returncode == 0, result.stderr
    assert "zenml-gcp: 0.1.0 -> 0.2.0" in result.stdout
    assert '__version__ = "0.2.0"' in (package / "src/zenml/integrations/gcp/__about__.py").read_text()
    changelog = (package / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog[changelog.index("## 0.2.0") : changelog.index("## 0.1.0")]
    assert "Uploads retry on 503. (#31)" in section
    assert "A guide to shared histories." in section
    assert sorted(path.name for path in (package / "changelog.d").iterdir()) == ["README.md"]
    changed = {line[3:] for line in git(repo, "status", "--porcelain").splitlines()}
    assert "packages/zenml-gcp/changelog.d/31.fixed.md" in fragments
    assert changed == {
        "packages/zenml-gcp/CHANGELOG.md",
        "packages/zenml-gcp/src/zenml/integrations/gcp/__about__.py",
        *fragments,
    }
    ready = release(repo, "check-tag", "zenml-gcp-v0.2.0")
    assert ready.returncode == 0, ready.stderr
    assert "zenml-gcp 0.2.0 is ready to publish" in ready.stdout


def test_the_first_release_of_a_new_package_builds_its_first_section(tmp_path: Path) -> None:
    """A package made by the scaffold has fragments and no section: bumping to its version is its first release."""
    repo = copy_repository(tmp_path / "repo")
    package = repo / "packages" / "zenml-gcp"
    template = (repo / "tools" / "integration_template" / "CHANGELOG.md.tmpl").read_text(encoding="utf-8")
    (package / "CHANGELOG.md").write_text(template.replace("${distribution}", "zenml-gcp"), encoding="utf-8")
    (package / "changelog.d" / "+first.added.md").write_text("First release.\n", encoding="utf-8")

    unready = release(repo, "check-tag", "zenml-gcp-v0.1.0")
    assert unready.returncode == 1
    assert "run `python3 dev.py release bump zenml-gcp 0.1.0` before tagging" in unready.stderr
    result = release(repo, "bump", "zenml-gcp", "0.1.0")
    assert result.returncode == 0, result.stderr
    assert "## 0.1.0" in (package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert release(repo, "check-tag", "zenml-gcp-v0.1.0").returncode == 0
    again = release(repo, "bump", "zenml-gcp", "0.1.0")
    assert again.returncode == 1
    assert "the new version 0.1.0 is not above the current 0.1.0\n" in again.stderr


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("zenml-nope-v0.1.0", "'zenml-nope' is not a package of this repository (packages: zenml-core, "),
        ("v0.1.0", "is not <distribution>-v<version>"),
        ("zenml-core-v0.1.1", "tag zenml-core-v0.1.1 says 0.1.1 but packages/zenml-core is at version 0.1.0"),
    ],
)
def test_a_tag_that_names_no_package_at_that_version_stops_the_release(tmp_path: Path, tag: str, message: str) -> None:
    repo = copy_repository(tmp_path / "repo")
    result = release(repo, "check-tag", tag)
    assert result.returncode == 1
    assert message in result.stderr


def test_a_tag_whose_changelog_lacks_the_version_stops_the_release(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path / "repo")
    about = repo / "packages/zenml-gcp/src/zenml/integrations/gcp/__about__.py"
    about.write_text('__version__ = "0.1.1"\n', encoding="utf-8")
    result = release(repo, "check-tag", "zenml-gcp-v0.1.1")
    assert result.returncode == 1
    assert "CHANGELOG.md has no section '## 0.1.1'" in result.stderr
