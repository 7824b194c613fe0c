"""User-fixable failures end in ``Error: ...`` and exit 1, whatever layer raises them; bugs keep their traceback."""

from __future__ import annotations

import sqlite3
import textwrap
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from zenml.cli.main import cli
from zenml.cli.user_errors import user_error_message
from zenml.stack.flavors import METADATA_STORE, flavor_registry

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def flavors() -> Iterator[None]:
    """Forget the flavors a test registers in the process-wide flavor registry."""
    with flavor_registry.scope():
        yield


def use_metadata_store(home: Path, flavor: str, path: Path) -> None:
    """Write a config whose active stack uses a metadata store of ``flavor`` at ``path``."""
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(
        f'active_stack = "s"\n[metadata_stores.m]\nflavor = "{flavor}"\npath = "{path}"\n'
        '[stacks.s]\nmetadata_store = "m"\n'
    )


def assert_clean_failure(result: Result, *fragments: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert result.output.startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


def test_metadata_db_from_a_newer_zenml(zen_home: Path, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    conn.close()
    use_metadata_store(zen_home, "sqlite", db)
    for args in (("run", "list"), ("run", "show", "x")):
        assert_clean_failure(zenml(*args), "schema version 999", "upgrade zenml-core")


def test_damaged_metadata_db(zen_home: Path, tmp_path: Path) -> None:
    db = tmp_path / "metadata.db"
    db.write_bytes(b"this is not an SQLite database, it was overwritten by mistake" * 100)
    use_metadata_store(zen_home, "sqlite", db)
    assert_clean_failure(zenml("run", "list"), "file is not a database", "move it away")


def test_metadata_path_under_a_file(zen_home: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    use_metadata_store(zen_home, "sqlite", blocker / "metadata.db")
    assert_clean_failure(zenml("run", "list"), str(blocker))


def test_flavor_whose_module_cannot_be_imported(zen_home: Path, tmp_path: Path, flavors: None) -> None:
    flavor_registry.register(METADATA_STORE, "broken", "zenml_no_such_module_for_tests:Store")
    use_metadata_store(zen_home, "broken", tmp_path / "m")
    assert_clean_failure(
        zenml("run", "list"),
        "metadata store 'm'",
        "cannot load its flavor 'broken' (zenml_no_such_module_for_tests:Store)",
        "ModuleNotFoundError",
        "zenml integration list",
    )


def test_flavor_that_is_not_a_component_class(zen_home: Path, tmp_path: Path, flavors: None) -> None:
    flavor_registry.register(METADATA_STORE, "notaclass", "os.path:join")
    use_metadata_store(zen_home, "notaclass", tmp_path / "m")
    assert_clean_failure(zenml("run", "list"), "metadata store 'm'", "not a StackComponent class")


def test_a_bug_in_a_flavor_still_raises(
    zen_home: Path, tmp_path: Path, flavors: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "zenml_buggy_store.py").write_text(
        textwrap.dedent(
            """
            from zenml.metadata_stores.sqlite import SQLiteMetadataStore

            class BuggyStore(SQLiteMetadataStore):
                FLAVOR = "buggy"

                def list_runs(self, **filters):
                    return 1 // 0
            """
        )
    )
    monkeypatch.syspath_prepend(str(package))
    flavor_registry.register(METADATA_STORE, "buggy", "zenml_buggy_store:BuggyStore")
    use_metadata_store(zen_home, "buggy", tmp_path / "m.db")
    with pytest.raises(ZeroDivisionError):
        zenml("run", "list")


def test_missing_run_names_the_hint_once(zen_home: Path) -> None:
    result = zenml("run", "show", "nope")
    assert_clean_failure(result, "'nope'", code=2)  # a name typed on the command line: a usage error
    assert result.output.count("zenml run list") == 1


def test_usage_errors_keep_exit_status_2(zen_home: Path) -> None:
    result = zenml("run", "list", "--status", "cached")  # a step status, not a run status
    assert result.exit_code == 2
    assert "'running', 'completed', 'failed'" in result.output


def test_only_user_facing_families_get_a_message() -> None:
    from zenml.metadata_stores.sqlite_schema import SchemaTooNewError
    from zenml.stack.config import StackConfigError

    assert user_error_message(StackConfigError("bad config")) == "bad config"
    assert user_error_message(SchemaTooNewError("too new")) == "too new"
    assert user_error_message(PermissionError(13, "Permission denied", "/x")) == "[Errno 13] Permission denied: '/x'"
    assert user_error_message(sqlite3.OperationalError("database is locked")) is not None
    assert user_error_message(sqlite3.ProgrammingError("Cannot operate on a closed database.")) is None
    assert user_error_message(ZeroDivisionError("division by zero")) is None
    assert user_error_message(KeyError("k")) is None
    assert user_error_message(ValueError("v")) is None
