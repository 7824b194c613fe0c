"""The model control plane (ZenML's ``zenml.model``): models, numbered versions, stages, linked artifacts."""
