"""pydantic models as their JSON, loaded with model_validate_json; lossy models refused; pydantic imported lazily."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pydantic = pytest.importorskip("pydantic")

from zenml.artifact_stores.local import LocalArtifactStore  # noqa: E402
from zenml.artifacts import load_artifact, save_artifact  # noqa: E402
from zenml.materializers.base import MaterializerError  # noqa: E402
from zenml.materializers.pydantic_materializer import PydanticMaterializer  # noqa: E402
from zenml.materializers.registry import materializer_registry  # noqa: E402


class Inner(pydantic.BaseModel):
    tags: list[str]
    weight: float | None = None


class Config(pydantic.BaseModel):
    name: str
    when: dt.datetime
    inner: Inner
    ratios: dict[str, float]


class Lossy(pydantic.BaseModel):
    anything: Any


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("test", path=str(tmp_path))


def test_model_round_trips_as_its_json(store: LocalArtifactStore) -> None:
    config = Config(name="x", when=dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc), inner=Inner(tags=["a"]),
                    ratios={"a": 0.1})  # fmt: skip
    info = save_artifact(config, store=store, uri="c", materializer_cls=PydanticMaterializer)
    assert (Path(store.root) / "c" / "data.json").read_text() == config.model_dump_json()
    loaded = load_artifact(store=store, uri="c", materializer_cls=PydanticMaterializer, data_type=Config,
                           materializer_version=1, content_hash=info.content_hash)  # fmt: skip
    assert loaded == config
    assert type(loaded) is Config


def test_a_model_that_would_not_come_back_equal_is_refused(store: LocalArtifactStore) -> None:
    with pytest.raises(MaterializerError, match="would not come back equal"):
        save_artifact(Lossy(anything=(1, 2)), store=store, uri="l", materializer_cls=PydanticMaterializer)


def test_loading_as_the_base_class_asks_for_the_model_class(store: LocalArtifactStore) -> None:
    save_artifact(Inner(tags=[]), store=store, uri="i", materializer_cls=PydanticMaterializer)
    with pytest.raises(MaterializerError, match="load it as its model class"):
        load_artifact(store=store, uri="i", materializer_cls=PydanticMaterializer, data_type=pydantic.BaseModel,
                      materializer_version=1)  # fmt: skip


def test_registered_for_every_model() -> None:
    assert materializer_registry.get(Config) is PydanticMaterializer


def test_pydantic_is_imported_only_when_a_model_type_is_seen() -> None:
    code = textwrap.dedent(
        """
        import sys
        from zenml.materializers.registry import materializer_registry as r
        r.get(int); r.get(dict)
        assert "pydantic" not in sys.modules and "zenml.materializers.pydantic_materializer" not in sys.modules
        import pydantic
        class M(pydantic.BaseModel):
            a: int
        print(r.get(M).__name__)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PydanticMaterializer"
