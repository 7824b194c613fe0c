"""ZenML docs, "Compose pipelines" and fan-in: a pipeline inside a pipeline, a step called several times,
and a list of step outputs passed to one step."""

from zenml import pipeline, step


@step
def load_data(split: str) -> list[int]:
    return [1, 2, 3] if split == "train" else [4]


@step
def count(data: list[int]) -> int:
    return len(data)


@step
def combine(counts: list[int]) -> int:
    return sum(counts)


@pipeline
def data_loading_pipeline(split: str = "train"):
    return load_data(split)


@pipeline
def training_pipeline():
    train = data_loading_pipeline("train")
    test = data_loading_pipeline("test")
    combine([count(train), count(test)])


if __name__ == "__main__":
    run = training_pipeline()
    assert sorted(run.steps) == ["combine", "count", "count_2", "load_data", "load_data_2"]
    assert run.steps["combine"].output.load() == 4
    assert [artifact.load() for artifact in run.steps["combine"].inputs["counts"]] == [3, 1]
