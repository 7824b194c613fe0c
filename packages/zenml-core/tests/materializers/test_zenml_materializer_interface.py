"""A materializer written the ZenML way: registered by defining it (``ASSOCIATED_TYPES``), ``self.uri`` (a full
URI), ``self.artifact_store.open`` in text mode, ``zenml.io.fileio``, ``ASSOCIATED_ARTIFACT_TYPE``,
``extract_metadata`` and ``save_visualizations``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar

from zenml import pipeline, step
from zenml.enums import ArtifactType, VisualizationType
from zenml.io import fileio
from zenml.materializers.base_materializer import BaseMaterializer


class Table:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows


class TableMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Table,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA

    def load(self, data_type: type[Any]) -> Table:
        with self.artifact_store.open(os.path.join(self.uri, "rows.json"), "r") as handle:
            rows = json.load(handle)
        with fileio.open(os.path.join(self.uri, "extra.txt"), "r") as handle:
            assert handle.read() == "written with fileio"
        return Table(rows)

    def save(self, data: Table) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "rows.json"), "w") as handle:
            json.dump(data.rows, handle)
        with fileio.open(os.path.join(self.uri, "extra.txt"), "w") as handle:
            handle.write("written with fileio")

    def extract_metadata(self, data: Table) -> dict[str, Any]:
        return {"rows": len(data.rows), "columns": len(data.rows[0]) if data.rows else 0}

    def save_visualizations(self, data: Table) -> dict[str, VisualizationType]:
        path = os.path.join(self.uri, "preview.csv")
        with fileio.open(path, "w") as handle:
            handle.write("a,b\n" + "\n".join(f"{row['a']},{row['b']}" for row in data.rows))
        return {path: VisualizationType.CSV}


@step  # no output_materializers: defining TableMaterializer registered it for Table, as in ZenML
def make_table() -> Table:
    return Table([{"a": 1, "b": 2}, {"a": 3, "b": 4}])


@step
def count(table: Table) -> int:
    return len(table.rows)


@pipeline
def tables() -> None:
    count(make_table())


def test_a_zenml_style_materializer_round_trips(zen_home: Path) -> None:
    run = tables()
    assert run.steps["count"].output.load() == 2
    artifact = run.steps["make_table"].output
    assert artifact.record.materializer == TableMaterializer.reference()
    assert artifact.type == ArtifactType.DATA
    assert (artifact.run_metadata["rows"], artifact.run_metadata["columns"]) == (2, 2)
    (visualization,) = artifact.visualizations
    assert visualization["type"] == "csv"
    assert Path(visualization["uri"]).read_text().startswith("a,b\n1,2")
    assert sorted(os.listdir(artifact.uri)) == ["extra.txt", "preview.csv", "rows.json"]
    assert artifact.load().rows[1] == {"a": 3, "b": 4}  # a materializer this process defined: trusted
