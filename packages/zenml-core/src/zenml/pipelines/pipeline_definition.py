"""The ``Pipeline`` object that ``@pipeline`` returns (ZenML's ``zenml.pipelines.pipeline_definition``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zenml.config.pipeline_run_configuration import ConfigurationError, PipelineRunConfiguration
from zenml.config.step_configurations import StepConfigurationUpdate, check_json, model_to_dict
from zenml.pipelines.errors import PipelineGraphError

if TYPE_CHECKING:
    from zenml.config.retry_config import StepRetryConfig
    from zenml.hooks.hook_validators import HookSpecification
    from zenml.orchestrators.deployment import Deployment
    from zenml.pipelines.graph import GraphBuilder, StepInvocation
    from zenml.pipelines.runs import PipelineRun
    from zenml.stack.stack import Stack


class Pipeline:
    """A pipeline: calling it builds and checks the graph, then runs it on the active stack.

    Called inside another pipeline function, it adds its steps to that pipeline instead
    (ZenML's composition) and returns what its function returns.
    """

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        enable_cache: bool | None = None,
        run_name: str | None = None,
        **options: Any,
    ) -> None:
        self.func = func
        self.name = name or func.__name__
        self.configuration = PipelineRunConfiguration()
        self._hooks: dict[str, Callable[..., Any]] = {}
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__
        self.__qualname__ = func.__qualname__
        self.__name__ = func.__name__
        self.__wrapped__ = func
        self.configure(enable_cache=enable_cache, **options)
        if run_name is not None:
            self.configuration.run_name = run_name

    @property
    def enable_cache(self) -> bool | None:
        """The pipeline-wide cache setting (``None``: each step decides, default on)."""
        return self.configuration.enable_cache

    @property
    def run_name(self) -> str | None:
        """The run name template, if one was set."""
        return self.configuration.run_name

    # -- configuration (ZenML's Pipeline.configure / with_options) -----------------------------------

    def configure(
        self,
        *,
        enable_cache: bool | None = None,
        enable_artifact_metadata: bool | None = None,
        enable_artifact_visualization: bool | None = None,
        enable_step_logs: bool | None = None,
        settings: Mapping[str, Any] | None = None,
        tags: list[str] | None = None,
        extra: Mapping[str, Any] | None = None,
        on_failure: HookSpecification | None = None,
        on_success: HookSpecification | None = None,
        model: Any = None,
        retry: StepRetryConfig | Mapping[str, Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        substitutions: Mapping[str, str] | None = None,
        merge: bool = True,
    ) -> Pipeline:
        """Change this pipeline's options in place and return it (ZenML's ``configure``).

        Step-level options (``retry``, ``on_success``, ``on_failure``, ``model``) are the default of
        every step; a step's own setting wins, as in ZenML. ``merge=False`` replaces mappings.
        """
        from zenml.config.retry_config import StepRetryConfig

        where = f"pipeline {self.name!r}"
        try:
            update = PipelineRunConfiguration(
                enable_cache=enable_cache,
                enable_artifact_metadata=enable_artifact_metadata,
                enable_artifact_visualization=enable_artifact_visualization,
                enable_step_logs=enable_step_logs,
                settings=check_json(dict(settings or {}), f"{where}: settings"),
                tags=check_json(list(tags), f"{where}: tags") if tags is not None else None,
                extra=check_json(dict(extra or {}), f"{where}: extra"),
                model=model_to_dict(model, where),
                retry=StepRetryConfig.parse(dict(retry) if isinstance(retry, Mapping) else retry, where),
                parameters=check_json(dict(parameters or {}), f"{where}: parameters"),
                substitutions=check_json(dict(substitutions or {}), f"{where}: substitutions"),
            )
            for option in ("enable_cache", "enable_artifact_metadata", "enable_artifact_visualization",
                           "enable_step_logs"):  # fmt: skip
                flag = getattr(update, option)
                if flag is not None and not isinstance(flag, bool):
                    raise ConfigurationError(f"{where}: {option} must be True, False or None, not {flag!r}")
        except (TypeError, ValueError) as error:
            raise ConfigurationError(str(error)) from None
        if on_success is not None or on_failure is not None:
            from zenml.hooks.hook_validators import resolve_hooks

            resolve_hooks(update, self._hooks, on_success=on_success, on_failure=on_failure)
        self.configuration = self.configuration.merged(update, merge=merge)
        return self

    def with_options(
        self,
        *,
        run_name: str | None = None,
        schedule: Any = None,
        build: Any = None,
        step_configurations: Mapping[str, Any] | None = None,
        steps: Mapping[str, Any] | None = None,
        config_path: str | None = None,
        unlisted: bool = False,
        prevent_build_reuse: bool = False,
        **options: Any,
    ) -> Pipeline:
        """A copy with other options, for one run: ``my_pipeline.with_options(config_path="run.yaml")()``.

        ``config_path`` names a YAML file in ZenML's run-configuration layout; options given here
        in code take precedence over the file. ``steps`` maps step ids to their options.
        """
        for option, value, why in (
            ("schedule", schedule, "runs start when the pipeline is called; schedule them with cron or your CI"),
            ("build", build, "this zenml runs steps in the current environment and builds no images"),
        ):
            if value:
                raise ConfigurationError(f"pipeline {self.name!r}: {option} is not supported: {why}")
        del unlisted, prevent_build_reuse  # run-listing and image options of ZenML's server: nothing to do here
        copy = self.copy()
        if config_path is not None:
            from_file = PipelineRunConfiguration.from_yaml(config_path)
            copy._apply_hook_sources(from_file, f"configuration file {config_path!r}")
            copy.configuration = copy.configuration.merged(from_file)
        copy.configure(**options)
        sections = {**(step_configurations or {}), **(steps or {})}
        if sections:
            parsed = PipelineRunConfiguration.from_mapping({"steps": dict(sections)}, f"pipeline {self.name!r}")
            copy.configuration = copy.configuration.merged(parsed)
        if run_name is not None:
            copy.configuration.run_name = run_name
        return copy

    def _apply_hook_sources(self, configuration: PipelineRunConfiguration, where: str) -> None:
        """Check the hook references a configuration names (they are the user's own code)."""
        from zenml.hooks.hook_validators import resolve_and_validate_hook

        sections: list[Any] = [configuration, *configuration.steps.values()]
        for section in sections:
            for attribute, kind in (("success_hook_source", "on_success"), ("failure_hook_source", "on_failure")):
                reference = getattr(section, attribute)
                if reference is not None:
                    try:
                        setattr(section, attribute, resolve_and_validate_hook(reference, kind)[0])
                    except TypeError as error:
                        raise ConfigurationError(f"{where}: {error}") from None

    def copy(self) -> Pipeline:
        """An independent copy of this pipeline (its configuration can change alone)."""
        import copy

        clone = copy.copy(self)
        clone._hooks = dict(self._hooks)
        clone.configuration = self.configuration.merged(PipelineRunConfiguration())
        return clone

    def write_run_configuration_template(self, path: str, stack: Any = None) -> None:
        """Write a YAML run configuration with every option, this pipeline's parameters and its step ids."""
        del stack  # ZenML adds the stack's component settings; this zenml has none to configure
        from zenml.config.pipeline_run_configuration import REQUIRED, template

        parameters = dict(self._function_defaults())
        for name in self._function_parameters():
            parameters.setdefault(name, REQUIRED)
        parameters.update(self.configuration.parameters)
        step_options: dict[str, dict[str, Any]] = {}
        try:
            kwargs = {name: value for name, value in parameters.items() if value is not REQUIRED}
            invocations = self._collect(kwargs).invocations
        except Exception:  # required parameters without values: list the options without the steps
            invocations = {}
        for invocation_id, invocation in invocations.items():
            defaults = {
                name: value
                for name, value in invocation.step.defaults.items()
                if name not in invocation.inputs and _json_able(value)
            }
            step_options[invocation_id] = {"parameters": {**defaults, **invocation.parameters}}
        import os

        text = template(step_options, parameters)
        temporary = f"{path}.tmp-{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)

    def _function_parameters(self) -> list[str]:
        code = getattr(self.func, "__code__", None)
        if code is None:
            return []
        return list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])

    def _function_defaults(self) -> dict[str, Any]:
        names = self._function_parameters()
        code = self.func.__code__
        positional = names[: code.co_argcount]
        defaults = getattr(self.func, "__defaults__", None) or ()
        found = dict(zip(positional[len(positional) - len(defaults) :], defaults, strict=True))
        found.update(getattr(self.func, "__kwdefaults__", None) or {})
        return found

    # -- building --------------------------------------------------------------------------------------

    def _call_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Keyword arguments for the pipeline function: the call's, plus configured ``parameters``."""
        from zenml.steps.base import Step

        if any(isinstance(value, Step) for value in (*args, *kwargs.values())):
            from zenml._legacy import legacy_pipeline_call_message

            raise PipelineGraphError(legacy_pipeline_call_message(self.name))
        import inspect

        try:
            bound = inspect.signature(self.func).bind_partial(*args, **kwargs).arguments
        except TypeError as error:
            raise PipelineGraphError(f"pipeline {self.name!r}: {error}") from None
        arguments = dict(bound)
        for name, value in self.configuration.parameters.items():
            if name in arguments and arguments[name] != value:
                raise ConfigurationError(
                    f"pipeline {self.name!r}: configured parameter {name!r} ({value!r}) conflicts with the value "
                    f"passed in the call ({arguments[name]!r}); remove one of them"
                )
            arguments[name] = value
        return arguments

    def _collect(self, arguments: dict[str, Any]) -> GraphBuilder:
        """Run the pipeline function to collect its step invocations (not yet validated)."""
        from zenml.pipelines.active_graph import active_builder
        from zenml.pipelines.graph import GraphBuilder
        from zenml.pipelines.pipeline_context import PipelineContext

        if active_builder() is not None:
            raise PipelineGraphError(
                f"pipeline {self.name!r} cannot be built while another pipeline is being built; call it inside "
                "the other pipeline function to add its steps there"
            )
        with GraphBuilder(self.name, PipelineContext(self.name, self.configuration)) as builder:
            self.func(**arguments)
        return builder

    def build(self, *args: Any, **kwargs: Any) -> list[StepInvocation]:
        """Run the pipeline function to collect its steps; return them configured, checked and in dependency order."""
        arguments = self._call_arguments(args, kwargs)
        builder = self._collect(arguments)
        where = "the run configuration"
        for step_id, update in self.configuration.steps.items():
            invocation = builder.invocations.get(step_id)
            if invocation is None:
                from zenml.utils.suggestions import unknown_choice

                raise ConfigurationError(
                    f"{where} configures {unknown_choice('step', step_id, builder.invocations)} Configured steps "
                    "are named by their id in the pipeline (the step name, `name_2` for a second call, or `id=`)."
                )
            invocation.configure(update, f"{where} (steps.{step_id})")
        self._last_arguments = arguments
        return builder.validate()

    def _step_config(self, invocation: StepInvocation) -> tuple[bool, dict[str, Any], dict[str, Any]]:
        """A step's effective cache setting, recorded configuration and hooks (step options win over the
        pipeline's, as in ZenML)."""
        pipeline = self.configuration
        own = invocation.configuration
        enabled = own.enable_cache if own.enable_cache is not None else pipeline.enable_cache is not False
        inherited = StepConfigurationUpdate(
            settings=dict(pipeline.settings),
            extra={},
            substitutions=dict(pipeline.substitutions),
            success_hook_source=pipeline.success_hook_source,
            failure_hook_source=pipeline.failure_hook_source,
            model=pipeline.model,
            retry=pipeline.retry,
            enable_artifact_metadata=pipeline.enable_artifact_metadata,
            enable_artifact_visualization=pipeline.enable_artifact_visualization,
            enable_step_logs=pipeline.enable_step_logs,
        ).merged(own)
        config = inherited.to_dict()
        config["enable_cache"] = enabled
        config["parameters"] = dict(invocation.parameters)
        hooks: dict[str, Any] = {}
        for kind, attribute in (("on_success", "success_hook_source"), ("on_failure", "failure_hook_source")):
            if own_reference := getattr(own, attribute):
                func = invocation.step.hook(kind)
                if func is not None and getattr(invocation.step.configuration, attribute) == own_reference:
                    hooks[kind] = func
            elif getattr(pipeline, attribute) and kind in self._hooks:
                hooks[kind] = self._hooks[kind]
        return enabled, config, hooks

    def deployment(self, *args: Any, **kwargs: Any) -> Deployment:
        """The run description (new run id and name) of one call with these arguments."""
        import time

        from zenml.orchestrators.deployment import Deployment, StepPlan, new_run_identity

        ordered = self.build(*args, **kwargs)
        created = time.time()
        run_id, run_name = new_run_identity(
            self.name, self.configuration.run_name, self.configuration.substitutions, now=created
        )
        plans = []
        for invocation in ordered:
            enabled, config, hooks = self._step_config(invocation)
            plans.append(StepPlan.from_invocation(invocation, enabled, config, hooks))
        run_config = self.configuration.to_dict()
        run_config.pop("steps", None)
        arguments = {name: value for name, value in self._last_arguments.items() if _json_able(value)}
        if arguments:
            run_config["parameters"] = arguments
        return Deployment(self.name, run_id, run_name, plans, config=run_config, created_at=created)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Build, check and run the pipeline on the active stack; return the finished run.

        Inside another pipeline function, add this pipeline's steps to that one instead.
        """
        from zenml.pipelines.active_graph import active_builder

        if active_builder() is not None:
            return self.func(*args, **kwargs)
        from zenml.integrations.registry import activate_integrations

        activate_integrations()
        deployment = self.deployment(*args, **kwargs)
        from zenml.stack.stack import get_active_stack

        return self.run_on(get_active_stack(), deployment)

    @staticmethod
    def run_on(stack: Stack, deployment: Deployment) -> PipelineRun:
        """Run ``deployment`` with ``stack``'s orchestrator and return the run."""
        from zenml.pipelines.runs import PipelineRun

        externals = [(plan, name, value) for plan in deployment.steps for name, value in plan.externals.items()]
        if externals:
            from zenml.artifacts.utils import upload_external

            for plan, name, value in externals:
                plan.inputs[name] = ("", upload_external(value, stack))
        stack.orchestrator.run(deployment, stack)
        return PipelineRun(stack.metadata_store.get_run(deployment.run_id), stack)

    @property
    def run(self) -> Any:
        """ZenML 0.5's ``pipeline_instance.run()``: raises an error that says what replaced it."""
        from zenml._legacy import LegacyAPIError, legacy_run_message

        raise LegacyAPIError(legacy_run_message(self.name))

    def __repr__(self) -> str:
        return f"<pipeline {self.name!r}>"


def _json_able(value: Any) -> bool:
    import json

    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True
