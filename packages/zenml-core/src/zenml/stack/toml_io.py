"""TOML for the stack config: reading with :mod:`tomllib` (``tomli`` on 3.10), writing with tomlkit.

Reading is what every run does, and tomllib is fast. Writing is rare (``zenml
stack register`` and friends) and goes through tomlkit, imported only then,
so that a user's comments, key order and formatting survive every change.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

TOMLDecodeError = tomllib.TOMLDecodeError


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text; :class:`TOMLDecodeError` (with line and column) if it is invalid."""
    data: dict[str, Any] = tomllib.loads(text)
    return data


def update_text(text: str, data: Mapping[str, Any]) -> str:
    """TOML text that says ``data``, written over ``text`` (valid TOML) so that everything unchanged keeps its
    comments, order and formatting.

    A changed value is replaced in place (a comment at the end of its line stays); a new key goes after its
    siblings and a new table after the tables next to it; a removed table takes its lines and the comment lines
    right above its header, while comments further up (after a blank line) stay where they were. A section
    whose tables are all removed (``[stacks.*]``) disappears rather than leaving an empty ``[stacks]``.
    """
    import tomlkit

    document = tomlkit.parse(text)
    _comments_to_the_table_below(document)
    _update(document, document, loads(text), data)
    result = tomlkit.dumps(document)
    if not text.strip():
        result = result.lstrip("\n")
    return result


def _tables(container: Any) -> list[Any]:
    """The tables written with a ``[header]`` in ``container`` and below it, in the order they are written."""
    from tomlkit.items import AoT, Table

    found = []
    for _, item in container.body:
        for table in item.body if isinstance(item, AoT) else [item]:
            if isinstance(table, Table):
                if not table.is_super_table():
                    found.append(table)
                found.extend(_tables(table.value))
    return found


def _comments_to_the_table_below(container: Any, pending: list[tuple[list[Any], int]] | None = None) -> None:
    """Move the comments and blank lines right above each table's header into the header's indent.

    tomlkit keeps them at the end of the body of what is above (the previous table, or the document), though a
    person writes a comment above the table it is about; moved, they stay above it when a table is added before
    it or removed above it. ``pending``: the places (body, index) of such lines seen since the last key or
    header. The text renders exactly the same.
    """
    import tomlkit
    from tomlkit.items import AoT, Comment, Table, Whitespace

    pending = [] if pending is None else pending
    body = container.body
    for index, (key, item) in enumerate(body):
        if key is None and isinstance(item, (Comment, Whitespace)):
            pending.append((body, index))
            continue
        tables = item.body if isinstance(item, AoT) else [item] if isinstance(item, Table) else []
        if key is not None and not tables:
            pending.clear()  # a key = value line: what is above it stays there
        for table in tables:
            if not table.is_super_table():
                lines = "".join(body_[at][1].as_string() for body_, at in pending)
                for body_, at in pending:
                    body_[at] = (None, tomlkit.ws(""))
                pending.clear()
                table.trivia.indent = lines + table.trivia.indent
            _comments_to_the_table_below(table.value, pending)


def _update(document: Any, container: MutableMapping[str, Any], old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """Make ``container`` (which says ``old``) say ``new``, touching only what differs."""
    from tomlkit.items import InlineTable

    for key in [key for key in container if key not in new]:
        _delete(document, container, key)
    for key, value in new.items():
        if key not in container:
            item = _new_item(value, inline=isinstance(container, InlineTable))
            container[key] = item
            if getattr(item, "is_super_table", bool)():
                item.trivia.indent = ""  # no blank line of its own: the first table inside brings one
        elif isinstance(value, Mapping) and isinstance(old[key], Mapping):
            _update(document, container[key], old[key], value)
        elif not _same(old[key], value):
            container[key] = value


def _delete(document: Any, container: MutableMapping[str, Any], key: str) -> None:
    """Remove ``container[key]``; the lines above a removed table's header, up to a blank line, go with it."""
    from tomlkit.items import Table

    item = container[key]
    tables = _tables(document)
    gone = [item, *_tables(item.value)] if isinstance(item, Table) else []
    positions = [index for index, table in enumerate(tables) if any(table is removed for removed in gone)]
    above = ""
    if isinstance(item, Table) and not item.is_super_table():
        lines = item.trivia.indent.rpartition("\n")[0].splitlines(keepends=True)
        blank = max((index for index, line in enumerate(lines) if not line.strip()), default=-1)
        above = "".join(lines[: blank + 1])
    del container[key]
    if not above.strip():  # blank lines only: what is below keeps its own
        return
    below = tables[positions[-1] + 1] if positions and positions[-1] + 1 < len(tables) else None
    if below is not None:
        below.trivia.indent = above + below.trivia.indent
    else:
        import tomlkit

        document.add(tomlkit.ws(above))


def _new_item(value: Any, *, inline: bool = False) -> Any:
    """``value``, with each table (a mapping) set apart from what is above it by a blank line, or written
    ``{...}`` inside an inline table."""
    if not isinstance(value, Mapping):
        return value
    import tomlkit

    if inline:
        braces = tomlkit.inline_table()
        for key, item in value.items():
            braces[key] = _new_item(item, inline=True)
        return braces
    sections = bool(value) and all(isinstance(item, Mapping) for item in value.values())
    table = tomlkit.table(is_super_table=sections)
    for key, item in value.items():
        table.add(key, _new_item(item))
    if not sections:
        table.trivia.indent = "\n"
    return table


def _same(old: Any, new: Any) -> bool:
    """Equal and of the same types all the way down (``1``, ``1.0`` and ``true`` are different values here)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return old.keys() == new.keys() and all(_same(old[key], new[key]) for key in old)
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    return type(old) is type(new) and bool(old == new)
