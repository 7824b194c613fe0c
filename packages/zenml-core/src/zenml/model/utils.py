"""Model versions of a run: resolved once when the run starts (ZenML's ``zenml.model.utils``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.orchestrators.deployment import Deployment
    from zenml.stack.stack import Stack


def resolve_run_models(deployment: Deployment, stack: Stack) -> None:
    """Find or make the model version of every ``model=`` of the run, link it to the run, and write its id, name
    and number into the configurations (so steps in any process use the same version).

    Steps configured with the same model and version share one version: ``Model(name="m")`` on the pipeline
    and its steps makes one new version per run, as in ZenML.
    """
    from zenml.metadata_stores.annotations import link_annotation
    from zenml.metadata_stores.models import MODEL_VERSION, PIPELINE_RUN
    from zenml.model.model import Model, get_or_create_version

    resolved: dict[tuple[str, str], dict[str, Any]] = {}

    def resolve(config: Any) -> Any:
        if not isinstance(config, dict) or "name" not in config or config.get("model_version_id"):
            return config
        key = (str(config["name"]), repr(config.get("version")))
        if key not in resolved:
            model = Model.from_dict(config)
            record = get_or_create_version(stack.metadata_store, model)
            resolved[key] = {"model_version_id": record.id, "version": record.name, "number": record.number}
        return {**config, **resolved[key]}

    deployment.config["model"] = resolve(deployment.config.get("model"))
    for plan in deployment.steps:
        if plan.config.get("model") is not None:
            plan.config["model"] = resolve(plan.config["model"])
    if resolved:
        links = []
        for item in resolved.values():  # both ways: from the version to its runs, from the run to its versions
            links.append(link_annotation(MODEL_VERSION, item["model_version_id"], PIPELINE_RUN, deployment.run_id))
            links.append(link_annotation(PIPELINE_RUN, deployment.run_id, MODEL_VERSION, item["model_version_id"]))
        stack.metadata_store.add_annotations(links)
