"""``zenml init``, ``zenml stack ...`` and the component commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from zenml.cli.main import cli


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_stack_list_json_has_the_default_stack(zen_home: Path) -> None:
    result = zenml("stack", "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "name": "default",
            "active": True,
            "artifact_store": "default",
            "metadata_store": "default",
            "orchestrator": "default",
        }
    ]
    assert not zen_home.exists()


def test_register_components_and_stack_then_show_set_delete(zen_home: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert zenml("artifact-store", "register", "data", "--flavor", "local", "--path", str(data)).exit_code == 0
    result = zenml("metadata-store", "register", "meta", "-f", "sqlite", "-p", str(tmp_path / "m.db"))
    assert result.exit_code == 0, result.output
    listed = json.loads(zenml("artifact-store", "list", "--json").stdout)
    assert {"name": "data", "flavor": "local", "path": str(data)} in listed

    result = zenml("stack", "register", "prod", "-a", "data", "-m", "meta", "--set")
    assert result.exit_code == 0, result.output
    assert "made it active" in result.output
    shown = json.loads(zenml("stack", "show", "--json").stdout)
    assert shown["name"] == "prod"
    assert shown["active"] is True
    assert shown["artifact_store"] == {"name": "data", "flavor": "local", "path": str(data)}
    assert shown["orchestrator"]["flavor"] == "local"
    table = zenml("stack", "list")
    assert table.exit_code == 0
    assert "prod" in table.output

    busy = zenml("artifact-store", "delete", "data")
    assert busy.exit_code == 1
    assert "used by stack(s) prod" in busy.output
    active = zenml("stack", "delete", "prod")
    assert active.exit_code == 1
    assert "is active" in active.output
    assert zenml("stack", "set", "default").exit_code == 0
    assert zenml("stack", "delete", "prod").exit_code == 0
    assert zenml("artifact-store", "delete", "data").exit_code == 0
    assert [s["name"] for s in json.loads(zenml("stack", "list", "--json").stdout)] == ["default"]


def test_options_are_typed(zen_home: Path, tmp_path: Path) -> None:
    result = zenml(
        "metadata-store", "register", "m2", "--flavor", "sqlite", "--option", f"path={tmp_path}/m.db",
        "--option", "timeout=2.5",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    store = str(tmp_path / "a")
    result = zenml("artifact-store", "register", "a2", "-f", "local", "-p", store, "--option", "fsync=true")
    assert result.exit_code == 0, result.output
    metas = json.loads(zenml("metadata-store", "list", "--json").stdout)
    assert {"name": "m2", "flavor": "sqlite", "path": f"{tmp_path}/m.db", "timeout": 2.5} in metas
    stores = json.loads(zenml("artifact-store", "list", "--json").stdout)
    assert {"name": "a2", "flavor": "local", "path": str(tmp_path / "a"), "fsync": True} in stores
    bad = zenml("artifact-store", "register", "y", "--flavor", "local", "--path", "/tmp/y", "--option", "novalue")
    assert bad.exit_code == 2
    assert "key=value" in bad.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("stack", "set", "prdo"), 2, "unknown stack 'prdo'"),
        (("stack", "show", "nope"), 2, "unknown stack 'nope'"),
        (("stack", "delete", "default"), 1, "cannot be deleted"),
        (("stack", "register", "s", "-a", "missing", "-m", "default"), 2, "unknown artifact store 'missing'"),
        (("stack", "register", "s", "-m", "default"), 2, "Missing option"),
        (
            ("artifact-store", "register", "s3", "--flavor", "s3", "--path", "s3://b"),
            2,
            "unknown artifact store flavor",
        ),
        (("artifact-store", "register", "n", "--flavor", "local"), 2, "--path"),
        (("artifact-store", "delete", "ghost"), 2, "unknown artifact store 'ghost'"),
        (("metadata-store", "register", "default", "--flavor", "sqlite", "--path", "/tmp/x.db"), 1, "built-in"),
    ],
)
def test_bad_input(zen_home: Path, args: tuple[str, ...], code: int, message: str) -> None:
    result = zenml(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.needs_integrations  # needs zenml-gcp installed: runs in nox -s tests-cross
def test_integration_flavor_is_accepted(zen_home: Path) -> None:
    from zenml.integrations.registry import activate_integrations
    from zenml.stack.flavors import ARTIFACT_STORE, flavor_registry

    activate_integrations()
    assert "gcp" in flavor_registry.flavors(ARTIFACT_STORE), "zenml-gcp must be installed for this test"
    result = zenml("artifact-store", "register", "bucket", "--flavor", "gcp", "--path", "gs://bucket/zen")
    assert result.exit_code == 0, result.output
    listed = json.loads(zenml("artifact-store", "list", "--json").stdout)
    assert {"name": "bucket", "flavor": "gcp", "path": "gs://bucket/zen"} in listed


def test_unparsable_config_is_reported(zen_home: Path) -> None:
    zen_home.mkdir()
    (zen_home / "config.toml").write_text("active_stack = \n")
    result = zenml("stack", "list")
    assert result.exit_code == 1
    assert "cannot parse stack config" in result.output
    assert "line 1" in result.output


def test_init_makes_a_repository_config(zen_home: Path) -> None:
    result = zenml("init")
    assert result.exit_code == 0, result.output
    repo = Path.cwd() / ".zen"
    assert repo.is_dir()
    assert zenml("artifact-store", "register", "d", "--flavor", "local", "--path", "/tmp/d").exit_code == 0
    assert (repo / "config.toml").is_file()
    assert not (zen_home / "config.toml").exists()
    assert "already" in zenml("init").output


@pytest.mark.parametrize(
    ("kind", "flavor", "option", "hint"),
    [
        ("artifact-store", "local", "fsnyc=true", "did you mean 'fsync'?"),
        ("metadata-store", "sqlite", "timout=3", "did you mean 'timeout'?"),
        ("orchestrator", "local", "retries=3", "valid options: none"),
    ],
)
def test_misspelled_option_is_a_usage_error_and_nothing_is_written(
    zen_home: Path, tmp_path: Path, kind: str, flavor: str, option: str, hint: str
) -> None:
    path = ["--path", str(tmp_path / "store")] if kind != "orchestrator" else []
    result = zenml(kind, "register", "x", "--flavor", flavor, *path, "--option", option)
    assert result.exit_code == 2, result.output
    assert f"unknown option {option.split('=', maxsplit=1)[0]!r}" in result.output
    assert hint in result.output
    assert "Traceback" not in result.output
    assert not (zen_home / "config.toml").exists()


def test_relative_and_home_paths_are_stored_absolute(
    zen_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert zenml("artifact-store", "register", "rel", "-f", "local", "-p", "./data").exit_code == 0
    assert zenml("metadata-store", "register", "relm", "-f", "sqlite", "-p", "meta/m.db").exit_code == 0
    assert zenml("artifact-store", "register", "home", "-f", "local", "-p", "~/zen").exit_code == 0
    stores = {item["name"]: item["path"] for item in json.loads(zenml("artifact-store", "list", "--json").stdout)}
    assert stores["rel"] == str(Path.cwd() / "data")
    assert stores["home"] == str(tmp_path / "home" / "zen")
    metas = {item["name"]: item["path"] for item in json.loads(zenml("metadata-store", "list", "--json").stdout)}
    assert metas["relm"] == str(Path.cwd() / "meta" / "m.db")


COMMENTED = """\
# Team stacks. Edit by hand or with `zenml stack ...`: both are fine.
active_stack = "default"  # switch with `zenml stack set`

# The shared disk, mounted on every machine.
[artifact_stores.shared]
path = "{shared}"   # do not move
flavor = "local"

# Runs are recorded here.
[metadata_stores.team]
flavor = "sqlite"
path = "{team}"

[stacks.team]  # everyone's default
artifact_store = "shared"
metadata_store = "team"
"""


def test_a_config_file_with_comments_keeps_them_after_three_cli_writes(zen_home: Path, tmp_path: Path) -> None:
    from zenml.stack.config import StackConfig

    zen_home.mkdir()
    config = zen_home / "config.toml"
    original = COMMENTED.format(shared=tmp_path / "shared", team=tmp_path / "team.db")
    config.write_text(original)
    comments = [line for line in original.splitlines() if "#" in line]

    writes = [
        ("artifact-store", "register", "scratch", "-f", "local", "-p", str(tmp_path / "scratch")),
        ("stack", "register", "trial", "-a", "scratch", "-m", "team"),
        ("stack", "set", "trial"),
    ]
    for args in writes:
        result = zenml(*args)
        assert result.exit_code == 0, result.output
    text = config.read_text()
    assert [line for line in text.splitlines() if "#" in line] == [
        comment.replace('"default"', '"trial"') for comment in comments
    ]
    scratch = f'[artifact_stores.scratch]\nflavor = "local"\npath = "{tmp_path / "scratch"}"\n\n'
    trial = '\n[stacks.trial]\nartifact_store = "scratch"\nmetadata_store = "team"\norchestrator = "default"\n'
    runs = original.index("# Runs are recorded here.")
    assert text == (original[:runs] + scratch + original[runs:]).replace('"default"  #', '"trial"  #') + trial
    loaded = StackConfig.load()
    assert loaded.active_stack == "trial"
    assert loaded.stack("trial")["artifact_store"] == "scratch"
    assert loaded.component("artifact_store", "shared")["path"] == str(tmp_path / "shared")

    for args in [("stack", "set", "team"), ("stack", "delete", "trial"), ("artifact-store", "delete", "scratch")]:
        result = zenml(*args)
        assert result.exit_code == 0, result.output
    assert config.read_text() == original.replace('active_stack = "default"', 'active_stack = "team"')
