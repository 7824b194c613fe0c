"""The behaviour every :class:`~zenml.metadata_stores.base.MetadataStore` must show, as pytest tests.

The subclass provides ``store``: a fresh, empty metadata store per test.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from zenml.metadata_stores.base import (
    ArtifactRecordNotFoundError,
    ModelNotFoundError,
    RunNotFoundError,
    VersionExistsError,
)
from zenml.metadata_stores.models import (
    ARTIFACT_VERSION,
    CACHED,
    COMPLETED,
    FAILED,
    MANUAL,
    MODEL_VERSION,
    PIPELINE_RUN,
    RUNNING,
    ArtifactRecord,
    ModelRecord,
    ModelVersionRecord,
    RunRecord,
    StepRecord,
)

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


def make_artifact(run_id: str | None, step: str | None, output: str | None = "output", **extra: Any) -> ArtifactRecord:
    """An artifact version of one step output (to be numbered by the store), with plausible field values."""
    fields: dict[str, Any] = {
        "id": f"{run_id}-{step}-{output}",
        "artifact_name": f"training::{step}::{output}",
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
        (recorded,) = store.record_step(step, [artifact])
        assert store.list_steps("r1") == [step]
        assert store.get_artifact(artifact.id).run_metadata == {"accuracy": 0.9, "shape": [2, 3], "note": "ünï"}
        assert store.list_artifacts(run_id="r1") == [recorded]
        assert recorded == replace(artifact, version="1", version_number=1)

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
        artifacts = store.record_step(
            make_step("r1", "s"), [make_artifact("r1", "s", "model", size=1 << 40), make_artifact("r1", "s", "metrics")]
        )
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

    # -- artifact versions -------------------------------------------------------------------------------

    def test_outputs_are_numbered_versions_of_their_name(self, store: MetadataStore) -> None:
        for index, run_id in enumerate(("r1", "r2", "r3")):
            store.create_run(make_run(run_id, created_at=float(index)))
            (recorded,) = store.record_step(
                make_step(run_id, "s"), [make_artifact(run_id, "s", created_at=float(index))]
            )
            assert (recorded.version, recorded.version_number) == (str(index + 1), index + 1)
        versions = store.list_artifact_versions("training::s::output")
        assert [(v.version, v.run_id) for v in versions] == [("1", "r1"), ("2", "r2"), ("3", "r3")]
        assert store.get_artifact_version("training::s::output").run_id == "r3"
        assert store.get_artifact_version("training::s::output", "2").run_id == "r2"
        with pytest.raises(ArtifactRecordNotFoundError, match="'9'"):
            store.get_artifact_version("training::s::output", "9")
        with pytest.raises(ArtifactRecordNotFoundError):
            store.get_artifact_version("nothing")
        assert store.artifact_names() == ["training::s::output"]

    def test_explicit_versions_are_unique_per_name(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        store.create_run(make_run("r2"))
        (first,) = store.record_step(
            make_step("r1", "s"), [make_artifact("r1", "s", artifact_name="model", version="v1")]
        )
        assert (first.version, first.version_number) == ("v1", None)
        with pytest.raises(VersionExistsError, match="v1"):
            store.record_step(make_step("r2", "s"), [make_artifact("r2", "s", artifact_name="model", version="v1")])
        (numbered,) = store.record_step(make_step("r2", "s"), [make_artifact("r2", "s", artifact_name="model")])
        assert numbered.version == "1"
        manual = store.create_artifact_version(
            make_artifact(None, None, None, id="m1", artifact_name="model", save_type=MANUAL, version="7")
        )
        assert (manual.version, manual.version_number, manual.run_id) == ("7", 7, None)
        auto = store.create_artifact_version(make_artifact(None, None, None, id="m2", artifact_name="model"))
        assert auto.version == "8"
        assert store.get_artifact("m2") == auto
        assert [v.version for v in store.list_artifact_versions("model")] == ["v1", "1", "7", "8"]

    def test_a_cached_step_links_the_versions_it_reuses(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1", created_at=1.0))
        store.create_run(make_run("r2", created_at=2.0))
        original = store.record_step(make_step("r1", "s", cache_key="K"), [make_artifact("r1", "s")])
        store.record_step(make_step("r2", "s", status=CACHED, cache_key="K"), original)
        assert store.list_artifacts(run_id="r2") == original
        assert [(step, output, a.id) for step, output, a in store.list_step_outputs("r2")] == [
            ("s", "output", original[0].id)
        ]
        assert len(store.list_artifact_versions("training::s::output")) == 1
        found = store.find_cached_step("training", "s", "K")
        assert found is not None
        assert found.run_id == "r2"

    def test_concurrent_versions_of_one_name_get_distinct_numbers(self, store: MetadataStore) -> None:
        errors: list[BaseException] = []
        numbers: list[int] = []
        lock = threading.Lock()

        def saver(worker: int) -> None:
            try:
                for index in range(4):
                    record = store.create_artifact_version(
                        make_artifact(
                            None, None, None, id=f"w{worker}-{index}", artifact_name="shared", save_type=MANUAL
                        )
                    )
                    with lock:
                        numbers.append(record.version_number or 0)
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=saver, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert sorted(numbers) == list(range(1, 17))
        assert sorted(v.version_number or 0 for v in store.list_artifact_versions("shared")) == list(range(1, 17))

    # -- annotations ---------------------------------------------------------------------------------------

    def test_annotations_in_order_and_by_resource(self, store: MetadataStore) -> None:
        from zenml.metadata.metadata_types import StorageSize, Uri
        from zenml.metadata_stores.annotations import metadata_annotations, metadata_of, tag_annotations, tags_of

        store.add_annotations(metadata_annotations(PIPELINE_RUN, "r1", {"a": 1, "uri": Uri("gs://x"), "n": {"k": [1]}}))
        store.add_annotations(metadata_annotations(PIPELINE_RUN, "r1", {"a": 2, "size": StorageSize(10)}))
        store.add_annotations(metadata_annotations(PIPELINE_RUN, "r2", {"a": 3}))
        store.add_annotations(tag_annotations(PIPELINE_RUN, "r1", ["x", "y"]))
        store.add_annotations(tag_annotations(PIPELINE_RUN, "r1", ["x"], added=False))
        found = metadata_of(store.list_annotations(PIPELINE_RUN, ["r1"]))
        assert found == {"r1": {"a": 2, "uri": "gs://x", "n": {"k": [1]}, "size": 10}}
        assert type(found["r1"]["uri"]) is Uri
        assert type(found["r1"]["size"]) is StorageSize
        assert set(metadata_of(store.list_annotations(PIPELINE_RUN))) == {"r1", "r2"}
        assert tags_of(store.list_annotations(PIPELINE_RUN, ["r1", "r2"])) == {"r1": ["y"]}
        assert store.list_annotations(ARTIFACT_VERSION) == []

    def test_step_annotations_are_recorded_with_the_step(self, store: MetadataStore) -> None:
        from zenml.metadata_stores.annotations import metadata_annotations, metadata_of

        store.create_run(make_run("r1"))
        artifact = make_artifact("r1", "s")
        store.record_step(make_step("r1", "s"), [artifact],
                          metadata_annotations(ARTIFACT_VERSION, artifact.id, {"rows": 3}))  # fmt: skip
        assert metadata_of(store.list_annotations(ARTIFACT_VERSION, [artifact.id])) == {artifact.id: {"rows": 3}}

    # -- run queries and deletion --------------------------------------------------------------------------

    def test_query_runs_filters_sorts_and_pages(self, store: MetadataStore) -> None:
        from zenml.metadata_stores.queries import RunQuery

        for index in range(7):
            store.create_run(make_run(f"r{index}", pipeline="a" if index % 2 else "b", created_at=float(index),
                                      name=f"run-{index}"))  # fmt: skip
        store.finish_run("r3", COMPLETED, 10.0)
        page, total = store.query_runs(RunQuery.build(size=3))
        assert ([run.id for run in page], total) == (["r6", "r5", "r4"], 7)
        page, total = store.query_runs(RunQuery.build(size=3, page=3))
        assert ([run.id for run in page], total) == (["r0"], 7)
        page, total = store.query_runs(RunQuery.build(pipeline_name="a", sort_by="asc:created"))
        assert ([run.id for run in page], total) == (["r1", "r3", "r5"], 3)
        assert [run.id for run in store.query_runs(RunQuery.build(status="completed"))[0]] == ["r3"]
        assert [run.id for run in store.query_runs(RunQuery.build(name="startswith:run-1"))[0]] == ["r1"]
        assert [run.id for run in store.query_runs(RunQuery.build(created="gte:5", sort_by="asc:created"))[0]] == [
            "r5",
            "r6",
        ]
        query = RunQuery.build()
        query.ids = {"r2", "r4"}
        assert [run.id for run in store.query_runs(query)[0]] == ["r4", "r2"]

    def test_delete_run_keeps_artifact_versions(self, store: MetadataStore) -> None:
        store.create_run(make_run("r1"))
        store.create_run(make_run("r2"))
        (artifact,) = store.record_step(make_step("r1", "s"), [make_artifact("r1", "s")])
        store.delete_run("r1")
        with pytest.raises(RunNotFoundError):
            store.get_run("r1")
        assert store.list_steps("r1") == []
        assert store.list_artifacts(run_id="r1") == []
        assert store.get_artifact(artifact.id) == artifact
        assert [run.id for run in store.list_runs()] == ["r2"]
        with pytest.raises(RunNotFoundError):
            store.delete_run("r1")

    # -- models --------------------------------------------------------------------------------------------

    def test_models_and_numbered_versions(self, store: MetadataStore) -> None:
        model = store.create_model(ModelRecord(name="clf", created_at=1.0, license="MIT", description="d"))
        assert store.create_model(ModelRecord(name="clf", created_at=2.0)) == model
        assert store.get_model("clf").license == "MIT"
        with pytest.raises(ModelNotFoundError):
            store.get_model("nope")
        first = store.create_model_version(
            ModelVersionRecord(id="v1", model_name="clf", name="", number=0, created_at=1.0)
        )
        named = store.create_model_version(
            ModelVersionRecord(id="v2", model_name="clf", name="best", number=0, created_at=2.0)
        )
        assert (first.name, first.number, named.name, named.number) == ("1", 1, "best", 2)
        with pytest.raises(VersionExistsError):
            store.create_model_version(
                ModelVersionRecord(id="v3", model_name="clf", name="best", number=0, created_at=3.0)
            )
        with pytest.raises(ModelNotFoundError):
            store.create_model_version(
                ModelVersionRecord(id="v4", model_name="nope", name="", number=0, created_at=3.0)
            )
        store.create_model(ModelRecord(name="other", created_at=3.0))
        assert [m.name for m in store.list_models()] == ["clf", "other"]
        assert store.list_model_versions("clf") == [first, named]
        assert store.list_model_versions() == [first, named]
        assert store.list_annotations(MODEL_VERSION) == []
