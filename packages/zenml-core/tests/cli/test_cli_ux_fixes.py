"""UX fixes: quiet broken pipes, local paths, required options, init, dangling stack names, exit codes, help, tables."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import click
import pytest
from click.testing import CliRunner, Result

from zenml import pipeline, step
from zenml.artifact_stores.local import LocalArtifactStore
from zenml.cli.broken_pipe import BROKEN_PIPE_EXIT
from zenml.cli.main import cli
from zenml.cli.output import print_table
from zenml.metadata_stores.sqlite import SQLiteMetadataStore
from zenml.stack.component import InvalidOptionError

if TYPE_CHECKING:
    from pathlib import Path

ZENML = [sys.executable, "-c", "from zenml.cli.main import main; main()"]


def zenml(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_config(home: Path, text: str) -> Path:
    home.mkdir(exist_ok=True)
    path = home / "config.toml"
    path.write_text(text)
    return path


@step
def numbers() -> list[int]:
    return [1, 2, 3]


@pipeline
def tiny() -> None:
    numbers()


# -- 1. a closed pipe ends the command quietly ---------------------------------------------------


def run_into_closed_pipe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run zenml with stdout a pipe whose reading end is already closed: every write fails with EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [*ZENML, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


def test_broken_pipe_exits_quietly(zen_home: Path) -> None:
    run = tiny()
    for args in (("run", "show", run.name), ("run", "list"), ("stack", "list"), ("stack", "show"), ("--version",)):
        result = run_into_closed_pipe(*args)
        assert result.stderr == b"", (args, result.stderr.decode())
        assert result.returncode == BROKEN_PIPE_EXIT, args
    for columns in ("80", "30"):  # 30 columns: too narrow for the click-free `--help`, so click prints it
        for args in (("--help",), ("stack", "--help")):
            result = run_into_closed_pipe(*args, env={"COLUMNS": columns})
            assert (result.returncode, result.stderr) == (BROKEN_PIPE_EXIT, b""), (columns, args)


def test_reader_that_stops_after_one_line_gets_no_error(zen_home: Path) -> None:
    stacks = "".join(f"[stacks.s{index}]\n" for index in range(3000))  # ~170 kB of table: more than a pipe holds
    write_config(zen_home, stacks)
    process = subprocess.Popen([*ZENML, "stack", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert first.startswith(b"Stacks (")
    assert stderr == b""
    assert process.returncode in (0, BROKEN_PIPE_EXIT)


# -- 2. local flavors refuse URIs and empty paths --------------------------------------------------


def test_local_flavors_refuse_uris_at_register(zen_home: Path) -> None:
    result = zenml("artifact-store", "register", "g", "--flavor", "local", "--path", "gs://my-bucket/x")
    assert result.exit_code == 2, result.output
    assert "gs:// paths need --flavor gcp (zenml integration install gcp)" in result.output
    result = zenml("metadata-store", "register", "m", "--flavor", "sqlite", "--path", "gs://my-bucket/m.db")
    assert result.exit_code == 2, result.output
    assert "--flavor gcp" in result.output
    result = zenml("artifact-store", "register", "s", "--flavor", "local", "--option", "path='s3://b/x'")
    assert result.exit_code == 2
    assert "s3://" in result.output
    assert not (zen_home / "config.toml").exists()
    assert not os.path.exists("gs:")


@pytest.mark.parametrize("args", [("--path", ""), ("--path", "  "), ("--option", "path=''")])
def test_empty_path_is_refused(zen_home: Path, args: tuple[str, str]) -> None:
    result = zenml("artifact-store", "register", "e", "--flavor", "local", *args)
    assert result.exit_code == 2, result.output
    assert "must not be empty" in result.output
    assert not (zen_home / "config.toml").exists()


def test_local_stores_refuse_uris_when_built(zen_home: Path, tmp_path: Path) -> None:
    for make in (
        lambda: LocalArtifactStore(path="gs://my-bucket/x"),
        lambda: SQLiteMetadataStore(path="gs://my-bucket/m.db"),
    ):
        with pytest.raises(InvalidOptionError, match=r"gs:// paths need --flavor gcp"):
            make()
    with pytest.raises(ValueError, match="non-empty path"):
        LocalArtifactStore(path="")
    config = write_config(
        zen_home,
        'active_stack = "s"\n[artifact_stores.g]\nflavor = "local"\npath = "gs://b/x"\n'
        '[stacks.s]\nartifact_store = "g"\n',
    )
    result = zenml("run", "list")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {config}: artifact store 'g'"), result.output
    assert "--flavor gcp" in result.output


# -- 3. required options ---------------------------------------------------------------------------


def test_required_options_are_usage_errors(zen_home: Path) -> None:
    assert SQLiteMetadataStore.required_option_names() == {"path"}
    assert LocalArtifactStore.required_option_names() == {"path"}
    result = zenml("metadata-store", "register", "m1", "--flavor", "sqlite")
    assert result.exit_code == 2
    assert result.output == "Error: `--path` is required for flavor sqlite\n"
    result = zenml("artifact-store", "register", "a1", "--flavor", "local")
    assert result.exit_code == 2
    assert "`--path` is required for flavor local" in result.output


def test_required_option_missing_from_the_config_file(zen_home: Path) -> None:
    write_config(
        zen_home, 'active_stack = "s"\n[metadata_stores.m]\nflavor = "sqlite"\n[stacks.s]\nmetadata_store = "m"\n'
    )
    result = zenml("run", "list")
    assert result.exit_code == 1
    assert "metadata store 'm': the sqlite metadata store flavor requires option path" in result.output
    assert "Traceback" not in result.output


# -- 4. init ---------------------------------------------------------------------------------------


def test_init_refuses_a_missing_directory(zen_home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    result = zenml("init", str(missing))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert not (tmp_path / "no").exists()


# -- 5. an active stack that is not defined --------------------------------------------------------


def test_dangling_active_stack(zen_home: Path) -> None:
    config = write_config(zen_home, 'active_stack = "ghost"\n')
    expected = f"the active stack 'ghost' set in {config} does not exist; run `zenml stack set default`"
    listed = zenml("stack", "list")
    assert listed.exit_code == 0
    assert listed.stderr.startswith(f"Warning: {expected}")
    assert "default" in listed.stdout
    assert "ghost" not in listed.stdout
    for args in (("stack", "show"), ("run", "list")):
        result = zenml(*args)
        assert result.exit_code == 1, args
        assert result.output.startswith(f"Error: {expected}"), result.output
    assert zenml("stack", "set", "default").exit_code == 0
    assert zenml("run", "list").exit_code == 0


# -- 6. a stack naming a component that is not defined ---------------------------------------------


def test_dangling_component_reference_can_be_repaired(zen_home: Path, tmp_path: Path) -> None:
    text = '[stacks.s]\nartifact_store = "missing"\n'
    write_config(zen_home, text)
    shown = zenml("stack", "show", "s")
    assert shown.exit_code == 1
    for advice in ("zenml artifact-store register missing", "zenml stack delete s"):
        assert advice in shown.output
    assert zenml("stack", "list").exit_code == 0
    assert zenml("run", "list").exit_code == 0  # the active stack (default) is fine
    deleted = zenml("stack", "delete", "s")
    assert deleted.exit_code == 0, deleted.output
    write_config(zen_home, text)
    registered = zenml("artifact-store", "register", "missing", "--flavor", "local", "--path", str(tmp_path / "a"))
    assert registered.exit_code == 0, registered.output
    assert zenml("stack", "show", "s").exit_code == 0
    assert zenml("stack", "set", "s").exit_code == 0


# -- 7. messages and exit codes --------------------------------------------------------------------


def test_names_taken_messages(zen_home: Path, tmp_path: Path) -> None:
    result = zenml("stack", "register", "default", "-a", "default", "-m", "default")
    assert result.exit_code == 1
    assert "'default' is the built-in stack; choose another name" in result.output
    assert "delete it first" not in result.output
    args = ("artifact-store", "register", "x", "--flavor", "local", "--path", str(tmp_path / "x"))
    assert zenml(*args).exit_code == 0
    again = zenml(*args)
    assert again.exit_code == 1
    assert "choose another name or delete it first" in again.output


# -- 8. help ---------------------------------------------------------------------------------------


def help_of(*args: str) -> str:
    result = zenml(*args, "--help")
    assert result.exit_code == 0
    return result.output


def test_flavor_help_lists_the_flavors_of_each_type(zen_home: Path) -> None:
    artifact = help_of("artifact-store", "register")
    assert "local (built in), gcp" in artifact
    assert "sqlite" not in artifact
    metadata = help_of("metadata-store", "register")
    assert "sqlite (built in), gcp" in metadata
    assert "local" not in metadata
    orchestrator = help_of("orchestrator", "register")
    assert "local (built in)" in orchestrator
    assert "gcp" not in orchestrator
    assert "sqlite" not in orchestrator
    assert "--path" not in orchestrator
    assert zenml("orchestrator", "register", "o", "--flavor", "local", "--path", "/x").exit_code == 2


def test_help_texts_have_no_rst_markup(zen_home: Path) -> None:
    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        assert "``" not in help_of(*path), path
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, (*path, name))

    for name in ("integration", "stack", "artifact-store", "metadata-store", "orchestrator", "run", "init"):
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        walk(command, (name,))


# -- 9. tables on a terminal are never truncated ----------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_table_folds_long_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    uri = "gs://a-rather-long-bucket-name/with/a/deep/path/to/an/artifact/" + "x" * 80
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", "40")
    print_table(["uri"], [[uri]])
    text = terminal.getvalue()
    assert "…" not in text
    header = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip("┃ ") for line in text.splitlines() if line.startswith("┃")]
    assert header == ["URI"]  # the same header case as piped output
    assert "".join(line.strip("│ ") for line in text.splitlines() if line.startswith("│")) == uri


def test_piped_table_headers_are_upper_case(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(["uri"], [["x"]])
    assert capsys.readouterr().out == "URI\nx\n"


# -- 10. small ones ----------------------------------------------------------------------------------


def test_integration_name_in_another_case_is_suggested(zen_home: Path) -> None:
    result = zenml("integration", "show", "GCP")
    assert result.exit_code == 2
    assert "Did you mean 'gcp'?" in result.output


def test_empty_run_list(zen_home: Path) -> None:
    result = zenml("run", "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "No runs yet: run a pipeline first.\n"
    tiny()
    filtered = zenml("run", "list", "--status", "failed")
    assert (filtered.exit_code, filtered.stdout, filtered.stderr) == (0, "", "No runs match these filters.\n")
    assert "tiny" in zenml("run", "list").stdout


def test_broken_pipe_handling_keeps_the_fast_path_free_of_typing() -> None:
    probe = "import sys; from zenml.cli.main import main; sys.argv = ['zenml', '--version']; main(); "
    probe += "print('typing' in sys.modules, 'click' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False False"
