"""The behaviour every :class:`~zenml.metadata_stores.base.MetadataStore` must show, as pytest tests.

The subclass provides ``store``: a fresh, empty metadata store per test.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from zenml.metadata_stores.base import ArtifactRecordNotFoundError, RunNotFoundError
from zenml.metadata_stores.models import CACHED, COMPLETED, FAILED, RUNNING, ArtifactRecord, RunRecord, StepRecord

if TYPE_CHECKING:
    from zenml.metadata_stores.base import MetadataStore


def make_run(run_id: str, *, pipeline: str = "training", created_at: float | None = None, **extra: Any) -> RunRecord:
    """A running run record named ``<pipeline>-<run_id>``."""
    return RunRecord(
        id=run_id,
        name=extra.pop("name", f"{pipeline}-{run_id}"),
        pipeline_name=pipeline,
        status=extra.pop("status", RUNNING),
        created_at=time.time() if created_at is None else created_at,
        **extra,
    )


def make_step(run_id: str, name: str, *, status: str = COMPLETED, started_at: float = 0.0, **extra: Any) -> StepRecord:
    """A step record; ``started_at`` defaults to now."""
    return StepRecord(run_id=run_id, name=name, status=status, started_at=started_at or time.time(), **extra)


def make_artifact(run_id: str, step: str, output: str = "output", **extra: Any) -> ArtifactRecord:
    """An artifact record of one step output, with plausible field values."""
    fields: dict[str, Any] = {
        "id": f"{run_id}-{step}-{output}",
        "run_id": run_id,
        "step_name": step,
        "output_name": output,
        "uri": f"runs/{run_id}/{step}/{output}",
        "artifact_store_path": "/artifacts",
        "data_type": "builtins:int",
        "materializer": "zenml.materializers.builtin:BuiltinMaterializer",
        "materializer_version": 1,
        "size": 3,
        "content_hash": "crc32:0000abcd",
        "created_at": time.time(),
    }
    fields.update(extra)
    return ArtifactRecord(**fields)


class MetadataStoreContract:
    """Subclass with a ``store`` fixture returning a fresh, empty :class:`MetadataStore`."""

    # -- runs --------------------------------------------------------------------

    def test_run_round_trip(self, store: MetadataStore) -> None:
        run = make_run("0f1e2d3c4b5a", stack_name="local-stack")
        store.create_run(run)
        assert store.get_run(run.id) == run
        assert store.get_run(run.name) == run

    def test_get_run_by_unique_id_prefix(self, store: MetadataStore) -> None:
        store.create_run(make_run("abc111", created_at=1.0))
        store.create_run(make_run("abc222", created_at=2.0))
        store.create_run(make_run("def333", created_at=3.0))
        assert store.get_run("abc2").id == "abc222"
        assert store.get_run("d").id == "def333"
        with pytest.raises(RunNotFoundError, match="abc"):
            store.get_run("abc")  # ambiguous
        with pytest.raises(RunNotFoundError, match="zzz"):
            store.get_run("zzz")

    def test_finish_run(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        store.finish_run("r1", FAILED, 123.5, error="step 'trainer' failed: boom")
        run = store.get_run("r1")
        assert (run.status, run.ended_at, run.error) == (FAILED, 123.5, "step 'trainer' failed: boom")
        with pytest.raises(RunNotFoundError):
            store.finish_run("missing", COMPLETED, 1.0)

    def test_list_runs_newest_first_and_filtered(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1", pipeline="a", created_at=1.0))
        store.create_run(make_run("r2", pipeline="b", created_at=2.0))
        store.create_run(make_run("r3", pipeline="a", created_at=3.0))
        store.finish_run("r3", COMPLETED, 4.0)
        assert [run.id for run in store.list_runs()] == ["r3", "r2", "r1"]
        assert [run.id for run in store.list_runs(pipeline_name="a")] == ["r3", "r1"]
        assert [run.id for run in store.list_runs(status=COMPLETED)] == ["r3"]
        assert [run.id for run in store.list_runs(status=RUNNING, pipeline_name="a")] == ["r1"]
        assert [run.id for run in store.list_runs(limit=2)] == ["r3", "r2"]
        assert store.list_runs(pipeline_name="none") == []
        assert store.list_pipelines() == ["a", "b"]

    def test_empty_store(self, store: MetadataStore) -> None:
        assert store.list_runs() == []
        assert store.list_pipelines() == []
        assert store.list_artifacts() == []
        assert store.list_steps("nothing") == []
        with pytest.raises(RunNotFoundError):
            store.get_run("anything")
        with pytest.raises(ArtifactRecordNotFoundError):
            store.get_artifact("nothing")

    # -- steps and artifacts -----------------------------------------------------

    def test_step_round_trip_with_json_fields(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        step = make_step(
            "r1",
            "trainer",
            started_at=10.0,
            ended_at=11.5,
            cache_key="k" * 64,
            inputs={"data": "artifact-1", "labels": "artifact-2"},
            parameters={"lr": 0.01, "layers": [64, 32], "name": "ünïcode", "opts": {"a": None, "b": True}},
        )
        store.record_step(step)
        assert store.list_steps("r1") == [step]

    def test_configuration_attempts_and_output_metadata_round_trip(self, store: MetadataStore) -> None:
        run = make_run(
            "r1",
            config={"run_name": "training_{date}", "enable_cache": False, "extra": {"team": "ml"},
                    "substitutions": {"who": "me"}, "parameters": {"lr": 0.1}},
        )  # fmt: skip
        store.create_run(run)
        assert store.get_run("r1").config == run.config
        attempts = [
            {"attempt": 1, "status": "retried", "started_at": 1.0, "ended_at": 1.5, "error": "OSError: flaky"},
            {"attempt": 2, "status": "completed", "started_at": 2.0, "ended_at": 2.5, "error": None},
        ]
        step = make_step(
            "r1",
            "trainer",
            config={"parameters": {"lr": 0.1}, "retry": {"max_retries": 2, "delay": 0, "backoff": 0}},
            attempts=attempts,
            inputs={"data": "a1", "parts": ["a2", "a3"]},
        )
        artifact = make_artifact("r1", "trainer", run_metadata={"accuracy": 0.9, "shape": [2, 3], "note": "ünï"})
        store.record_step(step, [artifact])
        assert store.list_steps("r1") == [step]
        assert store.get_artifact(artifact.id).run_metadata == {"accuracy": 0.9, "shape": [2, 3], "note": "ünï"}
        assert store.list_artifacts(run_id="r1") == [artifact]

    def test_planned_graph_artifact_store_logs_and_traceback_round_trip(self, store: MetadataStore) -> None:
        graph = {"load": [], "train": ["load"], "b_eval": ["train", "load"], "a_report": ["b_eval"]}
        run = make_run("r1", graph=graph, artifact_store_path="gs://bucket/zen")
        store.create_run(run)
        found = store.get_run("r1")
        assert (found.graph, found.artifact_store_path) == (graph, "gs://bucket/zen")
        assert list(found.graph) == list(graph)  # run order, not sorted
        assert store.list_runs()[0] == found
        step = make_step("r1", "train", status=FAILED, logs_uri="logs/r1/train.log",
                         traceback='Traceback (most recent call last):\n  File "x.py"\nValueError: ünï')  # fmt: skip
        store.record_step(step)
        assert store.list_steps("r1") == [step]
        assert make_run("r2").graph == {}
        assert make_step("r2", "s").logs_uri is None

    def test_steps_in_start_order(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        for name, started in (("c", 3.0), ("a", 1.0), ("b", 2.0)):
            store.record_step(make_step("r1", name, started_at=started))
        assert [step.name for step in store.list_steps("r1")] == ["a", "b", "c"]

    def test_record_step_replaces_the_earlier_record(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        store.record_step(make_step("r1", "s", status=RUNNING, started_at=5.0))
        finished = make_step("r1", "s", status=FAILED, started_at=5.0, ended_at=6.0, error="ValueError: bad")
        store.record_step(finished)
        assert store.list_steps("r1") == [finished]

    def test_step_with_artifacts(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        artifacts = [make_artifact("r1", "s", "model", size=1 << 40), make_artifact("r1", "s", "metrics")]
        store.record_step(make_step("r1", "s"), artifacts)
        store.record_step(make_step("r1", "t"), [make_artifact("r1", "t")])
        assert {a.output_name for a in store.list_artifacts(run_id="r1", step_name="s")} == {"model", "metrics"}
        assert len(store.list_artifacts(run_id="r1")) == 3
        assert len(store.list_artifacts()) == 3
        assert store.get_artifact(artifacts[0].id) == artifacts[0]
        with pytest.raises(ArtifactRecordNotFoundError, match="nope"):
            store.get_artifact("nope")

    def test_runs_keep_their_own_steps(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        store.create_run(make_run("r2"))
        store.record_step(make_step("r1", "s"), [make_artifact("r1", "s")])
        store.record_step(make_step("r2", "s"), [make_artifact("r2", "s")])
        assert [a.run_id for a in store.list_artifacts(run_id="r2")] == ["r2"]
        assert [s.run_id for s in store.list_steps("r1")] == ["r1"]

    # -- caching -----------------------------------------------------------------

    def test_find_cached_step(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1", created_at=1.0))
        store.create_run(make_run("r2", created_at=2.0))
        store.create_run(make_run("r3", created_at=3.0))
        store.create_run(make_run("other", pipeline="other", created_at=4.0))
        store.record_step(make_step("r1", "s", started_at=1.0, ended_at=1.5, cache_key="K"), [make_artifact("r1", "s")])
        store.record_step(make_step("r2", "s", started_at=2.0, ended_at=2.5, cache_key="K", status=CACHED),
                          [make_artifact("r2", "s")])  # fmt: skip
        store.record_step(make_step("r3", "s", started_at=3.0, ended_at=3.5, cache_key="K", status=FAILED))
        store.record_step(make_step("other", "s", started_at=4.0, ended_at=4.5, cache_key="K"),
                          [make_artifact("other", "s")])  # fmt: skip
        found = store.find_cached_step("training", "s", "K")
        assert found is not None
        assert (found.run_id, found.status) == ("r2", CACHED)
        assert store.find_cached_step("training", "s", "other-key") is None
        assert store.find_cached_step("training", "t", "K") is None
        assert store.find_cached_step("nobody", "s", "K") is None

    def test_running_or_failed_steps_are_never_cache_hits(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        store.record_step(make_step("r1", "s", status=RUNNING, cache_key="K"))
        store.record_step(make_step("r1", "t", status=FAILED, cache_key="K"))
        assert store.find_cached_step("training", "s", "K") is None
        assert store.find_cached_step("training", "t", "K") is None

    # -- concurrency -------------------------------------------------------------

    def test_concurrent_writers(self, store: MetadataStore) -> None:
        errors: list[BaseException] = []

        def writer(worker: int) -> None:
            try:
                for index in range(8):
                    run_id = f"w{worker}-{index}"
                    store.create_run(make_run(run_id, pipeline=f"p{worker % 2}"))
                    for step in ("load", "train"):
                        store.record_step(make_step(run_id, step, cache_key=run_id), [make_artifact(run_id, step)])
                    store.finish_run(run_id, COMPLETED, time.time())
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        runs = store.list_runs()
        assert len(runs) == 32
        assert {run.status for run in runs} == {COMPLETED}
        assert len(store.list_artifacts()) == 64
        assert all(len(store.list_steps(run.id)) == 2 for run in runs)
