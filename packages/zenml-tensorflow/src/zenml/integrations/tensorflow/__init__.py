"""The TensorFlow integration: materializers for Keras models and tensors.

Importing or activating it imports neither TensorFlow nor Keras: its
materializers are registered the first time a step sees a type from
``tensorflow`` or ``keras``, which the user's code has then already imported.
"""

from __future__ import annotations

from zenml.integrations.integration import Integration
from zenml.integrations.tensorflow.__about__ import __version__

__all__ = ["TensorflowIntegration", "__version__"]


class TensorflowIntegration(Integration):
    """Materializers for ``keras.Model``, ``tf.Tensor`` and ``tf.Variable``."""

    NAME = "tensorflow"
    DISTRIBUTION = "zenml-tensorflow"
    # Met by any distribution of the `tensorflow` import package (tensorflow-cpu, ...).
    REQUIREMENTS = ["tensorflow>=2.16"]
    MATERIALIZERS = {
        "zenml.integrations.tensorflow.materializers": ("tensorflow", "keras", "tf_keras"),
    }
