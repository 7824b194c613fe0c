"""A lazily opened handle on one bucket, shared by the GCS artifact and metadata stores.

Nothing is imported from Google and no request is made until :attr:`GCSConnection.bucket`
is first used. The handle is rebuilt in a forked child process.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

from zenml.integrations.gcp.errors import (
    GCSBucketNotFoundError,
    GCSError,
    GCSTransferError,
    describe_exception,
    gs_uri,
    translate_errors,
)
from zenml.integrations.gcp.paths import join_key, parse_gcs_path

if TYPE_CHECKING:
    from google.cloud.storage import Bucket, Client

logger = logging.getLogger(__name__)

# How long the first request of a component (opening its bucket) retries when retry_timeout is not set: an
# endpoint that cannot be reached at all fails in this time instead of the client's 120 s.
CONNECT_TIMEOUT = 30.0
CONNECT_ATTEMPT_SECONDS = 10.0  # the longest one attempt to connect may take (a silent, firewalled endpoint)
GOOGLE_ENDPOINT = "https://storage.googleapis.com"


def endpoint() -> str:
    """Where requests go: ``STORAGE_EMULATOR_HOST`` or Google's endpoint."""
    return os.environ.get("STORAGE_EMULATOR_HOST") or GOOGLE_ENDPOINT


class RetryReporter:
    """The retry policy's ``on_error``: says what is being retried, and for how long, once a failure lasts.

    Silent for the first ``quiet_for`` seconds of a run of failures (a blip retried at once says nothing),
    then a warning at most every 10 s. Only the exception's type and HTTP status are logged, never a URL
    (a resumable-upload session URL is a bearer capability).
    """

    def __init__(self, what: str, budget: float | None, *, quiet_for: float = 2.0) -> None:
        self.what = what
        self.budget = budget
        self.quiet_for = quiet_for
        self._first = self._last = self._next = -1e9

    def __call__(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._last > 30:  # a new run of failures
            self._first, self._next = now, now + self.quiet_for
        self._last = now
        if now < self._next:
            return
        self._next = now + 10
        budget = f"up to {self.budget:g} s in all" if self.budget is not None else "as long as the client allows"
        lasted = f" for {now - self._first:.0f} s" if now - self._first >= 1 else ""
        logger.warning(
            "%s failed (%s)%s; retrying for %s (the component option retry_timeout sets this)",
            self.what,
            describe_exception(error),
            lasted,
            budget,
        )


def default_retry(timeout: float | None = None, on_error: RetryReporter | None = None) -> Any:
    """The client's own retry policy (429, 5xx, resets, timeouts), optionally giving up after ``timeout`` seconds."""
    from google.cloud.storage.retry import DEFAULT_RETRY

    if timeout is None:
        initial, maximum, timeout = DEFAULT_RETRY._initial, DEFAULT_RETRY._maximum, DEFAULT_RETRY.timeout
    else:
        initial, maximum = min(1.0, timeout / 20), min(60.0, timeout / 4)
    return type(DEFAULT_RETRY)(
        predicate=DEFAULT_RETRY._predicate,
        initial=initial,
        maximum=maximum,
        multiplier=DEFAULT_RETRY._multiplier,
        timeout=timeout,
        on_error=on_error,
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
        self._reporter = RetryReporter(f"requests to bucket {self.bucket_name!r} at {endpoint()}", self.retry_timeout)

    @property
    def retry(self) -> Any:
        """The retry policy every request of this connection uses."""
        return default_retry(self.retry_timeout, self._reporter)

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
        budget = self.retry_timeout or CONNECT_TIMEOUT
        where = endpoint()
        reporter = RetryReporter(f"reaching {where} to open bucket {self.bucket_name!r}", budget, quiet_for=0.0)
        began = time.monotonic()
        try:
            with translate_errors("open bucket", self.bucket_name):
                try:
                    bucket.reload(
                        retry=default_retry(budget, reporter),
                        timeout=(min(CONNECT_ATTEMPT_SECONDS, budget), 60),  # (connect, read)
                    )
                except api.NotFound:
                    raise GCSBucketNotFoundError(
                        f"GCS bucket {self.bucket_name!r} does not exist (path {self.path!r}). Create it with "
                        f"`gcloud storage buckets create gs://{self.bucket_name}` or fix the path."
                    ) from None
                except api.Forbidden:
                    pass  # may use objects without permission to read the bucket's metadata
        except GCSTransferError as error:
            client.close()
            raise GCSTransferError(
                f"cannot reach Google Cloud Storage at {where} to open bucket {self.bucket_name!r}: "
                f"{str(error).rsplit(': ', 1)[-1]} for {time.monotonic() - began:.0f} s. Check the network (and "
                "STORAGE_EMULATOR_HOST if you use an emulator); the component option retry_timeout sets how long "
                "to retry"
            ) from None
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
