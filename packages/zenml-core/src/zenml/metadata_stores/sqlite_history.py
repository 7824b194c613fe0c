"""The SQLite store's artifact versions, annotations, run queries and models (mixed into the store class).

Numbers are assigned inside the ``BEGIN IMMEDIATE`` transaction that inserts the version, so two processes
saving versions of one name at once get distinct numbers; ``UNIQUE (artifact_name, version)`` (resp.
``(model_name, name)``) turns a taken version name into :class:`~zenml.metadata_stores.base.VersionExistsError`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from zenml.metadata_stores.base import ArtifactRecordNotFoundError, ModelNotFoundError, VersionExistsError

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterable, Sequence

    from zenml.metadata_stores.models import (
        AnnotationRecord,
        ArtifactRecord,
        ModelRecord,
        ModelVersionRecord,
        RunRecord,
    )
    from zenml.metadata_stores.queries import RunQuery

_MODEL_COLUMNS = (
    "name", "created_at", "license", "description", "audience", "use_cases", "limitations", "trade_offs", "ethics",
)  # fmt: skip
_MODEL_VERSION_COLUMNS = ("id", "model_name", "name", "number", "created_at", "description")


T = TypeVar("T")


class SQLiteHistory:
    """Artifact versions, annotations, run queries and models of :class:`SQLiteMetadataStore`."""

    if TYPE_CHECKING:  # what the store class provides
        file: str

        def _write(self, work: Callable[[sqlite3.Connection], T]) -> T: ...
        def _read(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
        def _artifact(self, row: tuple[Any, ...]) -> ArtifactRecord: ...
        def _run(self, row: tuple[Any, ...]) -> RunRecord: ...

    # -- artifact versions ----------------------------------------------------------------------------

    @staticmethod
    def _artifact_rows(artifacts: Sequence[ArtifactRecord]) -> list[dict[str, Any]]:
        import json

        from zenml.metadata_stores.sqlite_schema import ARTIFACT_COLUMNS

        rows = []
        for artifact in artifacts:
            row = {column: getattr(artifact, column) for column in ARTIFACT_COLUMNS.split(", ")}
            try:
                row["run_metadata"] = json.dumps(artifact.run_metadata, sort_keys=True)
                row["visualizations"] = json.dumps(artifact.visualizations, sort_keys=True)
            except (TypeError, ValueError) as error:
                raise TypeError(
                    f"artifact {artifact.artifact_name!r}: metadata must be JSON-serialisable ({error})"
                ) from None
            rows.append(row)
        return rows

    @staticmethod
    def _insert_versions(
        conn: sqlite3.Connection, artifacts: Sequence[ArtifactRecord], rows: list[dict[str, Any]]
    ) -> list[ArtifactRecord]:
        """Insert new artifact versions, numbering those without a version; inside the caller's transaction."""
        import sqlite3

        from zenml.metadata_stores.sqlite_schema import ARTIFACT_COLUMNS

        columns = ARTIFACT_COLUMNS.split(", ")
        sql = f"INSERT INTO artifacts ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
        recorded = []
        for given, row in zip(artifacts, rows, strict=True):
            if not given.artifact_name:
                raise ValueError(f"artifact {given.id!r} has no name")
            if given.version == "":
                number = conn.execute(
                    "SELECT COALESCE(MAX(version_number), 0) + 1 FROM artifacts WHERE artifact_name = ?",
                    (given.artifact_name,),
                ).fetchone()[0]
                artifact = replace(given, version=str(number), version_number=number)
            else:
                version = str(given.version)
                artifact = replace(given, version=version, version_number=int(version) if version.isdigit() else None)
            row.update(version=artifact.version, version_number=artifact.version_number)
            try:
                conn.execute(sql, row)
            except sqlite3.IntegrityError as error:
                if "artifact_name" in str(error) or "UNIQUE" in str(error):
                    raise VersionExistsError(
                        f"artifact {artifact.artifact_name!r} already has a version {artifact.version!r}: give another "
                        "version (or none, for the next number)"
                    ) from None
                raise
            recorded.append(artifact)
        return recorded

    def create_artifact_version(
        self, artifact: ArtifactRecord, annotations: Sequence[AnnotationRecord] = ()
    ) -> ArtifactRecord:
        rows = self._artifact_rows([artifact])
        annotation_rows = self._annotation_rows(annotations)

        def work(conn: sqlite3.Connection) -> ArtifactRecord:
            (recorded,) = self._insert_versions(conn, [artifact], rows)
            self._insert_annotations(conn, annotation_rows)
            return recorded

        return self._write(work)

    def list_artifact_versions(self, name: str | None = None) -> list[ArtifactRecord]:
        from zenml.metadata_stores.sqlite_schema import ARTIFACT_COLUMNS

        if name is None:
            rows = self._read(f"SELECT {ARTIFACT_COLUMNS} FROM artifacts ORDER BY created_at, rowid")
        else:
            rows = self._read(
                f"SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE artifact_name = ? ORDER BY created_at, rowid", (name,)
            )
        return [self._artifact(row) for row in rows]

    def get_artifact_version(self, name: str, version: str | None = None) -> ArtifactRecord:
        from zenml.metadata_stores.sqlite_schema import ARTIFACT_COLUMNS

        if version is None:
            rows = self._read(
                f"SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE artifact_name = ? "
                "ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (name,),
            )
        else:
            rows = self._read(
                f"SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE artifact_name = ? AND version = ?",
                (name, str(version)),
            )
        if not rows:
            what = f"version {version!r} of artifact {name!r}" if version is not None else f"artifact {name!r}"
            raise ArtifactRecordNotFoundError(f"no {what} in metadata store {self.file!r}")
        return self._artifact(rows[0])

    def artifact_names(self) -> list[str]:
        return [row[0] for row in self._read("SELECT DISTINCT artifact_name FROM artifacts ORDER BY artifact_name")]

    def list_step_outputs(self, run_id: str) -> list[tuple[str, str, ArtifactRecord]]:
        from zenml.metadata_stores.sqlite_schema import ARTIFACT_COLUMNS

        columns = ", ".join(f"a.{column}" for column in ARTIFACT_COLUMNS.split(", "))
        rows = self._read(
            f"SELECT o.step_name, o.output_name, {columns} FROM step_outputs o "
            "JOIN artifacts a ON a.id = o.artifact_id WHERE o.run_id = ? ORDER BY a.created_at, a.rowid",
            (run_id,),
        )
        return [(row[0], row[1], self._artifact(row[2:])) for row in rows]

    # -- annotations ----------------------------------------------------------------------------------

    @staticmethod
    def _annotation_rows(annotations: Sequence[AnnotationRecord]) -> list[dict[str, Any]]:
        import json

        rows = []
        for annotation in annotations:
            try:
                payload = json.dumps(annotation.payload, sort_keys=True, allow_nan=False)
            except (TypeError, ValueError) as error:
                raise TypeError(
                    f"{annotation.kind} of {annotation.resource_type} must be JSON-serialisable ({error})"
                ) from None
            rows.append({**annotation.to_dict(), "payload": payload})
        return rows

    @staticmethod
    def _insert_annotations(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
        conn.executemany(
            "INSERT INTO annotations (resource_type, resource_id, kind, payload, created_at) "
            "VALUES (:resource_type, :resource_id, :kind, :payload, :created_at)",
            rows,
        )

    def add_annotations(self, annotations: Sequence[AnnotationRecord]) -> None:
        rows = self._annotation_rows(annotations)
        if rows:
            self._write(lambda conn: self._insert_annotations(conn, rows))

    def list_annotations(self, resource_type: str, resource_ids: Iterable[str] | None = None) -> list[AnnotationRecord]:
        import json

        from zenml.metadata_stores.models import AnnotationRecord

        columns = "resource_type, resource_id, kind, payload, created_at"
        if resource_ids is None:
            rows = self._read(
                f"SELECT {columns} FROM annotations WHERE resource_type = ? ORDER BY seq", (resource_type,)
            )
        else:
            ids = sorted(set(resource_ids))
            rows = []
            for start in range(0, len(ids), 500):  # stay below SQLite's bound-parameter limit
                chunk = ids[start : start + 500]
                rows += self._read(
                    f"SELECT seq, {columns} FROM annotations WHERE resource_type = ? AND resource_id IN "
                    f"({', '.join('?' * len(chunk))})",
                    (resource_type, *chunk),
                )
            rows = [row[1:] for row in sorted(rows, key=lambda row: row[0])]
        return [
            AnnotationRecord(
                resource_type=row[0], resource_id=row[1], kind=row[2], payload=json.loads(row[3]), created_at=row[4]
            )
            for row in rows
        ]

    # -- runs -----------------------------------------------------------------------------------------

    def query_runs(self, query: RunQuery) -> tuple[list[RunRecord], int]:
        """One page of runs by SQL (``runs_by_created`` serves the default newest-first order)."""
        from zenml.metadata_stores.queries import RUN_FIELDS
        from zenml.metadata_stores.sqlite_schema import RUN_COLUMNS

        clauses: list[str] = []
        parameters: list[Any] = []
        for condition in query.conditions:
            clause, values = condition.sql(RUN_FIELDS[condition.field])
            clauses.append(clause)
            parameters += values
        if query.ids is not None:
            ids = sorted(query.ids)
            if not ids:
                return [], 0
            clauses.append(f"id IN ({', '.join('?' * len(ids))})")
            parameters += ids
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        column, descending = query.sort
        direction = "DESC" if descending else "ASC"
        total = self._read(f"SELECT COUNT(*) FROM runs{where}", parameters)[0][0]
        rows = self._read(
            f"SELECT {RUN_COLUMNS} FROM runs{where} ORDER BY {column} {direction}, rowid {direction} "
            f"LIMIT {int(query.size):d} OFFSET {int((query.page - 1) * query.size):d}",
            parameters,
        )
        return [self._run(row) for row in rows], int(total)

    def delete_run(self, run_id: str) -> None:
        from zenml.metadata_stores.base import RunNotFoundError
        from zenml.metadata_stores.models import PIPELINE_RUN, STEP_RUN, step_id

        def work(conn: sqlite3.Connection) -> int:
            steps = [row[0] for row in conn.execute("SELECT name FROM steps WHERE run_id = ?", (run_id,))]
            conn.execute("DELETE FROM annotations WHERE resource_type = ? AND resource_id = ?", (PIPELINE_RUN, run_id))
            conn.executemany(
                "DELETE FROM annotations WHERE resource_type = ? AND resource_id = ?",
                [(STEP_RUN, step_id(run_id, name)) for name in steps],
            )
            return conn.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount

        if not self._write(work):
            raise RunNotFoundError(f"no run with id {run_id!r} in metadata store {self.file!r}")

    # -- models ---------------------------------------------------------------------------------------

    def create_model(self, model: ModelRecord) -> ModelRecord:
        row = {column: getattr(model, column) for column in _MODEL_COLUMNS}

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                f"INSERT OR IGNORE INTO models ({', '.join(_MODEL_COLUMNS)}) "
                f"VALUES ({', '.join(':' + c for c in _MODEL_COLUMNS)})",
                row,
            )

        self._write(work)
        return self.get_model(model.name)

    def list_models(self) -> list[ModelRecord]:
        from zenml.metadata_stores.models import ModelRecord

        rows = self._read(f"SELECT {', '.join(_MODEL_COLUMNS)} FROM models ORDER BY name")
        return [ModelRecord(**dict(zip(_MODEL_COLUMNS, row, strict=True))) for row in rows]

    def get_model(self, name: str) -> ModelRecord:
        from zenml.metadata_stores.models import ModelRecord

        rows = self._read(f"SELECT {', '.join(_MODEL_COLUMNS)} FROM models WHERE name = ?", (name,))
        if not rows:
            raise ModelNotFoundError(f"no model named {name!r} in metadata store {self.file!r}; see `zenml model list`")
        return ModelRecord(**dict(zip(_MODEL_COLUMNS, rows[0], strict=True)))

    def create_model_version(self, version: ModelVersionRecord) -> ModelVersionRecord:
        import sqlite3

        def work(conn: sqlite3.Connection) -> ModelVersionRecord:
            number = conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM model_versions WHERE model_name = ?", (version.model_name,)
            ).fetchone()[0]
            record = replace(version, number=number, name=version.name or str(number))
            conn.execute(
                f"INSERT INTO model_versions ({', '.join(_MODEL_VERSION_COLUMNS)}) "
                f"VALUES ({', '.join(':' + c for c in _MODEL_VERSION_COLUMNS)})",
                {column: getattr(record, column) for column in _MODEL_VERSION_COLUMNS},
            )
            return record

        self.get_model(version.model_name)
        try:
            return self._write(work)
        except sqlite3.IntegrityError:
            raise VersionExistsError(
                f"model {version.model_name!r} already has a version named {version.name!r}"
            ) from None

    def list_model_versions(self, model_name: str | None = None) -> list[ModelVersionRecord]:
        from zenml.metadata_stores.models import ModelVersionRecord

        columns = ", ".join(_MODEL_VERSION_COLUMNS)
        if model_name is None:
            rows = self._read(f"SELECT {columns} FROM model_versions ORDER BY model_name, number")
        else:
            rows = self._read(
                f"SELECT {columns} FROM model_versions WHERE model_name = ? ORDER BY number", (model_name,)
            )
        return [ModelVersionRecord(**dict(zip(_MODEL_VERSION_COLUMNS, row, strict=True))) for row in rows]
