"""ZenML's enums, with ZenML's names and values (``zenml.enums``).

Every status this package records is one of :class:`ExecutionStatus`'s values, and
being a ``str`` enum, ``run.status == "completed"`` and ``run.status ==
ExecutionStatus.COMPLETED`` both hold.
"""

from __future__ import annotations

from enum import Enum


class StrEnum(str, Enum):
    """A ``str`` enum whose ``str()`` is its value (ZenML's ``zenml.utils.enum_utils.StrEnum``)."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def values(cls) -> list[str]:
        """Every value of the enum."""
        return [member.value for member in cls]


class ExecutionStatus(StrEnum):
    """The status of a pipeline run or of a step run."""

    INITIALIZING = "initializing"
    PROVISIONING = "provisioning"
    RUNNING = "running"
    FAILED = "failed"
    COMPLETED = "completed"
    CACHED = "cached"
    SKIPPED = "skipped"
    RETRYING = "retrying"
    RETRIED = "retried"  # a failed attempt of a step that was then tried again
    STOPPED = "stopped"
    STOPPING = "stopping"

    @property
    def is_finished(self) -> bool:
        """Whether the run or step has ended."""
        return self in _FINISHED

    @property
    def is_successful(self) -> bool:
        """Whether it ended well (completed or cached)."""
        return self in _SUCCESSFUL

    @property
    def is_failed(self) -> bool:
        """Whether it failed."""
        return self is ExecutionStatus.FAILED


_FINISHED = frozenset(
    {
        ExecutionStatus.FAILED,
        ExecutionStatus.COMPLETED,
        ExecutionStatus.CACHED,
        ExecutionStatus.SKIPPED,
        ExecutionStatus.RETRIED,
        ExecutionStatus.STOPPED,
    }
)
_SUCCESSFUL = frozenset({ExecutionStatus.COMPLETED, ExecutionStatus.CACHED, ExecutionStatus.SKIPPED})


def as_status(value: str) -> ExecutionStatus | str:
    """``value`` as an :class:`ExecutionStatus`, or unchanged if it is not one (a status of a newer zenml)."""
    try:
        return ExecutionStatus(value)
    except ValueError:
        return value


class StackComponentType(StrEnum):
    """The kinds of stack component (ZenML's names; this zenml implements the first three)."""

    ARTIFACT_STORE = "artifact_store"
    METADATA_STORE = "metadata_store"
    ORCHESTRATOR = "orchestrator"
    ALERTER = "alerter"
    ANNOTATOR = "annotator"
    CONTAINER_REGISTRY = "container_registry"
    DATA_VALIDATOR = "data_validator"
    EXPERIMENT_TRACKER = "experiment_tracker"
    FEATURE_STORE = "feature_store"
    IMAGE_BUILDER = "image_builder"
    MODEL_DEPLOYER = "model_deployer"
    STEP_OPERATOR = "step_operator"
    MODEL_REGISTRY = "model_registry"


class ArtifactType(StrEnum):
    """What an artifact holds (a materializer's ``ASSOCIATED_ARTIFACT_TYPE``, or ``ArtifactConfig(artifact_type=)``)."""

    DATA_ANALYSIS = "DataAnalysisArtifact"
    DATA = "DataArtifact"
    MODEL = "ModelArtifact"
    SCHEMA = "SchemaArtifact"  # deprecated in ZenML
    SERVICE = "ServiceArtifact"
    STATISTICS = "StatisticsArtifact"  # deprecated in ZenML in favour of DATA_ANALYSIS
    BASE = "BaseArtifact"


class ArtifactSaveType(StrEnum):
    """How an artifact version was saved."""

    STEP_OUTPUT = "step_output"  # an output of a step
    MANUAL = "manual"  # zenml.save_artifact()
    PREEXISTING = "preexisting"  # zenml.register_artifact()
    EXTERNAL = "external"  # ExternalArtifact(value=...)


class VisualizationType(StrEnum):
    """The kinds of visualization a materializer's ``save_visualizations`` may return."""

    CSV = "csv"
    HTML = "html"
    IMAGE = "image"
    MARKDOWN = "markdown"
    JSON = "json"


class ModelStages(StrEnum):
    """The stages of a model version (``latest`` only selects, it is never set)."""

    NONE = "none"
    STAGING = "staging"
    PRODUCTION = "production"
    ARCHIVED = "archived"
    LATEST = "latest"


class MetadataResourceTypes(StrEnum):
    """What metadata can be attached to."""

    PIPELINE_RUN = "pipeline_run"
    STEP_RUN = "step_run"
    ARTIFACT_VERSION = "artifact_version"
    MODEL_VERSION = "model_version"


class TaggableResourceTypes(StrEnum):
    """What tags can be attached to (this zenml tags runs, artifact versions, models and model versions)."""

    ARTIFACT = "artifact"
    ARTIFACT_VERSION = "artifact_version"
    MODEL = "model"
    MODEL_VERSION = "model_version"
    PIPELINE = "pipeline"
    PIPELINE_RUN = "pipeline_run"
