"""The ``@step`` decorator.

This module is imported by ``from zenml import step``, so it imports nothing
at module level: the signature is parsed when the decorator is applied.
"""

from __future__ import annotations

# ``typing`` itself is not imported at run time: mypy treats this name like typing.TYPE_CHECKING.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from zenml.config.retry_config import StepRetryConfig
    from zenml.hooks.hook_validators import HookSpecification
    from zenml.steps.base import Step


def _step(_func: Callable[..., Any] | None = None, *, name: str | None = None, **options: Any) -> Any:
    """Turn a function into a step: ``@step`` or ``@step(enable_cache=False, ...)``, as in ZenML.

    Annotated inputs and outputs are type-checked and pick the materializers;
    unannotated ones accept anything (an unannotated return is one output named
    ``output`` whose materializer is chosen from the returned value). Name
    outputs with ``Annotated[T, "name"]``; return several with
    ``Tuple[Annotated[A, "a"], Annotated[B, "b"]]``. Options: ``enable_cache``,
    ``output_materializers`` (one materializer class or ``"module:Class"`` for
    every output, or a mapping from output name to one), ``settings``,
    ``extra``, ``on_success``/``on_failure`` (callables or ``"module:function"``),
    ``retry`` (a ``StepRetryConfig``), ``model``, ``substitutions``. Called
    outside a pipeline, a step simply runs its function.
    """

    def decorate(func: Callable[..., Any], depth: int = 1) -> Step:
        import sys

        from zenml.steps.base import Step

        # the defining scope's names resolve annotations of steps defined inside functions
        local_names = sys._getframe(depth).f_locals
        return Step(func, name=name, localns=local_names, **options)

    if _func is not None:
        return decorate(_func, depth=2)
    return decorate


if TYPE_CHECKING:
    from typing import overload

    @overload
    def step(_func: Callable[..., Any], /) -> Step: ...

    @overload
    def step(
        *,
        name: str | None = None,
        enable_cache: bool | None = None,
        enable_artifact_metadata: bool | None = None,
        enable_artifact_visualization: bool | None = None,
        enable_step_logs: bool | None = None,
        experiment_tracker: str | None = None,
        step_operator: str | None = None,
        output_materializers: type | str | Mapping[str, type | str] | None = None,
        settings: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
        on_failure: HookSpecification | None = None,
        on_success: HookSpecification | None = None,
        model: Any = None,
        retry: StepRetryConfig | None = None,
        substitutions: Mapping[str, str] | None = None,
    ) -> Callable[[Callable[..., Any]], Step]: ...

    def step(_func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        return _step(_func, **options)

else:
    step = _step
    step.__name__ = step.__qualname__ = "step"
