"""Stored data never chooses code: crafted records and artifact files import nothing and call nothing.

Every load runs in a fresh interpreter, so that "not imported" is checked in
``sys.modules`` of a process that had not imported the named module before.
The canary module writes a marker file when it is imported. Every way to load
a recorded artifact is covered: a run's step output (``artifact.load()``), and
``load_artifact(name)`` of a step output, of a version made with
``save_artifact`` and of files registered with ``register_artifact``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path

CANARY = """
import os
open(os.environ["ZT_CANARY_MARKER"], "w").close()

class Evil:
    VERSION = 1

    def __init__(self, *args, **kwargs):
        open(os.environ["ZT_CANARY_MARKER"] + ".called", "w").close()
"""

USER_TYPES = """
from dataclasses import dataclass
from typing import Any, ClassVar

from zenml.materializers.base import BaseMaterializer


@dataclass
class Point:
    x: int
    y: int


class Celsius:
    def __init__(self, degrees: float) -> None:
        self.degrees = degrees


class CelsiusMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Celsius,)

    def save(self, data: Any) -> None:
        with self.artifact_store.open(self.path("degrees.txt"), "wb") as handle:
            handle.write(str(data.degrees).encode())

    def load(self, data_type: type[Any]) -> Any:
        with self.artifact_store.open(self.path("degrees.txt"), "rb") as handle:
            return data_type(float(handle.read()))
"""

PIPELINE = """
import json
from typing import Annotated

from zenml import pipeline, register_artifact, save_artifact, step
from zenml.client import Client
from zt_user_types import Celsius, CelsiusMaterializer, Point


@step(output_materializers={"temperature": CelsiusMaterializer})
def make() -> tuple[Annotated[dict, "data"], Annotated[Point, "point"], Annotated[list, "points"],
                    Annotated[Celsius, "temperature"]]:
    return {"a": 1}, Point(1, 2), [Point(3, 4)], Celsius(21.5)


@pipeline
def crafted() -> None:
    make()


run = crafted()
stack = Client().active_stack
save_artifact({"b": 2}, name="saved")
with stack.artifact_store.open("uploads/notes.txt", "wb") as handle:
    handle.write(b"registered files")
register_artifact("uploads/notes.txt", name="registered")
print(json.dumps({"run": run.name, "db": stack.metadata_store.path, "root": stack.artifact_store.path}))
"""

LOAD = """
import json
import sys

import zenml.artifacts  # the load machinery itself, so that only what a load adds is compared
from zenml.client import Client

for name in sys.argv[3:]:
    __import__(name)
artifact = Client().get_run(sys.argv[1]).steps["make"].outputs[sys.argv[2]][0]
before = set(sys.modules)
try:
    value = artifact.load()
    outcome = {"loaded": repr(value)}
except Exception as error:
    outcome = {"error": type(error).__name__, "message": str(error)}
outcome["new_modules"] = sorted(set(sys.modules) - before)
print(json.dumps(outcome))
"""


LOAD_BY_NAME = """
import json
import sys

import zenml.artifacts
from zenml import load_artifact
from zenml.client import Client

for name in sys.argv[2:]:
    __import__(name)
Client().get_artifact_version(sys.argv[1])  # the look-up machinery (reads records only): only what a load adds counts
before = set(sys.modules)
try:
    value = load_artifact(sys.argv[1])
    outcome = {"loaded": repr(value)}
except Exception as error:
    outcome = {"error": type(error).__name__, "message": str(error)}
outcome["new_modules"] = sorted(set(sys.modules) - before)
print(json.dumps(outcome))
"""


class History:
    """A real run on the default local stack (SQLite), and fresh interpreters that load its artifacts."""

    def __init__(self, tmp_path: Path) -> None:
        self.site = tmp_path / "site"
        self.site.mkdir()
        (self.site / "zt_canary.py").write_text(CANARY)
        (self.site / "zt_user_types.py").write_text(textwrap.dedent(USER_TYPES))
        self.marker = tmp_path / "canary-imported"
        self.cwd = tmp_path / "work"
        self.cwd.mkdir()
        self.env = {
            **os.environ,
            "ZENML_CONFIG_DIR": str(tmp_path / "config"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(self.site), os.environ.get("PYTHONPATH", "")])),
            "ZT_CANARY_MARKER": str(self.marker),
        }
        made = json.loads(self.python(PIPELINE).strip().splitlines()[-1])
        self.run, self.db, self.root = made["run"], made["db"], made["root"]

    def python(self, code: str, *args: str, cwd: Path | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=cwd or self.cwd,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def load(self, output: str, *imports: str, cwd: Path | None = None) -> dict[str, Any]:
        """Load ``output`` of step ``make`` in a fresh interpreter (after importing ``imports``)."""
        return json.loads(self.python(LOAD, self.run, output, *imports, cwd=cwd).strip().splitlines()[-1])  # type: ignore[no-any-return]

    def load_by_name(self, name: str, *imports: str) -> dict[str, Any]:
        """``load_artifact(name)`` in a fresh interpreter (after importing ``imports``)."""
        return json.loads(self.python(LOAD_BY_NAME, name, *imports).strip().splitlines()[-1])  # type: ignore[no-any-return]

    def tamper(self, output: str, **columns: object) -> None:
        """Overwrite columns of the artifact row of ``output``, as anyone who can write the database can."""
        self._update("step_name = 'make' AND output_name = ?", output, columns)

    def tamper_named(self, name: str, **columns: object) -> None:
        """Overwrite columns of the row of artifact version ``name`` (made outside a step)."""
        self._update("artifact_name = ? AND step_name IS NULL", name, columns)

    def _update(self, where: str, key: str, columns: dict[str, object]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in columns)
        with sqlite3.connect(self.db) as connection:
            changed = connection.execute(
                f"UPDATE artifacts SET {assignments} WHERE {where}", [*columns.values(), key]
            ).rowcount
        connection.close()
        assert changed == 1


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path)


def assert_refused(
    outcome: dict[str, Any], *fragments: str, where: tuple[str, ...] = ("output ", "of step 'make'")
) -> None:
    from zenml.artifacts import ArtifactError, UntrustedReferenceError

    assert outcome.get("error") == "UntrustedReferenceError", outcome
    assert issubclass(UntrustedReferenceError, ArtifactError)  # callers that catch artifact errors keep working
    message = outcome["message"]
    for fragment in (*where, "zenml never imports or calls code named by stored data", *fragments):
        assert fragment in message, message
    foreign = [name for name in outcome["new_modules"] if name.partition(".")[0] != "zenml"]
    assert foreign == [], "a refused load imported modules outside zenml"


def test_untouched_records_load(history: History) -> None:
    assert history.load("data")["loaded"] == "{'a': 1}"
    assert history.load("point", "zt_user_types")["loaded"] == "Point(x=1, y=2)"
    assert history.load("points", "zt_user_types")["loaded"] == "[Point(x=3, y=4)]"
    assert history.load("temperature", "zt_user_types")["loaded"].startswith("<zt_user_types.Celsius object")
    assert history.load_by_name("data")["loaded"] == "{'a': 1}"
    assert history.load_by_name("saved")["loaded"] == "{'b': 2}"
    assert history.load_by_name("registered")["loaded"].endswith("notes.txt')")  # a local path to the files


@pytest.mark.parametrize(
    ("name", "columns", "what"),
    [
        ("saved", {"materializer": "zt_canary:Evil"}, "materializer 'zt_canary:Evil'"),
        ("saved", {"data_type": "zt_canary:Evil"}, "data type 'zt_canary:Evil'"),
        ("registered", {"materializer": "zt_canary:Evil"}, "materializer 'zt_canary:Evil'"),
        ("registered", {"data_type": "this:nothing"}, "data type 'this:nothing'"),
    ],
)
def test_versions_loaded_by_name_obey_no_crafted_reference(
    history: History, name: str, columns: dict[str, str], what: str
) -> None:
    """``load_artifact(name)`` of a saved or registered version goes through the same checks as a step output."""
    history.tamper_named(name, **columns)
    # registered files load as a pathlib.Path: the user's code has imported pathlib (so has the trusted
    # materializer's module); only what the crafted record could add is compared
    outcome = history.load_by_name(name, *(["pathlib"] if name == "registered" else []))
    module = what.split("'")[1].partition(":")[0]
    assert module not in outcome["new_modules"]
    assert not history.marker.exists()
    assert_refused(outcome, what, f"`import {module}`", where=(f"artifact {name!r} version '1' (id ",))


def test_an_invalid_materializer_version_of_a_saved_version_is_an_error(history: History) -> None:
    history.tamper_named("saved", materializer_version="any")
    outcome = history.load_by_name("saved")
    assert outcome["error"] == "MaterializerVersionError", outcome


@pytest.mark.parametrize("by_name", [False, True], ids=["run-output", "load_artifact"])
def test_a_materializer_named_by_a_crafted_row_is_never_imported(history: History, by_name: bool) -> None:
    history.tamper("data", materializer="zt_canary:Evil")
    # Annotated[dict, "data"] names the artifact, as in ZenML
    outcome = history.load_by_name("data") if by_name else history.load("data")
    assert "zt_canary" not in outcome["new_modules"]
    assert not history.marker.exists()
    assert_refused(outcome, "'data'", "materializer 'zt_canary:Evil'", "`import zt_canary`", ".load(materializer=")


@pytest.mark.parametrize("registered", [False, True], ids=["run-output", "registered-artifact"])
def test_shutil_rmtree_as_the_materializer_is_never_called(history: History, tmp_path: Path, registered: bool) -> None:
    victim = tmp_path / "work" / "victimdir"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    if registered:
        history.tamper_named("registered", materializer="shutil:rmtree", uri="victimdir")
        outcome = history.load_by_name("registered")
    else:
        history.tamper("data", materializer="shutil:rmtree", uri="victimdir")
        outcome = history.load("data")
    assert (victim / "precious.txt").read_text() == "keep me"
    where = ("artifact 'registered' version '1'",) if registered else ("output 'data'", "of step 'make'")
    assert_refused(outcome, "materializer 'shutil:rmtree'", where=where)


@pytest.mark.parametrize("data_type", ["this:nothing", "zt_canary:Evil"])
def test_a_data_type_named_by_a_crafted_row_is_never_imported(history: History, data_type: str) -> None:
    history.tamper("data", data_type=data_type)
    outcome = history.load("data")
    module = data_type.partition(":")[0]
    assert module not in outcome["new_modules"]
    assert not history.marker.exists()
    assert_refused(outcome, f"data type {data_type!r}", f"`import {module}`", ".load(data_type=")


def test_a_data_type_the_materializer_does_not_handle_is_refused(history: History) -> None:
    history.tamper("data", data_type="subprocess:Popen")  # imported already, but not a builtin value type
    outcome = history.load("data", "subprocess")
    assert_refused(outcome, "data type 'subprocess:Popen'", "BuiltinMaterializer does not handle it")


def test_an_invalid_materializer_version_is_an_error(history: History) -> None:
    history.tamper("data", materializer_version="any")
    outcome = history.load("data")
    assert outcome["error"] == "MaterializerVersionError", outcome
    assert "records no valid materializer version ('any')" in outcome["message"]


def test_a_crafted_dataclass_type_inside_an_artifact_file_is_never_imported(history: History) -> None:
    from zenml.artifact_stores.local import LocalArtifactStore
    from zenml.artifacts import compute_content_hash

    with sqlite3.connect(history.db) as connection:
        (uri,) = connection.execute("SELECT uri FROM artifacts WHERE output_name = 'points'").fetchone()
    connection.close()
    data = os.path.join(history.root, uri, "data.json")
    with open(data) as handle:
        stored = handle.read()
    assert '"zt_user_types:Point"' in stored
    with open(data, "w") as handle:
        handle.write(stored.replace('"zt_user_types:Point"', '"zt_canary:Evil"'))
    history.tamper("points", content_hash=compute_content_hash(LocalArtifactStore("s", path=history.root), uri))

    outcome = history.load("points", "zt_user_types")
    assert not history.marker.exists()
    assert_refused(outcome, "'points'", "dataclass type (at [0]) 'zt_canary:Evil'", "`import zt_canary`) before")


def test_the_users_own_types_load_once_their_module_is_imported_or_when_passed(history: History) -> None:
    for output, what in (("point", "data type 'zt_user_types:Point'"), ("temperature", "materializer")):
        outcome = history.load(output)  # zt_user_types not imported: nothing names it but stored data
        assert_refused(outcome, what, "`import zt_user_types`")
        assert "zt_user_types" not in outcome["new_modules"]
    explicit = """
    import sys
    from zenml.client import Client

    artifact = Client().get_run(sys.argv[1]).steps["make"].outputs["temperature"][0]
    import zt_user_types  # the user's code, passed explicitly
    value = artifact.load(materializer=zt_user_types.CelsiusMaterializer, data_type=zt_user_types.Celsius)
    print(value.degrees)
    """
    assert history.python(explicit, history.run).strip() == "21.5"


def test_the_errors_cross_process_boundaries_intact() -> None:
    import pickle

    from zenml.artifacts import MaterializerVersionError, UntrustedReferenceError

    for error in (
        UntrustedReferenceError("shutil:rmtree", "materializer", "pass it yourself.", "output 'o' of step 's'"),
        MaterializerVersionError("runs/r/s/o", "zenml.materializers.builtin:BuiltinMaterializer", None, 1),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
