"""The local orchestrator: runs the steps one after another in the current process, each from its payload."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from zenml.orchestrators.base import BaseOrchestrator

if TYPE_CHECKING:
    from zenml.orchestrators.deployment import Deployment
    from zenml.stack.stack import Stack


class LocalOrchestrator(BaseOrchestrator):
    """Runs steps in dependency order, in-process (flavor ``local``)."""

    FLAVOR: ClassVar[str] = "local"
    IS_LOCAL: ClassVar[bool] = True  # steps run in this process

    def execute(self, deployment: Deployment, stack: Stack) -> None:
        """Run each step through its payload's JSON round-trip: the code path of other processes."""
        from zenml.orchestrators.entrypoint import RunState
        from zenml.orchestrators.payload import StepPayload, step_payloads

        state = RunState()
        payloads = step_payloads(deployment, stack)
        for plan in deployment.steps:
            StepPayload.from_json(payloads[plan.id].to_json()).run(stack=stack, original=deployment, state=state)
