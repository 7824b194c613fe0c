"""Reading a step function's parameters from its code object, and binding call arguments."""

from __future__ import annotations

import functools

import pytest

from zenml.steps.errors import StepDefinitionError
from zenml.steps.parameters import Parameters


def sample(a: int, b: int = 2, *, c: str = "x", d: float) -> None:
    pass


def test_names_and_defaults() -> None:
    params = Parameters("sample", sample)
    assert params.names == ("a", "b", "c", "d")
    assert params.positional == ("a", "b")
    assert params.defaults == {"b": 2, "c": "x"}


def test_bind_like_python() -> None:
    params = Parameters("sample", sample)
    assert params.bind((1,), {"d": 1.0}) == {"a": 1, "d": 1.0}
    assert params.bind((1, 3), {"c": "y"}) == {"a": 1, "b": 3, "c": "y"}
    with pytest.raises(TypeError, match="takes 2 positional argument"):
        params.bind((1, 2, 3), {})
    with pytest.raises(TypeError, match="unexpected keyword argument 'e'"):
        params.bind((), {"e": 1})
    with pytest.raises(TypeError, match="multiple values for argument 'a'"):
        params.bind((1,), {"a": 2})


def test_unsupported_callables() -> None:
    def positional_only(a: int, /) -> None:
        pass

    def star(**kwargs: int) -> None:
        pass

    with pytest.raises(StepDefinitionError, match="positional-only"):
        Parameters("p", positional_only)
    with pytest.raises(StepDefinitionError, match=r"\*\*kwargs"):
        Parameters("s", star)
    with pytest.raises(StepDefinitionError, match="plain Python function"):
        Parameters("partial", functools.partial(sample, 1))
