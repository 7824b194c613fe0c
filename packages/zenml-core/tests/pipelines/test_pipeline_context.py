"""get_pipeline_context() inside a pipeline function: name, extra, model, enable_cache, settings."""

from __future__ import annotations

import pytest

from zenml import get_pipeline_context, get_step_context, pipeline, step


@step
def train(model_class: str) -> str:
    return model_class


@step
def select(after_steps: int) -> int:
    return after_steps


def test_pipeline_context_drives_the_graph() -> None:
    @pipeline(
        enable_cache=False,
        extra={"models": ["tree", "forest"]},
        model={"name": "iris"},
        settings={"docker": {"parent_image": "x"}},
    )
    def tuning() -> None:
        context = get_pipeline_context()
        assert context.name == "tuning"
        assert context.enable_cache is False
        assert (context.model.name, context.model.version) == ("iris", None)
        assert context.settings == {"docker": {"parent_image": "x"}}
        after = []
        for model_class in context.extra["models"]:
            train(model_class, id=f"train_{model_class}")
            after.append(f"train_{model_class}")
        select(len(after), after=after)

    ids = [invocation.id for invocation in tuning.build()]
    assert ids == ["train_tree", "train_forest", "select"]
    changed = tuning.with_options(extra={"models": ["svm"]})
    assert [invocation.id for invocation in changed.build()] == ["train_svm", "select"]  # the key is replaced


def test_outside_a_pipeline_function_it_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="No active pipeline found"):
        get_pipeline_context()


def test_inside_a_step_it_points_at_the_step_context(zen_home: object) -> None:
    messages: list[str] = []

    @step
    def probe() -> int:
        get_step_context()
        try:
            get_pipeline_context()
        except RuntimeError as error:
            messages.append(str(error))
        return 1

    @pipeline
    def flow() -> None:
        probe()

    flow()
    assert messages == ["Inside a step use `from zenml import get_step_context` instead."]
