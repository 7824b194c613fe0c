"""``zenml run list|show``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from zenml import pipeline, step
from zenml.cli.main import cli


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@step
def make(n: int) -> list[int]:
    return list(range(n))


@step
def count(items: list[int]) -> int:
    return len(items)


@pipeline
def counting(n: int = 2) -> None:
    count(make(n=n))


def test_run_list_and_show_json(zen_home: Path) -> None:
    first = counting()
    second = counting(n=5)
    listed = json.loads(zenml("run", "list", "--json").stdout)
    assert [item["id"] for item in listed] == [second.id, first.id]
    assert listed[0]["status"] == "completed"
    assert listed[0]["pipeline_name"] == "counting"
    assert len(json.loads(zenml("run", "list", "--json", "--limit", "1").stdout)) == 1
    assert json.loads(zenml("run", "list", "--json", "--pipeline", "other").stdout) == []
    assert json.loads(zenml("run", "list", "--json", "--status", "failed").stdout) == []

    shown = json.loads(zenml("run", "show", second.name, "--json").stdout)
    assert shown["name"] == second.name
    steps = {item["name"]: item for item in shown["steps"]}
    assert list(steps) == ["make", "count"]
    assert steps["count"]["status"] == "completed"
    recorded = second.steps["count"].record
    assert recorded.ended_at is not None
    assert steps["count"]["duration"] == recorded.ended_at - recorded.started_at
    assert shown["duration"] == second.refresh().duration
    assert shown["duration"] >= steps["count"]["duration"]
    output = steps["count"]["outputs"]["output"]
    assert output["data_type"] == "builtins:int"
    assert output["size"] > 0
    assert Path(output["full_uri"]).is_dir()


def test_run_tables(zen_home: Path) -> None:
    run = counting()
    listed = zenml("run", "list")
    assert listed.exit_code == 0
    assert run.name in listed.output
    shown = zenml("run", "show", run.id[:10])
    assert shown.exit_code == 0, shown.output
    assert "count" in shown.output
    assert "builtins:int" in shown.output


def test_run_bad_input(zen_home: Path) -> None:
    missing = zenml("run", "show", "nope")
    assert missing.exit_code == 2  # a name typed on the command line: a usage error
    assert "nope" in missing.output
    assert "zenml run list" in missing.output
    assert zenml("run", "list", "--status", "weird").exit_code == 2
    assert zenml("run", "list", "--limit", "0").exit_code == 2


def test_run_list_with_an_unknown_flavor_in_the_config(zen_home: Path) -> None:
    zen_home.mkdir()
    (zen_home / "config.toml").write_text(
        'active_stack = "s"\n[metadata_stores.m]\nflavor = "mongo"\n[stacks.s]\nmetadata_store = "m"\n'
    )
    result = zenml("run", "list")
    assert result.exit_code == 1
    assert "metadata store 'm': unknown metadata store flavor 'mongo'" in result.output
    assert str(zen_home / "config.toml") in result.output
    assert "Traceback" not in result.output


def test_run_list_shows_a_page_by_default_and_says_when_older_runs_exist(
    zen_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenml.cli import run as run_cli

    monkeypatch.setattr(run_cli, "DEFAULT_LIST_LIMIT", 2)
    runs = [counting(n=n) for n in (1, 2, 3)]
    newest = [run.id for run in reversed(runs)]
    paged = zenml("run", "list", "--json")
    assert [item["id"] for item in json.loads(paged.stdout)] == newest[:2]
    assert "Showing the newest 2 runs; older ones exist: `--limit N`" in paged.stderr
    table = zenml("run", "list")
    assert [line.split()[0] for line in table.stdout.splitlines()[1:]] == [run.name for run in reversed(runs[1:])]
    assert "older ones exist" in table.stderr
    everything = zenml("run", "list", "--json", "--limit", "3")
    assert [item["id"] for item in json.loads(everything.stdout)] == newest
    assert "older ones exist" not in everything.stderr
    monkeypatch.setattr(run_cli, "DEFAULT_LIST_LIMIT", 3)
    assert "older ones exist" not in zenml("run", "list").stderr
