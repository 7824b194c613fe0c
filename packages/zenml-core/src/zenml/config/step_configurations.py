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


def merge_options(base: Any, update: Any, *, merge: bool, mappings: tuple[str, ...]) -> Any:
    """``base`` (a configuration dataclass) with the options set in ``update`` applied.

    ``merge=True`` merges the ``mappings`` fields key by key; ``merge=False`` replaces them.
    Other fields are replaced when ``update`` sets them (not ``None``); a ``steps`` field maps
    step ids to step configurations, each merged the same way.
    """
    changes: dict[str, Any] = {}
    for item in fields(base):
        new = getattr(update, item.name)
        if item.name in mappings:
            if new or not merge:
                changes[item.name] = {**getattr(base, item.name), **new} if merge else dict(new)
        elif item.name == "steps":
            steps = dict(base.steps) if merge else {}
            for name, step_update in new.items():
                steps[name] = steps.get(name, StepConfigurationUpdate()).merged(step_update, merge=merge)
            changes["steps"] = steps
        elif new is not None:
            changes[item.name] = new
    return replace(base, **changes)


def options_to_dict(config: Any, mappings: tuple[str, ...]) -> dict[str, Any]:
    """The options set in a configuration dataclass, as JSON-able data (unset ones left out)."""
    data: dict[str, Any] = {}
    for item in fields(config):
        value = getattr(config, item.name)
        if value is None or (item.name in (*mappings, "steps") and not value):
            continue
        if isinstance(value, StepRetryConfig):
            value = value.to_dict()
        elif item.name == "steps":
            value = {name: update.to_dict() for name, update in value.items()}
        data[item.name] = value
    return data


def parse_options(
    data: Any, where: str, *, known: set[str], unsupported: dict[str, str], kind: str, mappings: tuple[str, ...]
) -> dict[str, Any]:
    """Check a mapping of options from a configuration file; ``ValueError`` naming ``where`` and the key."""
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be a mapping of {kind}s, not {type(data).__name__}")
    options: dict[str, Any] = {}
    for key, value in data.items():
        if key in unsupported:
            if value:
                raise ValueError(f"{where}: option {key!r} is not supported: {unsupported[key]}")
            continue
        if key not in known:
            from zenml.utils.suggestions import unknown_choice

            raise ValueError(f"{where}: " + unknown_choice(kind, str(key), known | set(unsupported)))
        options[key] = value
    for key in ("enable_cache", *RECORDED_ONLY):
        if options.get(key) is not None and not isinstance(options[key], bool):
            raise ValueError(f"{where}: {key} must be true or false, not {options[key]!r}")
    for key in mappings:
        if options.get(key) is None:
            options.pop(key, None)
        elif not isinstance(options[key], dict):
            raise ValueError(f"{where}: {key} must be a mapping, not {type(options[key]).__name__}")
    if "retry" in options:
        options["retry"] = StepRetryConfig.parse(options["retry"], f"{where}: retry")
    if "model" in options:
        options["model"] = model_to_dict(options["model"], f"{where}: model")
    return options


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
        merged: StepConfigurationUpdate = merge_options(self, update, merge=merge, mappings=_MAPPINGS)
        return merged

    def to_dict(self) -> dict[str, Any]:
        return options_to_dict(self, _MAPPINGS)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], where: str) -> StepConfigurationUpdate:
        """Parse a step's section of a configuration file, naming ``where`` in every error."""
        known = {item.name for item in fields(StepConfigurationUpdate)}
        options = parse_options(data, where, known=known, unsupported=UNSUPPORTED, kind="step option",
                                mappings=_MAPPINGS)  # fmt: skip
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
