"""Metadata attached to runs, steps, artifact versions and model versions (ZenML's ``zenml.metadata``)."""
