"""The records a metadata store keeps. Plain, JSON-friendly dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Run and step statuses: the values of ``zenml.enums.ExecutionStatus`` (plain strings here, so that
# records stay JSON-friendly and this module imports no enum).
RUNNING = "running"
COMPLETED = "completed"
FAILED = "failed"
CACHED = "cached"  # steps only: outputs reused from an earlier run
RETRIED = "retried"  # step attempts only: an attempt that failed and was tried again
STATUSES = (RUNNING, COMPLETED, FAILED, CACHED)

# How an artifact version came to be (``zenml.enums.ArtifactSaveType``'s values).
STEP_OUTPUT = "step_output"
MANUAL = "manual"
PREEXISTING = "preexisting"
EXTERNAL = "external"

# What annotations (metadata, tags, links, stages) can be attached to (``zenml.enums.MetadataResourceTypes``' values).
PIPELINE_RUN = "pipeline_run"
STEP_RUN = "step_run"
ARTIFACT_VERSION = "artifact_version"
MODEL = "model"
MODEL_VERSION = "model_version"
RESOURCE_TYPES = (PIPELINE_RUN, STEP_RUN, ARTIFACT_VERSION, MODEL, MODEL_VERSION)

# Kinds of annotation: a metadata entry, a tag added or removed, a link between a model version and an artifact
# version or a run, a model version's new stage.
METADATA = "metadata"
TAG_ADDED = "tag_added"
TAG_REMOVED = "tag_removed"
LINK = "link"
STAGE = "stage"
ANNOTATION_KINDS = (METADATA, TAG_ADDED, TAG_REMOVED, LINK, STAGE)


def step_id(run_id: str, step_name: str) -> str:
    """The id of one step run: ``<run id>:<step name>`` (step names never contain ``:``)."""
    return f"{run_id}:{step_name}"


def split_step_id(value: str) -> tuple[str, str]:
    """``(run id, step name)`` of a step run id; :class:`ValueError` if it is not one."""
    run_id, sep, name = value.rpartition(":")
    if not sep or not run_id or not name:
        raise ValueError(f"{value!r} is not a step run id (expected '<run id>:<step name>')")
    return run_id, name


@dataclass(frozen=True)
class RunRecord:
    """One execution of a pipeline."""

    id: str
    name: str
    pipeline_name: str
    status: str
    created_at: float
    ended_at: float | None = None
    stack_name: str = "default"
    error: str | None = None
    # the run's configuration as applied: run_name template, enable_cache, parameters, extra, settings, ...
    config: dict[str, Any] = field(default_factory=dict)
    # the planned steps in run order, each with the steps it waits for (known before any step has run)
    graph: dict[str, list[str]] = field(default_factory=dict)
    # the root of the artifact store the run writes its outputs and step logs to
    artifact_store_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StepRecord:
    """One step of one run. ``inputs`` maps input names to artifact ids (a list of ids for an input
    that received a list of step outputs)."""

    run_id: str
    name: str
    status: str
    started_at: float
    ended_at: float | None = None
    cache_key: str | None = None
    inputs: dict[str, str | list[str]] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    # the step's configuration as applied (parameters, enable_cache, extra, settings, retry, hooks, ...)
    config: dict[str, Any] = field(default_factory=dict)
    # one entry per execution attempt: {"attempt", "status", "started_at", "ended_at", "error"}
    attempts: list[dict[str, Any]] = field(default_factory=list)
    # what the step printed, in the run's artifact store (None: it printed nothing, or capture was off)
    logs_uri: str | None = None
    # the formatted traceback of a failed step's exception
    traceback: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ArtifactRecord:
    """One artifact version, as stored by a materializer: ``version`` of the artifact ``artifact_name``.

    ``uri`` is the artifact's directory name inside the artifact store whose
    root is ``artifact_store_path``. ``content_hash`` fingerprints every file
    in that directory, so a deleted or altered artifact is detected on load.
    ``run_id``/``step_name``/``output_name`` name the step output that produced
    it (``None`` for a version saved or registered outside a step). Versions
    are numbered per name by the store (``version`` ``"1"``, ``"2"``, ...,
    ``version_number`` 1, 2, ...) unless ``version`` was given; a record whose
    ``version`` is ``""`` asks the store for the next number.
    """

    id: str
    run_id: str | None
    step_name: str | None
    output_name: str | None
    uri: str
    artifact_store_path: str
    data_type: str
    materializer: str
    materializer_version: int
    size: int
    content_hash: str
    created_at: float
    # metadata attached when it was saved, by records of schema 2 or 3; since schema 4 all metadata is annotations
    run_metadata: dict[str, Any] = field(default_factory=dict)
    artifact_name: str = ""
    version: str = ""
    version_number: int | None = None
    artifact_type: str = "BaseArtifact"  # a ``zenml.enums.ArtifactType`` value
    save_type: str = STEP_OUTPUT
    # what ``save_visualizations`` returned: [{"uri": <name in the store>, "type": <VisualizationType value>}]
    visualizations: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AnnotationRecord:
    """Something attached to a run, step run, artifact version, model or model version after the fact.

    ``kind`` is one of :data:`ANNOTATION_KINDS`: ``metadata`` (``payload``: ``{"key", "value", "type"}``, see
    :func:`zenml.metadata.metadata_types.to_payload`), ``tag_added``/``tag_removed``
    (``{"tag"}``), ``link`` (``{"type", "id"}``: a model version linked to an artifact version or a run),
    ``stage`` (``{"stage"}``). Later annotations win: the newest metadata value of a key, the last tag
    event of a tag, the newest stage.
    """

    resource_type: str
    resource_id: str
    kind: str
    payload: dict[str, Any]
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ModelRecord:
    """A model of the model control plane (ZenML's ``ModelResponse``)."""

    name: str
    created_at: float
    license: str | None = None
    description: str | None = None
    audience: str | None = None
    use_cases: str | None = None
    limitations: str | None = None
    trade_offs: str | None = None
    ethics: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ModelVersionRecord:
    """One version of a model: ``name`` (``"1"``, ``"2"``, ... unless given) and ``number`` (1, 2, ...).

    A record whose ``number`` is ``0`` asks the store for the next number (and, with ``name`` ``""``,
    takes it as its name too). Stages and links are annotations.
    """

    id: str
    model_name: str
    name: str
    number: int
    created_at: float
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
