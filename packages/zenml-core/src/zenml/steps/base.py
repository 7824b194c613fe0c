"""The ``Step`` object that ``@step`` returns: a function plus its typed inputs, outputs and options."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zenml.steps.errors import StepDefinitionError
from zenml.steps.typing_utils import NoneType, strip_annotated

if TYPE_CHECKING:
    from zenml.materializers.base import BaseMaterializer

DEFAULT_OUTPUT = "output"


def _output_name(annotation: Any) -> str | None:
    """The name given by ``Annotated[T, "name"]``, if any."""
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, str):
                return extra
    return None


def parse_outputs(step_name: str, hints: Mapping[str, Any], has_return: bool) -> dict[str, Any]:
    """Output name -> annotation, from a step function's return annotation."""
    if not has_return:
        raise StepDefinitionError(
            f"step {step_name!r} has no return annotation: annotate its output (e.g. `-> int`, "
            "`-> Annotated[int, 'name']`), or write `-> None` if it returns nothing"
        )
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
        output_materializers: type | str | Mapping[str, type | str] | None = None,
        localns: Mapping[str, Any] | None = None,
    ) -> None:
        if not callable(func):
            raise StepDefinitionError(f"@step needs a function, got {type(func).__name__}")
        self.func = func
        self.name = name or func.__name__
        self.enable_cache = enable_cache
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
        self.inputs: dict[str, Any] = {}
        for param in self.signature.names:
            if param not in hints:
                raise StepDefinitionError(
                    f"step {self.name!r}: input {param!r} has no type annotation; annotate it (e.g. `{param}: int`)"
                )
            self.inputs[param] = hints[param]
        self.defaults: dict[str, Any] = dict(self.signature.defaults)
        self.outputs: dict[str, Any] = parse_outputs(self.name, hints, "return" in hints)
        self._materializers = self._check_materializers(output_materializers)
        self._source_hash: str | None = None

    def _check_materializers(self, value: type | str | Mapping[str, type | str] | None) -> dict[str, type | str]:
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

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from zenml.pipelines.graph import active_builder

        builder = active_builder()
        if builder is None:
            return self.func(*args, **kwargs)
        invocation_id = kwargs.pop("id", None) if "id" not in self.inputs else None
        after = kwargs.pop("after", None) if "after" not in self.inputs else None
        return builder.add(self, args, kwargs, invocation_id=invocation_id, after=after)

    def __repr__(self) -> str:
        return f"<step {self.name!r} ({self.reference})>"
