"""Clear migration messages for names of ZenML 0.5, instead of bare ImportErrors.

``import zenml`` appends :class:`LegacyModuleFinder` to the end of :data:`sys.meta_path`, so it
is asked only about modules no other finder found, and it answers only for the exact legacy
module names below: every other missing module gets Python's usual ``ModuleNotFoundError``,
and ``importlib.util.find_spec`` keeps returning ``None`` for them. In particular
``zenml.integrations.sklearn`` itself is never claimed: the zenml-sklearn package provides it,
and only its ZenML 0.5 submodule ``helpers`` (which no current package has) gets the message.
"""

import sys


class LegacyAPIError(AttributeError):
    """A name of an older ZenML was used; the message says what replaced it."""


class LegacyImportError(ImportError):
    """A module or name of an older ZenML was imported; the message says what replaced it."""


_REPOSITORY = (
    "`zenml.core.repo.Repository` was ZenML 0.5's; since ZenML 0.20 the Python API to stacks and run history is "
    "`from zenml.client import Client` (e.g. `Client().get_run(name)`, `Client().list_runs()`, "
    "`Client().active_stack`)."
)
_SKLEARN_HELPERS = (
    "`zenml.integrations.sklearn.helpers` was ZenML 0.5's and was removed in ZenML 0.20; load your data with "
    "scikit-learn directly inside a step (e.g. `sklearn.datasets.load_digits()`) and return it."
)
MODULES = {
    "zenml.core": _REPOSITORY,
    "zenml.core.repo": _REPOSITORY,
    "zenml.integrations.sklearn.helpers": _SKLEARN_HELPERS,
}

NAMES = {
    "zenml.steps": {
        "BaseStepConfig": (
            "`BaseStepConfig` was ZenML 0.5's way to give a step parameters and was removed in ZenML 0.20: "
            "declare them as typed arguments of the step function (`def trainer(data: list, lr: float = 0.01)`), "
            "and set them in the pipeline (`trainer(data, lr=0.1)`), with `trainer.with_options(parameters={'lr': "
            "0.1})` or in a config file (`steps: {trainer: {parameters: {lr: 0.1}}}`)."
        ),
        "Output": (
            "`zenml.steps.Output` was ZenML 0.5's way to name several outputs and was removed in ZenML 0.20: "
            "annotate the return type instead, `-> Tuple[Annotated[int, 'a'], Annotated[str, 'b']]` "
            "(`from typing import Annotated, Tuple`)."
        ),
        "BaseParameters": (
            "`BaseParameters` was removed in ZenML 0.50: declare parameters as typed arguments of the step "
            "function and set them in the pipeline, with `with_options(parameters=...)` or in a config file."
        ),
    },
}


def legacy_run_message(pipeline_name: str) -> str:
    """The message for ZenML 0.5's ``pipeline_instance.run()``."""
    return (
        f"`{pipeline_name}.run()` was ZenML 0.5's way to start a pipeline; since ZenML 0.40 you call the "
        f"pipeline itself: `run = {pipeline_name}()` builds it, runs it on the active stack and returns the run. "
        f"Options go in `{pipeline_name}.with_options(...)()` or a config file."
    )


def legacy_pipeline_call_message(pipeline_name: str) -> str:
    """The message for ZenML 0.5's ``my_pipeline(step_1=load(), ...).run()``."""
    return (
        f"pipeline {pipeline_name!r} was called with steps as arguments, as ZenML 0.5 did "
        f"(`{pipeline_name}(importer=importer()).run()`); since ZenML 0.40 the pipeline function calls its steps "
        f"itself (`@pipeline def {pipeline_name}(): train(load())`) and you run it with `{pipeline_name}()`."
    )


def name_error(module: str, name: str) -> LegacyImportError | None:
    """A migration error for ``from <module> import <name>`` of a legacy name, if it is one."""
    message = NAMES.get(module, {}).get(name)
    return LegacyImportError(message, name=module) if message else None


class LegacyModuleFinder:
    """A meta-path finder, consulted last, that explains the legacy modules in :data:`MODULES`."""

    @classmethod
    def find_spec(cls, fullname: str, path: object = None, target: object = None) -> None:
        message = MODULES.get(fullname)
        if message is not None:
            raise LegacyImportError(f"No module named {fullname!r}: {message}", name=fullname)


def install() -> None:
    """Put the finder at the end of :data:`sys.meta_path` (once)."""
    if not any(finder is LegacyModuleFinder for finder in sys.meta_path):
        sys.meta_path.append(LegacyModuleFinder)
