"""Success and failure hooks of steps and pipelines (ZenML's ``zenml.hooks``)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.hooks.hook_validators import load_and_run_hook, resolve_and_validate_hook

__all__ = ["load_and_run_hook", "resolve_and_validate_hook"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from zenml.hooks import hook_validators

        return getattr(hook_validators, name)
    raise AttributeError(f"module 'zenml.hooks' has no attribute {name!r}")
