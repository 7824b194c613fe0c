"""Keras models in Keras' native ``.keras`` format (architecture, weights and optimizer state in one zip file)."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

import keras

from zenml.materializers.base import BaseMaterializer, MaterializerError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

MODEL_FILENAME = "model.keras"

_FIX = (
    "decorate it with @keras.saving.register_keras_serializable() and give it a get_config() that returns "
    "its constructor arguments, so that Keras can rebuild it when the model is loaded"
)


class KerasMaterializer(BaseMaterializer):
    """Saves a ``keras.Model`` (Sequential, functional or a registered subclass) as ``model.keras``.

    Keras writes and reads real files, so the model goes through the artifact
    store's :meth:`~zenml.artifact_stores.base.ArtifactStore.local_path`:
    written in place on a local store, staged through a temporary file on a
    remote one. Custom layers and models must be registered with
    ``@keras.saving.register_keras_serializable()``; this is checked before
    anything is written, and their defining module must be imported before
    the model is loaded again.
    """

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (keras.Model,)

    def save(self, data: Any) -> None:
        """Write ``data`` to ``<uri>/model.keras``."""
        if not isinstance(data, keras.Model):
            raise MaterializerError(f"KerasMaterializer saves keras.Model objects, not {type(data).__name__}")
        unregistered = sorted({_qualified_name(cls) for cls in _unregistered_classes(data)})
        if unregistered:
            raise MaterializerError(
                f"cannot save Keras model {data.name!r}: class {', '.join(unregistered)} is not registered for "
                f"Keras serialization; {_FIX}."
            )
        with self.artifact_store.local_path(self.path(MODEL_FILENAME), "w") as path:
            try:
                with _keras_path(path, "w") as keras_path:
                    data.save(keras_path)
            except NotImplementedError as error:  # a layer whose get_config() cannot be derived
                raise MaterializerError(f"cannot save Keras model {data.name!r}: {error} To fix it, {_FIX}.") from error
            except (TypeError, ValueError) as error:
                raise MaterializerError(f"cannot save Keras model {data.name!r}: {error}") from error

    def load(self, data_type: type[Any]) -> Any:
        """Read the model back; custom classes must be registered and imported first."""
        name = self.path(MODEL_FILENAME)
        uri = self.artifact_store.uri(name)
        if not self.artifact_store.exists(name):
            raise MaterializerError(f"Keras model artifact {uri} is missing: the artifact is incomplete or deleted")
        with self.artifact_store.local_path(name, "r") as path:
            _check_archive(path, uri)
            try:
                with _keras_path(path, "r") as keras_path:
                    model = keras.saving.load_model(keras_path)
            except Exception as error:  # Keras raises TypeError/ValueError/KeyError/OSError/BadZipFile here
                raise MaterializerError(
                    f"cannot load Keras model from {uri}: {error}\nIf the model uses custom layers or a "
                    "custom model class, import the module that defines them (registered with "
                    "@keras.saving.register_keras_serializable()) before loading; a corrupted artifact is "
                    "fixed by re-running the step that produced it."
                ) from error
        if isinstance(data_type, type) and not isinstance(model, data_type):
            raise MaterializerError(f"the Keras model in {uri} is a {type(model).__name__}, not a {data_type.__name__}")
        return model


def _check_archive(path: str, uri: str) -> None:
    """Raise :class:`MaterializerError` unless ``path`` is a whole zip archive whose members pass their CRC check.

    Keras reads the weights with seeks and never checks the CRCs, so a damaged
    archive would otherwise load silently with wrong weights.
    """
    rerun = "Re-run the step that produced it (for instance with caching disabled)."
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise MaterializerError(
            f"Keras model artifact {uri} is corrupted: it is not a .keras zip archive ({error}). {rerun}"
        ) from error
    if damaged is not None:
        raise MaterializerError(f"Keras model artifact {uri} is corrupted: {damaged!r} fails its CRC check. {rerun}")


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _layers(model: keras.Model) -> Iterable[Any]:
    """The model itself and every layer inside it, recursively."""
    flatten = getattr(model, "_flatten_layers", None)
    if callable(flatten):
        return list(flatten(include_self=True, recursive=True))
    return [model, *model.layers]  # pragma: no cover - every Keras 3 release has _flatten_layers


def _unregistered_classes(model: keras.Model) -> list[type]:
    """User-defined classes in ``model`` that Keras could not find by name when loading it."""
    missing: list[type] = []
    for layer in _layers(model):
        cls = type(layer)
        if cls.__module__.partition(".")[0] == "keras":
            continue
        if keras.saving.get_registered_object(keras.saving.get_registered_name(cls)) is not cls:
            missing.append(cls)
    return missing


@contextmanager
def _keras_path(path: str, mode: str) -> Iterator[str]:
    """A path ending in ``.keras`` (Keras insists on the suffix) standing for ``path``, which may lack it."""
    if path.endswith(".keras"):
        yield path
        return
    with tempfile.TemporaryDirectory(
        prefix=".zenml-keras-", suffix=".zenml-tmp", dir=os.path.dirname(path) or None
    ) as tmp:
        staged = os.path.join(tmp, MODEL_FILENAME)
        if mode == "r":
            try:
                os.symlink(os.path.abspath(path), staged)
            except OSError:  # no symlinks (Windows without privilege): copy instead
                shutil.copyfile(path, staged)
        yield staged
        if mode == "w":
            os.replace(staged, path)
