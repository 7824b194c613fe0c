"""Invalid option values are usage errors (exit 2); unusable settings are named in the error, never a bare errno."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from zenml.cli.main import cli

if TYPE_CHECKING:
    from pathlib import Path


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


LONG_NAME = "n" * 300


@pytest.mark.parametrize(
    ("kind", "flavor", "option", "named"),
    [
        ("metadata-store", "sqlite", "timeout=abc", "timeout"),
        ("metadata-store", "sqlite", "timeout=-1", "timeout"),
        ("metadata-store", "sqlite", "timeout=nan", "timeout"),
        ("metadata-store", "sqlite", "timeout=inf", "timeout"),
        ("metadata-store", "sqlite", "timeout=true", "timeout"),
        ("artifact-store", "local", "fsync=maybe", "fsync"),
        ("artifact-store", "local", "fsync=2", "fsync"),
        ("metadata-store", "sqlite", f"path=/tmp/{LONG_NAME}/zen.db", "more than"),
        ("artifact-store", "local", f"path=/tmp/{'/'.join(['d' * 200] * 30)}", "more than"),
    ],
)
def test_invalid_option_values_are_usage_errors(
    zen_home: Path, tmp_path: Path, kind: str, flavor: str, option: str, named: str
) -> None:
    key, _, value = option.partition("=")
    args = [kind, "register", "x", "--flavor", flavor]
    args += ["--path", value] if key == "path" else ["--path", str(tmp_path / "store"), "--option", option]
    result = zenml(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ")
    assert named in result.stderr
    assert not (zen_home / "config.toml").exists()


@pytest.mark.parametrize(
    ("kind", "flavor", "option"),
    [
        ("metadata-store", "sqlite", "timeout=0.5"),
        ("metadata-store", "sqlite", "timeout=0"),
        ("artifact-store", "local", "fsync=true"),
        ("artifact-store", "local", "fsync=off"),
    ],
)
def test_valid_option_values_are_accepted(zen_home: Path, tmp_path: Path, kind: str, flavor: str, option: str) -> None:
    result = zenml(kind, "register", "x", "--flavor", flavor, "--path", str(tmp_path / "store"), "--option", option)
    assert result.exit_code == 0, result.output


def test_fsync_false_is_not_true(tmp_path: Path) -> None:
    from zenml.artifact_stores.local import LocalArtifactStore

    assert LocalArtifactStore("x", path=str(tmp_path), fsync="false").fsync is False
    assert LocalArtifactStore("x", path=str(tmp_path), fsync="false").describe().get("fsync") is None


def _assert_names_the_config_dir(result: Result, directory: Path, problem: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"the zenml config directory {directory} (set by ZENML_CONFIG_DIR) {problem}" in result.stderr
    assert "Errno" not in result.stderr


def test_a_config_dir_that_is_a_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(blocker))
    monkeypatch.chdir(tmp_path)
    for args in (["run", "list"], ["artifact-store", "register", "a", "--flavor", "local", "--path", str(tmp_path)]):
        _assert_names_the_config_dir(zenml(*args), blocker, "is a file, not a directory")
    below = blocker / "zen"
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(below))
    _assert_names_the_config_dir(zenml("stack", "set", "default"), below, f"cannot be created: {blocker} is a file")


def test_an_unwritable_config_dir_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unwritable = "/sys/zenml-config-test"  # not even root may create it
    if os.path.exists(unwritable):
        pytest.skip(f"{unwritable} exists")
    monkeypatch.setenv("ZENML_CONFIG_DIR", unwritable)
    monkeypatch.chdir(tmp_path)
    result = zenml("artifact-store", "register", "a", "--flavor", "local", "--path", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert f"the zenml config directory {unwritable} (set by ZENML_CONFIG_DIR) is not writable" in result.stderr


def test_a_store_path_under_proc_is_named_with_its_component(zen_home: Path) -> None:
    from zenml import pipeline, step
    from zenml.steps.errors import StepFailedError

    for args in (
        ["metadata-store", "register", "m", "--flavor", "sqlite", "--path", "/proc/zenml-test/zen.db"],
        ["artifact-store", "register", "a", "--flavor", "local", "--path", "/proc/zenml-test/artifacts"],
        ["stack", "register", "s", "-a", "a", "-m", "m", "--set"],
    ):
        assert zenml(*args).exit_code == 0
    listed = zenml("run", "list")
    assert listed.exit_code == 1
    assert "sqlite metadata store 'm' cannot open its database '/proc/zenml-test/zen.db' (its `path` option)" in (
        listed.stderr
    )
    assert "Errno" not in listed.stderr

    assert zenml("stack", "register", "t", "-a", "a", "-m", "default", "--set").exit_code == 0

    @step
    def make() -> int:
        return 1

    @pipeline
    def flow() -> None:
        make()

    with pytest.raises(StepFailedError) as failed:
        flow()
    assert "local artifact store 'a' cannot create directories below '/proc/zenml-test/artifacts' (its `path` " in (
        str(failed.value)
    )
