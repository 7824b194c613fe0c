"""Every zenml exception survives a pickle round-trip with its message and fields (errors cross processes)."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil

import pytest

import zenml


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in an importable zenml module (integrations included when installed)."""
    for info in pkgutil.walk_packages(zenml.__path__, "zenml."):
        if ".testing" in info.name or info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an integration's optional heavy requirement is not installed here
            continue
    found: dict[str, type[BaseException]] = {}
    pending: list[type[BaseException]] = [BaseException]
    while pending:
        for cls in pending.pop().__subclasses__():
            pending.append(cls)
            if cls.__module__.startswith("zenml."):
                found[f"{cls.__module__}:{cls.__qualname__}"] = cls
    return [found[key] for key in sorted(found)]


def _instance(cls: type[BaseException]) -> BaseException:
    """An instance built from the signature: a distinct string for each required parameter (lists for lists)."""
    values: list[object] = []
    for name, parameter in list(inspect.signature(cls.__init__).parameters.items())[1:]:
        if (
            parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            or parameter.default is not parameter.empty
        ):
            continue
        annotation = str(parameter.annotation)
        values.append([f"{name}-1", f"{name}-2"] if "list" in annotation or "tuple" in annotation else f"<{name}>")
    if not values:
        values = ["something went wrong"]
    return cls(*values)


CLASSES = _exception_classes()


def test_the_walk_finds_core_exceptions() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"StepFailedError", "MissingOptionsError", "PayloadError", "StackNotShareableError"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_exception_pickles_with_message_and_fields(cls: type[BaseException]) -> None:
    error = _instance(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert vars(copy) == vars(error)


def test_step_failed_error_keeps_run_fields() -> None:
    from zenml.steps.errors import StepFailedError

    error = StepFailedError("trainer", "step 'trainer' failed: ValueError: boom", run_id="abc", run_name="r1")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.step_name, copy.run_id, copy.run_name, str(copy)) == ("trainer", "abc", "r1", str(error))
