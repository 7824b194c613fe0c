"""Bounded previews of artifact values.

A value is loaded only through :meth:`zenml.pipelines.runs.ArtifactView.load`, the Client's
load path: the integrity check runs, and the recorded materializer and type are used only
when this process trusts them (stored data never chooses code). Artifacts larger than the
preview limit are not loaded at all, and what a preview keeps of a loaded value is bounded
(rows, characters, pixels), so a page never carries more than a few hundred kilobytes.
"""

from __future__ import annotations

import math
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.pipelines.runs import ArtifactView

DEFAULT_LIMIT = 64 * 1024 * 1024  # bytes of stored data a preview may load
MAX_ROWS = 20
MAX_CELL = 200  # characters of one table cell
MAX_TEXT = 20_000  # characters of text or JSON
MAX_BYTES = 512  # bytes of a binary value shown as a hex dump
IMAGE_SIDE = 512  # pixels: larger images are subsampled to at most this on each side


@dataclass
class Preview:
    """What the artifact page shows of a value.

    ``kind``: ``array``, ``table``, ``layers`` (a Keras model), ``text``, ``json``,
    ``binary``, ``repr`` or ``unavailable`` (then ``note`` says why).
    """

    kind: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    text: str | None = None
    image: bytes | None = None  # PNG
    image_size: tuple[int, int] = (0, 0)  # how large to show it (width, height): small images are enlarged
    note: str | None = None


def make_preview(artifact: ArtifactView, limit: int = DEFAULT_LIMIT) -> Preview:
    """The preview of one artifact, loading it only if it is at most ``limit`` bytes."""
    if artifact.size > limit:
        return Preview(
            kind="unavailable",
            note=f"Not previewed: {size_text(artifact.size)} is more than the preview limit of {size_text(limit)} "
            "(zenml dashboard --preview-limit). Load it in Python with Client().get_run(...).",
        )
    try:
        value = artifact.load()
    except Exception as error:  # missing, corrupted, untrusted, or a materializer that fails: say so on the page
        return Preview(kind="unavailable", note=f"Could not load the artifact: {type(error).__name__}: {error}")
    try:
        return preview_value(value)
    except Exception as error:  # a value whose own methods fail (a broken __repr__, a lazy frame)
        return Preview(kind="unavailable", note=f"Could not preview the value: {type(error).__name__}: {error}")


def preview_value(value: Any) -> Preview:
    """The preview of a loaded value, chosen by its type (judged without importing any library)."""
    modules = {(getattr(klass, "__module__", "") or "").partition(".")[0] for klass in type(value).__mro__}
    if "numpy" in modules and hasattr(value, "dtype") and hasattr(value, "shape"):
        return _array(value)
    if "pandas" in modules and hasattr(value, "head"):
        return _frame(value)
    if modules & {"keras", "tf_keras"} and hasattr(value, "layers"):
        return _layers(value)
    if isinstance(value, str):
        return _text("text", value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _binary(bytes(value[:MAX_BYTES]), len(value))
    if _is_records(value):
        return _records(value)
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if value is None or isinstance(value, (bool, int, float, list, tuple, dict)):
        import json

        return _text("json", json.dumps(value, indent=2, default=repr, ensure_ascii=False))
    return _text("repr", repr(value))


def size_text(size: float) -> str:
    """``1.5 MiB``, ``312 B``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _cell(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _text(kind: str, text: str) -> Preview:
    note = None
    if len(text) > MAX_TEXT:
        note = f"The first {MAX_TEXT:,} of {len(text):,} characters."
        text = text[:MAX_TEXT]
    return Preview(kind=kind, text=text, note=note)


def _binary(head: bytes, total: int) -> Preview:
    lines = []
    for offset in range(0, len(head), 16):
        chunk = head[offset : offset + 16]
        printable = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in chunk)
        lines.append(f"{offset:08x}  {chunk.hex(' '):<47}  {printable}")
    note = f"The first {len(head)} of {total:,} bytes." if total > len(head) else None
    return Preview(kind="binary", facts=[("length", f"{total:,} bytes")], text="\n".join(lines), note=note)


def _is_records(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(item, dict) for item in value)


def _records(value: list[dict[Any, Any]] | tuple[dict[Any, Any], ...]) -> Preview:
    shown = list(value[:MAX_ROWS])
    columns = list(dict.fromkeys(key for item in shown for key in item))
    rows = [[_cell(item.get(column, "")) for column in columns] for item in shown]
    return Preview(
        kind="table",
        facts=[("rows", f"{len(value):,}"), ("columns", f"{len(columns):,}")],
        columns=[_cell(column) for column in columns],
        rows=rows,
        note=_rows_note(len(shown), len(value)),
    )


def _rows_note(shown: int, total: int) -> str | None:
    return f"The first {shown} of {total:,} rows." if total > shown else None


def _frame(frame: Any) -> Preview:
    if not hasattr(frame, "columns") and hasattr(frame, "to_frame"):  # a Series
        frame = frame.to_frame()
    head = frame.head(MAX_ROWS)
    columns = ["", *(_cell(column) for column in head.columns)]
    rows = [[_cell(index), *(_cell(item) for item in values)] for index, *values in head.itertuples()]
    total = len(frame)
    return Preview(
        kind="table",
        facts=[("rows", f"{total:,}"), ("columns", f"{len(head.columns):,}")],
        columns=columns,
        rows=rows,
        note=_rows_note(len(rows), total),
    )


def _layers(model: Any) -> Preview:
    rows = []
    for layer in model.layers:
        try:
            shape = str(tuple(layer.output.shape))
        except Exception:  # a layer that was never called has no output yet
            shape = "?"
        rows.append([_cell(layer.name), type(layer).__name__, shape, f"{layer.count_params():,}"])
    facts = [("model", type(model).__name__), ("layers", str(len(rows)))]
    with suppress(Exception):  # an unbuilt model cannot count its weights
        facts.append(("parameters", f"{model.count_params():,}"))
    return Preview(kind="layers", facts=facts, columns=["layer", "type", "output shape", "parameters"],
                   rows=rows[: MAX_ROWS * 10], note=_rows_note(min(len(rows), MAX_ROWS * 10), len(rows)))  # fmt: skip


def _array(array: Any) -> Preview:
    import numpy as np

    facts = [("shape", str(tuple(array.shape))), ("dtype", str(array.dtype)), ("elements", f"{array.size:,}")]
    if array.dtype.names:  # a structured array is a table
        rows = [[_cell(item) for item in record] for record in array.reshape(-1)[:MAX_ROWS].tolist()]
        return Preview(kind="table", facts=facts, columns=list(array.dtype.names), rows=rows,
                       note=_rows_note(len(rows), array.size))  # fmt: skip
    numeric = np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    if numeric and array.size and not np.issubdtype(array.dtype, np.complexfloating):
        facts += _statistics(np, array)
    image, size = _image(np, array) if numeric else (None, (0, 0))
    sample = np.array2string(array, threshold=200, edgeitems=3, max_line_width=120)
    return Preview(kind="array", facts=facts, text=sample, image=image, image_size=size)


def _statistics(np: Any, array: Any) -> list[tuple[str, str]]:
    values = array.astype(np.float64) if array.dtype == np.bool_ else array
    with np.errstate(all="ignore"):
        finite = np.isfinite(values) if np.issubdtype(values.dtype, np.floating) else None
        count = int(finite.sum()) if finite is not None else values.size
        if count == 0:
            return [("finite values", "0")]
        data = values[finite] if finite is not None and count < values.size else values
        facts = [
            ("min", _number(data.min())),
            ("max", _number(data.max())),
            ("mean", _number(data.mean(dtype=np.float64))),
            ("std", _number(data.std(dtype=np.float64))),
        ]
    if finite is not None and count < values.size:
        facts.append(("not finite", f"{values.size - count:,}"))
    return facts


def _number(value: Any) -> str:
    number = float(value)
    if math.isfinite(number) and number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:.6g}"


def _image(np: Any, array: Any) -> tuple[bytes | None, tuple[int, int]]:
    """A PNG of a 2-D array, or of a 3-D one with 1, 3 or 4 channels (at most IMAGE_SIDE pixels a side),
    and the size to show it at (small images enlarged to at least half of IMAGE_SIDE)."""
    none: tuple[None, tuple[int, int]] = (None, (0, 0))
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (1, 3, 4))):
        return none
    height, width = array.shape[:2]
    if height < 2 or width < 2:
        return none
    step = max(1, math.ceil(max(height, width) / IMAGE_SIDE))
    pixels = np.asarray(array[::step, ::step], dtype=np.float64)
    if array.ndim == 3 and array.shape[2] == 1:
        pixels = pixels[:, :, 0]
    pixels = np.nan_to_num(pixels, nan=0.0, posinf=0.0, neginf=0.0)
    if array.dtype == np.uint8:
        scaled = pixels
    elif array.dtype == np.bool_ or (pixels.min() >= 0 and pixels.max() <= 1):
        scaled = pixels * 255
    else:
        low, high = pixels.min(), pixels.max()
        scaled = (pixels - low) * (255 / (high - low)) if high > low else np.zeros_like(pixels)
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8)).save(buffer, format="PNG")
    shown_height, shown_width = pixels.shape[:2]
    zoom = max(1, (IMAGE_SIDE // 2) // max(shown_height, shown_width))
    return buffer.getvalue(), (shown_width * zoom, shown_height * zoom)
