"""tools/release.py publish stops, with a clear message and nothing uploaded, on each way a release goes wrong.

Against a real pypiserver on 127.0.0.1 that needs a password, with the working tree's packages.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tests.release.servers import Index, free_port, run
from tests.tooling.repo import clean_env
from tools.packages import ROOT, by_name, discover

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

GCP = by_name(discover())["gcp"]
TAG = f"{GCP.distribution}-v{GCP.version}"


def publish(index: Index, tag: str, out: Path, *, password: str | None = None,
            check_url: str | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    env = clean_env(UV_PUBLISH_USERNAME=index.username, UV_PUBLISH_PASSWORD=password or index.password)
    return run(sys.executable, str(ROOT / "tools" / "release.py"), "publish", tag, "--publish-url", f"{index.url}/",
               "--check-url", check_url or index.simple, "--out", str(out), env=env, cwd=ROOT)  # fmt: skip


def test_a_tag_that_does_not_match_the_version_stops_before_anything_is_built(index: Index, tmp_path: Path) -> None:
    result = publish(index, f"{GCP.distribution}-v9.9.9", tmp_path / "dist")
    assert result.returncode == 1
    assert (
        f"tag {GCP.distribution}-v9.9.9 says 9.9.9 but packages/zenml-gcp is at version {GCP.version}" in result.stderr
    )
    assert not (tmp_path / "dist").exists()
    assert index.files(GCP.distribution) == []


def test_a_failing_upload_stops_the_release_and_says_why(index: Index, tmp_path: Path) -> None:
    result = publish(index, TAG, tmp_path / "dist", password="not-the-password")
    assert result.returncode == 1
    assert f"the upload to {index.url}/ failed, so the release stopped" in result.stderr
    assert "403" in result.stderr or "401" in result.stderr or "credentials" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert index.files(GCP.distribution) == []


def test_an_unreachable_index_stops_the_release(index: Index, tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/simple/"
    result = publish(index, TAG, tmp_path / "dist", check_url=closed)
    assert result.returncode == 1
    assert f"cannot read {closed}zenml-gcp/ to check for an existing release" in result.stderr


def test_a_version_already_on_the_index_is_never_replaced(index: Index, tmp_path: Path) -> None:
    first = publish(index, TAG, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    stored = index.files(GCP.distribution)
    stem = f"zenml_gcp-{GCP.version}"
    assert stored == [f"{stem}-py3-none-any.whl", f"{stem}.tar.gz"]
    again = publish(index, TAG, tmp_path / "again")
    assert again.returncode == 1
    assert f"zenml-gcp {GCP.version} is already on {index.simple}" in again.stderr
    assert "a published version is never replaced" in again.stderr
    assert index.files(GCP.distribution) == stored


def test_the_build_folder_must_be_empty_so_only_this_package_ships(index: Index, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "zenml_core-0.0.1-py3-none-any.whl").write_text("")
    result = publish(index, TAG, out)
    assert result.returncode == 1
    assert "is not empty: the release builds into an empty folder" in result.stderr
