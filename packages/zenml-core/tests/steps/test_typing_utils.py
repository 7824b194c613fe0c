"""Runtime type checks of values and of connections between steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, Optional

import pytest

from zenml.steps.typing_utils import concrete_class, is_compatible, matches, type_name


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        (1, int, True),
        (True, int, True),
        (1, float, True),
        (1.5, int, False),
        ("a", str, True),
        (None, None, True),
        (None, Optional[int], True),  # noqa: UP045
        ("x", Optional[int], False),  # noqa: UP045
        (1, int | str, True),
        ([1, 2], list[int], True),
        ([1, "2"], list[int], False),
        ((1, "a"), tuple[int, str], True),
        ((1, 2), tuple[int, str], False),
        ((1, 2, 3), tuple[int, ...], True),
        ({"a": 1}, dict[str, int], True),
        ({"a": "b"}, dict[str, int], False),
        ({1, 2}, set[int], True),
        ("b", Literal["a", "b"], True),
        ("c", Literal["a", "b"], False),
        (object(), Any, True),
        (3, Annotated[int, "n"], True),
        ([1], Sequence[int], True),
    ],
)
def test_matches(value: object, annotation: Any, expected: bool) -> None:
    assert matches(value, annotation) is expected


@pytest.mark.parametrize(
    ("produced", "consumed", "expected"),
    [
        (int, int, True),
        (bool, int, True),
        (int, float, True),
        (str, int, False),
        (list[int], list[int], True),
        (list[int], dict[str, int], False),
        (int, Optional[int], True),  # noqa: UP045
        (Optional[int], int, False),  # noqa: UP045
        (Any, int, True),
        (int, Any, True),
        (Annotated[int, "a"], int, True),
        (list[int], Sequence[int], True),
    ],
)
def test_is_compatible(produced: Any, consumed: Any, expected: bool) -> None:
    assert is_compatible(produced, consumed) is expected


def test_concrete_class_and_names() -> None:
    assert concrete_class(list[int]) is list
    assert concrete_class(Annotated[int, "x"]) is int
    assert concrete_class(Any) is None
    assert concrete_class(int | None) is None
    assert type_name(int) == "int"
    assert type_name(list[int]) == "list[int]"
    assert type_name(pytest.MonkeyPatch) == "_pytest.monkeypatch.MonkeyPatch"
