"""A pipeline run as plain data: what an orchestrator (in this process or another) needs to run each step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.pipelines.graph import StepInvocation
    from zenml.steps.base import Step


class StepPlan:
    """One step of a run: the step's reference, its connected inputs, parameters and output materializers."""

    __slots__ = ("enable_cache", "id", "inputs", "outputs", "parameters", "reference", "step", "upstream")

    def __init__(
        self,
        id: str,
        reference: str,
        *,
        inputs: dict[str, tuple[str, str]],
        parameters: dict[str, Any],
        upstream: list[str],
        enable_cache: bool,
        outputs: dict[str, tuple[str, int]],
        step: Step | None = None,
    ) -> None:
        self.id = id
        self.reference = reference
        self.inputs = inputs  # input name -> (upstream step id, output name)
        self.parameters = parameters
        self.upstream = upstream
        self.enable_cache = enable_cache
        self.outputs = outputs  # output name -> (materializer reference or "", VERSION)
        self.step = step  # the in-process object; resolved from ``reference`` elsewhere

    @classmethod
    def from_invocation(cls, invocation: StepInvocation, enable_cache: bool) -> StepPlan:
        outputs: dict[str, tuple[str, int]] = {}
        for name in invocation.step.outputs:
            materializer = invocation.materializers.get(name)
            outputs[name] = (materializer.reference(), materializer.VERSION) if materializer else ("", 0)
        return cls(
            invocation.id,
            invocation.step.reference,
            inputs={name: (h.invocation_id, h.output_name) for name, h in invocation.inputs.items()},
            parameters=dict(invocation.parameters),
            upstream=invocation.upstream(),
            enable_cache=enable_cache,
            outputs=outputs,
            step=invocation.step,
        )

    def resolve_step(self) -> Step:
        """The step object, imported by reference when this plan came from another process."""
        if self.step is None:
            from zenml.steps.base import Step
            from zenml.utils.imports import import_reference

            found = import_reference(self.reference)
            self.step = found if isinstance(found, Step) else Step(found)  # type: ignore[arg-type]
        return self.step

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "inputs": {name: list(source) for name, source in self.inputs.items()},
            "parameters": self.parameters,
            "upstream": list(self.upstream),
            "enable_cache": self.enable_cache,
            "outputs": {name: list(value) for name, value in self.outputs.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepPlan:
        return cls(
            data["id"],
            data["reference"],
            inputs={name: (source[0], source[1]) for name, source in data["inputs"].items()},
            parameters=dict(data["parameters"]),
            upstream=list(data["upstream"]),
            enable_cache=bool(data["enable_cache"]),
            outputs={name: (value[0], int(value[1])) for name, value in data["outputs"].items()},
        )


class Deployment:
    """A whole run: pipeline name, run id and name, and the step plans in dependency order."""

    def __init__(self, pipeline_name: str, run_id: str, run_name: str, steps: list[StepPlan]) -> None:
        self.pipeline_name = pipeline_name
        self.run_id = run_id
        self.run_name = run_name
        self.steps = steps

    def step(self, step_id: str) -> StepPlan:
        for plan in self.steps:
            if plan.id == step_id:
                return plan
        raise KeyError(f"run {self.run_name!r} has no step {step_id!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "pipeline_name": self.pipeline_name,
            "run_id": self.run_id,
            "run_name": self.run_name,
            "steps": [plan.to_dict() for plan in self.steps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deployment:
        return cls(
            data["pipeline_name"],
            data["run_id"],
            data["run_name"],
            [StepPlan.from_dict(item) for item in data["steps"]],
        )


def new_run_identity(pipeline_name: str, run_name: str | None = None) -> tuple[str, str]:
    """A fresh run id (uuid4 hex) and a readable, unique run name."""
    import os
    import time

    run_id = os.urandom(16).hex()
    if run_name:
        return run_id, run_name
    now = time.time()
    stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.localtime(now))
    return run_id, f"{pipeline_name}-{stamp}-{run_id[:8]}"
