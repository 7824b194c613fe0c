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
    from zenml.artifacts.artifact_config import ArtifactConfig
    from zenml.artifacts.external_artifact import ExternalArtifact
    from zenml.artifacts.utils import load_artifact, log_artifact_metadata, register_artifact, save_artifact
    from zenml.client import Client
    from zenml.model.model import Model
    from zenml.pipelines.decorator import pipeline
    from zenml.pipelines.pipeline_context import get_pipeline_context
    from zenml.steps.decorator import step
    from zenml.steps.step_context import get_step_context
    from zenml.utils.metadata_utils import log_metadata
    from zenml.utils.tag_utils import add_tags, remove_tags

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
    "ArtifactConfig": ("zenml.artifacts.artifact_config", "ArtifactConfig"),
    "ExternalArtifact": ("zenml.artifacts.external_artifact", "ExternalArtifact"),
    "Model": ("zenml.model.model", "Model"),
    "save_artifact": ("zenml.artifacts.utils", "save_artifact"),
    "load_artifact": ("zenml.artifacts.utils", "load_artifact"),
    "register_artifact": ("zenml.artifacts.utils", "register_artifact"),
    "log_artifact_metadata": ("zenml.artifacts.utils", "log_artifact_metadata"),
    "log_metadata": ("zenml.utils.metadata_utils", "log_metadata"),
    "add_tags": ("zenml.utils.tag_utils", "add_tags"),
    "remove_tags": ("zenml.utils.tag_utils", "remove_tags"),
}

__all__ = [
    "ArtifactConfig",
    "Client",
    "ExternalArtifact",
    "Model",
    "__version__",
    "add_tags",
    "get_pipeline_context",
    "get_step_context",
    "load_artifact",
    "log_artifact_metadata",
    "log_metadata",
    "pipeline",
    "register_artifact",
    "remove_tags",
    "save_artifact",
    "step",
]


def __getattr__(name: str) -> object:
    from zenml._lazy import attribute

    return attribute(globals(), name, _LAZY)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
