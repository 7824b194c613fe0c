"""ZenML docs, "Access step context": names, output URIs, materializers and output metadata inside a step."""

from typing import Annotated

from zenml import get_step_context, pipeline, step


@step
def my_step() -> Annotated[list[int], "numbers"]:
    step_context = get_step_context()

    pipeline_name = step_context.pipeline.name
    run_name = step_context.pipeline_run.name
    step_name = step_context.step_run.name

    uri = step_context.get_output_artifact_uri()
    materializer = step_context.get_output_materializer()
    step_context.add_output_metadata(metadata={"length": 3}, output_name="numbers")
    print(f"{pipeline_name} / {run_name} / {step_name} writes to {uri} with {type(materializer).__name__}")
    return [1, 2, 3]


@pipeline
def context_pipeline():
    my_step()


if __name__ == "__main__":
    run = context_pipeline()
    artifact = run.steps["my_step"].outputs["numbers"][0]
    assert artifact.run_metadata["length"] == 3  # next to what zenml records itself (storage_size)
    assert artifact.load() == [1, 2, 3]
    try:
        get_step_context()
    except RuntimeError as error:
        assert "only available inside a step" in str(error)
    else:
        raise AssertionError("get_step_context() outside a step must fail")
