"""The TensorFlow integration: materializers for Keras models, tensors, variables and datasets.

Importing or activating it imports neither TensorFlow nor Keras: its
materializers are registered the first time a step sees a type from
``tensorflow`` or ``keras``, which the user's code has then already imported.
"""

from __future__ import annotations

from zenml.integrations.integration import Integration

__all__ = ["TensorflowIntegration", "__version__"]


class TensorflowIntegration(Integration):
    """Materializers for ``keras.Model``, ``tf.Tensor``, ``tf.Variable`` and ``tf.data.Dataset``."""

    NAME = "tensorflow"
    DISTRIBUTION = "zenml-tensorflow"
    # Met by any distribution of the `tensorflow` import package (tensorflow-cpu, ...).
    REQUIREMENTS = ["tensorflow>=2.16"]
    MATERIALIZERS = {
        "zenml.integrations.tensorflow.materializers": ("tensorflow", "keras"),
    }


def __getattr__(name: str) -> str:
    # ``__version__`` is read on demand: activation should not pay for one more module import.
    if name == "__version__":
        from zenml.integrations.tensorflow.__about__ import __version__

        return __version__
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
