"""ZenML docs, "Naming pipeline runs": {date} and {time} placeholders and custom substitutions."""

import re

from zenml import pipeline, step


@step
def train() -> int:
    return 1


@pipeline(substitutions={"experiment_name": "baseline"})
def training_pipeline():
    train()


if __name__ == "__main__":
    run = training_pipeline.with_options(run_name="training_{experiment_name}_{date}_{time}")()
    assert re.fullmatch(r"training_baseline_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}_\d{6}", run.name), run.name
    try:
        training_pipeline.with_options(run_name="run_{unknown}")()
    except KeyError as error:
        assert "unknown" in str(error)
    else:
        raise AssertionError("an unknown placeholder must be an error")
