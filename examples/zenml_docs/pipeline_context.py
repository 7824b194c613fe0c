"""ZenML docs, "Access pipeline context": configuration read while the pipeline function builds the graph."""

from zenml import get_pipeline_context, pipeline, step


@step
def cross_validation(model_package: str, model_class: str) -> float:
    return float(len(model_package) + len(model_class))


@step
def select_best_model(search_steps_prefix: str) -> str:
    return search_steps_prefix


@pipeline(
    extra={
        "complex_parameter": [
            ("sklearn.tree", "DecisionTreeClassifier"),
            ("sklearn.ensemble", "RandomForestClassifier"),
        ]
    }
)
def my_pipeline():
    context = get_pipeline_context()

    after = []
    search_steps_prefix = "hp_tuning_search_"
    for i, model_search_configuration in enumerate(context.extra["complex_parameter"]):
        step_name = f"{search_steps_prefix}{i}"
        cross_validation(
            model_package=model_search_configuration[0],
            model_class=model_search_configuration[1],
            id=step_name,
        )
        after.append(step_name)
    select_best_model(
        search_steps_prefix=search_steps_prefix,
        after=after,
    )


if __name__ == "__main__":
    run = my_pipeline()
    assert sorted(run.steps) == ["hp_tuning_search_0", "hp_tuning_search_1", "select_best_model"]
    assert run.config.extra["complex_parameter"][1] == ["sklearn.ensemble", "RandomForestClassifier"]
