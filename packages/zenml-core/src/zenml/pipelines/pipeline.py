"""The ``Pipeline`` object that ``@pipeline`` returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml.pipelines.errors import PipelineGraphError

if TYPE_CHECKING:
    from collections.abc import Callable

    from zenml.orchestrators.deployment import Deployment
    from zenml.pipelines.graph import StepInvocation
    from zenml.pipelines.runs import PipelineRun
    from zenml.stack.stack import Stack


class Pipeline:
    """A pipeline: calling it builds and checks the graph, then runs it on the active stack."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        enable_cache: bool | None = None,
        run_name: str | None = None,
    ) -> None:
        self.func = func
        self.name = name or func.__name__
        self.enable_cache = enable_cache
        self.run_name = run_name
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__
        self.__qualname__ = func.__qualname__
        self.__name__ = func.__name__
        self.__wrapped__ = func

    def with_options(self, *, enable_cache: bool | None = None, run_name: str | None = None) -> Pipeline:
        """A copy with other options, for one run: ``my_pipeline.with_options(enable_cache=False)()``."""
        return Pipeline(
            self.func,
            name=self.name,
            enable_cache=self.enable_cache if enable_cache is None else enable_cache,
            run_name=run_name or self.run_name,
        )

    def build(self, *args: Any, **kwargs: Any) -> list[StepInvocation]:
        """Run the pipeline function to collect its steps; return them checked and in dependency order."""
        from zenml.pipelines.graph import GraphBuilder, active_builder

        if active_builder() is not None:
            raise PipelineGraphError(f"pipeline {self.name!r} cannot be called inside another pipeline")
        with GraphBuilder(self.name) as builder:
            self.func(*args, **kwargs)
        return builder.validate()

    def deployment(self, *args: Any, **kwargs: Any) -> Deployment:
        """The run description (new run id and name) of one call with these arguments."""
        from zenml.orchestrators.deployment import Deployment, StepPlan, new_run_identity

        ordered = self.build(*args, **kwargs)
        run_id, run_name = new_run_identity(self.name, self.run_name)
        plans = []
        for invocation in ordered:
            step_cache = invocation.step.enable_cache
            enabled = self.enable_cache is not False and step_cache is not False
            plans.append(StepPlan.from_invocation(invocation, enabled))
        return Deployment(self.name, run_id, run_name, plans)

    def __call__(self, *args: Any, **kwargs: Any) -> PipelineRun:
        """Build, check and run the pipeline on the active stack; return the finished run."""
        from zenml.integrations.registry import activate_integrations

        activate_integrations()
        deployment = self.deployment(*args, **kwargs)
        from zenml.stack.stack import get_active_stack

        return self.run_on(get_active_stack(), deployment)

    @staticmethod
    def run_on(stack: Stack, deployment: Deployment) -> PipelineRun:
        """Run ``deployment`` with ``stack``'s orchestrator and return the run."""
        from zenml.pipelines.runs import PipelineRun

        stack.orchestrator.run(deployment, stack)
        return PipelineRun(stack.metadata_store.get_run(deployment.run_id), stack)

    def __repr__(self) -> str:
        return f"<pipeline {self.name!r}>"
