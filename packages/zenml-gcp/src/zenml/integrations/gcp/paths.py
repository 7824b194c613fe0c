"""Parse and check ``gs://bucket/prefix`` paths (no Google library needed)."""

from __future__ import annotations

import re

SCHEME = "gs://"
# https://cloud.google.com/storage/docs/buckets#naming (dotted names up to 222 characters).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")


class InvalidGCSPathError(ValueError):
    """A path is not of the form ``gs://bucket[/prefix]``."""


def parse_gcs_path(path: object) -> tuple[str, str]:
    """Split ``gs://bucket/a/b`` into ``("bucket", "a/b")``; the prefix has no leading or trailing ``/``.

    Raises :class:`InvalidGCSPathError` with a message that says how to fix the path.
    """
    example = "gs://my-bucket/zenml"
    if not isinstance(path, str) or not path.startswith(SCHEME):
        raise InvalidGCSPathError(f"GCS path {path!r} must start with 'gs://', for example {example!r}")
    bucket, _, prefix = path[len(SCHEME) :].partition("/")
    if not bucket:
        raise InvalidGCSPathError(f"GCS path {path!r} names no bucket; use the form {example!r}")
    if not _BUCKET.match(bucket) or ".." in bucket or "_" in bucket[:1]:
        raise InvalidGCSPathError(
            f"GCS path {path!r}: {bucket!r} is not a valid bucket name (3-222 characters: lowercase letters, "
            f"digits, '-', '_' and '.', starting and ending with a letter or digit)"
        )
    parts = [part for part in prefix.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise InvalidGCSPathError(f"GCS path {path!r} must not contain '.' or '..' segments")
    if "\x00" in prefix or "\n" in prefix or "\r" in prefix:
        raise InvalidGCSPathError(f"GCS path {path!r} contains a control character")
    return bucket, "/".join(parts)


def join_key(prefix: str, name: str) -> str:
    """The object name of ``name`` (already validated) below ``prefix``."""
    if not prefix:
        return name
    return f"{prefix}/{name}" if name else prefix
