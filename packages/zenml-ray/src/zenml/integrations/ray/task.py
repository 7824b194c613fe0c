"""What runs inside Ray tasks: one step from its payload, and the version probe. Small results only."""

from __future__ import annotations

from typing import Any


def run_payload(payload: str, *upstream: dict[str, Any]) -> dict[str, Any]:
    """Run one step from its JSON payload; ``upstream`` (the results of the steps it needs) only orders it.

    Returns the step's small metadata (``{"step", "status", "artifacts"}``) plus this process id:
    artifacts travel through the artifact store, never through Ray's object store.
    """
    import os

    from zenml.orchestrators.payload import StepPayload

    result = StepPayload.from_json(payload).run()
    result["pid"] = os.getpid()
    return result


def worker_versions() -> dict[str, str]:
    """Python, Ray and zenml package versions of a worker, to compare with the driver's before a run."""
    import ray
    from zenml.orchestrators.payload import writer_versions

    return {**writer_versions(), "ray": ray.__version__}
