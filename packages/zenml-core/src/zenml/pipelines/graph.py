"""Building a pipeline's graph: step invocations, the output handles that connect them, and validation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from zenml.pipelines.active_graph import enter_builder, leave_builder
from zenml.pipelines.errors import PipelineGraphError
from zenml.steps.errors import StepInvocationError
from zenml.steps.typing_utils import concrete_class, is_compatible, matches, type_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from zenml.config.step_configurations import StepConfigurationUpdate
    from zenml.materializers.base import BaseMaterializer
    from zenml.pipelines.pipeline_context import PipelineContext
    from zenml.steps.base import Step


_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


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
    """One call of a step inside a pipeline: its unique id, connected inputs and literal parameters.

    An input is connected to one output handle, or to a list of them (a list of step outputs
    passed to one input, as ZenML allows); the step then receives the list of loaded values.
    """

    def __init__(
        self,
        invocation_id: str,
        step: Step,
        inputs: dict[str, OutputHandle | list[OutputHandle]],
        parameters: dict[str, Any],
        after: list[str],
    ) -> None:
        self.id = invocation_id
        self.step = step
        self.inputs = inputs
        self.parameters = parameters
        self.after = after
        self.materializers: dict[str, type[BaseMaterializer] | None] = {}
        self.externals: dict[str, Any] = {}  # input name -> ExternalArtifact
        self.configuration: StepConfigurationUpdate = step.configuration.merged(type(step.configuration)())

    def handles(self) -> list[OutputHandle]:
        """Every output handle this invocation reads, in input order."""
        found: list[OutputHandle] = []
        for value in self.inputs.values():
            found.extend(value if isinstance(value, list) else [value])
        return found

    def upstream(self) -> list[str]:
        """Ids of the invocations this one waits for, in first-seen order."""
        seen = dict.fromkeys(handle.invocation_id for handle in self.handles())
        seen.update(dict.fromkeys(self.after))
        return list(seen)

    def apply_parameters(self, parameters: dict[str, Any], where: str) -> None:
        """Set configured parameters; one that contradicts a value passed in the pipeline code is an error."""
        for name, given in parameters.items():
            if name not in self.step.inputs:
                raise StepInvocationError(
                    f"{where}: step {self.id!r} has no input {name!r}; its inputs are: "
                    f"{', '.join(self.step.inputs) or 'none'}"
                )
            if name in self.inputs:
                raise StepInvocationError(
                    f"{where}: input {name!r} of step {self.id!r} is connected to a step output in the pipeline "
                    "code, so it cannot also be configured as a parameter"
                )
            value = _check_parameter(self.id, name, self.step.inputs[name], given)
            if name in self.explicit and self.parameters[name] != value:
                raise StepInvocationError(
                    f"{where}: configured parameter {name!r} of step {self.id!r} ({value!r}) conflicts with the "
                    f"value passed in the pipeline code ({self.parameters[name]!r}); remove one of them"
                )
            self.parameters[name] = value

    def configure(self, update: StepConfigurationUpdate, where: str) -> None:
        """Apply a step section of a run configuration (config file or ``with_options(steps=...)``)."""
        self.apply_parameters(update.parameters, where)
        self.configuration = self.configuration.merged(update)

    explicit: frozenset[str] = frozenset()  # parameters passed in the pipeline code

    def __repr__(self) -> str:
        return f"<invocation {self.id!r} of step {self.step.name!r}>"


def _handle_list(step_id: str, name: str, value: Any) -> list[OutputHandle] | None:
    """The handles of a list or tuple of step outputs passed to one input; ``None`` if it holds none."""
    if not isinstance(value, (list, tuple)) or not any(_contains_handle(item) for item in value):
        return None
    if not all(isinstance(item, OutputHandle) for item in value):
        raise StepInvocationError(
            f"step {step_id!r} input {name!r}: a list passed to an input must hold only step outputs (as in "
            "ZenML); pass literal values as their own parameter, or return them from a step"
        )
    return list(value)


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

    def __init__(self, pipeline_name: str, context: PipelineContext | None = None) -> None:
        self.pipeline_name = pipeline_name
        self.context = context  # what get_pipeline_context() returns while the pipeline function runs
        self.invocations: dict[str, StepInvocation] = {}

    def __enter__(self) -> GraphBuilder:
        self._token = enter_builder(self)
        return self

    def __exit__(self, *exc: object) -> None:
        leave_builder(self._token)

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
        inputs: dict[str, OutputHandle | list[OutputHandle]] = {}
        parameters: dict[str, Any] = {}
        externals: dict[str, Any] = {}
        for name, value in bound.items():
            annotation = step.inputs[name]
            if isinstance(value, OutputHandle):
                self._check_connection(step_id, name, annotation, value, annotation)
                inputs[name] = value
                continue
            if getattr(value, "ZENML_EXTERNAL_ARTIFACT", False):
                if value.value is not None and not matches(value.value, annotation):
                    raise StepInvocationError(
                        f"step {step_id!r} input {name!r} must be {type_name(annotation)}, but the ExternalArtifact "
                        f"passed to it holds {type(value.value).__name__}"
                    )
                externals[name] = value
                continue
            handles = _handle_list(step_id, name, value)
            if handles is not None:
                element = _element_type(step_id, name, annotation)
                for handle in handles:
                    self._check_connection(step_id, name, annotation, handle, element)
                inputs[name] = handles
            else:
                parameters[name] = _check_parameter(step_id, name, annotation, value)
        invocation = StepInvocation(step_id, step, inputs, parameters, self._after_ids(step_id, after))
        invocation.explicit = frozenset(parameters)
        invocation.externals = externals
        invocation.apply_parameters(step.configuration.parameters, f"step {step.name!r} configuration")
        self.invocations[step_id] = invocation
        handles_out = [OutputHandle(self, step_id, name, annotation) for name, annotation in step.outputs.items()]
        if not handles_out:
            return None
        return handles_out[0] if len(handles_out) == 1 else tuple(handles_out)

    def _check_connection(self, step_id: str, name: str, annotation: Any, handle: OutputHandle, expected: Any) -> None:
        if handle.builder is not self:
            raise PipelineGraphError(
                f"step {step_id!r} input {name!r}: {handle!r} was not produced in this run of pipeline "
                f"{self.pipeline_name!r}; pass outputs of steps called inside the same pipeline function"
            )
        if not is_compatible(handle.annotation, expected):
            raise PipelineGraphError(
                f"type mismatch: step {step_id!r} input {name!r} expects {type_name(annotation)}, but is "
                f"connected to output {handle.output_name!r} of step {handle.invocation_id!r}, which is "
                f"{type_name(handle.annotation)}"
            )

    def validate(self) -> list[StepInvocation]:
        """Check the whole graph and return the invocations in dependency order.

        Defaults fill the parameters that were neither passed nor configured; an input
        that has none of the three is an error naming the step.
        """
        if not self.invocations:
            raise PipelineGraphError(f"pipeline {self.pipeline_name!r} calls no steps")
        for invocation in self.invocations.values():
            step = invocation.step
            missing = [
                name
                for name in step.inputs
                if name not in invocation.inputs
                and name not in invocation.parameters
                and name not in invocation.externals
                and name not in step.defaults
            ]
            if missing:
                raise PipelineGraphError(
                    f"step {invocation.id!r} in pipeline {self.pipeline_name!r} is missing input(s) "
                    f"{', '.join(missing)}: pass the output of another step or a literal value for each, or "
                    "configure them (`parameters` of the step in a config file or with_options)"
                )
            for name, default in step.defaults.items():
                if (
                    name not in invocation.inputs
                    and name not in invocation.parameters
                    and name not in invocation.externals
                ):
                    invocation.parameters[name] = _check_parameter(invocation.id, name, step.inputs[name], default)
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


def _check_parameter(step_id: str, name: str, annotation: Any, value: Any) -> Any:
    """A literal parameter value, checked: JSON-serialisable and of the annotated type."""
    if _contains_handle(value):
        raise StepInvocationError(
            f"step {step_id!r} parameter {name!r}: step outputs can be passed to an input alone or in a list, "
            "not inside a dict or nested lists (ZenML accepts neither); pass each output to its own input"
        )
    import json

    try:
        json.dumps(value, allow_nan=False)
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


def _element_type(step_id: str, name: str, annotation: Any) -> Any:
    """The type each output in a list passed to input ``name`` must have (``Any`` when unannotated)."""
    from typing import get_args, get_origin

    from zenml.steps.typing_utils import strip_annotated

    bare = strip_annotated(annotation)
    if bare is Any or bare is object:
        return Any
    origin = get_origin(bare) or bare
    if origin in (list, tuple) or (isinstance(origin, type) and origin.__name__ in ("Sequence", "Iterable")):
        args = [arg for arg in get_args(bare) if arg is not Ellipsis]
        return args[0] if len(args) == 1 else Any
    raise StepInvocationError(
        f"step {step_id!r} input {name!r} receives a list of step outputs, but is annotated "
        f"{type_name(annotation)}; annotate it as a list (e.g. `{name}: list[int]`) or leave it unannotated"
    )
