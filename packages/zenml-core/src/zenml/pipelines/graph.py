"""Building a pipeline's graph: step invocations, the output handles that connect them, and validation."""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from zenml.pipelines.errors import PipelineGraphError
from zenml.steps.errors import StepInvocationError
from zenml.steps.typing_utils import concrete_class, is_compatible, matches, type_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from zenml.materializers.base import BaseMaterializer
    from zenml.steps.base import Step

_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# the graphs being built, innermost last; per thread (and asyncio task), so concurrent builds do not mix
_ACTIVE: ContextVar[tuple[GraphBuilder, ...]] = ContextVar("zenml_active_graph_builders", default=())


def active_builder() -> GraphBuilder | None:
    """The graph being built by the innermost running ``@pipeline`` function, if any."""
    builders = _ACTIVE.get()
    return builders[-1] if builders else None


class OutputHandle:
    """What a step call returns inside a pipeline: a reference to one output of one invocation."""

    __slots__ = ("annotation", "builder", "invocation_id", "output_name")

    def __init__(self, builder: GraphBuilder, invocation_id: str, output_name: str, annotation: Any) -> None:
        self.builder = builder
        self.invocation_id = invocation_id
        self.output_name = output_name
        self.annotation = annotation

    def __repr__(self) -> str:
        return f"<output {self.output_name!r} of step {self.invocation_id!r}>"

    def __iter__(self) -> Any:
        raise TypeError(
            f"step {self.invocation_id!r} has a single output ({self.output_name!r}) and cannot be unpacked; "
            "declare several outputs with Tuple[Annotated[A, 'a'], Annotated[B, 'b']]"
        )

    def __bool__(self) -> bool:
        raise TypeError(
            f"{self!r} is a placeholder while the pipeline is being built; its value is known only when the step runs"
        )


class StepInvocation:
    """One call of a step inside a pipeline: its unique id, connected inputs and literal parameters."""

    def __init__(
        self,
        invocation_id: str,
        step: Step,
        inputs: dict[str, OutputHandle],
        parameters: dict[str, Any],
        after: list[str],
    ) -> None:
        self.id = invocation_id
        self.step = step
        self.inputs = inputs
        self.parameters = parameters
        self.after = after
        self.materializers: dict[str, type[BaseMaterializer] | None] = {}

    def upstream(self) -> list[str]:
        """Ids of the invocations this one waits for, in first-seen order."""
        seen = dict.fromkeys(handle.invocation_id for handle in self.inputs.values())
        seen.update(dict.fromkeys(self.after))
        return list(seen)

    def __repr__(self) -> str:
        return f"<invocation {self.id!r} of step {self.step.name!r}>"


def _contains_handle(value: Any) -> bool:
    if isinstance(value, OutputHandle):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_contains_handle(item) for item in value)
    if isinstance(value, dict):
        return any(_contains_handle(item) for item in value.values())
    return False


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class GraphBuilder:
    """Collects step invocations while a pipeline function runs (a context manager)."""

    def __init__(self, pipeline_name: str) -> None:
        self.pipeline_name = pipeline_name
        self.invocations: dict[str, StepInvocation] = {}

    def __enter__(self) -> GraphBuilder:
        self._token = _ACTIVE.set((*_ACTIVE.get(), self))
        return self

    def __exit__(self, *exc: object) -> None:
        _ACTIVE.reset(self._token)

    def _new_id(self, step: Step, requested: object) -> str:
        if requested is not None:
            if not isinstance(requested, str) or not _ID.match(requested):
                raise StepInvocationError(
                    f"step {step.name!r}: id {requested!r} must be a non-empty string of letters, digits, '_', '.', '-'"
                )
            if requested in self.invocations:
                raise StepInvocationError(
                    f"step {step.name!r}: id {requested!r} is already used in pipeline {self.pipeline_name!r}"
                )
            return requested
        if step.name not in self.invocations:
            return step.name
        counter = 2
        while f"{step.name}_{counter}" in self.invocations:
            counter += 1
        return f"{step.name}_{counter}"

    def _after_ids(self, step_id: str, after: object) -> list[str]:
        if after is None:
            return []
        items: Iterable[object] = after if isinstance(after, (list, tuple, set)) else [after]
        ids: list[str] = []
        for item in items:
            if isinstance(item, OutputHandle):
                ids.append(item.invocation_id)
            elif isinstance(item, str):
                ids.append(item)
            else:
                from zenml.steps.base import Step

                if isinstance(item, Step):
                    ids.append(item.name)
                else:
                    raise StepInvocationError(
                        f"step {step_id!r}: after= takes step ids, steps or step outputs, not {type(item).__name__}"
                    )
        return ids

    def add(
        self, step: Step, args: tuple[Any, ...], kwargs: dict[str, Any], *, invocation_id: object, after: object
    ) -> Any:
        """Record one call of ``step``; return its output handle(s) (``None`` when it has no outputs)."""
        step_id = self._new_id(step, invocation_id)
        try:
            bound = step.signature.bind(args, kwargs)
        except TypeError as exc:
            raise StepInvocationError(f"step {step_id!r} in pipeline {self.pipeline_name!r}: {exc}") from None
        inputs: dict[str, OutputHandle] = {}
        parameters: dict[str, Any] = {}
        for name, value in bound.items():
            annotation = step.inputs[name]
            if isinstance(value, OutputHandle):
                if value.builder is not self:
                    raise PipelineGraphError(
                        f"step {step_id!r} input {name!r}: {value!r} was not produced in this run of pipeline "
                        f"{self.pipeline_name!r}; pass outputs of steps called inside the same pipeline function"
                    )
                if not is_compatible(value.annotation, annotation):
                    raise PipelineGraphError(
                        f"type mismatch: step {step_id!r} input {name!r} expects {type_name(annotation)}, but is "
                        f"connected to output {value.output_name!r} of step {value.invocation_id!r}, which is "
                        f"{type_name(value.annotation)}"
                    )
                inputs[name] = value
            else:
                parameters[name] = self._check_parameter(step_id, name, annotation, value)
        missing = [name for name in step.inputs if name not in bound and name not in step.defaults]
        if missing:
            raise PipelineGraphError(
                f"step {step_id!r} in pipeline {self.pipeline_name!r} is missing input(s) {', '.join(missing)}: "
                "pass the output of another step or a literal value for each"
            )
        for name, default in step.defaults.items():
            if name not in bound:
                parameters[name] = self._check_parameter(step_id, name, step.inputs[name], default)
        self.invocations[step_id] = StepInvocation(step_id, step, inputs, parameters, self._after_ids(step_id, after))
        handles = [OutputHandle(self, step_id, name, annotation) for name, annotation in step.outputs.items()]
        if not handles:
            return None
        return handles[0] if len(handles) == 1 else tuple(handles)

    def _check_parameter(self, step_id: str, name: str, annotation: Any, value: Any) -> Any:
        if _contains_handle(value):
            raise StepInvocationError(
                f"step {step_id!r} parameter {name!r}: step outputs cannot be nested in a list or dict; "
                "pass each output to its own input"
            )
        import json

        try:
            json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise StepInvocationError(
                f"step {step_id!r} parameter {name!r}: literal values must be JSON-serialisable ({exc}); "
                "produce other objects in a step and pass its output instead"
            ) from None
        if not matches(value, annotation):
            raise StepInvocationError(
                f"step {step_id!r} parameter {name!r} must be {type_name(annotation)}, got "
                f"{type(value).__name__} {_short(value)}"
            )
        return value

    def validate(self) -> list[StepInvocation]:
        """Check the whole graph and return the invocations in dependency order."""
        if not self.invocations:
            raise PipelineGraphError(f"pipeline {self.pipeline_name!r} calls no steps")
        for invocation in self.invocations.values():
            for upstream in invocation.after:
                if upstream not in self.invocations:
                    from zenml.utils.suggestions import unknown_choice

                    raise PipelineGraphError(
                        f"step {invocation.id!r}: after= names " + unknown_choice("step id", upstream, self.invocations)
                    )
                if upstream == invocation.id:
                    raise PipelineGraphError(f"step {invocation.id!r} cannot run after itself (cycle)")
        ordered = self._toposort()
        for invocation in ordered:
            self._resolve_materializers(invocation)
        return ordered

    def _toposort(self) -> list[StepInvocation]:
        remaining = {inv_id: set(inv.upstream()) for inv_id, inv in self.invocations.items()}
        ordered: list[StepInvocation] = []
        while remaining:
            ready = [inv_id for inv_id, deps in remaining.items() if not deps]
            if not ready:
                cycle = ", ".join(sorted(remaining))
                raise PipelineGraphError(
                    f"pipeline {self.pipeline_name!r} has a cycle between steps {cycle}: check their after= arguments"
                )
            for inv_id in ready:
                del remaining[inv_id]
                ordered.append(self.invocations[inv_id])
            for deps in remaining.values():
                deps.difference_update(ready)
        return ordered

    @staticmethod
    def _resolve_materializers(invocation: StepInvocation) -> None:
        from zenml.materializers.registry import NoMaterializerError, materializer_registry

        for name, annotation in invocation.step.outputs.items():
            explicit = invocation.step.explicit_materializer(name)
            if explicit is not None:
                invocation.materializers[name] = explicit
                continue
            cls = concrete_class(annotation)
            if cls is None:
                invocation.materializers[name] = None  # chosen from the value's type when the step runs
                continue
            try:
                invocation.materializers[name] = materializer_registry.get(cls)
            except NoMaterializerError as exc:
                raise NoMaterializerError(f"step {invocation.id!r} output {name!r}: {exc}") from None
