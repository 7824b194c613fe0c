"""``Page``: one page of a list (ZenML's ``zenml.models.Page``): ``items``, ``index``, ``max_size``, ``total``,
``total_pages``; iterable, indexable and sized like its items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterator

T = TypeVar("T")


class Page(Generic[T]):
    """Items ``(index - 1) * max_size`` onwards of ``total`` matches."""

    def __init__(self, items: list[T], *, index: int, max_size: int, total: int) -> None:
        self.items = items
        self.index = index
        self.max_size = max_size
        self.total = total

    @property
    def total_pages(self) -> int:
        return -(-self.total // self.max_size) if self.total else 0

    @property
    def size(self) -> int:
        return len(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __contains__(self, item: object) -> bool:
        return item in self.items

    def __repr__(self) -> str:
        return f"Page(index={self.index}, max_size={self.max_size}, total={self.total}, items={len(self.items)})"
