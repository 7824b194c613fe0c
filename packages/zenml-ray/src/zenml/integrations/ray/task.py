"""What runs inside Ray tasks: one step from its payload, and the version probe. Small results only.

Ray runs tasks in long-lived worker processes, so each process keeps, for the last few runs it ran
steps of (:data:`KEEP_RUNS`), the stack it built from the run's payload (one metadata store
connection, paths checked once) and what it learnt of the run's artifacts. The key is the run id and
the exact JSON of the stack's config: another run, or another stack, builds its own, so a stack is
used only by steps of the run it was built for (a store deleted and made again between runs is opened afresh).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.orchestrators.entrypoint import RunState
    from zenml.stack.stack import Stack

KEEP_RUNS = 4  # runs whose stack a worker process keeps (the least recently used goes first)
_RUNS: dict[tuple[str, str], tuple[Stack, RunState]] = {}


def run_payload(payload: str, *upstream: dict[str, Any]) -> dict[str, Any]:
    """Run one step from its JSON payload; ``upstream`` (the results of the steps it needs) only orders it.

    Returns the step's small metadata (``{"step", "status", "artifacts"}``) plus this process id and
    ``built_stack``: whether this task built the run's stack (False: this process had built it for an
    earlier step of the run). Artifacts travel through the artifact store, never through Ray's object store.
    """
    import json
    import os

    from zenml.orchestrators.payload import StepPayload

    step = StepPayload.from_json(payload)
    key = (str(step.deployment.get("run_id")), json.dumps(step.stack, sort_keys=True, separators=(",", ":")))
    kept = _RUNS.pop(key, None)
    built = kept is None
    if kept is None:
        from zenml.orchestrators.entrypoint import RunState
        from zenml.stack.stack import Stack

        step.check_versions()  # a clear error before a stack is built with other zenml versions' config
        kept = (Stack.from_dict(step.stack), RunState())
    _RUNS[key] = kept  # the most recently used last
    while len(_RUNS) > KEEP_RUNS:
        del _RUNS[next(iter(_RUNS))]
    result = step.run(stack=kept[0], state=kept[1])
    result["pid"] = os.getpid()
    result["built_stack"] = built
    return result


def worker_versions() -> dict[str, str]:
    """Python, Ray and zenml package versions of a worker, to compare with the driver's before a run."""
    import ray
    from zenml.orchestrators.payload import writer_versions

    return {**writer_versions(), "ray": ray.__version__}
