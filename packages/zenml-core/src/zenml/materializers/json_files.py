"""Reading and writing an artifact's value as exact JSON (``data.json``), for the JSON-based materializers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml.materializers.base import MaterializerError

if TYPE_CHECKING:
    from zenml.materializers.base import BaseMaterializer

JSON_FILE = "data.json"


def write_json(materializer: BaseMaterializer, value: Any, filename: str = JSON_FILE) -> None:
    """Encode ``value`` exactly and write it atomically to ``filename`` in the artifact."""
    import json

    from zenml.materializers.json_codec import EncodeError, encode

    try:
        encoded = encode(value)
        text = json.dumps(encoded, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
        try:
            payload = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: let JSON escape them
            payload = json.dumps(encoded, separators=(",", ":"), allow_nan=False).encode("ascii")
    except EncodeError as error:
        raise MaterializerError(f"{type(materializer).__name__}: {error}") from error
    except ValueError as error:  # e.g. an int beyond sys.get_int_max_str_digits()
        raise MaterializerError(f"{type(materializer).__name__}: cannot write the value as JSON: {error}") from error
    with materializer.artifact_store.open(materializer.path(filename), "wb") as handle:
        handle.write(payload)


def read_json(materializer: BaseMaterializer, filename: str = JSON_FILE) -> Any:
    """Read back the encoded JSON value of ``filename``, undecoded."""
    import json

    with materializer.artifact_store.open(materializer.path(filename), "rb") as handle:
        raw = handle.read()
    try:
        return json.loads(raw)
    except ValueError as error:
        raise MaterializerError(
            f"artifact file {materializer.path(filename)!r} is not valid JSON ({error}); it may be corrupted"
        ) from error
