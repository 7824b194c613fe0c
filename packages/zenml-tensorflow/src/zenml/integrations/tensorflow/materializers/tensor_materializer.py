"""``tf.Tensor`` and ``tf.Variable``: the value as a serialized ``TensorProto``, the rest as JSON.

``tf.io.serialize_tensor`` keeps every dtype exactly (strings, booleans,
integers, float16 to float64, complex) without pickle. ``metadata.json``
records dtype and shape, and for a variable its name and whether it is
trainable, so they can be checked and restored.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import tensorflow as tf
from zenml.materializers.base import BaseMaterializer, MaterializerError

VALUE_FILENAME = "tensor.pb"
METADATA_FILENAME = "metadata.json"


class TensorMaterializer(BaseMaterializer):
    """Saves an eager ``tf.Tensor`` of any dtype and shape."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (tf.Tensor,)

    def save(self, data: Any) -> None:
        """Write the tensor's value and its dtype and shape."""
        self._save_value(data, {})

    def load(self, data_type: type[Any]) -> Any:
        """Read the tensor back with its dtype and shape."""
        return self._load_value()[0]

    def _save_value(self, value: Any, extra: dict[str, Any]) -> None:
        try:
            serialized = tf.io.serialize_tensor(value).numpy()
        except (TypeError, ValueError, tf.errors.OpError) as error:
            raise MaterializerError(
                f"cannot save {type(value).__name__}: {error}. Only eager tensors can be saved: return the "
                "tensor's value from the step, not a symbolic tensor from inside a tf.function or a Keras graph."
            ) from error
        metadata = {"dtype": value.dtype.name, "shape": _shape(value.shape), **extra}
        with self.artifact_store.open(self.path(VALUE_FILENAME), "wb") as handle:
            handle.write(serialized)
        with self.artifact_store.open(self.path(METADATA_FILENAME), "wb") as handle:
            handle.write(json.dumps(metadata, sort_keys=True).encode())

    def _load_value(self) -> tuple[tf.Tensor, dict[str, Any]]:
        uri = self.artifact_store.uri(self.uri)
        try:
            with self.artifact_store.open(self.path(METADATA_FILENAME), "rb") as handle:
                metadata = json.loads(handle.read())
            with self.artifact_store.open(self.path(VALUE_FILENAME), "rb") as handle:
                serialized = handle.read()
        except FileNotFoundError as error:
            raise MaterializerError(f"tensor artifact {uri} is incomplete: {error}") from error
        except ValueError as error:
            raise MaterializerError(f"tensor artifact {uri} has unreadable metadata: {error}") from error
        try:
            dtype = tf.as_dtype(metadata["dtype"])
            value = tf.io.parse_tensor(serialized, out_type=dtype)
        except (KeyError, TypeError, tf.errors.OpError) as error:
            raise MaterializerError(
                f"tensor artifact {uri} is corrupted ({type(error).__name__}: {error}). "
                "Re-run the step that produced it (for instance with caching disabled)."
            ) from error
        if _shape(value.shape) != metadata.get("shape"):
            raise MaterializerError(
                f"tensor artifact {uri} is corrupted: its value has shape {_shape(value.shape)}, "
                f"its metadata says {metadata.get('shape')}"
            )
        return value, metadata


class VariableMaterializer(TensorMaterializer):
    """Saves a ``tf.Variable``: its value, dtype, shape, name and ``trainable`` flag."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (tf.Variable,)

    def save(self, data: Any) -> None:
        """Write the variable's current value and its attributes."""
        name = data.name.rpartition(":")[0] or data.name  # "weights:0" -> "weights"
        self._save_value(data.read_value(), {"name": name, "trainable": bool(data.trainable)})

    def load(self, data_type: type[Any]) -> Any:
        """Create a new variable with the saved value, name and ``trainable`` flag."""
        value, metadata = self._load_value()
        return tf.Variable(value, name=metadata.get("name"), trainable=metadata.get("trainable", True))


def _shape(shape: tf.TensorShape) -> list[int | None]:
    return list(shape.as_list())
