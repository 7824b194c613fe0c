"""Missing or bad credentials and missing buckets: clear messages, no request outside loopback, no secrets."""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp.artifact_store import GCPArtifactStore
from zenml.integrations.gcp.errors import GCPCredentialsError, GCSBucketNotFoundError
from zenml.integrations.gcp.metadata_store import GCPMetadataStore

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.gcs


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail (and record) any connection attempt that is not to loopback."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError(f"test forbids network access to {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    return attempts


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No emulator, an empty gcloud config, and ADC pointing at a key file that does not exist."""
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    missing = tmp_path / "missing-key.json"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(missing))
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")  # in case anything probes the metadata server
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
    return missing


def test_missing_credentials_say_how_to_fix_before_any_request(no_credentials: Path, no_network: list[object]) -> None:
    store = GCPArtifactStore("remote", path="gs://some-bucket/zen")
    with pytest.raises(GCPCredentialsError) as info:
        store.exists("x")
    message = str(info.value)
    assert "gcloud auth application-default login" in message
    assert "credentials_file" in message
    assert no_network == []


def test_missing_credentials_file_in_config(no_credentials: Path, no_network: list[object], tmp_path: Path) -> None:
    from zenml.stack.component import InvalidOptionError

    missing = tmp_path / "nope.json"
    with pytest.raises(InvalidOptionError, match=r"credentials_file: .*nope\.json.* does not exist"):
        GCPMetadataStore("shared", path="gs://some-bucket/meta", credentials_file=str(missing))
    missing.write_text("{}")
    store = GCPMetadataStore("shared", path="gs://some-bucket/meta", credentials_file=str(missing))
    missing.unlink()  # gone after the store was built: refused at first use, before any request
    with pytest.raises(GCPCredentialsError, match=r"credentials_file .*nope\.json.* does not exist"):
        store.list_runs()
    assert no_network == []


def test_a_bad_key_file_never_leaks_its_contents(
    no_credentials: Path, no_network: list[object], tmp_path: Path
) -> None:
    secret = "-----BEGIN PRIVATE KEY-----SUPERSECRETKEYMATERIAL"
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({"type": "service_account", "private_key": secret, "client_email": "x@y"}))
    store = GCPArtifactStore("remote", path="gs://some-bucket/zen", credentials_file=str(key_file))
    with pytest.raises(GCPCredentialsError) as info:
        store.exists("x")
    assert "SUPERSECRET" not in str(info.value)
    assert "not a valid service-account key file" in str(info.value)
    assert "SUPERSECRET" not in json.dumps(store.describe())
    assert no_network == []


def test_bucket_that_does_not_exist_is_named_at_first_use(gcs_bucket: str) -> None:
    store = GCPArtifactStore("remote", path="gs://no-such-bucket-zen/x")
    with pytest.raises(GCSBucketNotFoundError, match="'no-such-bucket-zen' does not exist") as info:
        store.open("a", "wb")
    assert "gcloud storage buckets create gs://no-such-bucket-zen" in str(info.value)
    meta = GCPMetadataStore("shared", path="gs://no-such-bucket-zen/meta")
    with pytest.raises(GCSBucketNotFoundError, match="no-such-bucket-zen"):
        meta.list_runs()


def test_construction_and_describe_touch_nothing(
    no_credentials: Path, no_network: list[object], tmp_path: Path
) -> None:
    key = tmp_path / "sa.json"
    key.write_text("{}")
    store = GCPArtifactStore("remote", path="gs://b-u-c/zen", project="p1", credentials_file=str(key))
    assert store.describe() == {
        "name": "remote",
        "type": "artifact_store",
        "flavor": "gcp",
        "path": "gs://b-u-c/zen",
        "project": "p1",
        "credentials_file": str(key),
    }
    assert store._gcs._client is None
    meta = GCPMetadataStore.from_config("shared", {"flavor": "gcp", "path": "gs://b-u-c/meta", "retry_timeout": "30"})
    assert meta.describe()["retry_timeout"] == "30"
    assert no_network == []
