"""The materializer for pydantic models; imported (with pydantic) only when a model type is first looked up.

ZenML's module path (``zenml.materializers.pydantic_materializer``). Core
registers :class:`PydanticMaterializer` for ``"pydantic:BaseModel"`` by
reference, so pydantic is imported only once the user's code has, and a
model reaches a step. A model is stored as its JSON (``model_dump_json()``,
``data.json``) and loaded with ``model_validate_json()`` as the recorded
model class, which must be a class this process knows (see the trust rule).
A model that would not come back equal from its JSON (an excluded field, a
tuple in an ``Any`` field, a NaN the JSON settings turn into ``null``) is
refused when saved rather than stored lossily.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from zenml.materializers.base import BaseMaterializer, MaterializerError

JSON_FILE = "data.json"


class PydanticMaterializer(BaseMaterializer):
    """Any ``pydantic.BaseModel`` as JSON (pydantic 2's ``model_dump_json``/``model_validate_json``)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (BaseModel,)
    VERSION: ClassVar[int] = 1

    def save(self, data: Any) -> None:
        if not isinstance(data, BaseModel):
            raise MaterializerError(f"PydanticMaterializer saves pydantic models, not {type(data).__name__}")
        kind = type(data)
        text = data.model_dump_json()
        try:
            same = kind.model_validate_json(text) == data
        except ValidationError as error:
            same, detail = False, f": {error.error_count()} validation error(s), first: {error.errors()[0]['msg']}"
        else:
            detail = ""
        if not same:
            raise MaterializerError(
                f"a {kind.__qualname__} would not come back equal from its JSON{detail}; "
                "make its fields round-trip through model_dump_json()/model_validate_json(), or give the output "
                "a materializer of your own"
            )
        with self.artifact_store.open(self.path(JSON_FILE), "wb") as handle:
            handle.write(text.encode("utf-8"))

    def load(self, data_type: type[Any]) -> Any:
        if not (isinstance(data_type, type) and issubclass(data_type, BaseModel)) or data_type is BaseModel:
            raise MaterializerError(
                f"artifact {self.uri!r} holds a pydantic model; load it as its model class "
                "(`.load(data_type=MyModel)`), not as pydantic.BaseModel"
            )
        with self.artifact_store.open(self.path(JSON_FILE), "rb") as handle:
            raw = handle.read()
        try:
            return data_type.model_validate_json(raw)
        except ValidationError as error:
            raise MaterializerError(
                f"artifact {self.uri!r} does not validate as {data_type.__qualname__}: {error}"
            ) from error
