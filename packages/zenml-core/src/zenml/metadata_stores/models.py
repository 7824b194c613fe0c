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
    """One output of one step, as stored by a materializer.

    ``uri`` is the artifact's directory name inside the artifact store whose
    root is ``artifact_store_path``. ``content_hash`` fingerprints every file
    in that directory, so a deleted or altered artifact is detected on load.
    """

    id: str
    run_id: str
    step_name: str
    output_name: str
    uri: str
    artifact_store_path: str
    data_type: str
    materializer: str
    materializer_version: int
    size: int
    content_hash: str
    created_at: float
    # metadata the step attached to this output (``get_step_context().add_output_metadata``)
    run_metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
