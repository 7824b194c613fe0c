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

    from zenml.steps.base import Step


def _step(
    _func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    enable_cache: bool | None = None,
    output_materializers: type | str | Mapping[str, type | str] | None = None,
) -> Any:
    """Turn a typed function into a step: ``@step`` or ``@step(enable_cache=False, ...)``.

    Inputs and outputs are typed by annotations. Name outputs with
    ``Annotated[T, "name"]``; return several with ``Tuple[Annotated[A, "a"], Annotated[B, "b"]]``.
    ``output_materializers`` is one materializer class (or ``"module:Class"``)
    for every output, or a mapping from output name to one. Called outside a
    pipeline, a step simply runs its function.
    """

    def decorate(func: Callable[..., Any], depth: int = 1) -> Step:
        import sys

        from zenml.steps.base import Step

        # the defining scope's names resolve annotations of steps defined inside functions
        local_names = sys._getframe(depth).f_locals
        return Step(
            func,
            name=name,
            enable_cache=enable_cache,
            output_materializers=output_materializers,
            localns=local_names,
        )

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
        output_materializers: type | str | Mapping[str, type | str] | None = None,
    ) -> Callable[[Callable[..., Any]], Step]: ...

    def step(_func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        return _step(_func, **options)

else:
    step = _step
    step.__name__ = step.__qualname__ = "step"
