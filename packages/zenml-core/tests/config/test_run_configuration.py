"""Configuration without editing code: configure, with_options, YAML run configurations, the template."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from zenml import pipeline, step
from zenml.config.pipeline_run_configuration import ConfigurationError
from zenml.config.retry_config import StepRetryConfig
from zenml.pipelines.errors import PipelineGraphError
from zenml.steps.errors import StepDefinitionError, StepInvocationError

if TYPE_CHECKING:
    from pathlib import Path


@step
def load(n: int = 3) -> list[int]:
    return list(range(n))


@step
def train(data: list[int], lr: float = 0.1, epochs: int = 1) -> float:
    return lr * sum(data) * epochs


@pipeline
def training(n: int = 3) -> None:
    train(load(n))


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_yaml_file_sets_run_name_cache_parameters_and_step_options(zen_home: Path, tmp_path: Path) -> None:
    config = _write(
        tmp_path / "run.yaml",
        """
run_name: training_{who}_{date}
enable_cache: false
parameters:
  n: 5
extra:
  team: ml
substitutions:
  who: ada
steps:
  train:
    parameters:
      lr: 0.5
    extra:
      owner: bob
    retry:
      max_retries: 2
""",
    )
    run = training.with_options(config_path=config)()
    assert run.name.startswith("training_ada_20")
    assert run.config.parameters == {"n": 5}
    assert run.config.extra == {"team": "ml"}
    assert run.config.enable_cache is False
    trained = run.steps["train"]
    assert trained.config.parameters == {"lr": 0.5, "epochs": 1}
    assert trained.config.extra == {"owner": "bob"}
    assert trained.config.retry == StepRetryConfig(max_retries=2)
    assert trained.config.enable_cache is False
    assert trained.output.load() == 0.5 * sum(range(5))
    assert training.configuration.run_name is None  # with_options made a copy


def test_unknown_keys_name_the_key_and_the_file(tmp_path: Path) -> None:
    top = _write(tmp_path / "top.yaml", "run_nme: x\n")
    with pytest.raises(ConfigurationError, match=r"top\.yaml.*unknown option 'run_nme'.*Did you mean 'run_name'"):
        training.with_options(config_path=top)
    nested = _write(tmp_path / "nested.yaml", "steps:\n  train:\n    paramters: {lr: 1}\n")
    with pytest.raises(ConfigurationError, match=r"nested\.yaml.*steps\.train.*'paramters'.*'parameters'"):
        training.with_options(config_path=nested)
    unsupported = _write(tmp_path / "sched.yaml", "schedule: {cron_expression: '* * * * *'}\n")
    with pytest.raises(ConfigurationError, match=r"schedule.*not supported"):
        training.with_options(config_path=unsupported)
    broken = _write(tmp_path / "broken.yaml", "steps: [unclosed\n")
    with pytest.raises(ConfigurationError, match=r"broken\.yaml.*not valid YAML"):
        training.with_options(config_path=broken)
    with pytest.raises(ConfigurationError, match=r"does not exist"):
        training.with_options(config_path=str(tmp_path / "missing.yaml"))


def test_a_configured_step_that_is_not_in_the_pipeline_is_an_error(tmp_path: Path) -> None:
    config = _write(tmp_path / "run.yaml", "steps:\n  trian: {enable_cache: false}\n")
    with pytest.raises(ConfigurationError, match=r"unknown step 'trian'\. Did you mean 'train'"):
        training.with_options(config_path=config).build()


def test_parameters_that_conflict_with_the_code_are_an_error(tmp_path: Path) -> None:
    @pipeline
    def fixed() -> None:
        train(load(), lr=0.2)

    same = _write(tmp_path / "same.yaml", "steps:\n  train:\n    parameters: {lr: 0.2}\n")
    fixed.with_options(config_path=same).build()
    other = _write(tmp_path / "other.yaml", "steps:\n  train:\n    parameters: {lr: 0.3}\n")
    with pytest.raises(StepInvocationError, match="conflicts with the value passed in the pipeline code"):
        fixed.with_options(config_path=other).build()
    with pytest.raises(ConfigurationError, match="conflicts with the value passed in the call"):
        training.with_options(parameters={"n": 4}).build(n=5)


def test_code_options_take_precedence_over_the_file(tmp_path: Path) -> None:
    config = _write(tmp_path / "run.yaml", "enable_cache: true\nextra: {a: 1, b: 2}\n")
    configured = training.with_options(config_path=config, enable_cache=False, extra={"b": 3})
    assert configured.configuration.enable_cache is False
    assert configured.configuration.extra == {"a": 1, "b": 3}


def test_step_configure_and_with_options(zen_home: Path) -> None:
    faster = train.with_options(parameters={"lr": 1.0}, enable_cache=False)
    assert train.configuration.parameters == {}
    assert (faster.configuration.parameters, faster.enable_cache) == ({"lr": 1.0}, False)

    @pipeline
    def flow() -> None:
        faster(load())

    run = flow()
    assert run.steps["train"].config.parameters == {"lr": 1.0, "epochs": 1}
    assert run.steps["train"].output.load() == 3.0
    with pytest.raises(StepDefinitionError, match="unknown input"):
        train.configure(parameters={"learning_rate": 1})
    with pytest.raises(StepDefinitionError, match="JSON-serialisable"):
        train.with_options(extra={"x": object()})
    with pytest.raises(StepDefinitionError, match="step operator"):
        train.with_options(step_operator="sagemaker")


def test_a_required_parameter_can_come_from_the_configuration(zen_home: Path, tmp_path: Path) -> None:
    @step
    def scale(factor: float) -> float:
        return factor * 2

    @pipeline
    def flow() -> None:
        scale()

    with pytest.raises(PipelineGraphError, match="missing input"):
        flow.build()
    config = _write(tmp_path / "run.yaml", "steps:\n  scale:\n    parameters: {factor: 1.5}\n")
    assert flow.with_options(config_path=config)().steps["scale"].output.load() == 3.0


def test_the_template_lists_every_option_and_step_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    training.write_run_configuration_template(str(path))
    text = path.read_text(encoding="utf-8")
    for key in ("run_name:", "enable_cache:", "extra:", "substitutions:", "steps:", "  load:", "  train:", "n: 3"):
        assert key in text
    import yaml

    data = yaml.safe_load(text)
    assert data["steps"]["train"]["parameters"] == {"lr": 0.1, "epochs": 1}
    training.with_options(config_path=str(path)).build()  # the template is a valid configuration as written


def test_pipeline_configure_merges_or_replaces() -> None:
    @pipeline(extra={"a": 1})
    def flow() -> None:
        load()

    flow.configure(extra={"b": 2})
    assert flow.configuration.extra == {"a": 1, "b": 2}
    flow.configure(extra={"c": 3}, merge=False)
    assert flow.configuration.extra == {"c": 3}
