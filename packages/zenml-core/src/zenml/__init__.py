"""zenml: ML pipelines whose integrations load only when they are used.

``import zenml`` imports nothing outside the standard library: the public
names below are resolved on first access (PEP 562).
"""

from zenml._legacy import install as _install_legacy_messages
from zenml._namespace import extend_path as _extend_path

# Not ``typing.TYPE_CHECKING``: importing typing would cost more than zenml itself. Type checkers treat this
# name the same way, so they see the real types of the lazy exports below.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.__about__ import __version__
    from zenml.client import Client
    from zenml.pipelines.decorator import pipeline
    from zenml.pipelines.pipeline_context import get_pipeline_context
    from zenml.steps.decorator import step
    from zenml.steps.step_context import get_step_context

__path__ = _extend_path(__path__, __name__)
_install_legacy_messages()

# public name -> (module, attribute)
_LAZY = {
    "__version__": ("zenml.__about__", "__version__"),
    "step": ("zenml.steps.decorator", "step"),
    "pipeline": ("zenml.pipelines.decorator", "pipeline"),
    "Client": ("zenml.client", "Client"),
    "get_step_context": ("zenml.steps.step_context", "get_step_context"),
    "get_pipeline_context": ("zenml.pipelines.pipeline_context", "get_pipeline_context"),
}

__all__ = ["Client", "__version__", "get_pipeline_context", "get_step_context", "pipeline", "step"]


def __getattr__(name: str) -> object:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'zenml' has no attribute {name!r}") from None
    from importlib import import_module

    value = getattr(import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
