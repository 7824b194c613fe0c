"""A component's options are the keyword parameters of its ``__init__``: anything else is refused, with a hint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.metadata_stores.sqlite import SQLiteMetadataStore
from zenml.orchestrators.local import LocalOrchestrator
from zenml.stack.component import StackComponent, UnknownOptionsError
from zenml.stack.config import StackConfigError
from zenml.stack.flavors import ARTIFACT_STORE
from zenml.stack.stack import build_component

if TYPE_CHECKING:
    from pathlib import Path


class Base(StackComponent):
    TYPE: ClassVar[str] = ARTIFACT_STORE

    def __init__(self, name: str = "default", *, path: str, depth: int = 1, **config: object) -> None:
        super().__init__(name, path=path, **config)
        self.config["depth"] = depth


class Child(Base):
    FLAVOR: ClassVar[str] = "child"

    def __init__(self, name: str = "default", *, colour: str = "red", **config: Any) -> None:
        super().__init__(name, colour=colour, **config)


class Closed(Base):
    """Takes no ``**kwargs``: its bases' options are not reachable, so they are not options."""

    def __init__(self, name: str = "default", *, only: int = 0) -> None:
        super().__init__(name, path="/x", only=only)


def test_option_names_follow_init_down_the_mro_while_it_takes_kwargs() -> None:
    assert LocalArtifactStore.option_names() == {"path", "fsync"}
    assert SQLiteMetadataStore.option_names() == {"path", "timeout"}
    assert LocalOrchestrator.option_names() == frozenset()
    assert Child.option_names() == {"colour", "path", "depth"}
    assert Closed.option_names() == {"only"}


def test_misspelled_option_is_refused_with_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownOptionsError) as info:
        LocalArtifactStore.from_config("s", {"flavor": "local", "path": str(tmp_path), "fsnyc": True})
    message = str(info.value)
    assert "unknown option 'fsnyc' (did you mean 'fsync'?)" in message
    assert "valid options: fsync, path" in message
    assert isinstance(info.value, StackConfigError)


def test_several_unknown_options_are_all_named(tmp_path: Path) -> None:
    with pytest.raises(UnknownOptionsError, match=r"unknown options 'timout' \(did you mean 'timeout'\?\), 'zzz'"):
        SQLiteMetadataStore.from_config("m", {"path": str(tmp_path / "m.db"), "timout": 3, "zzz": 1})


def test_name_is_not_an_option(tmp_path: Path) -> None:
    with pytest.raises(UnknownOptionsError, match="'name'"):
        LocalArtifactStore.from_config("s", {"path": str(tmp_path), "name": "other"})


def test_valid_options_still_build(tmp_path: Path) -> None:
    store = Child.from_config("c", {"flavor": "child", "path": str(tmp_path), "colour": "blue", "depth": 2})
    assert store.config == {"path": str(tmp_path), "colour": "blue", "depth": 2}


def test_build_component_names_source_and_component(tmp_path: Path) -> None:
    table = {"flavor": "local", "path": str(tmp_path), "fsnyc": True}
    with pytest.raises(UnknownOptionsError, match=r"^cfg\.toml: artifact store 'data': unknown option 'fsnyc'"):
        build_component(ARTIFACT_STORE, "data", table, source="cfg.toml")


def test_required_options_are_the_keyword_parameters_without_default() -> None:
    from zenml.stack.component import MissingOptionsError

    assert LocalOrchestrator.required_option_names() == frozenset()
    assert Child.required_option_names() == {"path"}  # from Base, reached through **config
    assert Closed.required_option_names() == frozenset()
    with pytest.raises(MissingOptionsError, match="the sqlite metadata store flavor requires option path") as caught:
        SQLiteMetadataStore.from_config("m", {"flavor": "sqlite"})
    assert caught.value.missing == ("path",)
