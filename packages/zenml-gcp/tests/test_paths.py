"""gs:// path parsing: good paths split cleanly, bad ones fail at construction with a helpful message."""

from __future__ import annotations

import pytest

from zenml.integrations.gcp.artifact_store import GCPArtifactStore
from zenml.integrations.gcp.metadata_store import GCPMetadataStore
from zenml.integrations.gcp.paths import InvalidGCSPathError, join_key, parse_gcs_path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("gs://bucket", ("bucket", "")),
        ("gs://bucket/", ("bucket", "")),
        ("gs://my-bucket/a/b/", ("my-bucket", "a/b")),
        ("gs://my.bucket_1//a//b", ("my.bucket_1", "a/b")),
    ],
)
def test_valid_paths(path: str, expected: tuple[str, str]) -> None:
    assert parse_gcs_path(path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("s3://bucket/x", "must start with 'gs://'"),
        ("/local/dir", "must start with 'gs://'"),
        ("gs:/bucket", "must start with 'gs://'"),
        ("gs://", "names no bucket"),
        ("gs:///prefix", "names no bucket"),
        ("gs://Upper/x", "not a valid bucket name"),
        ("gs://ab/x", "not a valid bucket name"),
        ("gs://bad bucket/x", "not a valid bucket name"),
        ("gs://bucket/a/../b", "'..'"),
        (None, "must start with 'gs://'"),
    ],
)
def test_malformed_paths(path: object, message: str) -> None:
    with pytest.raises(InvalidGCSPathError, match=message):
        parse_gcs_path(path)


@pytest.mark.parametrize("cls", [GCPArtifactStore, GCPMetadataStore])
def test_malformed_path_fails_at_construction(cls: type) -> None:
    with pytest.raises(InvalidGCSPathError, match="gs://my-bucket"):
        cls("x", path="gcs://bucket/prefix")


def test_join_key() -> None:
    assert join_key("", "a/b") == "a/b"
    assert join_key("p", "a") == "p/a"
    assert join_key("p", "") == "p"
