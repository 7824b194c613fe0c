"""Step configuration: what ``step.configure(...)``, ``with_options(...)`` and config files set.

``StepConfigurationUpdate`` holds options that are set (``None`` and empty mappings mean "not
set"); merging one into another applies it as ZenML does (``merge=True``: mappings are merged
key by key, other options replaced; ``merge=False``: every mapping is replaced).
``StepConfiguration`` is the result for one step of one run, recorded with the step and read
back as ``run.steps["trainer"].config``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from zenml.config.retry_config import StepRetryConfig

# Options that are accepted from ZenML configurations and recorded, but change nothing in this engine.
RECORDED_ONLY = ("enable_artifact_metadata", "enable_artifact_visualization", "enable_step_logs")
# ZenML options for stack components this package does not have: accepted only when empty.
UNSUPPORTED = {
    "step_operator": "this zenml has no step operators",
    "experiment_tracker": "this zenml has no experiment trackers",
    "outputs": "choose output materializers in code with @step(output_materializers=...)",
}
_MAPPINGS = ("parameters", "settings", "extra", "substitutions")


def check_json(value: Any, where: str) -> Any:
    """``value`` if it can be stored as JSON; a clear ``TypeError`` naming ``where`` otherwise."""
    import json

    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{where} must be JSON-serialisable (numbers, strings, lists, dicts): {error}") from None
    return value


def model_to_dict(model: Any, where: str) -> Any:
    """A ``model=`` value as stored: a mapping, an object with ``model_dump()``/``to_dict()``, or ``None``."""
    if model is None or isinstance(model, dict):
        return model
    for method in ("to_dict", "model_dump", "dict"):
        dump = getattr(model, method, None)
        if callable(dump):
            return check_json(dump(), where)
    if isinstance(model, str):
        return {"name": model}
    raise TypeError(f"{where}: model must be a Model, a mapping or a name, not {type(model).__name__}")


@dataclass
class StepConfigurationUpdate:
    """Options of a step that are set; see the module docstring."""

    enable_cache: bool | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    substitutions: dict[str, str] = field(default_factory=dict)
    success_hook_source: str | None = None
    failure_hook_source: str | None = None
    model: Any = None
    retry: StepRetryConfig | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None

    def merged(self, update: StepConfigurationUpdate, *, merge: bool = True) -> StepConfigurationUpdate:
        """This configuration with ``update`` applied."""
        changes: dict[str, Any] = {}
        for item in fields(StepConfigurationUpdate):
            new = getattr(update, item.name)
            if item.name in _MAPPINGS:
                if new or not merge:
                    changes[item.name] = {**getattr(self, item.name), **new} if merge else dict(new)
            elif new is not None:
                changes[item.name] = new
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in fields(StepConfigurationUpdate):
            value = getattr(self, item.name)
            if value is None or (item.name in _MAPPINGS and not value):
                continue
            data[item.name] = value.to_dict() if isinstance(value, StepRetryConfig) else value
        return data

    @classmethod
    def from_mapping(cls, data: dict[str, Any], where: str) -> StepConfigurationUpdate:
        """Parse a step's section of a configuration file, naming ``where`` in every error."""
        if not isinstance(data, dict):
            raise ValueError(f"{where} must be a mapping of step options, not {type(data).__name__}")
        known = {item.name for item in fields(cls)}
        options: dict[str, Any] = {}
        for key, value in data.items():
            if key in UNSUPPORTED:
                if value:
                    raise ValueError(f"{where}: option {key!r} is not supported: {UNSUPPORTED[key]}")
                continue
            if key not in known:
                from zenml.utils.suggestions import unknown_choice

                raise ValueError(f"{where}: " + unknown_choice("step option", str(key), known | set(UNSUPPORTED)))
            options[key] = value
        for key in ("enable_cache", *RECORDED_ONLY):
            if options.get(key) is not None and not isinstance(options[key], bool):
                raise ValueError(f"{where}: {key} must be true or false, not {options[key]!r}")
        for key in _MAPPINGS:
            value = options.get(key)
            if value is None:
                options.pop(key, None)
            elif not isinstance(value, dict):
                raise ValueError(f"{where}: {key} must be a mapping, not {type(value).__name__}")
        if "retry" in options:
            options["retry"] = StepRetryConfig.parse(options["retry"], f"{where}: retry")
        return cls(**options)


@dataclass
class StepConfiguration(StepConfigurationUpdate):
    """The configuration one step ran with (``run.steps[name].config``)."""

    name: str = ""

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> StepConfiguration:
        """Read a recorded configuration back (keys of a newer zenml are ignored)."""
        known = {item.name for item in fields(cls)}
        options = {key: value for key, value in data.items() if key in known}
        if isinstance(options.get("retry"), dict):
            options["retry"] = StepRetryConfig(**options["retry"])
        options["name"] = name
        return cls(**options)
