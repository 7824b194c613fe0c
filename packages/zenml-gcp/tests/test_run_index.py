"""The GCS metadata store's run index on a real emulator: what a lookup costs does not grow with the history,
and histories written before the index are backfilled once (or scanned, where the marker cannot be written).

Requests are counted in the log of a proxy in front of the emulator: every listing page and object read the
store makes, not a mock.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp import run_index
from zenml.integrations.gcp.metadata_store import RUN_CREATED, RUN_FINISHED, STEP_RECORDED, GCPMetadataStore
from zenml.metadata_stores.base import RunNotFoundError
from zenml.metadata_stores.models import ArtifactRecord, RunRecord, StepRecord

if TYPE_CHECKING:
    from collections.abc import Callable

    from zenml.integrations.gcp.testing import FaultProxy, GCSEmulator

pytestmark = pytest.mark.gcs


def _run(index: int) -> RunRecord:
    return RunRecord(
        id=f"{index:04d}{uuid.uuid4().hex[:12]}", name=f"nightly-{index}", pipeline_name=f"p{index % 2}",
        status="running", created_at=1000.0 + index,
    )  # fmt: skip


def _step(run: RunRecord) -> StepRecord:
    key = f"{run.pipeline_name}/K"
    return StepRecord(run.id, "load", "completed", run.created_at, run.created_at + 0.5, cache_key=key)


def _artifact(run: RunRecord) -> ArtifactRecord:
    return ArtifactRecord(
        f"{run.id}-load", run.id, "load", "output", f"runs/{run.id}/load/output", "gs://bucket/zen", "builtins.int",
        "zenml.materializers.builtin:BuiltinMaterializer", 1, 3, "crc32c:00000000", run.created_at + 0.4,
        artifact_name=f"{run.pipeline_name}::load::output",
    )  # fmt: skip


def _record(store: GCPMetadataStore, index: int) -> RunRecord:
    """One run as a pipeline records it: created, one cached-key step with an output, finished."""
    run = _run(index)
    store.create_run(run)
    store.record_step(_step(run), [_artifact(run)])
    store.finish_run(run.id, "completed", run.created_at + 1)
    return run


def _history(path: str, runs: int, emulator: GCSEmulator, monkeypatch: pytest.MonkeyPatch) -> list[RunRecord]:
    """``runs`` runs written straight to the emulator (not through the proxy: only the reads are counted)."""
    with monkeypatch.context() as direct:
        direct.setenv("STORAGE_EMULATOR_HOST", emulator.endpoint)
        store = GCPMetadataStore("writer", path=path)
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(lambda index: _record(store, index), range(runs)))


def _costs(path: str, runs: list[RunRecord], proxy: FaultProxy) -> dict[str, int]:
    """Requests per lookup, each by a new store (nothing cached), checking what it returns."""
    GCPMetadataStore("x", path=path).list_runs(limit=1)  # the marker exists (a new history: nothing to backfill)
    middle = runs[len(runs) // 2]
    newest = [run.id for run in runs[::-1]]
    cached = next(run.id for run in runs[::-1] if run.pipeline_name == middle.pipeline_name)

    def fresh() -> GCPMetadataStore:
        return GCPMetadataStore("reader", path=path)

    def cache_lookup(pipeline: str) -> object:
        store = fresh()
        found = store.find_cached_step(pipeline, "load", f"{pipeline}/K")
        return found and [artifact.run_id for _, _, artifact in store.list_step_outputs(found.run_id)]

    calls: dict[str, tuple[Callable[[], object], object]] = {
        "list 5": (lambda: [run.id for run in fresh().list_runs(limit=5)], newest[:5]),
        "list 20": (lambda: [run.id for run in fresh().list_runs(limit=20)], newest[:20]),
        "list 5 of p1": (
            lambda: [run.id for run in fresh().list_runs(pipeline_name="p1", limit=5)],
            [run.id for run in runs[::-1] if run.pipeline_name == "p1"][:5],
        ),
        "get by prefix": (lambda: fresh().get_run(middle.id[:6]).id, middle.id),
        "get by name": (lambda: fresh().get_run(middle.name).id, middle.id),
        "cache hit": (lambda: cache_lookup(middle.pipeline_name), [cached]),
        "cache miss": (lambda: cache_lookup("nobody"), None),
    }
    costs = {}
    for label, (call, expected) in calls.items():
        proxy.clear()
        assert call() == expected, label
        costs[label] = len(proxy.log)
    return costs


def test_lookups_cost_the_same_with_10_and_200_runs(
    fault_proxy: FaultProxy, gcs_emulator: GCSEmulator, gcs_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    costs = {}
    for size in (10, 200):
        path = f"gs://{gcs_bucket}/meta{size}"
        costs[size] = _costs(path, _history(path, size, gcs_emulator, monkeypatch), fault_proxy)
    # the same requests but for the runs a page shows: the 10-run history has only 10 to show
    assert costs[200] == {**costs[10], "list 20": costs[10]["list 20"] + 10}, costs
    # a page of n ended runs: the bucket (a new client), the marker, one listing page, one final record each
    assert costs[200]["list 20"] == 1 + 1 + 1 + 20, costs


def _legacy(store: GCPMetadataStore, index: int, *, finish: bool = True) -> RunRecord:
    """A run as zenml-gcp wrote it before the newest-first index: events, a name entry and a cache entry after
    them (with the store's own write helpers)."""
    from urllib.parse import quote

    from zenml.integrations.gcp.metadata_store import event_name

    run = _run(index)
    store._write(run.id, {"kind": RUN_CREATED, "run": run.to_dict()})
    store._put(store._index_prefix("names", run.name) + quote(run.id, safe="") + ".json", {"run_id": run.id}, "w")
    step = _step(run)
    store._write(run.id, {"kind": STEP_RECORDED, "step": step.to_dict(), "artifacts": [_artifact(run).to_dict()]})
    cache = store._index_prefix("cache", run.pipeline_name, "load", step.cache_key or "") + event_name()
    store._put(cache, {"run_id": run.id, "step_name": "load"}, "w")
    if finish:
        store._write(run.id, {"kind": RUN_FINISHED, "run_id": run.id, "status": "completed", "ended_at": 2e3 + index})
    return run


def test_a_history_written_before_the_index_is_backfilled_once(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    path = f"gs://{gcs_bucket}/meta"
    old = GCPMetadataStore("old", path=path)
    legacy = [_legacy(old, index, finish=index != 5) for index in range(6)]
    assert not list(old._gcs.client.list_blobs(gcs_bucket, prefix="meta/index/newest/"))

    upgraded = GCPMetadataStore("new", path=path)
    assert [run.id for run in upgraded.list_runs(limit=3)] == [run.id for run in legacy[::-1][:3]]
    keys = [blob.name for blob in old._gcs.client.list_blobs(gcs_bucket, prefix="meta/index/")]
    assert "meta/index/complete-2.json" in keys
    assert sum("/final-" in key for key in keys) == 5  # every ended run; the running one is folded when listed
    assert sum(key.startswith("meta/index/cache-newest/") for key in keys) == 6
    fresh = _record(upgraded, 6)  # a run of the new version among them

    reader = GCPMetadataStore("reader", path=path)
    listed = reader.list_runs()
    assert [run.id for run in listed] == [fresh.id] + [run.id for run in legacy[::-1]]
    assert [run.status for run in listed] == ["completed", "running"] + ["completed"] * 5
    assert reader.get_run(legacy[2].name).id == legacy[2].id
    assert reader.get_run(legacy[3].id[:6]).id == legacy[3].id
    found = reader.find_cached_step("p1", "load", "p1/K")
    assert found is not None
    assert found.run_id == legacy[5].id  # the newest step with the key (its run still running)

    fault_proxy.clear()
    assert [run.id for run in GCPMetadataStore("again", path=path).list_runs(limit=2)] == [fresh.id, legacy[5].id]
    assert not [entry for entry in fault_proxy.log if entry[0] == "POST"]  # backfilled once: nothing written


def test_a_history_whose_index_cannot_be_completed_is_scanned(fault_proxy: FaultProxy, gcs_bucket: str) -> None:
    path = f"gs://{gcs_bucket}/meta"
    old = GCPMetadataStore("old", path=path)
    legacy = [_legacy(old, index) for index in range(3)]
    fault_proxy.add("503", method="POST", times=None)  # no write gets through: as a bucket this user may only read
    reader = GCPMetadataStore("reader", path=path, retry_timeout=1)
    assert [run.id for run in reader.list_runs()] == [run.id for run in legacy[::-1]]
    assert reader.get_run(legacy[1].id[:6]).id == legacy[1].id
    assert reader.get_run(legacy[1].name).id == legacy[1].id
    found = reader.find_cached_step("p0", "load", "p0/K")
    assert found is not None
    assert found.run_id == legacy[2].id
    with pytest.raises(RunNotFoundError):
        reader.get_run("zzz")
    assert not list(old._gcs.client.list_blobs(gcs_bucket, prefix="meta/index/complete"))


def test_names_sort_newest_first() -> None:
    older = run_index.folder(1.5, "00000000000000000001-a.json", "b")
    newer = run_index.folder(2.5, "00000000000000000000-a.json", "a")
    same_time_later = run_index.folder(2.5, "00000000000000000009-a.json", "z")
    assert sorted([older, newer, same_time_later]) == [same_time_later, newer, older]
    assert run_index.parse(newer) == run_index.Listed("a")
    assert run_index.cache_entry_run(run_index.cache_entry(2.0, "00000000000000000005-x.json", "r/1")) == "r/1"
    assert run_index.final("00000000000000000005-abc.json", "failed") == "final-00000000000000000005-abc-failed.json"
