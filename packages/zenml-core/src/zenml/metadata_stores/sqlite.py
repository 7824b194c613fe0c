"""The default metadata store: one SQLite file (standard library ``sqlite3``, imported on first use).

Safe for several processes and threads at once: WAL journal (readers never
block the writer), a busy timeout, ``BEGIN IMMEDIATE`` for every write (so
a transaction never has to upgrade a read lock, which cannot wait), and a
bounded retry with jittered back-off should SQLite still answer "database is
locked". Each thread (and each process after a fork) has its own connection.
The schema is versioned with ``PRAGMA user_version``; see
:mod:`zenml.metadata_stores.sqlite_schema`.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from zenml.metadata_stores.base import ArtifactRecordNotFoundError, MetadataStore, RunNotFoundError, is_new_output
from zenml.metadata_stores.sqlite_errors import is_busy
from zenml.metadata_stores.sqlite_history import SQLiteHistory
from zenml.metadata_stores.sqlite_schema import (
    ARTIFACT_COLUMNS,
    RUN_COLUMNS,
    STEP_COLUMNS,
    decode_row,
    encode_row,
    insert_sql,
    select_sql,
)

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Sequence

    from zenml.metadata_stores.models import AnnotationRecord, ArtifactRecord, RunRecord, StepRecord

T = TypeVar("T")

# Connections inherited through fork(): kept referenced so that they are never closed in the child.
_INHERITED: list[Any] = []


class SQLiteMetadataStore(SQLiteHistory, MetadataStore):
    """Runs, steps and artifacts in the SQLite file ``path`` (created with its directory on first use).

    Options: ``timeout`` (seconds a write waits for the lock, default 30).
    """

    FLAVOR: ClassVar[str] = "sqlite"
    IS_LOCAL: ClassVar[bool] = True  # a file on this machine
    RETRIES: ClassVar[int] = 8

    def __init__(self, name: str = "default", *, path: str, timeout: float = 30.0, **config: object) -> None:
        from zenml.stack.local_paths import check_local_path
        from zenml.stack.options import number_option

        check_local_path(path, flavor="sqlite metadata store")
        self.timeout = number_option("timeout", timeout, unit="seconds")
        super().__init__(name, path=path, **config)
        self.path = path
        self.file = os.path.abspath(os.path.expanduser(path))  # resolved now: later chdir() changes nothing
        if timeout != 30.0:
            self.config["timeout"] = timeout
        self._local = threading.local()
        self._pid = os.getpid()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    # -- connections -------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._pid != os.getpid():  # forked: the parent's connections must not be used (nor closed) here
            _INHERITED.extend(self._all)
            self._local = threading.local()
            self._all = []
            self._lock = threading.Lock()
            self._pid = os.getpid()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._retry(self._open)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        import sqlite3

        from zenml.metadata_stores.sqlite_schema import SCHEMA_VERSION, check_not_newer, migrate, schema_version

        file = self.file
        try:
            os.makedirs(os.path.dirname(file) or ".", exist_ok=True)
            conn = sqlite3.connect(file, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.OperationalError) as error:
            raise self._unusable_path(error) from error
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000):d}")
            # Read-only until the version is known to be ours: a database of a newer zenml is left as it was.
            version = schema_version(conn)
            check_not_newer(version, file)
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if version < SCHEMA_VERSION:
                migrate(conn, file)
        except BaseException:
            conn.close()
            raise
        return conn

    def _unusable_path(self, error: BaseException) -> OSError:
        """An error naming this store and its ``path`` option, for a database file that cannot be created or opened."""
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return OSError(
            f"sqlite metadata store {self.name!r} cannot open its database {self.file!r} (its `path` option): "
            f"{reason}. Point `path` at a file in a writable directory (`zenml stack show` shows it)"
        )

    def close(self) -> None:
        """Close every connection this store opened (they reopen on next use)."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all = []
        self._local = threading.local()

    def _retry(self, operation: Callable[[], T]) -> T:
        import random
        import sqlite3

        delay = 0.01
        for attempt in range(self.RETRIES + 1):
            try:
                return operation()
            except sqlite3.OperationalError as error:
                if not is_busy(error) or attempt == self.RETRIES:
                    if is_busy(error):
                        raise sqlite3.OperationalError(
                            f"metadata store {self.file!r} stayed locked after {self.RETRIES} retries "
                            f"({self.timeout:g}s busy timeout each): another process holds a long write "
                            "transaction; raise the store's `timeout` option"
                        ) from error
                    raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 1.0)
        raise AssertionError("unreachable")  # pragma: no cover

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in a ``BEGIN IMMEDIATE`` transaction, retrying if the database stays locked."""
        conn = self._conn()

        def attempt() -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

        return self._retry(attempt)

    def _read(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        conn = self._conn()
        return self._retry(lambda: conn.execute(sql, parameters).fetchall())

    # -- row conversion: by column name ---------------------------------------------

    @staticmethod
    def _run(row: sqlite3.Row) -> RunRecord:
        from zenml.metadata_stores.models import RunRecord

        return RunRecord(**decode_row(row, RUN_COLUMNS))

    @staticmethod
    def _step(row: sqlite3.Row) -> StepRecord:
        from zenml.metadata_stores.models import StepRecord

        return StepRecord(**decode_row(row, STEP_COLUMNS))

    @staticmethod
    def _artifact(row: sqlite3.Row) -> ArtifactRecord:
        from zenml.metadata_stores.models import ArtifactRecord

        return ArtifactRecord(**decode_row(row, ARTIFACT_COLUMNS))

    # -- writes ------------------------------------------------------------------

    def create_run(self, run: RunRecord) -> None:
        import sqlite3

        try:
            row = encode_row(run, RUN_COLUMNS)
        except (TypeError, ValueError) as error:
            raise TypeError(f"run {run.name!r}: its configuration must be JSON-serialisable ({error})") from None

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR IGNORE INTO pipelines (name, created_at) VALUES (?, ?)", (run.pipeline_name, run.created_at)
            )
            conn.execute(insert_sql("runs", RUN_COLUMNS), row)

        try:
            self._write(work)
        except sqlite3.IntegrityError as error:
            raise ValueError(f"a run with id {run.id!r} is already recorded in {self.file!r}") from error

    def finish_run(self, run_id: str, status: str, ended_at: float, error: str | None = None) -> None:
        def work(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?", (status, ended_at, error, run_id)
            )
            return cursor.rowcount

        if not self._write(work):
            raise RunNotFoundError(f"no run with id {run_id!r} in metadata store {self.file!r}")

    def fail_running_run(self, run_id: str, error: str, ended_at: float) -> bool:
        """Mark the run and its ``running`` steps failed in one transaction, only if the run is still running."""
        from zenml.metadata_stores.models import FAILED, RUNNING

        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status = ?",
                (FAILED, ended_at, error, run_id, RUNNING),
            )
            if not cursor.rowcount:
                return False
            conn.execute(
                "UPDATE steps SET status = ?, ended_at = ?, error = ? WHERE run_id = ? AND status = ?",
                (FAILED, ended_at, error, run_id, RUNNING),
            )
            return True

        return self._write(work)

    def heartbeat(self, run_id: str, at: float) -> None:
        self._write(lambda conn: conn.execute(_HEARTBEAT, (at, run_id)))

    def record_step(
        self,
        step: StepRecord,
        artifacts: Sequence[ArtifactRecord] = (),
        annotations: Sequence[AnnotationRecord] = (),
    ) -> list[ArtifactRecord]:
        """The step, its new artifact versions (numbered here), its output links and annotations: one transaction,
        which also counts as a heartbeat of the run."""
        import sqlite3

        try:
            row = encode_row(step, STEP_COLUMNS)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"step {step.name!r}: inputs, parameters and configuration must be JSON-serialisable ({error})"
            ) from None
        row["output_count"] = sum(1 for artifact in artifacts if artifact.save_type == "step_output")
        new = [artifact for artifact in artifacts if is_new_output(step, artifact)]
        rows = self._artifact_rows(new)
        annotation_rows = self._annotation_rows(annotations)
        upsert = (
            insert_sql("steps", (*STEP_COLUMNS, "output_count"))
            + " ON CONFLICT (run_id, name) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in STEP_COLUMNS[2:])
            + ", output_count = MAX(steps.output_count, excluded.output_count)"
        )

        def work(conn: sqlite3.Connection) -> list[ArtifactRecord]:
            conn.execute(upsert, row)
            numbered = {record.id: record for record in self._insert_versions(conn, new, rows)}
            conn.executemany(
                "INSERT OR IGNORE INTO step_outputs (run_id, step_name, output_name, artifact_id) VALUES (?, ?, ?, ?)",
                [(step.run_id, step.name, artifact.output_name, artifact.id) for artifact in artifacts],
            )
            self._insert_annotations(conn, annotation_rows)
            conn.execute(_HEARTBEAT, (step.ended_at or step.started_at, step.run_id))
            return [numbered.get(artifact.id, artifact) for artifact in artifacts]

        try:
            return self._write(work)
        except sqlite3.IntegrityError as error:
            raise RunNotFoundError(
                f"cannot record step {step.name!r}: no run with id {step.run_id!r} (or an artifact version it reuses) "
                f"in metadata store {self.file!r} ({error})"
            ) from error

    # -- reads -------------------------------------------------------------------

    def get_run(self, name_or_id: str) -> RunRecord:
        columns = select_sql(RUN_COLUMNS)
        rows = self._read(f"SELECT {columns} FROM runs WHERE id = ?", (name_or_id,))
        if not rows:
            rows = self._read(
                f"SELECT {columns} FROM runs WHERE name = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (name_or_id,),
            )
        if not rows and name_or_id:
            escaped = name_or_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self._read(
                f"SELECT {columns} FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY created_at DESC LIMIT 6",
                (escaped + "%",),
            )
            if len(rows) > 1:
                candidates = ", ".join(f"{row['id']} ({row['name']})" for row in rows[:5])
                raise RunNotFoundError(
                    f"run id prefix {name_or_id!r} is ambiguous: it matches {candidates}"
                    f"{' and more' if len(rows) > 5 else ''}; give more characters of the id"
                )
        if not rows:
            raise RunNotFoundError(
                f"no run named {name_or_id!r} and no run id starting with it in metadata store {self.file!r}; "
                "see `zenml run list`"
            )
        return self._run(rows[0])

    def list_runs(
        self, *, pipeline_name: str | None = None, status: str | None = None, limit: int | None = None
    ) -> list[RunRecord]:
        where, parameters = _where(pipeline_name=pipeline_name, status=status)
        sql = f"SELECT {select_sql(RUN_COLUMNS)} FROM runs{where} ORDER BY created_at DESC, rowid DESC"
        if limit is not None:
            sql += f" LIMIT {max(int(limit), 0):d}"
        return [self._run(row) for row in self._read(sql, parameters)]

    def running_runs(self, host: str) -> list[RunRecord]:
        """Runs still marked running whose owner is on ``host`` (one indexed query)."""
        from zenml.metadata_stores.models import RUNNING

        where, parameters = _where(status=RUNNING, owner_host=host)
        rows = self._read(f"SELECT {select_sql(RUN_COLUMNS)} FROM runs{where} ORDER BY created_at", parameters)
        return [self._run(row) for row in rows]

    def list_steps(self, run_id: str) -> list[StepRecord]:
        rows = self._read(
            f"SELECT {select_sql(STEP_COLUMNS)} FROM steps WHERE run_id = ? ORDER BY started_at, rowid", (run_id,)
        )
        return [self._step(row) for row in rows]

    def list_artifacts(self, *, run_id: str | None = None, step_name: str | None = None) -> list[ArtifactRecord]:
        if run_id is None and step_name is None:
            rows = self._read(f"SELECT {select_sql(ARTIFACT_COLUMNS)} FROM artifacts ORDER BY created_at, rowid")
            return [self._artifact(row) for row in rows]
        where, parameters = _where(**{"o.run_id": run_id, "o.step_name": step_name})
        rows = self._read(
            f"SELECT DISTINCT {select_sql(ARTIFACT_COLUMNS, 'a.')}, a.rowid FROM step_outputs o "
            f"JOIN artifacts a ON a.id = o.artifact_id{where} ORDER BY a.created_at, a.rowid",
            parameters,
        )
        return [self._artifact(row) for row in rows]

    def get_artifact(self, artifact_id: str) -> ArtifactRecord:
        rows = self._read(f"SELECT {select_sql(ARTIFACT_COLUMNS)} FROM artifacts WHERE id = ?", (artifact_id,))
        if not rows:
            raise ArtifactRecordNotFoundError(f"no artifact with id {artifact_id!r} in metadata store {self.file!r}")
        return self._artifact(rows[0])

    def find_cached_step(self, pipeline_name: str, step_name: str, cache_key: str) -> StepRecord | None:
        """The newest completed or cached step with this key whose recorded outputs are all still recorded.

        ``steps_by_cache_key_newest`` serves the order: the first match whose outputs are intact ends the search.
        """
        rows = self._read(
            f"SELECT {select_sql(STEP_COLUMNS, 's.')} FROM steps s JOIN runs r ON r.id = s.run_id "
            "WHERE s.cache_key = ? AND s.name = ? AND r.pipeline_name = ? AND s.status IN ('completed', 'cached') "
            "AND s.output_count = (SELECT COUNT(*) FROM step_outputs o JOIN artifacts a ON a.id = o.artifact_id "
            "WHERE o.run_id = s.run_id AND o.step_name = s.name AND a.save_type = 'step_output') "
            "ORDER BY COALESCE(s.ended_at, s.started_at) DESC, s.rowid DESC LIMIT 1",
            (cache_key, step_name, pipeline_name),
        )
        return self._step(rows[0]) if rows else None

    def list_pipelines(self) -> list[str]:
        return [row["name"] for row in self._read("SELECT name FROM pipelines ORDER BY name")]

    def schema_version(self) -> int:
        """The schema version (number of migrations applied) of the database."""
        from zenml.metadata_stores.sqlite_schema import schema_version

        return schema_version(self._conn())


# A heartbeat only moves forward, and only while the run is running.
_HEARTBEAT = "UPDATE runs SET heartbeat_at = MAX(COALESCE(heartbeat_at, 0), ?) WHERE id = ? AND status = 'running'"


def _where(**filters: str | None) -> tuple[str, list[str]]:
    """A ``WHERE`` clause (or ``""``) and its parameters for the column filters that are not ``None``."""
    used = {column: value for column, value in filters.items() if value is not None}
    clause = " AND ".join(f"{column} = ?" for column in used)
    return (f" WHERE {clause}" if clause else ""), list(used.values())
