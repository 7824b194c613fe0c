"""The local orchestrator: runs the steps one after another in the current process."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from zenml.orchestrators.base import BaseOrchestrator

if TYPE_CHECKING:
    from zenml.orchestrators.deployment import Deployment
    from zenml.stack.stack import Stack


class LocalOrchestrator(BaseOrchestrator):
    """Runs steps in dependency order, in-process (flavor ``local``)."""

    FLAVOR: ClassVar[str] = "local"

    def execute(self, deployment: Deployment, stack: Stack) -> None:
        from zenml.orchestrators.entrypoint import RunState, run_step

        state = RunState()
        for plan in deployment.steps:
            run_step(deployment, plan, stack, state)
