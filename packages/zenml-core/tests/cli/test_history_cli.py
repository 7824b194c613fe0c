"""``zenml artifact|model|pipeline ...``: metadata only, --json, exit 2 on unknown names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from click.testing import CliRunner

from zenml import ArtifactConfig, Model, pipeline, step
from zenml.cli.group import cli


@step
def make() -> Annotated[list[int], ArtifactConfig(name="numbers", tags=["raw"])]:
    return [1, 2]


@pipeline(model=Model(name="counter"))
def counting() -> None:
    make()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_lists_and_shows(zen_home: Path, monkeypatch: object) -> None:
    counting()
    code, out, _ = run("pipeline", "list", "--json")
    assert code == 0
    assert json.loads(out)[0]["name"] == "counting"
    assert json.loads(out)[0]["runs"] == 1
    code, out, _ = run("artifact", "list", "--json")
    assert code == 0
    assert json.loads(out) == [
        {
            "name": "numbers",
            "versions": 1,
            "latest_version": "1",
            "latest_created": json.loads(out)[0]["latest_created"],
            "type": "DataArtifact",
        }
    ]
    code, out, _ = run("artifact", "show", "numbers")
    assert code == 0
    assert "raw" in out
    assert "numbers" in out
    code, out, _ = run("artifact", "version", "list", "--name", "numbers", "--json")
    assert code == 0
    assert [item["version"] for item in json.loads(out)] == ["1"]
    code, out, _ = run("model", "list")
    assert code == 0
    assert "counter" in out
    code, out, _ = run("model", "show", "counter", "--json")
    assert code == 0
    assert json.loads(out)["versions"][0]["name"] == "1"
    code, out, _ = run("model", "version", "list", "-n", "counter", "--json")
    assert code == 0
    assert json.loads(out)[0]["artifacts"] == {"numbers": "1"}


def test_unknown_names_are_usage_errors(zen_home: Path) -> None:
    counting()
    for args in (("artifact", "show", "numbrs"), ("artifact", "version", "list", "-n", "numbrs"),
                 ("model", "show", "countr"), ("model", "version", "list", "-n", "countr")):  # fmt: skip
        code, _, err = run(*args)
        assert code == 2, (args, err)
        assert "Error:" in err
        assert "list`" in err


def test_empty_history(zen_home: Path) -> None:
    for args in (("artifact", "list"), ("model", "list"), ("pipeline", "list"), ("artifact", "version", "list")):
        code, out, err = run(*args)
        assert (code, out) == (0, "")
        assert "yet" in err
