"""The emulator's listings page as GCS's do, through google-cloud-storage."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gcs


def test_listings_are_paged_in_name_order_with_prefixes_counted_as_entries(gcs_bucket: str) -> None:
    from google.cloud import storage

    client = storage.Client(project="test")
    bucket = client.bucket(gcs_bucket)
    names = ["a/1", "a/2", "b", "c/x/1", "c/y", "d"]
    for name in reversed(names):
        bucket.blob(name).upload_from_string(b"")

    pages = list(client.list_blobs(gcs_bucket, page_size=2).pages)
    assert [[blob.name for blob in page] for page in pages] == [names[0:2], names[2:4], names[4:6]]

    iterator = client.list_blobs(gcs_bucket, delimiter="/", page_size=2)
    pages = [([blob.name for blob in page], list(page.prefixes)) for page in iterator.pages]
    assert pages == [(["b"], ["a/"]), (["d"], ["c/"])]  # a prefix takes a place in the page, once

    subset = client.list_blobs(gcs_bucket, prefix="c/", delimiter="/", page_size=1)
    pages = [([blob.name for blob in page], list(page.prefixes)) for page in subset.pages]
    assert pages == [([], ["c/x/"]), (["c/y"], [])]
    offset = client.list_blobs(gcs_bucket, start_offset="b", end_offset="d")
    assert [blob.name for blob in offset] == ["b", "c/x/1", "c/y"]
    assert [blob.name for blob in client.list_blobs(gcs_bucket, prefix="a/", max_results=1)] == ["a/1"]
