"""Writing the stack config over its previous text: what did not change keeps its comments, order and formatting."""

from __future__ import annotations

import copy
import datetime
import textwrap
from typing import Any

import pytest

from zenml.stack.toml_io import loads, update_text

TEXT = textwrap.dedent(
    """\
    # my stacks: keep this header
    active_stack = "prod"   # switched by hand

    [stacks.prod]  # the one that matters
    artifact_store = "data"
    metadata_store = "default"

    # artifacts on the big disk
    [artifact_stores.data]
    path = "/big/disk"  # mounted at boot
    flavor = 'local'

    [stacks.dev]
    artifact_store = "default"
    """
)


def without_empty_tables(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value != {}}


def updated(change: Any) -> tuple[str, dict[str, Any]]:
    data = copy.deepcopy(loads(TEXT))
    change(data)
    text = update_text(TEXT, data)
    assert loads(text) == without_empty_tables(data)  # a section left empty has no [header] of its own
    return text, data


def test_unchanged_data_leaves_the_text_as_it_was() -> None:
    assert update_text(TEXT, loads(TEXT)) == TEXT


def test_a_changed_value_keeps_its_comment_and_everything_else() -> None:
    text, _ = updated(lambda data: data.update(active_stack="dev"))
    assert text == TEXT.replace('active_stack = "prod"   #', 'active_stack = "dev"   #')


def test_new_tables_go_after_their_siblings_set_apart_by_a_blank_line() -> None:
    def change(data: dict[str, Any]) -> None:
        data["stacks"]["new"] = {"artifact_store": "data", "metadata_store": "default"}
        data["orchestrators"] = {"remote": {"flavor": "local"}}

    text, _ = updated(change)
    new_stack = '[stacks.new]\nartifact_store = "data"\nmetadata_store = "default"\n\n'
    prod_end = TEXT.index("# artifacts on the big disk")  # that comment stays above the table it is about
    expected = TEXT[:prod_end] + new_stack + TEXT[prod_end:] + '\n[orchestrators.remote]\nflavor = "local"\n'
    assert text == expected


def test_a_removed_table_takes_its_lines_and_the_comment_right_above_it() -> None:
    text, _ = updated(lambda data: data["stacks"].pop("prod"))
    assert text == TEXT.replace(
        '[stacks.prod]  # the one that matters\nartifact_store = "data"\nmetadata_store = "default"\n\n', ""
    )
    text, _ = updated(lambda data: data["artifact_stores"].pop("data"))
    assert "# artifacts on the big disk" not in text
    assert text.endswith('metadata_store = "default"\n\n[stacks.dev]\nartifact_store = "default"\n')


def test_comments_above_a_blank_line_stay_when_the_table_below_goes() -> None:
    text = "[stacks.a]\nx = 1\n\n# ---- notes about every stack ----\n\n# about b\n[stacks.b]\nx = 2\n"
    assert update_text(text, {"stacks": {"a": {"x": 1}}}) == (
        "[stacks.a]\nx = 1\n\n# ---- notes about every stack ----\n\n"
    )
    text += "\n[stacks.c]\nx = 3\n"
    assert update_text(text, {"stacks": {"a": {"x": 1}, "c": {"x": 3}}}) == (
        "[stacks.a]\nx = 1\n\n# ---- notes about every stack ----\n\n\n[stacks.c]\nx = 3\n"
    )


def test_a_fresh_file_reads_as_a_person_would_write_it() -> None:
    data = {
        "active_stack": "prod",
        "artifact_stores": {"data": {"flavor": "local", "path": "/data"}},
        "stacks": {"prod": {"artifact_store": "data"}},
    }
    assert update_text("", data) == textwrap.dedent(
        """\
        active_stack = "prod"

        [artifact_stores.data]
        flavor = "local"
        path = "/data"

        [stacks.prod]
        artifact_store = "data"
        """
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [(1, True), (1, 1.0), ("1", 1), ([1, 2], [1, True]), ({"a": 1}, {"a": 1, "b": 2})],
)
def test_a_value_of_another_type_is_a_change(old: Any, new: Any) -> None:
    text = update_text("", {"options": {"x": old}})
    changed = update_text(text, {"options": {"x": new}})
    assert loads(changed) == {"options": {"x": new}}
    assert type(loads(changed)["options"]["x"]) is type(new)


def test_every_value_the_cli_accepts_round_trips() -> None:
    options = {
        "number": 3,
        "ratio": 0.5,
        "flag": False,
        "text": 'quotes " and \\ backslashes',
        "items": [1, "two", 3.0],
        "nested": {"a": {"b": 1}},
        "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 1, 2),
    }
    data = {"artifact_stores": {"x": {"flavor": "local", **options}}}
    assert loads(update_text(TEXT, data)) == data


def test_tables_of_one_section_spread_over_the_file_and_nested_options() -> None:
    text = textwrap.dedent(
        """\
        [stacks.a]
        artifact_store = "x"

        [artifact_stores.x]
        flavor = "local"
        options = {retries = 3}  # inline

        [stacks.b]
        artifact_store = "x"

        [artifact_stores.y]
        flavor = "local"

        [artifact_stores.y.limits]  # a table inside a component
        size = 10

        [stacks.c]
        artifact_store = "y"
        """
    )
    data = loads(text)
    del data["stacks"]["b"]
    del data["artifact_stores"]["y"]
    data["stacks"]["c"]["artifact_store"] = "x"
    data["artifact_stores"]["x"]["options"]["retries"] = 5
    data["stacks"]["d"] = {"artifact_store": "x"}
    result = update_text(text, data)
    assert loads(result) == data
    assert result == textwrap.dedent(
        """\
        [stacks.a]
        artifact_store = "x"

        [stacks.d]
        artifact_store = "x"

        [artifact_stores.x]
        flavor = "local"
        options = {retries = 5}  # inline

        [stacks.c]
        artifact_store = "x"
        """
    )


def test_a_table_added_inside_an_inline_table_stays_inline() -> None:
    text = "options = {retries = 3}  # inline\n"
    data = {"options": {"retries": 3, "limits": {"size": 10}}}
    result = update_text(text, data)
    assert loads(result) == data
    assert result.count("\n") == 1  # still one line, with its comment
    assert "limits = {size = 10}}  # inline" in result
