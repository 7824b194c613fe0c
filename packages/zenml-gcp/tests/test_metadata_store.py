"""GCPMetadataStore against a real GCS emulator: event-sourced records, several writers, several processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp.metadata_store import GCPMetadataStore, event_name
from zenml.metadata_stores.base import ArtifactRecordNotFoundError, RunNotFoundError
from zenml.metadata_stores.models import ArtifactRecord, RunRecord, StepRecord

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.gcs


@pytest.fixture
def store(gcs_bucket: str) -> GCPMetadataStore:
    return GCPMetadataStore("shared", path=f"gs://{gcs_bucket}/meta")


def _run(run_id: str, *, pipeline: str = "training", created: float = 1.0, name: str | None = None) -> RunRecord:
    return RunRecord(
        id=run_id, name=name or f"{pipeline}-{run_id}", pipeline_name=pipeline, status="running", created_at=created
    )


def _artifact(run_id: str, step: str, output: str = "output", created: float = 2.0) -> ArtifactRecord:
    return ArtifactRecord(
        id=f"{run_id}-{step}-{output}",
        run_id=run_id,
        step_name=step,
        output_name=output,
        uri=f"runs/{run_id}/{step}/{output}",
        artifact_store_path="gs://bucket/zen",
        data_type="builtins.int",
        materializer="zenml.materializers.builtins:BuiltinMaterializer",
        materializer_version=1,
        size=3,
        content_hash="crc32c:00000000",
        created_at=created,
        artifact_name=f"training::{step}::{output}",
    )


def _numbered(artifact: ArtifactRecord, number: int = 1) -> ArtifactRecord:
    """``artifact`` as recorded: the store numbered it."""
    return replace(artifact, version=str(number), version_number=number)


def test_run_lifecycle_is_the_fold_of_its_events(store: GCPMetadataStore) -> None:
    store.create_run(_run("r1", created=10.0))
    step = StepRecord(run_id="r1", name="load", status="running", started_at=11.0, parameters={"n": 3})
    store.record_step(step)
    done = replace(step, status="completed", ended_at=12.0, cache_key="k1", inputs={"x": "a0"})
    store.record_step(done, [_artifact("r1", "load")])
    store.finish_run("r1", "completed", 13.0)

    fresh = GCPMetadataStore("shared", path=store.path)  # another process's view: no cache
    run = fresh.get_run("r1")
    assert (run.status, run.ended_at, run.error) == ("completed", 13.0, None)
    assert fresh.list_steps("r1") == [done]
    assert fresh.list_artifacts(run_id="r1") == [_numbered(_artifact("r1", "load"))]
    assert fresh.get_artifact("r1-load-output") == _numbered(_artifact("r1", "load"))
    assert fresh.find_cached_step("training", "load", "k1") == done
    assert fresh.find_cached_step("other", "load", "k1") is None
    assert fresh.find_cached_step("training", "load", "k2") is None


def test_artifacts_accumulate_and_incomplete_steps_are_no_cache_hits(store: GCPMetadataStore) -> None:
    store.create_run(_run("r1"))
    two = [_artifact("r1", "s", "a"), _artifact("r1", "s", "b")]
    store.record_step(StepRecord(run_id="r1", name="s", status="running", started_at=1.0, cache_key="K"), two)
    done = StepRecord(run_id="r1", name="s", status="completed", started_at=1.0, ended_at=2.0, cache_key="K")
    store.record_step(done)  # a status update without artifacts keeps the ones recorded before
    assert [artifact.output_name for artifact in store.list_artifacts(run_id="r1")] == ["a", "b"]
    assert store.find_cached_step("training", "s", "K") == done
    for blob in store._gcs.client.list_blobs(store._gcs.bucket_name, prefix="meta/runs/"):
        if b'"output_name": "b"' in blob.download_as_bytes():
            blob.delete()  # the event holding the artifacts disappears behind the store's back
    assert store.list_artifacts(run_id="r1") == []
    with pytest.raises(ValueError, match="nor a recorded artifact version"):
        store.record_step(done, [_artifact("r2", "other")])
    with pytest.raises(TypeError, match="JSON"):
        store.record_step(replace(done, parameters={"x": object()}))


def test_nothing_is_overwritten_every_write_is_a_new_object(store: GCPMetadataStore) -> None:
    store.create_run(_run("r1"))
    store.record_step(StepRecord(run_id="r1", name="s", status="running", started_at=1.0))
    store.record_step(StepRecord(run_id="r1", name="s", status="completed", started_at=1.0, ended_at=2.0))
    store.finish_run("r1", "completed", 3.0)
    store.record_step(StepRecord(run_id="r1", name="t", status="completed", started_at=1.0, cache_key="K"))
    names = [blob.name for blob in store._gcs.client.list_blobs(store._gcs.bucket_name)]
    events = [name for name in names if name.startswith("meta/runs/r1/")]
    index = sorted(name for name in names if name.startswith("meta/index/"))
    assert len(events) == 5
    assert len(index) == 4
    assert index[0].startswith("meta/index/cache-newest/training/t/K/")
    assert index[1] == "meta/index/names/training-r1/r1.json"
    folder = index[2].rsplit("/", 1)[0]
    assert folder.startswith("meta/index/newest/")
    assert folder.endswith("-r1")
    assert index[2].startswith(f"{folder}/final-")
    assert index[2].endswith("-completed.json")
    assert index[3] == f"{folder}/run-training.json"
    assert len(names) == len(events) + len(index)


def test_lookup_by_name_prefix_and_errors(store: GCPMetadataStore) -> None:
    store.create_run(_run("abc123", name="nightly"))
    store.create_run(_run("abd456", created=2.0))
    assert store.get_run("nightly").id == "abc123"
    assert store.get_run("abc").id == "abc123"
    with pytest.raises(RunNotFoundError, match="ambiguous"):
        store.get_run("ab")
    with pytest.raises(RunNotFoundError, match="no run"):
        store.get_run("zzz")
    with pytest.raises(RunNotFoundError):
        store.finish_run("zzz", "failed", 1.0)
    with pytest.raises(ArtifactRecordNotFoundError):
        store.get_artifact("nope")


def test_list_runs_filters_and_orders_newest_first(store: GCPMetadataStore) -> None:
    store.create_run(_run("a", pipeline="p1", created=1.0))
    store.create_run(_run("b", pipeline="p2", created=2.0))
    store.create_run(_run("c", pipeline="p1", created=3.0))
    store.finish_run("a", "failed", 4.0, error="ValueError: bad")
    assert [run.id for run in store.list_runs()] == ["c", "b", "a"]
    assert [run.id for run in store.list_runs(pipeline_name="p1")] == ["c", "a"]
    assert [run.id for run in store.list_runs(status="failed")] == ["a"]
    assert store.get_run("a").error == "ValueError: bad"
    assert [run.id for run in store.list_runs(limit=1)] == ["c"]
    assert store.list_pipelines() == ["p1", "p2"]
    assert store.run_ids() == ["a", "b", "c"]


def test_foreign_or_malformed_objects_are_ignored(store: GCPMetadataStore) -> None:
    store.create_run(_run("r1"))
    bucket = store._gcs.bucket
    bucket.blob("meta/runs/r1/" + event_name()).upload_from_string(b"{not json")
    bucket.blob("meta/runs/r1/" + event_name()).upload_from_string(json.dumps({"kind": "step_recorded"}))
    bucket.blob("meta/runs/r1/readme.txt").upload_from_string(b"hello")
    assert [run.id for run in GCPMetadataStore("x", path=store.path).list_runs()] == ["r1"]


def test_a_record_deleted_behind_the_stores_back_is_just_missing(store: GCPMetadataStore) -> None:
    store.create_run(_run("r1"))
    store.create_run(_run("r2"))
    reader = GCPMetadataStore("x", path=store.path)
    for blob in store._gcs.client.list_blobs(store._gcs.bucket_name, prefix="meta/runs/r2/"):
        blob.delete()
    assert [run.id for run in reader.list_runs()] == ["r1"]


def test_event_names_are_unique_and_ordered() -> None:
    names = [event_name() for _ in range(2000)]
    assert len(set(names)) == len(names)
    assert names == sorted(names)


_WRITER = textwrap.dedent(
    """
    import sys
    from zenml.integrations.gcp.metadata_store import GCPMetadataStore
    from zenml.metadata_stores.models import RunRecord, StepRecord, ArtifactRecord

    path, writer, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = GCPMetadataStore("shared", path=path)
    for i in range(runs):
        run_id = f"{writer}-{i}"
        store.create_run(RunRecord(id=run_id, name=run_id, pipeline_name="p", status="running", created_at=float(i)))
        step = StepRecord(run_id=run_id, name="train", status="completed", started_at=1.0, ended_at=2.0)
        artifact = ArtifactRecord(id=run_id + "-a", run_id=run_id, step_name="train", output_name="output",
                                  uri="u", artifact_store_path="gs://b/zen", data_type="int", materializer="m",
                                  materializer_version=1, size=1, content_hash="h", created_at=2.0,
                                  artifact_name="w::train::output")
        store.record_step(step, [artifact])
        store.finish_run(run_id, "completed", 3.0)
    """
)


def test_four_processes_write_one_history_at_once(store: GCPMetadataStore) -> None:
    runs_each = 8
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, store.path, f"w{n}", str(runs_each)],
            env={**os.environ},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
    runs = store.list_runs()
    expected = {f"w{n}-{i}" for n in range(4) for i in range(runs_each)}
    assert {run.id for run in runs} == expected
    assert all(run.status == "completed" for run in runs)
    assert {artifact.id for artifact in store.list_artifacts()} == {run_id + "-a" for run_id in expected}
    assert all(len(store.list_steps(run_id)) == 1 for run_id in sorted(expected)[:4])


def _events_read(store: GCPMetadataStore) -> set[str]:
    """The event objects a store has downloaded (its cache), by run id."""
    return {key.split("/")[2] for key in store._cache if key.startswith("meta/runs/")}


def _step(run_id: str, name: str, key: str, *, ended: float = 2.0) -> StepRecord:
    return StepRecord(run_id=run_id, name=name, status="completed", started_at=1.0, ended_at=ended, cache_key=key)


def test_lookups_read_only_the_runs_the_index_points_at(store: GCPMetadataStore) -> None:
    for n in range(6):
        run_id = f"r{n}"
        store.create_run(_run(run_id, name=f"nightly-{n}", created=float(n)))
        store.record_step(_step(run_id, "train", f"key-{n % 2}", ended=float(n)), [_artifact(run_id, "train")])
        store.finish_run(run_id, "completed", 10.0 + n)
    reader = GCPMetadataStore("x", path=store.path)
    hit = reader.find_cached_step("training", "train", "key-1")
    assert hit == _step("r5", "train", "key-1", ended=5.0)  # the newest of r1, r3, r5
    assert _events_read(reader) == {"r5"}  # entries sort newest first: the first run folded has it intact
    assert reader.find_cached_step("training", "train", "key-2") is None
    assert reader.find_cached_step("other", "train", "key-1") is None
    assert _events_read(reader) == {"r5"}  # misses read no events at all

    reader = GCPMetadataStore("x", path=store.path)
    assert reader.get_run("nightly-2").id == "r2"
    assert reader.get_artifact("r4-train-output") == _numbered(_artifact("r4", "train"), 5)
    assert _events_read(reader) == {"r2"}  # an artifact version is read from its own object, not a run
    with pytest.raises(ArtifactRecordNotFoundError):
        reader.get_artifact("r4-train-missing")


def test_index_entries_are_only_hints(store: GCPMetadataStore) -> None:
    store.create_run(_run("r1"))
    running = replace(_step("r1", "s", "K"), status="running", ended_at=None)
    store.record_step(running)  # not complete: no cache entry
    assert not list(store._gcs.client.list_blobs(store._gcs.bucket_name, prefix="meta/index/cache-newest/"))
    two = [_artifact("r1", "s", "a"), _artifact("r1", "s", "b")]
    store.record_step(_step("r1", "s", "K"), two)
    assert store.find_cached_step("training", "s", "K") == _step("r1", "s", "K")
    for blob in store._gcs.client.list_blobs(store._gcs.bucket_name, prefix="meta/runs/"):
        if b'"output_name": "b"' in blob.download_as_bytes():
            blob.delete()  # the entry still points at r1, but r1's outputs are no longer complete
    assert GCPMetadataStore("x", path=store.path).find_cached_step("training", "s", "K") is None


def test_histories_written_before_the_index_are_still_found(store: GCPMetadataStore) -> None:
    store.create_run(_run("old", name="legacy", created=1.0))
    store.record_step(_step("old", "train", "K"), [_artifact("old", "train")])
    store.create_run(_run("new", name="fresh", created=2.0))
    store.record_step(_step("new", "train", "other"))
    for blob in store._gcs.client.list_blobs(store._gcs.bucket_name, prefix="meta/index/"):
        if "old" in blob.name or "legacy" in blob.name or "/K/" in blob.name:
            blob.delete()  # as if "old" had been written by a version without the index
    reader = GCPMetadataStore("x", path=store.path)
    assert reader.find_cached_step("training", "train", "K") == _step("old", "train", "K")
    assert _events_read(reader) == {"old"}  # only the unindexed run was folded, not "new"
    assert reader.get_run("legacy").id == "old"
    assert reader.get_artifact("old-train-output") == _numbered(_artifact("old", "train"))


def test_the_event_cache_is_bounded(store: GCPMetadataStore) -> None:
    small = GCPMetadataStore("x", path=store.path, cache_events=3)
    for n in range(4):
        small.create_run(_run(f"r{n}"))
        small.finish_run(f"r{n}", "completed", 5.0)
    assert len(small._cache) <= 3
    assert [run.status for run in small.list_runs()] == ["completed"] * 4  # evicted events are read again
    assert len(small._cache) <= 3
    assert small.describe()  # the option is part of the config
    with pytest.raises(ValueError, match="cache_events"):
        GCPMetadataStore("x", path=store.path, cache_events="lots")


CRAFTED_LOAD = """
import json
import sys

import zenml.artifacts  # the load machinery itself, so that only what a load adds is compared
from zenml.artifact_stores.local import LocalArtifactStore
from zenml.client import Client
from zenml.integrations.gcp.metadata_store import GCPMetadataStore
from zenml.integrations.registry import activate_integrations
from zenml.orchestrators.local import LocalOrchestrator
from zenml.stack.stack import Stack

root, metadata, via, output = sys.argv[1:]
stack = Stack("shared", LocalArtifactStore("a", path=root), GCPMetadataStore("m", path=metadata), LocalOrchestrator())
if via == "run":
    artifact = Client(stack).get_run("crafted").steps["s"].outputs[output][0]
else:  # what load_artifact(name) does with the active stack
    artifact = Client(stack).get_artifact_version(output)
activate_integrations()  # as any command does (an explicit stack skips it): only what the load adds is compared
before = set(sys.modules)
try:
    artifact.load()
    outcome = {"error": None}
except Exception as error:
    outcome = {"error": type(error).__name__, "message": str(error)}
outcome["new_modules"] = sorted(set(sys.modules) - before)
print(json.dumps(outcome))
"""


@pytest.mark.parametrize("via", ["run", "name"])
@pytest.mark.parametrize(
    ("output", "error", "message"),
    [
        ("rm", "UntrustedReferenceError", "it names materializer 'shutil:rmtree', which this process does not trust"),
        ("canary", "UntrustedReferenceError", "it names data type 'zt_canary:Evil'"),
        ("unversioned", "MaterializerVersionError", "records no valid materializer version (None)"),
    ],
)
def test_a_crafted_event_in_a_shared_bucket_imports_and_calls_nothing(
    store: GCPMetadataStore, tmp_path: Path, via: str, output: str, error: str, message: str
) -> None:
    """Anyone with write access to the bucket can write an event or an artifact version object; another user's
    load() must not obey it, whether the artifact is a run's step output or a version loaded by name."""
    root = tmp_path / "artifacts"
    victim = root / "victimdir"
    victim.mkdir(parents=True)
    (victim / "precious.txt").write_text("keep me")
    site = tmp_path / "site"
    site.mkdir()
    marker = tmp_path / "canary-imported"
    (site / "zt_canary.py").write_text(
        "import os\nopen(os.environ['ZT_CANARY_MARKER'], 'w').close()\nclass Evil: ...\n"
    )
    store.create_run(_run("r1", name="crafted"))
    builtin = {"materializer": "zenml.materializers.builtin:BuiltinMaterializer", "data_type": "builtins:dict"}
    crafted = {
        "rm": {"materializer": "shutil:rmtree", "data_type": "builtins:dict", "materializer_version": None},
        "canary": {**builtin, "data_type": "zt_canary:Evil", "materializer_version": 1},
        "unversioned": {**builtin, "materializer_version": None},
    }
    step = StepRecord(run_id="r1", name="s", status="completed", started_at=1.0, ended_at=2.0)
    artifacts = [
        {
            **_artifact("r1", "s", name).to_dict(),
            "uri": "victimdir",
            "artifact_store_path": str(root),
            "content_hash": None,  # no hash: nothing is checked before the materializer runs
            **fields,
        }
        for name, fields in crafted.items()
    ]
    event = {"format": 1, "kind": "step_recorded", "step": step.to_dict(), "artifacts": artifacts}
    store._gcs.bucket.blob("meta/runs/r1/" + event_name()).upload_from_string(json.dumps(event))
    for artifact in artifacts:  # the same records as versions saved outside a step (save_artifact, register_artifact)
        name = artifact["output_name"]
        version = {**artifact, "run_id": None, "step_name": None, "output_name": None, "artifact_name": name,
                   "version": "1", "version_number": 1}  # fmt: skip
        store._gcs.bucket.blob(f"{store._versions_prefix(name)}n-{1:012d}.json").upload_from_string(json.dumps(version))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-c", CRAFTED_LOAD, str(root), store.path, via, output],
        capture_output=True,
        text=True,
        env={**env, "ZT_CANARY_MARKER": str(marker)},
        cwd=root,  # where shutil.rmtree("victimdir") would delete
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert victim.is_dir(), "the crafted materializer was called"
    assert not marker.exists(), "the crafted data type was imported"
    assert [name for name in outcome["new_modules"] if not name.startswith("zenml.")] == []
    assert outcome["error"] == error, outcome
    assert message in outcome["message"]
    where = f"output {output!r} of step 's' (run 'r1')" if via == "run" else f"artifact {output!r} version '1'"
    assert where in outcome["message"] or error != "UntrustedReferenceError"


# -- owners, heartbeats and crashed runs ---------------------------------------------------------------


def _owned(run_id: str, host: str, pid: int, token: str) -> RunRecord:
    import time

    now = time.time()
    return replace(_run(run_id, created=now), owner_host=host, owner_pid=pid, owner_start=token, heartbeat_at=now)


def _running_index(store: GCPMetadataStore) -> list[str]:
    prefix = store._index_prefix("running")
    return sorted(blob.name[len(prefix) :] for blob in store._gcs.client.list_blobs(store._gcs.bucket, prefix=prefix))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="owners are judged from /proc")
def test_a_run_whose_owner_died_is_found_with_one_listing_and_ended_with_its_running_steps(
    store: GCPMetadataStore,
) -> None:
    from zenml.metadata_stores.crashes import recover_crashed_runs
    from zenml.testing import exited_owner
    from zenml.utils.processes import this_process

    host, pid, token = exited_owner()
    me = this_process()
    store.create_run(_owned("dead", host, pid, token))
    store.create_run(_owned("alive", me.host, me.pid, me.token))
    store.create_run(_owned("far", "another-host", 7, "0badcafe.0badcafe.1"))
    import time

    done = time.time() + 5  # later than the running entry's creation time (the server's clock)
    store.record_step(StepRecord(run_id="dead", name="done", status="completed", started_at=done, ended_at=done))
    store.record_step(StepRecord(run_id="dead", name="busy", status="running", started_at=done))
    assert store.get_run("dead").heartbeat_at == done  # the recorded step counts as a sign of life
    assert len(_running_index(store)) == 3
    assert [run.id for run in store.running_runs(me.host)] == ["dead", "alive"]

    (ended, alive) = recover_crashed_runs(store)
    assert (ended.id, ended.status, ended.ended_at) == ("dead", "failed", done)
    assert ended.error is not None
    assert ended.error.startswith(f"crashed: process {pid} on host {host!r} no longer exists")
    assert alive.status == "running"
    fresh = GCPMetadataStore("other", path=store.path)  # another process's view: from the events alone
    assert fresh.get_run("dead").status == "failed"
    assert {step.name: step.status for step in fresh.list_steps("dead")} == {"done": "completed", "busy": "failed"}
    assert fresh.get_run("far").status == "running"
    assert [run.id for run in fresh.running_runs(me.host)] == ["alive"]
    assert not any("dead" in name for name in _running_index(store))
    assert store.fail_running_run("dead", "again", 9.0) is False


def test_heartbeats_rewrite_the_running_entry_whose_time_is_last_seen(store: GCPMetadataStore) -> None:
    import time

    store.create_run(_owned("r1", "another-host", 7, "0badcafe.0badcafe.1"))
    before = time.time()
    store.heartbeat("r1", before)
    seen = GCPMetadataStore("other", path=store.path).get_run("r1").heartbeat_at
    assert seen is not None
    assert abs(seen - before) < 60  # the server's clock (the emulator's, here)
    assert [run.heartbeat_at for run in store.list_runs()] == [seen]
    store.finish_run("r1", "completed", 5.0)
    assert _running_index(store) == []
    finished = store.get_run("r1")
    assert (finished.status, finished.ended_at) == ("completed", 5.0)
    assert finished.heartbeat_at is not None


def test_a_leftover_running_entry_of_a_finished_run_is_dropped(store: GCPMetadataStore) -> None:
    from zenml.utils.processes import this_process

    me = this_process()
    store.create_run(_owned("r1", me.host, me.pid, me.token))
    store._write("r1", {"kind": "run_finished", "run_id": "r1", "status": "completed", "ended_at": 2.0})  # then killed
    assert len(_running_index(store)) == 1
    assert store.running_runs(me.host) == []
    assert _running_index(store) == []
