"""TOML reading for the stack config: :mod:`tomllib` on Python 3.11+, ``tomli`` on 3.10."""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

TOMLDecodeError = tomllib.TOMLDecodeError


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text; :class:`TOMLDecodeError` (with line and column) if it is invalid."""
    data: dict[str, Any] = tomllib.loads(text)
    return data
