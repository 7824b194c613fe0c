"""ZenML docs, "Step retry": retry a flaky step with a delay and a backoff; every attempt is recorded."""

from zenml import pipeline, step
from zenml.config.retry_config import StepRetryConfig

CALLS = []


@step(retry=StepRetryConfig(max_retries=3, delay=0, backoff=2))
def my_step() -> int:
    CALLS.append(1)
    if len(CALLS) < 3:
        raise Exception("This is a test exception")
    return len(CALLS)


@pipeline
def my_pipeline():
    my_step()


if __name__ == "__main__":
    run = my_pipeline()
    assert run.steps["my_step"].output.load() == 3
    assert [attempt["status"] for attempt in run.steps["my_step"].attempts] == ["retried", "retried", "completed"]
