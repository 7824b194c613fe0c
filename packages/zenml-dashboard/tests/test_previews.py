"""Previews: what each kind of value shows, and the bounds on what is loaded and kept."""

from __future__ import annotations

import dataclasses
from io import BytesIO
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from zenml.integrations.dashboard.previews import (
    IMAGE_SIDE,
    MAX_BYTES,
    MAX_ROWS,
    MAX_TEXT,
    make_preview,
    preview_value,
    size_text,
)
from zenml.pipelines.runs import ArtifactView

if TYPE_CHECKING:
    from conftest import History


def _png(data: bytes | None) -> Image.Image:
    assert data is not None
    image = Image.open(BytesIO(data))
    assert image.format == "PNG"
    return image


def test_a_2d_array_gets_statistics_and_an_image() -> None:
    preview = preview_value(np.arange(12, dtype=np.float64).reshape(3, 4))
    facts = dict(preview.facts)
    assert (preview.kind, facts["shape"], facts["dtype"]) == ("array", "(3, 4)", "float64")
    assert (facts["min"], facts["max"], facts["mean"]) == ("0", "11", "5.5")
    assert _png(preview.image).size == (4, 3)
    assert preview.image_size[0] >= IMAGE_SIDE // 2  # a tiny image is shown enlarged


def test_a_large_rgb_array_is_subsampled_and_kept_small() -> None:
    preview = preview_value(np.zeros((2000, 1500, 3), dtype=np.uint8))
    image = _png(preview.image)
    assert image.mode == "RGB"
    assert max(image.size) <= IMAGE_SIDE


def test_arrays_that_are_not_images_get_no_image() -> None:
    for array in (np.arange(10), np.zeros((4, 4, 7)), np.array([[1 + 2j, 3j]]), np.array([["a", "b"], ["c", "d"]])):
        assert preview_value(array).image is None, array


def test_statistics_skip_nans_and_count_them() -> None:
    facts = dict(preview_value(np.array([1.0, np.nan, 3.0, np.inf])).facts)
    assert (facts["min"], facts["max"], facts["not finite"]) == ("1", "3", "2")
    assert dict(preview_value(np.array([np.nan])).facts)["finite values"] == "0"


def test_a_structured_array_is_a_table() -> None:
    array = np.array([(1, 2.5), (2, 3.5)], dtype=[("id", "i4"), ("score", "f8")])
    preview = preview_value(array)
    assert (preview.kind, preview.columns, preview.rows) == ("table", ["id", "score"], [["1", "2.5"], ["2", "3.5"]])


def test_a_dataframe_shows_its_first_rows() -> None:
    frame = pd.DataFrame({"a": range(100), "b": ["x"] * 100})
    preview = preview_value(frame)
    assert preview.kind == "table"
    assert preview.columns == ["", "a", "b"]
    assert len(preview.rows) == MAX_ROWS
    assert preview.rows[1] == ["1", "1", "x"]
    assert dict(preview.facts)["rows"] == "100"
    assert preview.note == f"The first {MAX_ROWS} of 100 rows."
    assert preview_value(frame["a"]).columns == ["", "a"]  # a Series


def test_records_are_a_table_with_the_union_of_their_keys() -> None:
    preview = preview_value([{"a": 1}, {"b": "x" * 500}])
    assert preview.columns == ["a", "b"]
    assert preview.rows[0] == ["1", ""]
    assert len(preview.rows[1][1]) == 200  # cells are cut


def test_text_json_binary_and_dataclasses() -> None:
    long_text = preview_value("z" * (MAX_TEXT + 5))
    assert long_text.kind == "text"
    assert len(long_text.text or "") == MAX_TEXT
    assert "first 20,000" in (long_text.note or "")
    assert preview_value({"k": [1, 2]}).text == '{\n  "k": [\n    1,\n    2\n  ]\n}'
    binary = preview_value(bytes(range(256)) * 10)
    assert binary.kind == "binary"
    assert (binary.text or "").startswith("00000000  00 01 02")
    assert binary.note == f"The first {MAX_BYTES} of 2,560 bytes."

    @dataclasses.dataclass
    class Point:
        x: int
        y: int

    assert preview_value(Point(1, 2)).text == '{\n  "x": 1,\n  "y": 2\n}'
    assert preview_value(object()).kind == "repr"


def test_sizes_read_as_people_read_them() -> None:
    assert [size_text(n) for n in (0, 1023, 1024, 5 * 1024**2, 3 * 1024**4)] == [
        "0 B", "1023 B", "1.0 KiB", "5.0 MiB", "3072.0 GiB"
    ]  # fmt: skip


def test_a_stored_artifact_is_loaded_through_the_client_and_previewed(history: History) -> None:
    image = history.completed.steps["load_image"].outputs["image"][0]
    preview = make_preview(image)
    assert preview.kind == "array"
    assert dict(preview.facts)["shape"] == "(32, 32)"
    assert preview.image is not None


def test_an_artifact_over_the_limit_is_not_loaded(history: History, monkeypatch: pytest.MonkeyPatch) -> None:
    image = history.completed.steps["load_image"].outputs["image"][0]

    def refuse(self: ArtifactView, *args: object, **kwargs: object) -> None:
        raise AssertionError("loaded an artifact over the limit")

    monkeypatch.setattr(ArtifactView, "load", refuse)
    preview = make_preview(image, limit=image.size - 1)
    assert preview.kind == "unavailable"
    assert "preview limit" in (preview.note or "")


def test_a_damaged_artifact_is_reported_not_raised(history: History, tmp_path: object) -> None:
    from dataclasses import replace

    record = history.completed.steps["make_rows"].outputs["rows"][0].record
    damaged = ArtifactView(replace(record, content_hash="crc32:00000000"), history.completed.stack)
    preview = make_preview(damaged)
    assert preview.kind == "unavailable"
    assert "ArtifactCorruptedError" in (preview.note or "")
