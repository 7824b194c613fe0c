"""Build a ``google.cloud.storage.Client`` from a component's configuration (imported on first use only).

Precedence: ``STORAGE_EMULATOR_HOST`` (anonymous credentials), then the
component's ``credentials_file`` (a service-account key), then Application
Default Credentials.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from zenml.integrations.gcp.errors import GCPCredentialsError, credentials_help

if TYPE_CHECKING:
    from google.cloud.storage import Client

EMULATOR_ENV = "STORAGE_EMULATOR_HOST"
EMULATOR_PROJECT = "zenml-emulator"
SCOPES = ("https://www.googleapis.com/auth/devstorage.read_write",)


def emulator_host() -> str | None:
    """The emulator endpoint from ``STORAGE_EMULATOR_HOST``, or ``None``."""
    return os.environ.get(EMULATOR_ENV) or None


def make_client(*, project: str | None = None, credentials_file: str | None = None) -> Client:
    """A storage client; :class:`GCPCredentialsError` (with how to fix it) when no credentials can be found.

    No request is made here except what Application Default Credentials
    themselves need to find a project (never when a key file or an emulator is used).
    """
    from google.cloud import storage

    if emulator_host():
        from google.auth.credentials import AnonymousCredentials

        return storage.Client(project=project or EMULATOR_PROJECT, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    credentials, found_project = _load_credentials(credentials_file)
    return storage.Client(project=project or found_project, credentials=credentials)


def _load_credentials(credentials_file: str | None) -> tuple[Any, str | None]:
    from google.auth import exceptions as auth_exceptions

    if credentials_file:
        path = os.path.expanduser(credentials_file)
        if not os.path.isfile(path):
            raise GCPCredentialsError(
                f"the credentials_file {credentials_file!r} does not exist. Point it at a service-account key "
                "file (JSON), or remove the option to use Application Default Credentials "
                "(`gcloud auth application-default login`)."
            )
        from google.oauth2 import service_account

        try:
            credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                path, scopes=SCOPES
            )
        except (ValueError, KeyError, OSError, auth_exceptions.GoogleAuthError) as exc:
            # The parser's message may quote the file's contents: report only the error type.
            raise GCPCredentialsError(
                f"the credentials_file {credentials_file!r} is not a valid service-account key file "
                f"({type(exc).__name__}). Download a new JSON key for the service account. {credentials_help()}"
            ) from None
        return credentials, credentials.project_id

    import google.auth

    try:
        credentials, project = google.auth.default(scopes=SCOPES)
    except auth_exceptions.DefaultCredentialsError as exc:
        reason = (str(exc).splitlines()[0] if str(exc) else type(exc).__name__).rstrip(". ")
        raise GCPCredentialsError(f"no Google Cloud credentials found: {reason}. {credentials_help()}") from None
    return credentials, project
