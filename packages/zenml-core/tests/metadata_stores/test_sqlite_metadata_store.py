"""SQLiteMetadataStore: the generic contract, schema migrations, and several processes at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from typing import TYPE_CHECKING

import pytest

from zenml.metadata_stores.base import RunNotFoundError
from zenml.metadata_stores.models import COMPLETED, ModelRecord, ModelVersionRecord
from zenml.metadata_stores.sqlite import SQLiteMetadataStore
from zenml.metadata_stores.sqlite_schema import SCHEMA_VERSION, SchemaTooNewError
from zenml.stack.flavors import METADATA_STORE, flavor_registry
from zenml.testing import MetadataStoreContract
from zenml.testing.metadata_store_contract import make_artifact, make_run, make_step

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class TestSQLiteMetadataStoreContract(MetadataStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteMetadataStore]:
        store = SQLiteMetadataStore("test", path=str(tmp_path / "meta" / "zen.db"))
        yield store
        store.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteMetadataStore]:
    store = SQLiteMetadataStore("test", path=str(tmp_path / "zen.db"))
    yield store
    store.close()


def test_flavor_is_registered_by_reference() -> None:
    assert flavor_registry.load(METADATA_STORE, "sqlite") is SQLiteMetadataStore


def test_construction_touches_nothing(tmp_path: Path) -> None:
    SQLiteMetadataStore("x", path=str(tmp_path / "later" / "zen.db"))
    assert not (tmp_path / "later").exists()


def test_wal_mode_and_schema_version(store: SQLiteMetadataStore) -> None:
    assert store.list_runs() == []
    with sqlite3.connect(store.file) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.schema_version() == SCHEMA_VERSION


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = str(tmp_path / "zen.db")
    first = SQLiteMetadataStore("a", path=path)
    first.create_run(make_run("r1"))
    first.close()
    second = SQLiteMetadataStore("b", path=path)
    assert second.get_run("r1").pipeline_name == "training"
    second.close()


def test_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "zen.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    store = SQLiteMetadataStore("x", path=str(path))
    with pytest.raises(SchemaTooNewError, match="upgrade zenml-core"):
        store.list_runs()


def test_migrations_apply_in_order_in_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zenml.metadata_stores import sqlite_schema

    path = str(tmp_path / "zen.db")
    store = SQLiteMetadataStore("x", path=path)
    store.create_run(make_run("r1"))
    store.close()
    original = sqlite_schema.MIGRATIONS
    # a hypothetical next migration whose last statement fails: nothing of it may stay
    broken = (*original, ("ALTER TABLE runs ADD COLUMN note TEXT", "CREATE TABLE runs (x)"))
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", broken)
    monkeypatch.setattr(sqlite_schema, "SCHEMA_VERSION", len(broken))
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        SQLiteMetadataStore("x", path=path).list_runs()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(original)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(runs)")]
        assert "note" not in columns
    # a working next migration is applied on next open, and the data survives
    fixed = (*original, ("ALTER TABLE runs ADD COLUMN note TEXT",))
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", fixed)
    upgraded = SQLiteMetadataStore("x", path=path)
    assert upgraded.get_run("r1").id == "r1"
    assert upgraded.schema_version() == len(original) + 1
    upgraded.close()


def test_a_schema_1_database_is_migrated_keeping_its_runs(tmp_path: Path) -> None:
    """A history written before run/step configuration, attempts, output metadata, planned graphs and logs."""
    from zenml.metadata_stores import sqlite_schema

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for statement in sqlite_schema.MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO pipelines VALUES ('training', 1.0)")
        conn.execute("INSERT INTO runs VALUES ('r1', 'training-1', 'training', 'completed', 1.0, 2.0, 'default', NULL)")
        conn.execute(
            "INSERT INTO steps VALUES ('r1', 's', 'completed', 1.0, 2.0, 'K', '{\"x\": \"a0\"}', '{\"lr\": 0.1}', "
            "NULL, 1)"
        )
        conn.execute(
            "INSERT INTO artifacts VALUES ('a1', 'r1', 's', 'output', 'runs/r1/s/output', '/store', 'builtins:int', "
            "'zenml.materializers.builtin:BuiltinMaterializer', 1, 2, 'crc32:00000000', 1.5)"
        )
    store = SQLiteMetadataStore("x", path=str(path))
    run = store.get_run("training-1")
    assert (run.id, run.status, run.config, run.graph, run.artifact_store_path) == ("r1", "completed", {}, {}, None)
    [step] = store.list_steps("r1")
    assert (step.parameters, step.inputs, step.config, step.attempts) == ({"lr": 0.1}, {"x": "a0"}, {}, [])
    assert (step.logs_uri, step.traceback) == (None, None)
    assert store.get_artifact("a1").run_metadata == {}
    assert store.find_cached_step("training", "s", "K") == step
    assert store.schema_version() == sqlite_schema.SCHEMA_VERSION
    store.close()


def _old_database(path: Path, version: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A history as the schema-``version`` store (2 or 3) wrote it: its migrations, then rows in its layout (two
    runs, the second reusing the first's output as the old cache did: a copied row; with 3, graphs and logs)."""
    from zenml.metadata_stores import sqlite_schema

    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", sqlite_schema.MIGRATIONS[:version])
    monkeypatch.setattr(sqlite_schema, "SCHEMA_VERSION", version)
    old = SQLiteMetadataStore("old", path=str(path))
    assert old.schema_version() == version  # the schema-``version`` migrations create the database
    old.close()
    monkeypatch.undo()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        conn.execute("INSERT INTO pipelines VALUES ('training', 1.0)")
        for run_id, created in (("r1", 1.0), ("r2", 3.0)):
            conn.execute(
                "INSERT INTO runs (id, name, pipeline_name, status, created_at, ended_at, stack_name, error, config) "
                "VALUES (?, ?, 'training', 'completed', ?, ?, 'default', NULL, '{\"enable_cache\": true}')",
                (run_id, f"training-{run_id}", created, created + 1),
            )
            conn.execute(
                "INSERT INTO steps (run_id, name, status, started_at, ended_at, cache_key, inputs, parameters, error, "
                "output_count, config, attempts) "
                "VALUES (?, 's', ?, ?, ?, 'K', '{}', '{\"lr\": 0.1}', NULL, 1, '{}', '[]')",
                (run_id, "completed" if run_id == "r1" else "cached", created, created + 0.5),
            )
            conn.execute(
                "INSERT INTO artifacts (id, run_id, step_name, output_name, uri, artifact_store_path, data_type, "
                "materializer, materializer_version, size, content_hash, created_at, run_metadata) VALUES "
                "(?, ?, 's', 'output', 'runs/r1/s/output', '/store', 'builtins:int', "
                "'zenml.materializers.builtin:BuiltinMaterializer', 1, 2, 'crc32:00000000', ?, '{\"rows\": 3}')",
                (f"a-{run_id}", run_id, created + 0.2),
            )
            if version >= 3:
                conn.execute(
                    "UPDATE runs SET graph = '{\"s\": []}', artifact_store_path = '/store' WHERE id = ?", (run_id,)
                )
                conn.execute(
                    "UPDATE steps SET logs_uri = ?, traceback = 'Traceback' WHERE run_id = ?",
                    (f"logs/{run_id}/s.log", run_id),
                )


@pytest.mark.parametrize("version", [2, 3])
def test_a_database_made_by_older_code_keeps_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    from zenml.metadata_stores import sqlite_schema

    path = tmp_path / f"v{version}.db"
    _old_database(path, version, monkeypatch)
    store = SQLiteMetadataStore("x", path=str(path))
    assert store.schema_version() == sqlite_schema.SCHEMA_VERSION
    assert [run.id for run in store.list_runs()] == ["r2", "r1"]
    assert store.get_run("r1").config == {"enable_cache": True}
    [step] = store.list_steps("r2")
    assert step.status == "cached"
    if version >= 3:
        run = store.get_run("r1")
        assert (run.graph, run.artifact_store_path) == ({"s": []}, "/store")
        assert (step.logs_uri, step.traceback) == ("logs/r2/s.log", "Traceback")
    versions = store.list_artifact_versions("training::s::output")
    assert [(v.id, v.version, v.version_number, v.run_id) for v in versions] == [("a-r1", "1", 1, "r1"),
                                                                                ("a-r2", "2", 2, "r2")]  # fmt: skip
    assert store.get_artifact("a-r2").run_metadata == {"rows": 3}
    assert [a.id for a in store.list_artifacts(run_id="r1", step_name="s")] == ["a-r1"]
    assert [(step, output) for step, output, _ in store.list_step_outputs("r2")] == [("s", "output")]
    cached = store.find_cached_step("training", "s", "K")
    assert cached is not None
    assert cached.run_id == "r2"
    # new versions continue the numbering
    store.create_run(make_run("r3", created_at=5.0))
    (new,) = store.record_step(make_step("r3", "s"), [make_artifact("r3", "s")])
    assert new.version == "3"
    store.close()


def test_duplicate_run_id_is_a_clear_error(store: SQLiteMetadataStore) -> None:
    store.create_run(make_run("r1"))
    with pytest.raises(ValueError, match="already recorded"):
        store.create_run(make_run("r1"))


def test_step_of_unknown_run_is_refused(store: SQLiteMetadataStore) -> None:
    from zenml.metadata_stores.base import RunNotFoundError

    with pytest.raises(RunNotFoundError, match="ghost"):
        store.record_step(make_step("ghost", "s"))


def test_step_and_artifacts_are_atomic(store: SQLiteMetadataStore) -> None:
    store.create_run(make_run("r1"))
    good = make_artifact("r1", "s", "a")
    # an output that is neither new here nor a recorded version makes the whole write fail: nothing is stored
    with pytest.raises(RunNotFoundError, match="artifact version it reuses"):
        store.record_step(make_step("r1", "s"), [good, make_artifact("r2", "s", "c")])
    assert store.list_steps("r1") == []
    assert store.list_artifact_versions() == []
    store.record_step(make_step("r1", "s"), [good, make_artifact("r1", "s", "b")])
    assert {a.output_name for a in store.list_artifacts(run_id="r1", step_name="s")} == {"a", "b"}


def test_parameters_must_be_json(store: SQLiteMetadataStore) -> None:
    store.create_run(make_run("r1"))
    with pytest.raises(TypeError, match="JSON"):
        store.record_step(make_step("r1", "s", parameters={"f": object()}))


def test_cache_needs_every_recorded_artifact(store: SQLiteMetadataStore) -> None:
    store.create_run(make_run("r1"))
    store.record_step(
        make_step("r1", "s", cache_key="K"), [make_artifact("r1", "s", "a"), make_artifact("r1", "s", "b")]
    )
    assert store.find_cached_step("training", "s", "K") is not None
    with sqlite3.connect(store.file) as conn:
        conn.execute("DELETE FROM artifacts WHERE output_name = 'b'")
    assert store.find_cached_step("training", "s", "K") is None


def test_id_prefix_wildcards_are_literal(store: SQLiteMetadataStore) -> None:
    from zenml.metadata_stores.base import RunNotFoundError

    store.create_run(make_run("abc"))
    with pytest.raises(RunNotFoundError):
        store.get_run("%")
    with pytest.raises(RunNotFoundError):
        store.get_run("_bc")


def test_store_survives_fork_like_reuse_in_threads(store: SQLiteMetadataStore) -> None:
    import threading

    store.create_run(make_run("r1"))
    results: list[str] = []
    thread = threading.Thread(target=lambda: results.append(store.get_run("r1").id))
    thread.start()
    thread.join()
    assert results == ["r1"]


def _write_runs(path: str, worker: int, runs: int) -> list[str]:
    """Child process: record ``runs`` small runs with two steps and artifacts each."""
    store = SQLiteMetadataStore("worker", path=path)
    errors = []
    for index in range(runs):
        run_id = f"p{worker}-{index}"
        try:
            store.create_run(make_run(run_id, pipeline=f"pipe{worker % 3}"))
            for step in ("load", "train"):
                store.record_step(make_step(run_id, step, cache_key=f"{worker}-{step}"), [make_artifact(run_id, step)])
            store.finish_run(run_id, COMPLETED, time.time())
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
    store.close()
    return errors


@pytest.mark.slow
def test_eight_processes_write_into_one_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    context = multiprocessing.get_context("spawn")
    with context.Pool(8) as pool:
        results = pool.starmap(_write_runs, [(path, worker, 10) for worker in range(8)])
    errors = [error for result in results for error in result]
    assert errors == [], errors[:5]
    store = SQLiteMetadataStore("check", path=path)
    runs = store.list_runs()
    assert len(runs) == 80
    assert {run.status for run in runs} == {COMPLETED}
    assert len(store.list_artifacts()) == 160
    assert store.list_pipelines() == ["pipe0", "pipe1", "pipe2"]
    store.close()


# -- rows by column name, busy by error code (issue 17) ----------------------------------------------


def test_rows_are_mapped_by_column_name_not_position(store: SQLiteMetadataStore) -> None:
    """A row whose columns come in another order (a rebuilt table, another SELECT) still maps field by field."""
    conn = sqlite3.connect(store.file)
    conn.row_factory = sqlite3.Row

    def reversed_row(table: str) -> sqlite3.Row:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")][::-1]
        row: sqlite3.Row = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchone()
        return row

    run = make_run("r1", stack_name="s", error="e", owner_host="h", owner_pid=7, owner_start="t", heartbeat_at=2.5)
    store.create_run(run)
    assert SQLiteMetadataStore._run(reversed_row("runs")) == run
    step = make_step("r1", "s", cache_key="k", inputs={"a": "b"}, parameters={"p": 1}, error="x")
    artifact = make_artifact("r1", "s", fingerprint="f", visualizations=[{"uri": "v.html", "type": "html"}])
    (recorded,) = store.record_step(step, [artifact])
    assert recorded.version == "1"
    assert SQLiteMetadataStore._step(reversed_row("steps")) == step
    assert SQLiteMetadataStore._artifact(reversed_row("artifacts")) == recorded
    model = store.create_model(ModelRecord(name="m", created_at=1.0, license="MIT", ethics="fair"))
    assert store.list_models() == [model]
    version = store.create_model_version(ModelVersionRecord(id="v", model_name="m", name="", number=0, created_at=2.0))
    assert store.list_model_versions("m") == [version]
    conn.execute("ALTER TABLE model_versions ADD COLUMN later TEXT")  # a column a newer zenml may add: ignored
    assert store.list_model_versions("m") == [version]
    conn.close()


def test_record_fields_and_stored_columns_agree() -> None:
    """Adding a record field without a column (or the reverse) fails here, not silently at run time."""
    from dataclasses import fields

    from zenml.metadata_stores import sqlite_schema as schema
    from zenml.metadata_stores.models import AnnotationRecord, ArtifactRecord, RunRecord, StepRecord

    assert tuple(f.name for f in fields(RunRecord)) == schema.RUN_COLUMNS
    assert tuple(f.name for f in fields(StepRecord)) == schema.STEP_COLUMNS
    assert tuple(f.name for f in fields(ArtifactRecord)) == schema.ARTIFACT_COLUMNS
    assert tuple(f.name for f in fields(ModelRecord)) == schema.MODEL_COLUMNS
    assert tuple(f.name for f in fields(ModelVersionRecord)) == schema.MODEL_VERSION_COLUMNS
    assert tuple(f.name for f in fields(AnnotationRecord)) == schema.ANNOTATION_COLUMNS


def test_an_error_that_only_mentions_locked_is_not_retried(store: SQLiteMetadataStore) -> None:
    """Busy is told by SQLite's error code (or its exact message on 3.10), not by a word in any message."""
    store.list_runs()
    began = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="no such table: locked_rows") as raised:
        store._read("SELECT * FROM locked_rows")
    assert "stayed locked" not in str(raised.value)
    assert time.monotonic() - began < 0.5  # no back-off: raised at once


def test_a_taken_key_is_told_from_other_constraint_failures_by_its_code() -> None:
    from zenml.metadata_stores.sqlite_errors import is_unique_violation

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
    conn.execute("INSERT INTO t VALUES ('1', 'a')")
    errors = []
    for values in (("1", "b"), ("2", "a"), ("3", None)):
        with pytest.raises(sqlite3.IntegrityError) as raised:
            conn.execute("INSERT INTO t VALUES (?, ?)", values)
        errors.append(raised.value)
    conn.close()
    assert [is_unique_violation(error) for error in errors] == [True, True, False]  # NOT NULL is no taken key
    assert not is_unique_violation(sqlite3.IntegrityError("CHECK failed: a UNIQUE-looking message"))


def test_a_busy_database_is_retried_until_the_lock_is_released(tmp_path: Path) -> None:
    import threading

    store = SQLiteMetadataStore("x", path=str(tmp_path / "zen.db"), timeout=0.05)
    store.list_runs()
    holder = sqlite3.connect(store.file, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    store.create_run(make_run("r1"))  # "database is locked" at first, retried by its error code
    release.join()
    holder.close()
    assert store.get_run("r1").id == "r1"
    store.close()


# -- schema migrations and newer databases ------------------------------------------------------------


def test_a_newer_database_is_refused_without_modifying_it(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "zen.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    store = SQLiteMetadataStore("x", path=str(path))
    with pytest.raises(SchemaTooNewError, match="upgrade zenml-core"):
        store.list_runs()
    store.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zen.db"]  # no -wal/-shm: journal mode untouched
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def _database_of_schema(path: Path, version: int) -> None:
    """A database as zenml-core with that schema version wrote it: its migration list, then rows through plain SQL."""
    from zenml.metadata_stores.sqlite_schema import MIGRATIONS

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for migration in MIGRATIONS[:version]:
        for statement in migration:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO pipelines VALUES ('training', 1.0)")
    runs = "INSERT INTO runs (id, name, pipeline_name, status, created_at, ended_at, stack_name, error) VALUES "
    conn.execute(runs + "('r-old', 'p-old', 'training', 'completed', 1.0, 2.0, 'default', NULL)")
    conn.execute(runs + "('r-hung', 'p-hung', 'training', 'running', 3.0, NULL, 'default', NULL)")
    conn.execute(
        "INSERT INTO steps (run_id, name, status, started_at, ended_at, cache_key, inputs, parameters, error, "
        "output_count) VALUES ('r-old', 'make', 'completed', 1.0, 1.5, 'K', '{}', '{\"n\": 1}', NULL, 1)"
    )
    named = version >= 4  # artifact versions: a name, a version and a link from the step that made it
    columns, values = (", artifact_name, version", ", 'training::make::output', '1'") if named else ("", "")
    conn.execute(
        "INSERT INTO artifacts (id, run_id, step_name, output_name, uri, artifact_store_path, data_type, "
        f"materializer, materializer_version, size, content_hash, created_at{columns}) "
        "VALUES ('a1', 'r-old', 'make', 'output', 'runs/r-old/make/output', '/art', 'builtins:int', "
        f"'zenml.materializers.builtin:BuiltinMaterializer', 1, 2, 'crc32:00000000', 1.2{values})"
    )
    if named:
        conn.execute("INSERT INTO step_outputs VALUES ('r-old', 'make', 'output', 'a1')")
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_database_of_an_older_schema_is_migrated_and_keeps_every_run(tmp_path: Path, version: int) -> None:
    path = tmp_path / "zen.db"
    _database_of_schema(path, version)
    store = SQLiteMetadataStore("x", path=str(path))
    assert store.schema_version() == SCHEMA_VERSION
    old, hung = store.get_run("r-old"), store.get_run("r-hung")
    assert (old.status, old.ended_at, old.config, old.owner_host, old.owner_pid, old.heartbeat_at) == (
        COMPLETED,
        2.0,
        {},
        None,
        None,
        None,
    )
    assert (hung.status, hung.owner_start) == ("running", None)
    assert [s.parameters for s in store.list_steps("r-old")] == [{"n": 1}]
    (artifact,) = store.list_artifacts(run_id="r-old")
    assert (artifact.uri, artifact.size, artifact.run_metadata, artifact.fingerprint) == (
        "runs/r-old/make/output",
        2,
        {},
        None,
    )
    assert store.find_cached_step("training", "make", "K") is not None
    assert _cache_lookup_plan(store) == ["SEARCH s USING INDEX steps_by_cache_key_newest (cache_key=? AND name=?)"]
    store.close()


def _cache_lookup_plan(store: SQLiteMetadataStore) -> list[str]:
    """How SQLite answers ``find_cached_step`` (its plan for the steps table and any sort: EXPLAIN QUERY PLAN)."""
    conn = store._conn()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        store.find_cached_step("training", "make", "K")
    finally:
        conn.set_trace_callback(None)
    (lookup,) = statements
    plan = [row["detail"] for row in conn.execute(f"EXPLAIN QUERY PLAN {lookup}")]
    return [detail for detail in plan if detail.startswith(("SEARCH s ", "SCAN")) or "B-TREE" in detail]


def test_a_cache_lookup_reads_the_newest_match_from_an_index(store: SQLiteMetadataStore) -> None:
    """Many runs with the step's key: the lookup walks ``steps_by_cache_key_newest`` newest first and stops at the
    first intact match, instead of sorting every match (``bench_history_scale.py`` times it on 10,000 runs)."""
    for index in range(5):
        store.create_run(make_run(f"r{index}", created_at=float(index)))
        step = make_step(f"r{index}", "make", started_at=index + 0.1, ended_at=index + 0.5, cache_key="K")
        store.record_step(step, [make_artifact(f"r{index}", "make")])
    assert _cache_lookup_plan(store) == ["SEARCH s USING INDEX steps_by_cache_key_newest (cache_key=? AND name=?)"]
    found = store.find_cached_step("training", "make", "K")
    assert found is not None
    assert found.run_id == "r4"
