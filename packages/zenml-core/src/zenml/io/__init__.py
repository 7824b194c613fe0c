"""File access for materializers and user code (ZenML's ``zenml.io``)."""
