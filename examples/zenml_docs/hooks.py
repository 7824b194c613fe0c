"""ZenML docs, "Use failure/success hooks": hooks on steps and pipelines, with the exception passed in."""

from zenml import get_step_context, pipeline, step

EVENTS = []


def on_failure(exception: BaseException):
    EVENTS.append(f"Step failed: {exception}")


def on_success():
    EVENTS.append(f"Step succeeded: {get_step_context().step_run.name}")


@step(on_failure=on_failure)
def my_failing_step() -> int:
    """Returns an integer."""
    raise ValueError("Error")


@step(on_success=on_success)
def my_successful_step() -> int:
    """Returns an integer."""
    return 1


@pipeline(on_failure=on_failure, on_success=on_success)
def my_pipeline(fail: bool = False):
    my_successful_step()
    if fail:
        my_failing_step(after="my_successful_step")


if __name__ == "__main__":
    my_pipeline.with_options(enable_cache=False)()
    assert EVENTS == ["Step succeeded: my_successful_step"]
    try:
        my_pipeline.with_options(enable_cache=False)(fail=True)
    except Exception as error:
        assert "Error" in str(error)
    else:
        raise AssertionError("the failing step must fail the run")
    assert EVENTS[-1] == "Step failed: Error", EVENTS
