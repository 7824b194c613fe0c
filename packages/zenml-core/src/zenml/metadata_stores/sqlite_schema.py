"""The SQLite metadata store's schema, as an ordered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied. Migrations
are append-only: never edit one that has shipped, add the next one instead.
:func:`migrate` applies the missing ones in a single ``BEGIN IMMEDIATE``
transaction, so that concurrent processes opening a new database agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: pipelines, runs, steps, artifacts
    (
        """
        CREATE TABLE pipelines (
            name TEXT PRIMARY KEY,
            created_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            pipeline_name TEXT NOT NULL REFERENCES pipelines(name),
            status TEXT NOT NULL,
            created_at REAL NOT NULL,
            ended_at REAL,
            stack_name TEXT NOT NULL,
            error TEXT
        )
        """,
        "CREATE INDEX runs_by_name ON runs(name)",
        "CREATE INDEX runs_by_created ON runs(created_at)",
        "CREATE INDEX runs_by_pipeline ON runs(pipeline_name, created_at)",
        """
        CREATE TABLE steps (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at REAL NOT NULL,
            ended_at REAL,
            cache_key TEXT,
            inputs TEXT NOT NULL,
            parameters TEXT NOT NULL,
            error TEXT,
            output_count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, name)
        )
        """,
        "CREATE INDEX steps_by_cache_key ON steps(cache_key, name)",
        """
        CREATE TABLE artifacts (
            id TEXT PRIMARY KEY,
            run_id TEXT NOT NULL,
            step_name TEXT NOT NULL,
            output_name TEXT NOT NULL,
            uri TEXT NOT NULL,
            artifact_store_path TEXT NOT NULL,
            data_type TEXT NOT NULL,
            materializer TEXT NOT NULL,
            materializer_version INTEGER NOT NULL,
            size INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (run_id, step_name, output_name),
            FOREIGN KEY (run_id, step_name) REFERENCES steps(run_id, name) ON DELETE CASCADE
        )
        """,
        "CREATE INDEX artifacts_by_uri ON artifacts(uri)",
    ),
    # 2: run and step configuration, step attempts (retries), output metadata (JSON text)
    (
        "ALTER TABLE runs ADD COLUMN config TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE steps ADD COLUMN config TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE steps ADD COLUMN attempts TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE artifacts ADD COLUMN run_metadata TEXT NOT NULL DEFAULT '{}'",
    ),
    # 3: the planned step graph and artifact store of a run; a step's logs and traceback
    (
        "ALTER TABLE runs ADD COLUMN graph TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE runs ADD COLUMN artifact_store_path TEXT",
        "ALTER TABLE steps ADD COLUMN logs_uri TEXT",
        "ALTER TABLE steps ADD COLUMN traceback TEXT",
    ),
    # 4: artifacts become named, numbered artifact versions (earlier outputs get ZenML's default name
    # <pipeline>::<step>::<output> and versions 1, 2, ... in the order they were made); step outputs are links
    # (a cached step links the versions it reuses); annotations (metadata, tags, links, stages); models
    (
        """
        CREATE TABLE artifacts_v4 (
            id TEXT PRIMARY KEY,
            artifact_name TEXT NOT NULL,
            version TEXT NOT NULL,
            version_number INTEGER,
            artifact_type TEXT NOT NULL DEFAULT 'BaseArtifact',
            save_type TEXT NOT NULL DEFAULT 'step_output',
            run_id TEXT,
            step_name TEXT,
            output_name TEXT,
            uri TEXT NOT NULL,
            artifact_store_path TEXT NOT NULL,
            data_type TEXT NOT NULL,
            materializer TEXT NOT NULL,
            materializer_version INTEGER NOT NULL,
            size INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            run_metadata TEXT NOT NULL DEFAULT '{}',
            visualizations TEXT NOT NULL DEFAULT '[]',
            UNIQUE (artifact_name, version)
        )
        """,
        """
        INSERT INTO artifacts_v4 (id, artifact_name, version, version_number, run_id, step_name, output_name, uri,
            artifact_store_path, data_type, materializer, materializer_version, size, content_hash, created_at,
            run_metadata)
        SELECT id, name, CAST(number AS TEXT), number, run_id, step_name, output_name, uri, artifact_store_path,
            data_type, materializer, materializer_version, size, content_hash, created_at, run_metadata
        FROM (
            SELECT a.*, r.pipeline_name || '::' || a.step_name || '::' || a.output_name AS name,
                ROW_NUMBER() OVER (PARTITION BY r.pipeline_name, a.step_name, a.output_name
                                   ORDER BY a.created_at, a.rowid) AS number
            FROM artifacts a JOIN runs r ON r.id = a.run_id
        )
        """,
        "DROP TABLE artifacts",
        "ALTER TABLE artifacts_v4 RENAME TO artifacts",
        "CREATE INDEX artifacts_by_uri ON artifacts(uri)",
        "CREATE INDEX artifacts_by_name ON artifacts(artifact_name, version_number)",
        "CREATE INDEX artifacts_by_created ON artifacts(created_at)",
        """
        CREATE TABLE step_outputs (
            run_id TEXT NOT NULL,
            step_name TEXT NOT NULL,
            output_name TEXT NOT NULL,
            artifact_id TEXT NOT NULL REFERENCES artifacts(id),
            PRIMARY KEY (run_id, step_name, output_name, artifact_id),
            FOREIGN KEY (run_id, step_name) REFERENCES steps(run_id, name) ON DELETE CASCADE
        )
        """,
        "INSERT INTO step_outputs SELECT run_id, step_name, output_name, id FROM artifacts",
        "CREATE INDEX step_outputs_by_artifact ON step_outputs(artifact_id)",
        """
        CREATE TABLE annotations (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            resource_type TEXT NOT NULL,
            resource_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at REAL NOT NULL
        )
        """,
        "CREATE INDEX annotations_by_resource ON annotations(resource_type, resource_id)",
        """
        CREATE TABLE models (
            name TEXT PRIMARY KEY,
            created_at REAL NOT NULL,
            license TEXT,
            description TEXT,
            audience TEXT,
            use_cases TEXT,
            limitations TEXT,
            trade_offs TEXT,
            ethics TEXT
        )
        """,
        """
        CREATE TABLE model_versions (
            id TEXT PRIMARY KEY,
            model_name TEXT NOT NULL REFERENCES models(name),
            name TEXT NOT NULL,
            number INTEGER NOT NULL,
            created_at REAL NOT NULL,
            description TEXT,
            UNIQUE (model_name, name),
            UNIQUE (model_name, number)
        )
        """,
    ),
    # 5: who runs a run and when it was last seen (crash detection); artifact fingerprints (cache reuse)
    (
        "ALTER TABLE runs ADD COLUMN owner_host TEXT",
        "ALTER TABLE runs ADD COLUMN owner_pid INTEGER",
        "ALTER TABLE runs ADD COLUMN owner_start TEXT",
        "ALTER TABLE runs ADD COLUMN heartbeat_at REAL",
        "CREATE INDEX runs_by_status ON runs(status, owner_host)",
        "ALTER TABLE artifacts ADD COLUMN fingerprint TEXT",
    ),
    # 6: a cache lookup reads the newest matching step from the index and stops (it sorted every run's match)
    (
        "CREATE INDEX steps_by_cache_key_newest ON steps(cache_key, name, COALESCE(ended_at, started_at))",
        "DROP INDEX steps_by_cache_key",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)

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
    "materializer_version", "size", "content_hash", "created_at", "run_metadata", "artifact_name", "version",
    "version_number", "artifact_type", "save_type", "visualizations", "fingerprint",
)  # fmt: skip
MODEL_COLUMNS = (
    "name", "created_at", "license", "description", "audience", "use_cases", "limitations", "trade_offs", "ethics",
)  # fmt: skip
MODEL_VERSION_COLUMNS = ("id", "model_name", "name", "number", "created_at", "description")
ANNOTATION_COLUMNS = ("resource_type", "resource_id", "kind", "payload", "created_at")
# Columns that hold JSON text (dicts and lists of the records); keys sorted except where their order is data.
JSON_COLUMNS = frozenset({"config", "inputs", "parameters", "attempts", "run_metadata", "graph", "visualizations"})
ORDERED_JSON_COLUMNS = frozenset({"graph"})  # the planned steps in run order


def select_sql(columns: Sequence[str], alias: str = "") -> str:
    """``a.id, a.name, ...``: the columns to select (each result column keeps its plain name)."""
    return ", ".join(f"{alias}{column}" for column in columns)


def insert_sql(table: str, columns: Sequence[str], verb: str = "INSERT") -> str:
    """An insert of one row given as named parameters (``:column``)."""
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + column for column in columns)})"


def encode_row(record: object, columns: Sequence[str]) -> dict[str, Any]:
    """The named parameters of one record's row: its fields, JSON columns encoded (``TypeError`` if they cannot be)."""
    import json

    values = {column: getattr(record, column) for column in columns}  # not asdict(): that deep-copies
    for column in JSON_COLUMNS.intersection(columns):
        values[column] = json.dumps(values[column], sort_keys=column not in ORDERED_JSON_COLUMNS)
    return values


def decode_row(row: sqlite3.Row, columns: Sequence[str]) -> dict[str, Any]:
    """A record's fields from one row, by column name, JSON columns decoded."""
    import json

    values = {column: row[column] for column in columns}
    for column in JSON_COLUMNS.intersection(columns):
        values[column] = json.loads(values[column])
    return values


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer zenml whose schema this one does not know."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations applied to the database behind ``conn``."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def check_not_newer(version: int, path: str) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"the metadata store {path!r} has schema version {version}, but this zenml-core knows versions up to "
            f"{SCHEMA_VERSION}; upgrade zenml-core (pip install -U zenml-core) to use it"
        )


def migrate(conn: sqlite3.Connection, path: str) -> int:
    """Apply every missing migration in one write transaction; return the schema version."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        check_not_newer(version, path)
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                conn.execute(statement)
        if version < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION
