"""The cache key of a step: code, parameters, input contents and output materializers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from zenml.orchestrators.deployment import StepPlan
    from zenml.steps.base import Step


def cache_key(step: Step, plan: StepPlan, input_hashes: Mapping[str, str]) -> str:
    """A sha256 hex digest that changes whenever the step's code, parameters, inputs or materializers do.

    Code means the step function's own source (or code object): helpers it
    calls are not part of the key.
    """
    import json
    from hashlib import sha256

    payload = json.dumps(
        {
            "source": step.source_hash(),
            "parameters": plan.parameters,
            "inputs": dict(sorted(input_hashes.items())),
            "outputs": {name: list(value) for name, value in sorted(plan.outputs.items())},
        },
        sort_keys=True,
        default=repr,
    )
    return sha256(payload.encode()).hexdigest()
