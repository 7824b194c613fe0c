"""``closest`` and ``unknown_choice``: the "did you mean" hints."""

from __future__ import annotations

from zenml.utils.suggestions import closest, unknown_choice


def test_closest() -> None:
    assert closest("tensorflw", ["gcp", "tensorflow"]) == "tensorflow"
    assert closest("zzzz", ["gcp", "tensorflow"]) is None
    assert closest("x", []) is None
    assert closest("version", ["integration", "run", "stack"]) is None  # 0.56 alike: no sensible guess
    assert closest("versoin", ["integration", "version"]) == "version"


def test_unknown_choice() -> None:
    assert unknown_choice("integration", "tensorflw", ["tensorflow", "gcp"]) == (
        "unknown integration 'tensorflw'. Did you mean 'tensorflow'? Known integrations: gcp, tensorflow."
    )
    assert unknown_choice("stack", "x", []) == "unknown stack 'x'. Known stacks: none."
