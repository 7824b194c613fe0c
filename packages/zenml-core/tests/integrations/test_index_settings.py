"""The index a user configured for pip reaches uv, and the one configured for uv reaches pip."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.index_settings import index_arguments, index_description, pip_settings

if TYPE_CHECKING:
    from pathlib import Path

SETTINGS = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE", "UV_DEFAULT_INDEX",
            "UV_INDEX_URL", "UV_INDEX", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_NO_INDEX", "UV_CONFIG_FILE",
            "UV_NO_CONFIG")  # fmt: skip


@pytest.fixture(autouse=True)
def no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No index setting from the machine running the tests: a private home and config directories."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "etc-xdg"))


def test_nothing_configured_leaves_both_tools_to_their_default() -> None:
    assert index_arguments("uv", sys.executable) == []
    assert index_arguments("pip", sys.executable) == []


def test_pip_conf_reaches_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "config" / "pip" / "pip.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("[global]\nindex-url = http://127.0.0.1:1/simple/\nextra-index-url =\n  http://a/ http://b/\n")
    assert index_arguments("uv", sys.executable) == [
        "--index-url", "http://127.0.0.1:1/simple/", "--extra-index-url", "http://a/", "--extra-index-url", "http://b/",
        "--index-strategy", "unsafe-best-match",
    ]  # fmt: skip
    assert index_arguments("pip", sys.executable) == []  # pip reads its own file


def test_install_section_and_environment_override_in_pips_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nindex-url = http://global/\n[install]\nindex_url = http://install/\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    assert pip_settings(sys.executable) == ("http://install/", [], [])
    monkeypatch.setenv("PIP_INDEX_URL", "http://env/")
    assert pip_settings(sys.executable) == ("http://env/", [], [])


def test_uv_settings_win_over_pip_for_uv_and_reach_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://pip/")
    monkeypatch.setenv("UV_DEFAULT_INDEX", "http://uv/")
    assert index_arguments("uv", sys.executable) == []  # uv reads UV_DEFAULT_INDEX itself
    monkeypatch.delenv("PIP_INDEX_URL")
    monkeypatch.setenv("UV_INDEX", "private=http://private/?a=b")
    assert index_arguments("pip", sys.executable) == [
        "--index-url", "http://uv/", "--extra-index-url", "http://private/?a=b",
    ]  # fmt: skip


def test_a_uv_toml_with_an_index_is_left_to_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://pip/")
    uv_toml = tmp_path / "config" / "uv" / "uv.toml"
    uv_toml.parent.mkdir(parents=True)
    uv_toml.write_text('[[index]]\nurl = "http://uv/"\ndefault = true\n')
    assert index_arguments("uv", sys.executable) == []


def test_find_links_reach_the_other_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "config" / "pip" / "pip.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("[global]\nfind-links = /wheels\n")
    assert index_arguments("uv", sys.executable) == ["--find-links", "/wheels"]
    monkeypatch.setenv("PIP_FIND_LINKS", "/a /b")  # the environment wins over the file, as in pip
    assert index_arguments("uv", sys.executable) == ["--find-links", "/a", "--find-links", "/b"]
    monkeypatch.delenv("PIP_FIND_LINKS")
    conf.unlink()
    monkeypatch.setenv("UV_FIND_LINKS", "/c,/d")
    assert index_arguments("pip", sys.executable) == ["--find-links", "/c", "--find-links", "/d"]
    assert index_arguments("uv", sys.executable) == []


def test_the_index_is_described_as_the_tool_will_use_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert index_description("uv", sys.executable) == "the package index https://pypi.org/simple"
    assert index_description("pip", sys.executable) == "the package index https://pypi.org/simple"
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "http://extra/")
    assert index_description("uv", sys.executable) == "the package index https://pypi.org/simple, http://extra/"
    monkeypatch.setenv("UV_DEFAULT_INDEX", "http://uv/")
    assert index_description("uv", sys.executable) == "the package index http://uv/"  # uv's own setting wins
    assert index_description("pip", sys.executable) == "the package index https://pypi.org/simple, http://extra/"
    monkeypatch.delenv("UV_DEFAULT_INDEX")
    uv_toml = tmp_path / "config" / "uv" / "uv.toml"
    uv_toml.parent.mkdir(parents=True)
    uv_toml.write_text('[[index]]\nurl = "http://uv/"\ndefault = true\n')
    assert index_description("uv", sys.executable) == "the package index in uv's configuration (uv.toml)"
