"""Faults injected by a proxy between the client and the emulator.

Transient 503s, dropped connections and slow responses are retried by the
client's own retry policy and succeed. Persistent faults fail with a message
naming the bucket and object, and nothing half-written becomes visible.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp.artifact_store import GCPArtifactStore
from zenml.integrations.gcp.errors import GCSTransferError
from zenml.integrations.gcp.metadata_store import GCPMetadataStore
from zenml.metadata_stores.base import RunNotFoundError
from zenml.metadata_stores.models import RunRecord

if TYPE_CHECKING:
    from zenml.integrations.gcp.testing import FaultProxy

pytestmark = pytest.mark.gcs

CHUNK = 256 * 1024


def _store(bucket: str, **options: object) -> GCPArtifactStore:
    return GCPArtifactStore("remote", path=f"gs://{bucket}/zen", chunk_size_mb=0.25, **options)  # type: ignore[arg-type]


def _outcomes(proxy: FaultProxy, kind: str) -> int:
    return sum(1 for _, _, outcome in proxy.log if outcome == kind)


@pytest.mark.parametrize("kind", ["503", "drop"])
def test_transient_faults_on_every_kind_of_request_are_retried(
    fault_proxy: FaultProxy, gcs_bucket: str, kind: str
) -> None:
    store = _store(gcs_bucket)
    data = os.urandom(CHUNK * 3 + 17)
    fault_proxy.add(kind, method="POST", path="uploadType=multipart")  # small single-request upload
    fault_proxy.add(kind, method="POST", path="uploadType=resumable")  # start of a resumable session
    fault_proxy.add(kind, method="PUT", path="upload_id=", times=2)  # chunks of the session
    fault_proxy.add(kind, method="GET", path="alt=media", times=2)  # ranged downloads
    fault_proxy.add(kind, method="GET", path="/o?", times=1)  # listing
    with store.open("small.txt", "wb") as handle:
        handle.write(b"small")
    with store.open("big.bin", "wb") as handle:
        handle.write(data)
    with store.open("big.bin", "rb") as handle:
        assert handle.read() == data
    with store.open("small.txt", "rb") as handle:
        assert handle.read() == b"small"
    assert store.listdir() == ["big.bin", "small.txt"]
    assert _outcomes(fault_proxy, kind) == 7


def test_local_path_download_is_retried(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    store = _store(gcs_bucket)
    data = os.urandom(CHUNK * 2)
    with store.open("lp.bin", "wb") as handle:
        handle.write(data)
    fault_proxy.add("503", method="GET", path="alt=media")
    fault_proxy.add("drop", method="GET", path="alt=media")
    with store.local_path("lp.bin") as path, open(path, "rb") as local:
        assert local.read() == data
    assert (_outcomes(fault_proxy, "503"), _outcomes(fault_proxy, "drop")) == (1, 1)


def test_slow_responses_are_waited_for(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    store = _store(gcs_bucket)
    fault_proxy.add("slow", method="PUT", times=None, delay=0.3)
    with store.open("slow.bin", "wb") as handle:
        handle.write(os.urandom(CHUNK * 2))
    assert store.size("slow.bin") == CHUNK * 2
    assert _outcomes(fault_proxy, "slow") >= 2


def test_persistent_failure_of_a_chunk_names_the_object_and_publishes_nothing(
    fault_proxy: FaultProxy, gcs_bucket: str
) -> None:
    store = _store(gcs_bucket, retry_timeout=2)
    fault_proxy.add("503", method="PUT", path="upload_id=", times=None)
    with pytest.raises(GCSTransferError) as info, store.open("model/weights.bin", "wb") as handle:
        handle.write(os.urandom(CHUNK * 3))
    message = str(info.value)
    assert f"gs://{gcs_bucket}/zen/model/weights.bin" in message
    assert "upload_id" not in message  # the session URL is a capability: never in messages
    fault_proxy.clear()
    assert not store.exists("model/weights.bin")
    assert not store.exists("model")


def test_persistent_drops_on_a_small_upload_fail_cleanly(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    store = _store(gcs_bucket, retry_timeout=2)
    fault_proxy.add("drop", method="POST", times=None)
    handle = store.open("tiny.txt", "wb")
    handle.write(b"tiny")  # buffered: a small file goes in one request, at close
    with pytest.raises(GCSTransferError, match=rf"gs://{gcs_bucket}/zen/tiny\.txt"):
        handle.close()
    fault_proxy.clear()
    assert not store.exists("tiny.txt")


def test_persistent_read_failure_names_the_object(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    store = _store(gcs_bucket, retry_timeout=2)
    with store.open("r.bin", "wb") as handle:
        handle.write(b"data")
    fault_proxy.add("503", method="GET", path="alt=media", times=None)
    with pytest.raises(GCSTransferError, match=rf"cannot read gs://{gcs_bucket}/zen/r\.bin"), store.open("r.bin") as h:
        h.read()


def test_metadata_writes_survive_transient_faults_without_duplicates(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    meta = GCPMetadataStore("shared", path=f"gs://{gcs_bucket}/meta")
    fault_proxy.add("503", method="POST", times=2)
    fault_proxy.add("drop", method="POST", times=1)
    meta.create_run(RunRecord(id="r1", name="run-1", pipeline_name="p", status="running", created_at=1.0))
    other = GCPMetadataStore("shared", path=f"gs://{gcs_bucket}/meta")
    assert [run.id for run in other.list_runs()] == ["r1"]
    assert len(list(other._gcs.client.list_blobs(gcs_bucket, prefix="meta/runs/"))) == 1
    for kind in ("names", "newest"):  # the run's two index entries, each once
        assert len(list(other._gcs.client.list_blobs(gcs_bucket, prefix=f"meta/index/{kind}/"))) == 1


def _write(store: GCPArtifactStore, *names: str) -> None:
    for name in names:
        with store.open(name, "wb") as handle:
            handle.write(name.encode())


def test_rename_copies_only_if_absent_and_a_lost_race_is_file_exists(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    store = _store(gcs_bucket)
    _write(store, "a.txt")
    # Another writer creates b.txt between the exists() check and the copy: GCS answers 412.
    fault_proxy.add("412", method="POST", path="rewriteTo", times=1)
    with pytest.raises(FileExistsError, match=rf"gs://{gcs_bucket}/zen/b\.txt"):
        store.rename("a.txt", "b.txt")
    assert store.exists("a.txt")
    rewrites = [path for method, path, _ in fault_proxy.log if method == "POST" and "rewriteTo" in path]
    assert rewrites
    assert all("ifGenerationMatch=0" in path for path in rewrites)
    fault_proxy.clear()
    store.rename("a.txt", "b.txt")
    store.rename("b.txt", "c.txt", overwrite=True)  # unconditional: no precondition sent
    rewrites = [path for method, path, _ in fault_proxy.log if method == "POST" and "rewriteTo" in path]
    assert ["ifGenerationMatch=0" in path for path in rewrites] == [True, False]
    with store.open("c.txt") as handle:
        assert handle.read() == b"a.txt"


def test_directory_rename_failing_part_way_leaves_the_source_intact(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    store = _store(gcs_bucket)
    _write(store, "d/1", "d/2", "d/3")
    fault_proxy.add("412", method="POST", path="zen%2Fe%2F2", times=1)  # the second copy loses a race
    with pytest.raises(FileExistsError, match=rf"gs://{gcs_bucket}/zen/e/2"):
        store.rename("d", "e")
    assert list(store.walk_files("d")) == ["d/1", "d/2", "d/3"]
    assert list(store.walk_files("e")) == []  # the copy made before the failure was removed again
    assert not any(method == "DELETE" and "zen%2Fd%2F" in path for method, path, _ in fault_proxy.log)
    store.rename("d", "e")  # and the rename can simply be retried
    assert list(store.walk_files("e")) == ["e/1", "e/2", "e/3"]
    assert not store.exists("d")


def test_a_lost_index_write_fails_a_run_before_its_event_or_only_costs_a_fold(
    fault_proxy: FaultProxy, gcs_bucket: str
) -> None:
    meta = GCPMetadataStore("shared", path=f"gs://{gcs_bucket}/meta", retry_timeout=1)
    fault_proxy.add("503", method="POST", path="/upload/", times=None, skip=1)  # the name entry passes, then none
    with pytest.raises(GCSTransferError, match="cannot write metadata index"):
        meta.create_run(RunRecord(id="r1", name="run-1", pipeline_name="p", status="running", created_at=1.0))
    assert _outcomes(fault_proxy, "503") >= 1
    assert not list(meta._gcs.client.list_blobs(gcs_bucket, prefix="meta/runs/"))  # no event: no run to lose
    other = GCPMetadataStore("shared", path=f"gs://{gcs_bucket}/meta", retry_timeout=1)  # its uploads fail too
    assert other.list_runs() == []
    with pytest.raises(RunNotFoundError):
        other.get_run("run-1")  # its name entry dangles: a hint, checked by folding the run

    fault_proxy.clear()
    meta.create_run(RunRecord(id="r2", name="run-2", pipeline_name="p", status="running", created_at=2.0))
    fault_proxy.add("503", method="POST", path="/upload/", times=None, skip=1)  # the event passes, its final record not
    meta.finish_run("r2", "completed", 3.0)
    assert not [b for b in meta._gcs.client.list_blobs(gcs_bucket, prefix="meta/index/newest/") if "/final-" in b.name]
    fault_proxy.clear()
    runs = GCPMetadataStore("shared", path=f"gs://{gcs_bucket}/meta").list_runs()
    assert [(run.id, run.status) for run in runs] == [("r2", "completed")]  # folded instead of read


def test_a_persistent_read_failure_gives_up_within_retry_timeout(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    """Not twice: a failed read is not followed by a second full read to look for corruption."""
    import time

    from zenml.artifacts import load_artifact, save_artifact
    from zenml.materializers.builtin import BuiltinMaterializer

    store = _store(gcs_bucket, retry_timeout=3)
    info = save_artifact([1, 2, 3], store=store, uri="art", materializer_cls=BuiltinMaterializer)
    fault_proxy.add("503", method="GET", path="alt=media", times=None)
    began = time.monotonic()
    with pytest.raises(GCSTransferError, match=rf"cannot read gs://{gcs_bucket}/zen/art/data\.json"):
        load_artifact(
            store=store,
            uri="art",
            materializer_cls=BuiltinMaterializer,
            data_type=list,
            materializer_version=BuiltinMaterializer.VERSION,
            content_hash=info.content_hash,
        )
    assert time.monotonic() - began < 5  # retry_timeout (3 s) and the last attempt; twice it would be over 6


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_an_unreachable_endpoint_fails_within_the_connect_budget_and_says_what_it_retries(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from zenml.integrations.gcp import connection

    monkeypatch.setattr(connection, "CONNECT_TIMEOUT", 3.0)  # the default is 30 s; tests/e2e runs that one
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", endpoint)
    store = GCPMetadataStore("shared", path="gs://some-bucket/meta")  # no retry_timeout: the default settings
    with caplog.at_level(logging.WARNING, logger="zenml"), pytest.raises(GCSTransferError) as failed:
        store.list_runs()
    assert f"cannot reach Google Cloud Storage at {endpoint} to open bucket 'some-bucket'" in str(failed.value)
    assert re.search(r"after retries for [0-4] s\.", str(failed.value))  # the 3 s budget, not the client's 120 s
    assert "retry_timeout" in str(failed.value)
    warnings = [record.getMessage() for record in caplog.records if record.name.startswith("zenml")]
    assert warnings
    assert f"reaching {endpoint} to open bucket 'some-bucket' failed (ConnectionError)" in warnings[0]
    assert "retrying for up to 3 s in all" in warnings[0]


def test_no_zenml_log_or_error_shows_a_resumable_upload_session_url(
    fault_proxy: FaultProxy, gcs_bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The session URL (``...&upload_id=...``) lets anyone write the object: zenml never logs or raises it."""
    import logging

    store = _store(gcs_bucket, retry_timeout=4)
    store.exists("x")  # connected: the faults hit the upload session only
    fault_proxy.add("503", method="PUT", path="upload_id=", times=None)
    with (
        caplog.at_level(logging.DEBUG, logger="zenml"),
        pytest.raises(GCSTransferError) as failed,
        store.open("big.bin", "wb") as handle,
    ):
        handle.write(os.urandom(CHUNK * 3))
    assert any(outcome == "503" and "upload_id=" in path for _, path, outcome in fault_proxy.log)
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("zenml")]
    assert any("retrying" in message for message in messages)  # it did log while it retried
    shown = [*messages, str(failed.value), repr(failed.value)]
    assert not [text for text in shown if "upload_id" in text or "/upload/" in text]
