"""The stack config file: where it lives, defaults, parse errors, atomic and locked writes."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zenml.stack.config import StackConfig, StackConfigError, config_dir, edit_config, user_config_dir
from zenml.stack.flavors import ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR, FlavorRegistry, UnknownFlavorError


def test_default_stack_exists_without_writing_anything(zen_home: Path) -> None:
    config = StackConfig.load()
    assert config.active_stack == "default"
    assert config.stack("default") == {ARTIFACT_STORE: "default", METADATA_STORE: "default", ORCHESTRATOR: "default"}
    assert config.component(ARTIFACT_STORE, "default") == {
        "flavor": "local",
        "path": str(zen_home / "local_stores" / "artifacts"),
    }
    assert config.component(METADATA_STORE, "default")["flavor"] == "sqlite"
    assert not zen_home.exists()


def test_user_config_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ZENML_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert user_config_dir() == str(tmp_path / "xdg" / "zenml")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_config_dir() == str(tmp_path / "home" / ".config" / "zenml")
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(tmp_path / "explicit"))
    assert user_config_dir() == str(tmp_path / "explicit")


def test_repository_dir_wins_from_a_subdirectory(zen_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Path.cwd()
    (repo / ".zen").mkdir()
    sub = repo / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert config_dir() == str((repo / ".zen").resolve())
    config = StackConfig.load()
    assert config.component(ARTIFACT_STORE, "default")["path"] == str(
        (repo / ".zen" / "local_stores" / "artifacts").resolve()
    )


def test_register_and_activate_persists(zen_home: Path) -> None:
    with edit_config() as config:
        config.add_component(ARTIFACT_STORE, "data", {"flavor": "local", "path": "/tmp/data"})
        config.add_stack("prod", {ARTIFACT_STORE: "data", METADATA_STORE: "default", ORCHESTRATOR: "default"})
        config.set_active_stack("prod")
    text = (zen_home / "config.toml").read_text()
    assert 'active_stack = "prod"' in text
    assert "[artifact_stores.data]" in text
    assert "default" not in text.split("[stacks.prod]")[0].replace('active_stack = "prod"', "")
    again = StackConfig.load()
    assert again.active_stack == "prod"
    assert again.stack("prod")[ARTIFACT_STORE] == "data"
    assert [p.name for p in zen_home.iterdir() if p.name.startswith(".config.")] == []


def _edit_then_fail() -> None:
    with edit_config() as config:
        config.add_component(ARTIFACT_STORE, "data", {"flavor": "local", "path": "/tmp/data"})
        raise RuntimeError("boom")


def test_failed_edit_writes_nothing(zen_home: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        _edit_then_fail()
    assert not (zen_home / "config.toml").exists()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda c: c.remove_stack("default"), "built-in stack 'default' cannot be deleted"),
        (lambda c: c.remove_component(ARTIFACT_STORE, "default"), "cannot be deleted"),
        (lambda c: c.add_stack("default", {}), "'default' is the built-in stack; choose another name"),
        (lambda c: c.add_component(ARTIFACT_STORE, "default", {"flavor": "local"}), "built-in"),
        (lambda c: c.add_component(ARTIFACT_STORE, "bad/name", {"flavor": "local"}), "invalid name"),
        (lambda c: c.set_active_stack("nope"), "unknown stack 'nope'"),
        (lambda c: c.add_stack("x", {ARTIFACT_STORE: "missing"}), "unknown artifact store 'missing'"),
    ],
)
def test_invalid_changes(zen_home: Path, action: object, message: str) -> None:
    config = StackConfig.load()
    with pytest.raises(StackConfigError, match=message):
        action(config)  # type: ignore[operator]


def test_component_in_use_and_active_stack_cannot_be_deleted(zen_home: Path) -> None:
    with edit_config() as config:
        config.add_component(ARTIFACT_STORE, "data", {"flavor": "local", "path": "/tmp/data"})
        config.add_stack("prod", {ARTIFACT_STORE: "data", METADATA_STORE: "default", ORCHESTRATOR: "default"})
        config.set_active_stack("prod")
    config = StackConfig.load()
    with pytest.raises(StackConfigError, match=r"used by stack\(s\) prod"):
        config.remove_component(ARTIFACT_STORE, "data")
    with pytest.raises(StackConfigError, match="stack 'prod' is active"):
        config.remove_stack("prod")


def test_unparsable_config_names_file_and_line(zen_home: Path) -> None:
    zen_home.mkdir()
    path = zen_home / "config.toml"
    path.write_text('active_stack = "default"\n[stacks.prod\nartifact_store = "x"\n')
    with pytest.raises(StackConfigError, match=rf"cannot parse stack config {path}: .*line 2"):
        StackConfig.load()


def test_inconsistent_config_names_the_stack(zen_home: Path) -> None:
    zen_home.mkdir()
    (zen_home / "config.toml").write_text('[stacks.prod]\nartifact_store = "ghost"\n')
    config = StackConfig.load()  # references are checked only when the stack is used, so it can be repaired
    with pytest.raises(StackConfigError, match=r"\[stacks\.prod\] names artifact store 'ghost', which is not defined"):
        config.stack("prod")
    (zen_home / "config.toml").write_text('[artifact_stores.x]\npath = "/tmp"\n')
    with pytest.raises(StackConfigError, match=r"\[artifact_stores\.x\] needs a `flavor"):
        StackConfig.load()


def test_unknown_flavor_names_the_component_and_the_integration(
    zen_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenml.stack import flavors
    from zenml.stack.stack import Stack

    zen_home.mkdir()
    (zen_home / "config.toml").write_text(
        textwrap.dedent(
            """
            active_stack = "cloud"
            [artifact_stores.bucket]
            flavor = "gcp"
            path = "gs://bucket/zen"
            [stacks.cloud]
            artifact_store = "bucket"
            """
        )
    )
    # a registry in which the gcp integration has not been activated (as when zenml-gcp is not installed)
    monkeypatch.setattr(flavors, "flavor_registry", FlavorRegistry())
    with pytest.raises(UnknownFlavorError) as caught:
        Stack.from_config(StackConfig.load())
    message = str(caught.value)
    assert "artifact store 'bucket'" in message
    assert str(zen_home / "config.toml") in message
    assert "zenml integration install gcp" in message


def test_unknown_flavor_without_an_integration(zen_home: Path) -> None:
    from zenml.stack.stack import Stack

    zen_home.mkdir()
    (zen_home / "config.toml").write_text('[metadata_stores.m]\nflavor = "mongo"\n[stacks.s]\nmetadata_store = "m"\n')
    with pytest.raises(UnknownFlavorError, match=r"metadata store 'm': unknown metadata store flavor 'mongo'"):
        Stack.from_config(StackConfig.load(), "s")


_WRITER = """
import sys
from zenml.stack.config import edit_config
from zenml.stack.flavors import ARTIFACT_STORE
worker = sys.argv[1]
for index in range(10):
    with edit_config() as config:
        config.add_component(ARTIFACT_STORE, f"w{worker}_{index}", {"flavor": "local", "path": f"/tmp/{worker}"})
"""


def test_concurrent_writers_lose_nothing(zen_home: Path) -> None:
    processes = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(worker)], stderr=subprocess.PIPE, text=True)
        for worker in range(4)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    names = set(StackConfig.load().components(ARTIFACT_STORE))
    assert names == {"default"} | {f"w{w}_{i}" for w in range(4) for i in range(10)}


def test_active_stack_is_built_once_and_follows_the_config(zen_home: Path, tmp_path: Path) -> None:
    from zenml.stack.stack import Stack, get_active_stack

    first = get_active_stack()
    assert first is get_active_stack()
    assert first.artifact_store.FLAVOR == "local"
    assert first.metadata_store.FLAVOR == "sqlite"
    assert first.orchestrator.FLAVOR == "local"
    assert not zen_home.exists()  # building components writes nothing
    with edit_config() as config:
        config.add_component(ARTIFACT_STORE, "data", {"flavor": "local", "path": str(tmp_path / "data")})
        config.add_stack("prod", {ARTIFACT_STORE: "data", METADATA_STORE: "default", ORCHESTRATOR: "default"})
        config.set_active_stack("prod")
    second = get_active_stack()
    assert second.name == "prod"
    assert second.artifact_store.path == str(tmp_path / "data")
    again = Stack.from_dict(second.to_dict())
    assert again.to_dict() == second.to_dict()


def test_dangling_active_stack_is_named_with_its_file_and_the_fix(zen_home: Path) -> None:
    from zenml import pipeline, step
    from zenml.stack.stack import get_active_stack

    zen_home.mkdir()
    path = zen_home / "config.toml"
    path.write_text('active_stack = "ghost"\n')
    expected = f"the active stack 'ghost' set in {path} does not exist; run `zenml stack set default`"
    assert StackConfig.load().missing_active_stack() is not None
    with pytest.raises(StackConfigError, match=re.escape(expected)):
        get_active_stack()

    @step
    def one() -> int:
        return 1

    @pipeline
    def lonely() -> None:
        one()

    with pytest.raises(StackConfigError, match=re.escape(expected)):
        lonely()


def test_reading_the_config_imports_no_writing_library(zen_home: Path) -> None:
    with edit_config() as config:
        config.add_component(ARTIFACT_STORE, "data", {"flavor": "local", "path": str(zen_home / "data")})
    probe = (
        "import sys; from zenml.stack.stack import get_active_stack; get_active_stack(); "
        "print(sorted(m for m in ('tomlkit', 'filelock', 'tomli_w') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
