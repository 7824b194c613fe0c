"""Opt-in pickling with cloudpickle, for types nothing else handles. **Loading an artifact runs code from the store.**

ZenML's module path (``zenml.materializers.cloudpickle_materializer``).
ZenML falls back to this materializer silently; zenml never chooses it:
you name it for one output, ``@step(output_materializers=CloudpickleMaterializer)``
(or ``{"model": CloudpickleMaterializer}``, or ``step.configure(output_materializers=...)``).

.. warning::

   Unpickling executes whatever code the file tells it to. Anyone who can
   write the artifact store (and, since the content hash guards against
   accidents, not against forgery, the metadata store) can make a pickle
   artifact run arbitrary code on every machine that loads it. Use it only
   with stores that nobody but you can write, and prefer a real
   materializer for the type.

So that stored data never chooses code, a record naming this materializer
is not enough to load it. It loads only when your code says so:

- ``artifact.load(materializer=CloudpickleMaterializer)`` (or
  ``load_artifact(..., materializer_cls=CloudpickleMaterializer)``): you
  chose it for this load;
- as the input of a step whose upstream output your pipeline code declares
  with ``output_materializers=CloudpickleMaterializer``: you chose it when
  you wrote the pipeline.

Every load warns (:class:`PickleLoadWarning`), and warns again when the
Python version differs from the one that saved it. cloudpickle is imported
only on save and load: ``pip install "zenml-core[cloudpickle]"``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from zenml.materializers.base import BaseMaterializer, MaterializerError

PICKLE_FILE = "artifact.pkl"
PYTHON_VERSION_FILE = "python_version.txt"


class PickleLoadWarning(UserWarning):
    """A pickle artifact is being loaded: this executes code from the artifact store."""


def _cloudpickle() -> Any:
    try:
        import cloudpickle
    except ImportError:
        raise MaterializerError(
            "CloudpickleMaterializer needs cloudpickle: "
            'pip install "zenml-core[cloudpickle]" (or pip install cloudpickle)'
        ) from None
    return cloudpickle


def _python_version() -> str:
    import sys

    return ".".join(map(str, sys.version_info[:3]))


class CloudpickleMaterializer(BaseMaterializer):
    """Any picklable object via cloudpickle. Opt-in only; loading executes code from the store (see the module)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()  # chosen for no type: only by name, per output
    VERSION: ClassVar[int] = 1
    EXECUTES_CODE_ON_LOAD: ClassVar[bool] = True
    """Records naming this materializer are not honoured on their own (:mod:`zenml.artifacts.trust`)."""

    def save(self, data: Any) -> None:
        cloudpickle = _cloudpickle()
        with self.artifact_store.open(self.path(PICKLE_FILE), "wb") as handle:
            cloudpickle.dump(data, handle)
        with self.artifact_store.open(self.path(PYTHON_VERSION_FILE), "wb") as handle:
            handle.write(_python_version().encode("ascii"))

    def load(self, data_type: type[Any]) -> Any:
        import warnings

        cloudpickle = _cloudpickle()
        warnings.warn(
            f"loading pickle artifact {self.uri!r}: unpickling executes code from the artifact store "
            f"({self.artifact_store.uri(self.uri)}); do this only if you trust everyone who can write it",
            PickleLoadWarning,
            stacklevel=2,
        )
        with self.artifact_store.open(self.path(PYTHON_VERSION_FILE), "rb") as handle:
            saved = handle.read().decode("ascii", "replace").strip()
        if saved != _python_version():
            warnings.warn(
                f"pickle artifact {self.uri!r} was saved with Python {saved} and is loaded with Python "
                f"{_python_version()}: pickles are not guaranteed to load across Python versions",
                PickleLoadWarning,
                stacklevel=2,
            )
        with self.artifact_store.open(self.path(PICKLE_FILE), "rb") as handle:
            raw = handle.read()  # one pass to the end: the content hash is computed on the way
        return cloudpickle.loads(raw)
