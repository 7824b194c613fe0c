"""Fixtures for the release tests: a fresh pypiserver per module and one PyPI-without-zenml proxy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.release.servers import Index, start_index, start_pypi_without_zenml

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """A fresh, empty pypiserver on 127.0.0.1 for the test module; uploads need its password."""
    yield from start_index(tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def pypi_without_zenml() -> Iterator[str]:
    """The URL of a simple index that serves PyPI's projects, except every ``zenml*`` one."""
    yield from start_pypi_without_zenml()
