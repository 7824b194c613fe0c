"""ZenML docs, "Inspecting past pipeline runs" and "ZenML Python Client": pipelines, runs with filters and
pages, steps by id, tags, artifact versions, deleting a run."""

from typing import Annotated

from zenml import add_tags, pipeline, remove_tags, step
from zenml.client import Client


@step
def first_step(value: int) -> Annotated[int, "doubled"]:
    return value * 2


@pipeline(tags=["experiment"])
def first_pipeline(value: int = 1):
    first_step(value)


if __name__ == "__main__":
    for value in range(4):
        first_pipeline(value=value)
    client = Client()
    pipeline_model = client.get_pipeline("first_pipeline")
    last_run = pipeline_model.last_run
    assert last_run.id == pipeline_model.runs[0].id == pipeline_model.last_successful_run.id
    assert last_run.tags == ["experiment"]

    runs = client.list_pipeline_runs(pipeline_name="first_pipeline", sort_by="desc:created", size=3)
    assert (len(runs), runs.total, runs.total_pages) == (3, 4, 2)
    assert [run.id for run in client.list_pipeline_runs(status="completed", page=2, size=3)] == [
        pipeline_model.runs[-1].id
    ]

    step = last_run.steps["first_step"]
    assert client.get_run_step(step.id).output.load() == 6
    assert step.output.version == "4"

    add_tags(tags=["promising"], run=last_run.id)
    remove_tags(tags=["experiment"], run=last_run.id)
    assert client.get_pipeline_run(last_run.id).tags == ["promising"]

    artifact = client.get_artifact_version("doubled", version="2")
    assert artifact.load() == 2
    add_tags(tags=["golden"], artifact_name="doubled", artifact_version="2")
    assert [v.version for v in client.list_artifact_versions(name="doubled", tag="golden")] == ["2"]

    oldest = pipeline_model.runs[-1]
    client.delete_pipeline_run(oldest.id)
    assert client.list_pipeline_runs(pipeline_name="first_pipeline").total == 3
    assert client.get_artifact_version("doubled", version="1").load() == 0  # artifacts stay
