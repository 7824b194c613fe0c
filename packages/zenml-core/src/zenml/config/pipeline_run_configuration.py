"""``PipelineRunConfiguration``: the options of a pipeline and its run, in ZenML's layout.

The same layout serves ``pipeline.configure(...)``/``with_options(...)`` and YAML files
(``with_options(config_path="run.yaml")``)::

    run_name: training_{date}_{time}
    enable_cache: false
    parameters: {gamma: 0.01}
    extra: {team: ml}
    substitutions: {who: me}
    steps:
      trainer:
        parameters: {lr: 0.1}
        enable_cache: true
        retry: {max_retries: 2, delay: 1}

YAML is read with PyYAML, imported only when a file is given. An unknown key is an error
naming the key and the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from zenml.config.step_configurations import StepConfigurationUpdate, merge_options, options_to_dict, parse_options

if TYPE_CHECKING:
    from zenml.config.retry_config import StepRetryConfig

UNSUPPORTED = {
    "schedule": "runs start when the pipeline is called; schedule them with cron or your CI",
    "build": "this zenml runs steps in the current environment and builds no images",
}
_MAPPINGS = ("parameters", "settings", "extra", "substitutions")


class ConfigurationError(ValueError):
    """A configuration (file or options) that cannot be applied; the message names the key and the file."""


@dataclass
class PipelineRunConfiguration:
    """Options of a pipeline and its run; every field unset by default."""

    run_name: str | None = None
    enable_cache: bool | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    substitutions: dict[str, str] = field(default_factory=dict)
    tags: list[str] | None = None
    model: Any = None
    retry: StepRetryConfig | None = None
    success_hook_source: str | None = None
    failure_hook_source: str | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    steps: dict[str, StepConfigurationUpdate] = field(default_factory=dict)

    def merged(self, update: PipelineRunConfiguration, *, merge: bool = True) -> PipelineRunConfiguration:
        """This configuration with ``update`` applied (see :mod:`zenml.config.step_configurations`)."""
        merged: PipelineRunConfiguration = merge_options(self, update, merge=merge, mappings=_MAPPINGS)
        return merged

    def to_dict(self) -> dict[str, Any]:
        """The configuration as JSON-able data (unset options left out)."""
        return options_to_dict(self, _MAPPINGS)

    @classmethod
    def from_mapping(cls, data: Any, where: str) -> PipelineRunConfiguration:
        """Parse a run configuration (a config file's content), naming ``where`` in every error."""
        if data is None:
            return cls()
        known = {item.name for item in fields(cls)}
        try:
            options = parse_options(data, where, known=known, unsupported=UNSUPPORTED, kind="option",
                                    mappings=_MAPPINGS)  # fmt: skip
            if options.get("run_name") is not None and not isinstance(options["run_name"], str):
                raise ConfigurationError(f"{where}: run_name must be a string, not {options['run_name']!r}")
            tags = options.get("tags")
            if tags is not None and (not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags)):
                raise ConfigurationError(f"{where}: tags must be a list of strings, not {tags!r}")
            steps = options.get("steps") or {}
            if not isinstance(steps, dict):
                raise ConfigurationError(f"{where}: steps must map step names to their options")
            options["steps"] = {
                str(name): StepConfigurationUpdate.from_mapping(section or {}, f"{where}: steps.{name}")
                for name, section in steps.items()
            }
        except (TypeError, ValueError) as error:
            if isinstance(error, ConfigurationError):
                raise
            raise ConfigurationError(str(error)) from None
        return cls(**options)

    @classmethod
    def from_yaml(cls, path: str) -> PipelineRunConfiguration:
        """Read a YAML configuration file."""
        text = _read(path)
        import yaml  # PyYAML: imported only when a configuration file is used

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ConfigurationError(f"configuration file {path!r} is not valid YAML: {error}") from None
        return cls.from_mapping(data, f"configuration file {path!r}")


def _read(path: str) -> str:
    import os

    try:
        with open(os.fspath(path), encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ConfigurationError(f"configuration file {path!r} does not exist") from None
    except OSError as error:
        raise ConfigurationError(f"cannot read configuration file {path!r}: {error}") from None


def template(step_options: dict[str, dict[str, Any]], parameters: dict[str, Any]) -> str:
    """A commented YAML run configuration with every option, the pipeline's parameters and its steps."""
    lines = [
        "# Run configuration (ZenML's layout): pass it with `my_pipeline.with_options(config_path=...)()`.",
        "# Every option is optional: delete what you do not set.",
        "run_name: null            # e.g. training_{date}_{time}; placeholders come from substitutions",
        "enable_cache: null        # true/false for every step",
        "enable_artifact_metadata: null       # recorded; no effect in this zenml",
        "enable_artifact_visualization: null  # recorded; no effect in this zenml",
        "enable_step_logs: null               # recorded; no effect in this zenml",
        "extra: {}                 # free-form values, read with get_pipeline_context().extra",
        "settings: {}",
        "tags: []",
        "model: null               # e.g. {name: my_model}",
        "retry: null               # e.g. {max_retries: 2, delay: 5, backoff: 2} for every step",
        "success_hook_source: null # e.g. my_module:notify",
        "failure_hook_source: null",
        "substitutions: {}         # values for {placeholders} in run_name",
    ]
    lines.append("parameters:" if parameters else "parameters: {}")
    lines += [f"  {name}: {_yaml_value(value)}" for name, value in parameters.items()]
    lines.append("steps:" if step_options else "steps: {}")
    for name, options in step_options.items():
        lines += [f"  {name}:", "    enable_cache: null", "    extra: {}", "    settings: {}", "    retry: null",
                  "    success_hook_source: null", "    failure_hook_source: null"]  # fmt: skip
        step_parameters = options.get("parameters") or {}
        lines.append("    parameters:" if step_parameters else "    parameters: {}")
        lines += [f"      {key}: {_yaml_value(value)}" for key, value in step_parameters.items()]
    return "\n".join(lines) + "\n"


def _yaml_value(value: Any) -> str:
    import json

    if value is _REQUIRED:
        return "null  # required"
    return json.dumps(value)  # JSON is a subset of YAML


_REQUIRED = object()
REQUIRED = _REQUIRED
