"""ZenML docs, "Use configuration files": a YAML run configuration, and the template ZenML writes."""

import os
import tempfile

from zenml import pipeline, step


@step
def trainer(gamma: float = 0.001, epochs: int = 1) -> float:
    return gamma * epochs


@pipeline(enable_cache=True)
def training_pipeline(dataset_name: str = "iris"):
    print(f"building for {dataset_name}")
    trainer()


CONFIG = """
run_name: training_{dataset}_{date}
enable_cache: False
parameters:
  dataset_name: digits
extra:
  owner: ada
substitutions:
  dataset: digits
steps:
  trainer:
    parameters:
      gamma: 0.01
      epochs: 3
"""

if __name__ == "__main__":
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "config.yaml")
    with open(path, "w") as handle:
        handle.write(CONFIG)
    run = training_pipeline.with_options(config_path=path)()
    assert run.name.startswith("training_digits_")
    assert run.config.parameters == {"dataset_name": "digits"}
    assert run.steps["trainer"].config.parameters == {"gamma": 0.01, "epochs": 3}
    assert abs(run.steps["trainer"].output.load() - 0.03) < 1e-12

    template = os.path.join(folder, "template.yaml")
    training_pipeline.write_run_configuration_template(path=template)
    with open(template) as handle:
        assert "steps:" in handle.read()
    training_pipeline.with_options(config_path=template)  # the template is valid as written

    with open(path, "w") as handle:
        handle.write("enable_cahe: false\n")
    try:
        training_pipeline.with_options(config_path=path)
    except ValueError as error:
        assert "enable_cahe" in str(error) and path in str(error)
    else:
        raise AssertionError("an unknown key must be an error")
