"""The ``Step`` object that ``@step`` returns: a function plus its typed inputs, outputs and options."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zenml.config.step_configurations import StepConfigurationUpdate, check_json, model_to_dict
from zenml.steps.errors import StepDefinitionError
from zenml.steps.typing_utils import NoneType, strip_annotated

if TYPE_CHECKING:
    from zenml.config.retry_config import StepRetryConfig
    from zenml.hooks.hook_validators import HookSpecification
    from zenml.materializers.base import BaseMaterializer

_MaterializerOption = type | str | Mapping[str, type | str] | None

DEFAULT_OUTPUT = "output"


def _output_name(annotation: Any) -> str | None:
    """The name given by ``Annotated[T, "name"]`` or ``Annotated[T, ArtifactConfig(name=...)]``, if any."""
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, str):
                return extra
            name = getattr(extra, "name", None) if type(extra).__name__ == "ArtifactConfig" else None
            if isinstance(name, str):
                return name
    return None


def artifact_configs(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """Output name -> its ``ArtifactConfig`` (``Annotated[T, "name"]`` is ``ArtifactConfig(name="name")``, as in
    ZenML); outputs without one are left out."""
    found: dict[str, Any] = {}
    for name, annotation in outputs.items():
        if typing.get_origin(annotation) is not typing.Annotated:
            continue
        from zenml.artifacts.artifact_config import ArtifactConfig

        for extra in annotation.__metadata__:
            if isinstance(extra, ArtifactConfig):
                found[name] = extra
            elif isinstance(extra, str) and name not in found:
                found[name] = ArtifactConfig(name=extra)
    return found


def parse_outputs(step_name: str, hints: Mapping[str, Any], has_return: bool) -> dict[str, Any]:
    """Output name -> annotation, from a step function's return annotation.

    Without a return annotation the step has one output, ``output``, of any type (its
    materializer is chosen from the value it returns), as in ZenML.
    """
    if not has_return:
        return {DEFAULT_OUTPUT: Any}
    annotation = hints["return"]
    if annotation is None or annotation is NoneType:
        return {}
    name = _output_name(annotation)
    if name is not None:
        return {name: annotation}
    bare = strip_annotated(annotation)
    args = typing.get_args(bare)
    if typing.get_origin(bare) is tuple and args and args[-1] is not Ellipsis and args != ((),):
        outputs: dict[str, Any] = {}
        for index, item in enumerate(args):
            item_name = _output_name(item) or f"{DEFAULT_OUTPUT}_{index}"
            if item_name in outputs:
                raise StepDefinitionError(f"step {step_name!r} has two outputs named {item_name!r}")
            outputs[item_name] = item
        return outputs
    return {DEFAULT_OUTPUT: annotation}


class Step:
    """A step: call it inside a ``@pipeline`` function to add it to the graph, outside to run it directly."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        enable_cache: bool | None = None,
        output_materializers: _MaterializerOption = None,
        localns: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> None:
        if not callable(func):
            raise StepDefinitionError(f"@step needs a function, got {type(func).__name__}")
        self.func = func
        self.name = name or func.__name__
        self.configuration = StepConfigurationUpdate()
        self._hooks: dict[str, Callable[..., Any]] = {}
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__
        self.__qualname__ = func.__qualname__
        self.__name__ = func.__name__
        self.__wrapped__ = func
        from zenml.steps.parameters import Parameters

        self.signature = Parameters(self.name, func)
        try:
            hints = typing.get_type_hints(func, localns=dict(localns or {}), include_extras=True)
        except Exception as exc:
            raise StepDefinitionError(f"step {self.name!r}: cannot resolve its annotations: {exc}") from exc
        # an input without annotation accepts anything (ZenML's untyped steps): type checks apply where annotated
        self.inputs: dict[str, Any] = {param: hints.get(param, Any) for param in self.signature.names}
        self.defaults: dict[str, Any] = dict(self.signature.defaults)
        self.outputs: dict[str, Any] = parse_outputs(self.name, hints, "return" in hints)
        self.artifact_configs: dict[str, Any] = artifact_configs(self.outputs)
        self._materializers = self._check_materializers(output_materializers)
        self._source_hash: str | None = None
        self.configure(enable_cache=enable_cache, **options)

    # -- configuration (ZenML's BaseStep.configure / with_options) ---------------------------------

    @property
    def enable_cache(self) -> bool | None:
        """Whether this step's outputs may come from the cache (``None``: as the pipeline says)."""
        return self.configuration.enable_cache

    def configure(
        self,
        *,
        enable_cache: bool | None = None,
        enable_artifact_metadata: bool | None = None,
        enable_artifact_visualization: bool | None = None,
        enable_step_logs: bool | None = None,
        experiment_tracker: str | None = None,
        step_operator: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        output_materializers: _MaterializerOption = None,
        settings: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
        on_failure: HookSpecification | None = None,
        on_success: HookSpecification | None = None,
        model: Any = None,
        retry: StepRetryConfig | Mapping[str, Any] | None = None,
        substitutions: Mapping[str, str] | None = None,
        merge: bool = True,
    ) -> Step:
        """Change this step's options in place and return it (ZenML's ``configure``).

        ``merge=True`` merges mappings (parameters, settings, extra, substitutions) into the
        current ones; ``merge=False`` replaces them.
        """
        from zenml.config.retry_config import StepRetryConfig

        for option, value in (("experiment_tracker", experiment_tracker), ("step_operator", step_operator)):
            if value:
                raise StepDefinitionError(
                    f"step {self.name!r}: {option} is not supported: this zenml has no {option.replace('_', ' ')}s"
                )
        for option, flag in (
            ("enable_cache", enable_cache),
            ("enable_artifact_metadata", enable_artifact_metadata),
            ("enable_artifact_visualization", enable_artifact_visualization),
            ("enable_step_logs", enable_step_logs),
        ):
            if flag is not None and not isinstance(flag, bool):
                raise StepDefinitionError(f"step {self.name!r}: {option} must be True, False or None, not {flag!r}")
        where = f"step {self.name!r}"
        try:
            update = StepConfigurationUpdate(
                enable_cache=enable_cache,
                enable_artifact_metadata=enable_artifact_metadata,
                enable_artifact_visualization=enable_artifact_visualization,
                enable_step_logs=enable_step_logs,
                parameters=check_json(dict(parameters or {}), f"{where}: parameters"),
                settings=check_json(dict(settings or {}), f"{where}: settings"),
                extra=check_json(dict(extra or {}), f"{where}: extra"),
                substitutions=check_json(dict(substitutions or {}), f"{where}: substitutions"),
                model=model_to_dict(model, where),
                retry=StepRetryConfig.parse(dict(retry) if isinstance(retry, Mapping) else retry, where),
            )
        except (TypeError, ValueError) as error:
            raise StepDefinitionError(str(error)) from None
        unknown = sorted(set(update.parameters) - set(self.inputs))
        if unknown:
            raise StepDefinitionError(
                f"{where}: parameters names unknown input(s) {', '.join(unknown)}; its inputs are: "
                f"{', '.join(self.inputs) or 'none'}"
            )
        if on_success is not None or on_failure is not None:
            from zenml.hooks.hook_validators import resolve_hooks

            resolve_hooks(update, self._hooks, on_success=on_success, on_failure=on_failure)
        self.configuration = self.configuration.merged(update, merge=merge)
        if output_materializers is not None:
            self._materializers = self._check_materializers(output_materializers)
        return self

    def with_options(self, **options: Any) -> Step:
        """A copy of this step with other options (the same keywords as :meth:`configure`)."""
        return self.copy().configure(**options)

    def copy(self) -> Step:
        """An independent copy (its configuration can change without changing this step)."""
        import copy

        clone = copy.copy(self)
        clone._hooks = dict(self._hooks)
        clone._materializers = dict(self._materializers)
        clone.configuration = self.configuration.merged(StepConfigurationUpdate())
        return clone

    def hook(self, kind: str) -> Callable[..., Any] | None:
        """The ``on_success`` or ``on_failure`` callable set on this step, if any."""
        return self._hooks.get(kind)

    def _check_materializers(self, value: _MaterializerOption) -> dict[str, type | str]:
        if value is None:
            return {}
        if isinstance(value, Mapping):
            unknown = sorted(set(value) - set(self.outputs))
            if unknown:
                raise StepDefinitionError(
                    f"step {self.name!r}: output_materializers names unknown output(s) {', '.join(unknown)}; "
                    f"its outputs are: {', '.join(self.outputs) or 'none'}"
                )
            return dict(value)
        return dict.fromkeys(self.outputs, value)

    @property
    def reference(self) -> str:
        """``"module:qualname"``: how another process imports this step."""
        return f"{self.func.__module__}:{self.func.__qualname__}"

    def explicit_materializer(self, output: str) -> type[BaseMaterializer] | None:
        """The materializer class the user chose for ``output``, if any."""
        chosen = self._materializers.get(output)
        if chosen is None:
            return None
        if isinstance(chosen, str):
            from zenml.utils.imports import import_reference

            chosen = import_reference(chosen)  # type: ignore[assignment]
        from zenml.materializers.base import BaseMaterializer

        if not (isinstance(chosen, type) and issubclass(chosen, BaseMaterializer)):
            raise StepDefinitionError(
                f"step {self.name!r} output {output!r}: materializer {chosen!r} is not a BaseMaterializer subclass"
            )
        return chosen

    def source_hash(self) -> str:
        """A hash of the step's source code (or, without source, its code object): part of the cache key."""
        if self._source_hash is None:
            import inspect
            from hashlib import sha256

            try:
                source = inspect.getsource(self.func).encode()
            except (OSError, TypeError):
                code = getattr(self.func, "__code__", None)
                source = code.co_code + repr(code.co_consts).encode() if code is not None else repr(self.func).encode()
            self._source_hash = sha256(source).hexdigest()
        return self._source_hash

    def entrypoint(self, *args: Any, **kwargs: Any) -> Any:
        """Call the step's function directly (ZenML's ``BaseStep.entrypoint``)."""
        return self.func(*args, **kwargs)

    def call_entrypoint(self, *args: Any, **kwargs: Any) -> Any:
        """Call the step's function directly, as ZenML's ``call_entrypoint`` does."""
        return self.func(*args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from zenml.pipelines.active_graph import active_builder

        builder = active_builder()
        if builder is None:
            return self.func(*args, **kwargs)
        invocation_id = kwargs.pop("id", None) if "id" not in self.inputs else None
        after = kwargs.pop("after", None) if "after" not in self.inputs else None
        return builder.add(self, args, kwargs, invocation_id=invocation_id, after=after)

    def __repr__(self) -> str:
        return f"<step {self.name!r} ({self.reference})>"
