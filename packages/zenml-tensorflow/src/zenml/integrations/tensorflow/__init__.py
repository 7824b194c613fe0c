"""The TensorFlow integration: materializers for Keras models, tensors, variables and datasets.

Importing or activating it imports neither TensorFlow nor Keras: its
materializers are registered by reference, and each one's module is imported
the first time a step sees a type it handles (which the user's code has then
already imported). A Keras 3 model on the JAX backend never imports TensorFlow.
"""

from __future__ import annotations

from zenml.integrations.integration import Integration

__all__ = ["TensorflowIntegration", "__version__"]

_MATERIALIZERS = "zenml.integrations.tensorflow.materializers"


class TensorflowIntegration(Integration):
    """Materializers for ``keras.Model``, ``tf.Tensor``, ``tf.Variable`` and ``tf.data.Dataset``."""

    NAME = "tensorflow"
    DISTRIBUTION = "zenml-tensorflow"
    # Met by any distribution of the `tensorflow` import package (tensorflow-cpu, ...).
    REQUIREMENTS = ["tensorflow>=2.16"]
    MATERIALIZERS = {
        f"{_MATERIALIZERS}.keras_materializer:KerasMaterializer": ("keras:Model",),
        f"{_MATERIALIZERS}.tensor_materializer:TensorMaterializer": ("tensorflow:Tensor",),
        f"{_MATERIALIZERS}.tensor_materializer:VariableMaterializer": ("tensorflow:Variable",),
        f"{_MATERIALIZERS}.dataset_materializer:DatasetMaterializer": ("tensorflow:data.Dataset",),
    }


def __getattr__(name: str) -> str:
    # ``__version__`` is read on demand: activation should not pay for one more module import.
    if name == "__version__":
        from zenml.integrations.tensorflow.__about__ import __version__

        return __version__
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
