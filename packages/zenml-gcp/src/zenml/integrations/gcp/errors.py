"""The errors the GCS components raise, and the translation of Google client errors into them.

Messages name the bucket and object and say how to fix the problem. They never
contain credentials, tokens or upload session URLs.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from zenml.artifact_stores.base import ArtifactNotFoundError, ArtifactStoreUnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterator


class GCSError(OSError):
    """Base class of the errors raised by the GCS components."""


class GCPCredentialsError(GCSError):
    """No usable Google Cloud credentials were found."""


class GCSBucketNotFoundError(GCSError, FileNotFoundError):
    """The configured bucket does not exist."""


class GCSAccessDeniedError(GCSError, PermissionError):
    """The credentials may not perform an operation on the bucket or object."""


class GCSTransferError(GCSError, ArtifactStoreUnavailableError):
    """A request to GCS failed for good (after the client's own retries)."""


def gs_uri(bucket: str, key: str = "") -> str:
    return f"gs://{bucket}/{key}" if key else f"gs://{bucket}"


def describe_exception(exc: BaseException) -> str:
    """A short, secret-free description of a client exception: its type and HTTP status, no URLs."""
    code = getattr(exc, "code", None)
    response = getattr(exc, "response", None)
    if code is None and response is not None:
        code = getattr(response, "status_code", None)
    cause = exc
    # RetryError wraps the last real exception.
    last = getattr(exc, "cause", None) or exc.__cause__
    if type(exc).__name__ == "RetryError" and last is not None:
        cause = last
        code = getattr(last, "code", None) or getattr(getattr(last, "response", None), "status_code", None)
    name = type(cause).__name__
    return f"{name} (HTTP {code})" if code else name


def credentials_help() -> str:
    return (
        "Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
        "key file, or give the component a key file with `--option credentials_file=/path/to/key.json`. "
        "For a local emulator set STORAGE_EMULATOR_HOST=http://127.0.0.1:PORT."
    )


@contextmanager
def translate_errors(action: str, bucket: str, key: str = "") -> Iterator[None]:
    """Turn Google client errors raised inside the block into :class:`GCSError` subclasses.

    ``action`` is a verb phrase such as ``"read"`` or ``"upload"``.
    """
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth

    where = gs_uri(bucket, key)
    try:
        yield
    except api.NotFound:
        raise ArtifactNotFoundError(f"cannot {action} {where}: no such object") from None
    except (api.Forbidden, api.Unauthorized) as exc:
        raise GCSAccessDeniedError(
            f"cannot {action} {where}: access denied ({describe_exception(exc)}). Check that the credentials in "
            f"use may read and write bucket {bucket!r}. {credentials_help()}"
        ) from None
    except (auth.DefaultCredentialsError, auth.RefreshError) as exc:
        raise GCPCredentialsError(
            f"cannot {action} {where}: no usable Google Cloud credentials ({type(exc).__name__}). {credentials_help()}"
        ) from None
    except GCSError:
        raise
    except (api.GoogleAPIError, auth.TransportError, ConnectionError, TimeoutError) as exc:
        raise GCSTransferError(f"cannot {action} {where}: {describe_exception(exc)}, after retries") from None
    except Exception as exc:
        if _is_transport_error(exc):
            raise GCSTransferError(f"cannot {action} {where}: {describe_exception(exc)}, after retries") from None
        raise


def _is_transport_error(exc: BaseException) -> bool:
    import requests
    from google.cloud.storage.exceptions import InvalidResponse

    return isinstance(exc, (requests.RequestException, InvalidResponse))
