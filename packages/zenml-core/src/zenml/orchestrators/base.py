"""The base class of orchestrators: record the run, execute its steps, record how it ended."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, ClassVar

from zenml.stack.component import StackComponent
from zenml.stack.flavors import ORCHESTRATOR

if TYPE_CHECKING:
    from zenml.orchestrators.deployment import Deployment
    from zenml.stack.stack import Stack


class BaseOrchestrator(StackComponent):
    """Runs the steps of a :class:`~zenml.orchestrators.deployment.Deployment` in dependency order.

    Subclasses implement :meth:`execute` (and may check the stack in :meth:`prepare`); each step
    runs from its :class:`~zenml.orchestrators.payload.StepPayload`, in this process or elsewhere.
    The metadata store, not the orchestrator, holds the state.
    """

    TYPE: ClassVar[str] = ORCHESTRATOR
    #: Whether steps run in other processes or on other machines, which import them by reference:
    #: then :meth:`run` refuses steps, types and hooks they cannot import before anything runs.
    RUNS_STEPS_ELSEWHERE: ClassVar[bool] = False

    def run(self, deployment: Deployment, stack: Stack) -> None:
        """Record the run (owned by this process, with a heartbeat), execute it, and mark it completed or
        failed (re-raising the failure). Runs of this host whose process died are ended first."""
        import time

        from zenml.metadata_stores.crashes import recover_crashed_runs
        from zenml.metadata_stores.models import COMPLETED, FAILED, RUNNING, RunRecord
        from zenml.orchestrators.heartbeat import beating
        from zenml.utils.processes import this_process

        if self.RUNS_STEPS_ELSEWHERE:
            from zenml.orchestrators.payload import check_importable

            check_importable(deployment)
        self.prepare(deployment, stack)
        store = stack.metadata_store
        recover_crashed_runs(store)
        owner = this_process()
        now = time.time()
        store.create_run(
            RunRecord(
                id=deployment.run_id,
                name=deployment.run_name,
                pipeline_name=deployment.pipeline_name,
                status=RUNNING,
                created_at=now,
                stack_name=stack.name,
                config=deployment.config,
                owner_host=owner.host,
                owner_pid=owner.pid,
                owner_start=owner.token,
                heartbeat_at=now,
                graph={plan.id: list(plan.upstream) for plan in deployment.steps},
                artifact_store_path=stack.artifact_store.path,
            )
        )
        if deployment.config.get("tags"):
            from zenml.metadata_stores.annotations import tag_annotations
            from zenml.metadata_stores.models import PIPELINE_RUN

            store.add_annotations(tag_annotations(PIPELINE_RUN, deployment.run_id, deployment.config["tags"]))
        try:
            with beating(store, deployment.run_id):
                if deployment.config.get("model") or any(plan.config.get("model") for plan in deployment.steps):
                    from zenml.model.utils import resolve_run_models

                    resolve_run_models(deployment, stack)
                self.execute(deployment, stack)
        except BaseException as exc:
            store.finish_run(deployment.run_id, FAILED, time.time(), error=f"{type(exc).__name__}: {exc}")
            raise
        store.finish_run(deployment.run_id, COMPLETED, time.time())

    def prepare(self, deployment: Deployment, stack: Stack) -> None:
        """Check, before the run is recorded, that ``stack`` can run ``deployment`` here (connect, compare
        versions, refuse stores other machines cannot reach); nothing by default."""

    @abstractmethod
    def execute(self, deployment: Deployment, stack: Stack) -> None:
        """Run every step of ``deployment``, each after the steps it depends on."""
