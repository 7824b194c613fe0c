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

from zenml.metadata_stores.base import ArtifactRecordNotFoundError, MetadataStore, RunNotFoundError

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Sequence

    from zenml.metadata_stores.models import ArtifactRecord, RunRecord, StepRecord

T = TypeVar("T")

# Connections inherited through fork(): kept referenced so that they are never closed in the child.
_INHERITED: list[Any] = []

# The columns of each table, named exactly like the fields of its record (a test keeps them in step):
# rows are read and written by these names, never by position.
RUN_COLUMNS = (
    "id", "name", "pipeline_name", "status", "created_at", "ended_at", "stack_name", "error", "config", "graph",
    "artifact_store_path", "owner_host", "owner_pid", "owner_start", "heartbeat_at",
)  # fmt: skip
STEP_COLUMNS = (
    "run_id", "name", "status", "started_at", "ended_at", "cache_key", "inputs", "parameters", "error", "config",
    "attempts", "logs_uri", "traceback",
)  # fmt: skip
ARTIFACT_COLUMNS = (
    "id", "run_id", "step_name", "output_name", "uri", "artifact_store_path", "data_type", "materializer",
    "materializer_version", "size", "content_hash", "created_at", "run_metadata", "fingerprint",
)  # fmt: skip
# Columns that hold JSON text (dicts and lists of the records); keys sorted except where their order is data.
JSON_COLUMNS = frozenset({"config", "inputs", "parameters", "attempts", "run_metadata", "graph"})
_ORDERED_JSON_COLUMNS = frozenset({"graph"})  # the planned steps in run order

# SQLITE_BUSY and SQLITE_LOCKED: primary result codes (the low byte of an extended code such as SQLITE_BUSY_SNAPSHOT).
_BUSY_CODES = (5, 6)
# Python 3.10 has no ``sqlite_errorcode``: the exact texts SQLite gives these codes (sqlite3_errstr), nothing looser.
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")


def _select(columns: Sequence[str], alias: str = "") -> str:
    return ", ".join(f"{alias}{column}" for column in columns)


def _insert(table: str, columns: Sequence[str], verb: str = "INSERT") -> str:
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + column for column in columns)})"


def _row(record: object, columns: Sequence[str]) -> dict[str, Any]:
    """The named parameters of one record's row: its fields, JSON columns encoded (``TypeError`` if they cannot be)."""
    import json

    values = {column: getattr(record, column) for column in columns}  # not asdict(): that deep-copies
    for column in JSON_COLUMNS.intersection(columns):
        values[column] = json.dumps(values[column], sort_keys=column not in _ORDERED_JSON_COLUMNS)
    return values


def _values(row: sqlite3.Row, columns: Sequence[str]) -> dict[str, Any]:
    """A record's fields from one row, by column name, JSON columns decoded."""
    import json

    values = {column: row[column] for column in columns}
    for column in JSON_COLUMNS.intersection(columns):
        values[column] = json.loads(values[column])
    return values


def _is_busy(error: Exception) -> bool:
    """Whether SQLite answered "busy" or "locked" (retry later), told by its result code."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _BUSY_CODES
    message = str(error)
    return any(message == text or message.startswith(f"{text}: ") for text in _BUSY_MESSAGES)


class SQLiteMetadataStore(MetadataStore):
    """Runs, steps and artifacts in the SQLite file ``path`` (created with its directory on first use).

    Options: ``timeout`` (seconds a write waits for the lock, default 30).
    """

    FLAVOR: ClassVar[str] = "sqlite"
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
                if not _is_busy(error) or attempt == self.RETRIES:
                    if _is_busy(error):
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

        return RunRecord(**_values(row, RUN_COLUMNS))

    @staticmethod
    def _step(row: sqlite3.Row) -> StepRecord:
        from zenml.metadata_stores.models import StepRecord

        return StepRecord(**_values(row, STEP_COLUMNS))

    @staticmethod
    def _artifact(row: sqlite3.Row) -> ArtifactRecord:
        from zenml.metadata_stores.models import ArtifactRecord

        return ArtifactRecord(**_values(row, ARTIFACT_COLUMNS))

    # -- writes ------------------------------------------------------------------

    def create_run(self, run: RunRecord) -> None:
        import sqlite3

        try:
            row = _row(run, RUN_COLUMNS)
        except (TypeError, ValueError) as error:
            raise TypeError(f"run {run.name!r}: its configuration must be JSON-serialisable ({error})") from None

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR IGNORE INTO pipelines (name, created_at) VALUES (?, ?)", (run.pipeline_name, run.created_at)
            )
            conn.execute(_insert("runs", RUN_COLUMNS), row)

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

    def record_step(self, step: StepRecord, artifacts: Sequence[ArtifactRecord] = ()) -> None:
        """Record the step and its artifacts in one transaction, which also counts as a heartbeat of the run."""
        import sqlite3

        try:
            row = {**_row(step, STEP_COLUMNS), "output_count": len(artifacts)}
            artifact_rows = [_row(artifact, ARTIFACT_COLUMNS) for artifact in artifacts]
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"step {step.name!r}: inputs, parameters, configuration and output metadata must be "
                f"JSON-serialisable ({error})"
            ) from None
        for artifact in artifacts:
            if (artifact.run_id, artifact.step_name) != (step.run_id, step.name):
                raise ValueError(
                    f"artifact {artifact.output_name!r} belongs to step {artifact.step_name!r} of run "
                    f"{artifact.run_id!r}, not to step {step.name!r} of run {step.run_id!r}"
                )
        upsert = (
            _insert("steps", (*STEP_COLUMNS, "output_count"))
            + " ON CONFLICT (run_id, name) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in STEP_COLUMNS[2:])
            + ", output_count = MAX(steps.output_count, excluded.output_count)"
        )

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(upsert, row)
            conn.executemany(_insert("artifacts", ARTIFACT_COLUMNS, "INSERT OR REPLACE"), artifact_rows)
            conn.execute(_HEARTBEAT, (step.ended_at or step.started_at, step.run_id))

        try:
            self._write(work)
        except sqlite3.IntegrityError as error:
            raise RunNotFoundError(
                f"cannot record step {step.name!r}: no run with id {step.run_id!r} in metadata store {self.file!r} "
                f"({error})"
            ) from error

    # -- reads -------------------------------------------------------------------

    def get_run(self, name_or_id: str) -> RunRecord:
        columns = _select(RUN_COLUMNS)
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
        sql = f"SELECT {_select(RUN_COLUMNS)} FROM runs{where} ORDER BY created_at DESC, rowid DESC"
        if limit is not None:
            sql += f" LIMIT {max(int(limit), 0):d}"
        return [self._run(row) for row in self._read(sql, parameters)]

    def running_runs(self, host: str) -> list[RunRecord]:
        """Runs still marked running whose owner is on ``host`` (one indexed query)."""
        from zenml.metadata_stores.models import RUNNING

        where, parameters = _where(status=RUNNING, owner_host=host)
        rows = self._read(f"SELECT {_select(RUN_COLUMNS)} FROM runs{where} ORDER BY created_at", parameters)
        return [self._run(row) for row in rows]

    def list_steps(self, run_id: str) -> list[StepRecord]:
        rows = self._read(
            f"SELECT {_select(STEP_COLUMNS)} FROM steps WHERE run_id = ? ORDER BY started_at, rowid", (run_id,)
        )
        return [self._step(row) for row in rows]

    def list_artifacts(self, *, run_id: str | None = None, step_name: str | None = None) -> list[ArtifactRecord]:
        where, parameters = _where(run_id=run_id, step_name=step_name)
        rows = self._read(
            f"SELECT {_select(ARTIFACT_COLUMNS)} FROM artifacts{where} ORDER BY created_at, rowid", parameters
        )
        return [self._artifact(row) for row in rows]

    def get_artifact(self, artifact_id: str) -> ArtifactRecord:
        rows = self._read(f"SELECT {_select(ARTIFACT_COLUMNS)} FROM artifacts WHERE id = ?", (artifact_id,))
        if not rows:
            raise ArtifactRecordNotFoundError(f"no artifact with id {artifact_id!r} in metadata store {self.file!r}")
        return self._artifact(rows[0])

    def find_cached_step(self, pipeline_name: str, step_name: str, cache_key: str) -> StepRecord | None:
        """The newest completed or cached step with this key whose recorded outputs are all still recorded."""
        rows = self._read(
            f"SELECT {_select(STEP_COLUMNS, 's.')} FROM steps s JOIN runs r ON r.id = s.run_id "
            "WHERE s.cache_key = ? AND s.name = ? AND r.pipeline_name = ? AND s.status IN ('completed', 'cached') "
            "AND s.output_count = "
            "(SELECT COUNT(*) FROM artifacts a WHERE a.run_id = s.run_id AND a.step_name = s.name) "
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
