"""Materializers of the sklearn integration (imported only when a scikit-learn type reaches a step)."""
