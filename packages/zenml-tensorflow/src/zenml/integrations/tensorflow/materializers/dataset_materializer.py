"""``tf.data.Dataset`` through TensorFlow's own snapshot format (``Dataset.save`` / ``Dataset.load``)."""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from typing import Any, ClassVar

import tensorflow as tf
from zenml.materializers.base import BaseMaterializer, MaterializerError

DATASET_DIRNAME = "dataset"


class DatasetMaterializer(BaseMaterializer):
    """Saves a finite ``tf.data.Dataset`` (element structure and values) as a ``dataset/`` directory.

    A loaded dataset reads its files lazily, so it reads a private local copy
    that is deleted when the dataset (and every dataset derived from it) is
    garbage collected.
    """

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (tf.data.Dataset,)

    def save(self, data: Any) -> None:
        """Write every element of ``data``; an infinite dataset is refused."""
        if data.cardinality() == tf.data.INFINITE_CARDINALITY:
            raise MaterializerError(
                "cannot save an infinite tf.data.Dataset: apply .take(n) before returning it from the step"
            )
        with self.artifact_store.local_path(self.path(DATASET_DIRNAME), "w") as path:
            try:
                data.save(path)
            except (TypeError, ValueError, tf.errors.OpError) as error:
                raise MaterializerError(f"cannot save tf.data.Dataset: {error}") from error

    def load(self, data_type: type[Any]) -> Any:
        """Read the dataset back from a private local copy."""
        name = self.path(DATASET_DIRNAME)
        uri = self.artifact_store.uri(name)
        if not self.artifact_store.isdir(name):
            raise MaterializerError(f"tf.data.Dataset artifact {uri} is missing: the artifact is incomplete or deleted")
        copy = tempfile.mkdtemp(prefix="zenml-tf-dataset-")
        try:
            with self.artifact_store.local_path(name, "r") as path:
                shutil.copytree(path, os.path.join(copy, DATASET_DIRNAME))
            dataset = tf.data.Dataset.load(os.path.join(copy, DATASET_DIRNAME))
        except (OSError, ValueError, tf.errors.OpError) as error:
            shutil.rmtree(copy, ignore_errors=True)
            raise MaterializerError(f"cannot load tf.data.Dataset from {uri}: {error}") from error
        weakref.finalize(dataset, shutil.rmtree, copy, ignore_errors=True)
        return dataset
