"""Where `zenml integration install` takes an official integration from: where zenml-core came from."""

from __future__ import annotations

import json
from importlib.metadata import distribution
from pathlib import Path

import pytest

from zenml.integrations.install_source import INDEX, core_origin, origin_of, source_for

CHECKOUT_PACKAGES = Path(__file__).resolve().parents[3]


def test_a_checkout_folder_gives_the_siblings_folders_editable_as_core_was() -> None:
    editable = origin_of({"url": "file:///x/packages/zenml-core", "dir_info": {"editable": True}})
    assert (editable.kind, editable.location, editable.editable) == ("checkout", "/x/packages", True)
    assert editable.arguments("zenml-gcp") == ["-e", "/x/packages/zenml-gcp"]
    assert editable.describe() == "the checkout /x/packages (editable)"
    plain = origin_of({"url": "file:///x/packages/zenml-core", "dir_info": {}})
    assert plain.arguments("zenml-tensorflow", ("cpu",)) == ["/x/packages/zenml-tensorflow[cpu]"]
    assert plain.describe() == "the checkout /x/packages"
    # A folder that is not a checkout's zenml-core (an unpacked sdist, say) says nothing about the siblings.
    assert origin_of({"url": "file:///tmp/zenml_core-0.1.0", "dir_info": {}}) is INDEX


def test_a_wheel_file_gives_its_directory_as_find_links() -> None:
    wheel = origin_of({"url": "file:///dist/zenml_core-0.1.0-py3-none-any.whl", "archive_info": {"hashes": {}}})
    assert wheel.arguments("zenml-gcp") == ["--find-links", "/dist", "zenml-gcp"]
    assert wheel.arguments("zenml-tensorflow", ("cpu",), version="0.1.0") == [
        "--find-links", "/dist", "zenml-tensorflow[cpu]==0.1.0",
    ]  # fmt: skip
    assert wheel.describe("PyPI") == "the wheel directory /dist, then PyPI"
    assert origin_of({"url": "file:///dist/with%20space/zenml_core-0.1.0.tar.gz", "archive_info": {}}).location == (
        "/dist/with space"
    )


def test_a_git_install_gives_the_siblings_subdirectory_at_the_same_commit() -> None:
    record = {
        "url": "https://github.com/zenml-io/zenml",
        "vcs_info": {"vcs": "git", "commit_id": "0123abc", "requested_revision": "main"},
        "subdirectory": "packages/zenml-core",
    }
    source = origin_of(record)
    assert source.arguments("zenml-tensorflow", ("cpu",)) == [
        "zenml-tensorflow[cpu] @ git+https://github.com/zenml-io/zenml@0123abc#subdirectory=packages/zenml-tensorflow"
    ]
    assert source.describe() == "git+https://github.com/zenml-io/zenml@0123abc"


@pytest.mark.parametrize(
    "record",
    [
        {"url": "https://example.org/zenml_core-0.1.0-py3-none-any.whl", "archive_info": {}},  # a remote file
        {"url": "https://github.com/x/z", "vcs_info": {"vcs": "hg", "commit_id": "1"}, "subdirectory": "zenml-core"},
        {"url": "https://github.com/x/y", "vcs_info": {"vcs": "git", "commit_id": "1"}, "subdirectory": "other"},
        {"dir_info": {}},
    ],
)
def test_anything_else_is_the_index(record: dict[str, object]) -> None:
    assert origin_of(record) is INDEX
    assert INDEX.arguments("zenml-gcp") == ["zenml-gcp"]
    assert INDEX.arguments("zenml-tensorflow", ("cpu",), version="0.1.0") == ["zenml-tensorflow[cpu]==0.1.0"]


def test_this_development_environment_is_an_editable_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    record = json.loads(distribution("zenml-core").read_text("direct_url.json") or "{}")
    assert record.get("dir_info", {}).get("editable"), "the tests run against an editable zenml-core"
    origin = core_origin()
    assert (origin.kind, Path(origin.location), origin.editable) == ("checkout", CHECKOUT_PACKAGES, True)
    assert source_for("zenml-gcp").arguments("zenml-gcp") == ["-e", str(CHECKOUT_PACKAGES / "zenml-gcp")]
    assert source_for("zenml-not-a-package") is INDEX  # a checkout without that folder
    monkeypatch.setenv("ZENML_INSTALL_SOURCE", "index")
    assert source_for("zenml-gcp") is INDEX
