"""A lazily opened handle on one bucket, shared by the GCS artifact and metadata stores.

Nothing is imported from Google and no request is made until :attr:`GCSConnection.bucket`
is first used. The handle is rebuilt in a forked child process.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from zenml.integrations.gcp.errors import (
    GCSBucketNotFoundError,
    GCSError,
    gs_uri,
    translate_errors,
)
from zenml.integrations.gcp.paths import join_key, parse_gcs_path

if TYPE_CHECKING:
    from google.cloud.storage import Bucket, Client


def default_retry(timeout: float | None = None) -> Any:
    """The client's own retry policy (429, 5xx, resets, timeouts), optionally giving up after ``timeout`` seconds."""
    from google.cloud.storage.retry import DEFAULT_RETRY

    if timeout is None:
        return DEFAULT_RETRY
    return DEFAULT_RETRY.with_timeout(timeout).with_delay(
        initial=min(1.0, timeout / 20), maximum=min(60.0, timeout / 4)
    )


class GCSConnection:
    """``gs://bucket/prefix`` plus credentials; connects on first use and checks the bucket once."""

    def __init__(
        self,
        path: str,
        *,
        project: str | None = None,
        credentials_file: str | None = None,
        retry_timeout: float | str | None = None,
    ) -> None:
        self.path = path
        self.retry_timeout = _seconds(retry_timeout)
        self.bucket_name, self.prefix = parse_gcs_path(path)
        self.project = project
        self.credentials_file = _existing_file(credentials_file)
        self._client: Client | None = None
        self._bucket: Bucket | None = None
        self._pid = -1

    @property
    def retry(self) -> Any:
        """The retry policy every request of this connection uses."""
        return default_retry(self.retry_timeout)

    def key(self, name: str) -> str:
        """The object name of a validated relative ``name``."""
        return join_key(self.prefix, name)

    def uri(self, key: str) -> str:
        return gs_uri(self.bucket_name, key)

    @property
    def client(self) -> Client:
        self._connect()
        assert self._client is not None
        return self._client

    @property
    def bucket(self) -> Bucket:
        self._connect()
        assert self._bucket is not None
        return self._bucket

    def _connect(self) -> None:
        if self._bucket is not None and self._pid == os.getpid():
            return
        from google.api_core import exceptions as api

        from zenml.integrations.gcp.client import make_client

        client = make_client(project=self.project, credentials_file=self.credentials_file)
        bucket = client.bucket(self.bucket_name)
        try:
            with translate_errors("open bucket", self.bucket_name):
                try:
                    bucket.reload(retry=self.retry)
                except api.NotFound:
                    raise GCSBucketNotFoundError(
                        f"GCS bucket {self.bucket_name!r} does not exist (path {self.path!r}). Create it with "
                        f"`gcloud storage buckets create gs://{self.bucket_name}` or fix the path."
                    ) from None
                except api.Forbidden:
                    pass  # may use objects without permission to read the bucket's metadata
        except GCSError:
            client.close()
            raise
        self._client, self._bucket, self._pid = client, bucket, os.getpid()

    def close(self) -> None:
        if self._client is not None and self._pid == os.getpid():
            self._client.close()
        self._client = self._bucket = None


def _seconds(value: float | str | None) -> float | None:
    if value is None or value == "":
        return None
    from zenml.stack.options import number_option

    return number_option("retry_timeout", value, unit="seconds", positive=True)


def _existing_file(credentials_file: str | None) -> str | None:
    """``credentials_file`` if it names an existing file (checked when the component is built: no request)."""
    if credentials_file and not os.path.isfile(os.path.expanduser(credentials_file)):
        from zenml.stack.component import InvalidOptionError

        raise InvalidOptionError(
            f"option credentials_file: {credentials_file!r} does not exist (or is not a file); point it at a "
            "service-account key file (JSON), or remove the option to use Application Default Credentials "
            "(`gcloud auth application-default login`)"
        )
    return credentials_file
