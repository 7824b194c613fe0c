"""ZenML docs, steps and pipelines: type hints are optional; untyped outputs are stored by their value's type."""

from zenml import pipeline, step


@step
def my_step(a, b: int = 3):
    return {"sum": a + b, "inputs": [a, b]}


@step
def consume(result) -> str:
    return f"sum is {result['sum']}"


@pipeline
def untyped_pipeline(a: int = 1):
    consume(my_step(a))


if __name__ == "__main__":
    run = untyped_pipeline(a=4)
    assert run.steps["my_step"].output.load() == {"sum": 7, "inputs": [4, 3]}
    assert run.steps["consume"].output.load() == "sum is 7"
    assert run.steps["my_step"].config.parameters == {"a": 4, "b": 3}
    print(run.steps["consume"].output.load())
