"""A pipeline run as plain data: what an orchestrator (in this process or another) needs to run each step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from zenml.pipelines.graph import StepInvocation
    from zenml.steps.base import Step

Source = tuple[str, str]  # (upstream step id, output name)


def _source_to_data(source: Source | list[Source]) -> Any:
    return {"many": [list(item) for item in source]} if isinstance(source, list) else list(source)


def _source_from_data(data: Any) -> Source | list[Source]:
    if isinstance(data, dict):
        return [(item[0], item[1]) for item in data["many"]]
    return (data[0], data[1])


class StepPlan:
    """One step of a run: the step's reference, its connected inputs, parameters, output materializers
    and configuration (``config``: parameters, enable_cache, extra, settings, retry, hook references, ...).
    """

    __slots__ = ("config", "enable_cache", "externals", "hooks", "id", "inputs", "outputs", "parameters", "reference",
                 "step", "upstream")  # fmt: skip

    def __init__(
        self,
        id: str,
        reference: str,
        *,
        inputs: dict[str, Source | list[Source]],
        parameters: dict[str, Any],
        upstream: list[str],
        enable_cache: bool,
        outputs: dict[str, tuple[str, int]],
        step: Step | None = None,
        config: dict[str, Any] | None = None,
        hooks: dict[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.id = id
        self.reference = reference
        self.inputs = inputs  # input name -> (upstream step id, output name), or a list of them
        self.parameters = parameters
        self.upstream = upstream
        self.enable_cache = enable_cache
        self.outputs = outputs  # output name -> (materializer reference or "", VERSION)
        self.step = step  # the in-process object; resolved from ``reference`` elsewhere
        self.config = config or {}
        self.hooks = hooks or {}  # in-process hook callables; resolved from the config's references elsewhere
        # in-process ExternalArtifact inputs, saved when the run starts (then inputs[name] = ("", artifact id))
        self.externals: dict[str, Any] = {}

    @classmethod
    def from_invocation(
        cls,
        invocation: StepInvocation,
        enable_cache: bool,
        config: dict[str, Any] | None = None,
        hooks: dict[str, Callable[..., Any]] | None = None,
    ) -> StepPlan:
        outputs: dict[str, tuple[str, int]] = {}
        for name in invocation.step.outputs:
            materializer = invocation.materializers.get(name)
            outputs[name] = (materializer.reference(), materializer.VERSION) if materializer else ("", 0)
        inputs: dict[str, Source | list[Source]] = {}
        for name, connected in invocation.inputs.items():
            if isinstance(connected, list):
                inputs[name] = [(h.invocation_id, h.output_name) for h in connected]
            else:
                inputs[name] = (connected.invocation_id, connected.output_name)
        for name in invocation.externals:
            inputs[name] = ("", "")  # an artifact version id, once the external artifact is saved
        plan = cls(
            invocation.id,
            invocation.step.reference,
            inputs=inputs,
            parameters=dict(invocation.parameters),
            upstream=invocation.upstream(),
            enable_cache=enable_cache,
            outputs=outputs,
            step=invocation.step,
            config=config,
            hooks=hooks,
        )
        plan.externals = dict(invocation.externals)
        return plan

    def hook(self, kind: str) -> Any:
        """The ``on_success``/``on_failure`` hook to run: the in-process callable or its recorded reference."""
        found = self.hooks.get(kind)
        if found is not None:
            return found
        return self.config.get("success_hook_source" if kind == "on_success" else "failure_hook_source")

    def resolve_step(self) -> Step:
        """The step object, imported by reference when this plan came from another process."""
        if self.step is None:
            from zenml.steps.base import Step
            from zenml.utils.imports import import_reference

            found = import_reference(self.reference)
            self.step = found if isinstance(found, Step) else Step(found)  # type: ignore[arg-type]
        return self.step

    def adopt(self, original: StepPlan) -> None:
        """Use ``original``'s in-process objects (the step, its hooks) instead of importing them by reference."""
        self.step = original.step
        self.hooks = original.hooks

    def hook_references(self) -> dict[str, str]:
        """The ``"module:function"`` references of this step's hooks, by kind (``on_success``, ``on_failure``)."""
        found = {
            "on_success": self.config.get("success_hook_source"),
            "on_failure": self.config.get("failure_hook_source"),
        }
        return {kind: reference for kind, reference in found.items() if isinstance(reference, str) and reference}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "inputs": {name: _source_to_data(source) for name, source in self.inputs.items()},
            "parameters": self.parameters,
            "upstream": list(self.upstream),
            "enable_cache": self.enable_cache,
            "outputs": {name: list(value) for name, value in self.outputs.items()},
            "config": self.config,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepPlan:
        return cls(
            data["id"],
            data["reference"],
            inputs={name: _source_from_data(source) for name, source in data["inputs"].items()},
            parameters=dict(data["parameters"]),
            upstream=list(data["upstream"]),
            enable_cache=bool(data["enable_cache"]),
            outputs={name: (value[0], int(value[1])) for name, value in data["outputs"].items()},
            config=dict(data.get("config") or {}),
        )


class Deployment:
    """A whole run: pipeline name, run id and name, the step plans in dependency order, and the run's
    configuration as applied (``config``: run_name template, enable_cache, parameters, extra, ...)."""

    def __init__(
        self,
        pipeline_name: str,
        run_id: str,
        run_name: str,
        steps: list[StepPlan],
        *,
        config: dict[str, Any] | None = None,
        created_at: float | None = None,
    ) -> None:
        self.pipeline_name = pipeline_name
        self.run_id = run_id
        self.run_name = run_name
        self.steps = steps
        self.config = config or {}
        self.created_at = created_at
        self._positions: dict[str, int] = {}

    def step(self, step_id: str) -> StepPlan:
        """The plan of step ``step_id`` (a dict lookup: each step asks for its upstream steps' plans)."""
        index = self._positions.get(step_id)
        if index is None or index >= len(self.steps) or self.steps[index].id != step_id:
            # built once; again if ``steps`` was changed since
            self._positions = {item.id: position for position, item in enumerate(self.steps)}
            index = self._positions.get(step_id)
        if index is None:
            raise KeyError(f"run {self.run_name!r} has no step {step_id!r}")
        return self.steps[index]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pipeline_name": self.pipeline_name,
            "run_id": self.run_id,
            "run_name": self.run_name,
            "steps": [plan.to_dict() for plan in self.steps],
            "config": self.config,
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deployment:
        return cls(
            data["pipeline_name"],
            data["run_id"],
            data["run_name"],
            [StepPlan.from_dict(item) for item in data["steps"]],
            config=dict(data.get("config") or {}),
            created_at=data.get("created_at"),
        )


def new_run_identity(
    pipeline_name: str,
    run_name: str | None = None,
    substitutions: dict[str, str] | None = None,
    *,
    now: float | None = None,
) -> tuple[str, str]:
    """A fresh run id (uuid4 hex) and a readable, unique run name.

    ``run_name`` is a template as in ZenML (``"training_{date}_{time}"``, placeholders from
    ``substitutions``; see :func:`zenml.utils.string_utils.format_name_template`).
    """
    import os
    import time

    run_id = os.urandom(16).hex()
    moment = time.time() if now is None else now
    if run_name:
        from zenml.utils.string_utils import format_name_template

        return run_id, format_name_template(run_name, substitutions, start_time=moment)
    stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.localtime(moment))
    return run_id, f"{pipeline_name}-{stamp}-{run_id[:8]}"
