"""Fixtures for zenml-gcp tests: a real GCS emulator on 127.0.0.1, a fresh bucket per test, a fault proxy."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp.testing import FaultProxy, GCSEmulator

if TYPE_CHECKING:
    from collections.abc import Iterator

EMULATOR_ENV = "STORAGE_EMULATOR_HOST"


@pytest.fixture(scope="session")
def gcs_emulator() -> Iterator[GCSEmulator]:
    """One in-memory emulator process for the whole session."""
    with GCSEmulator() as emulator:
        yield emulator


@pytest.fixture
def gcs_bucket(gcs_emulator: GCSEmulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty bucket; ``STORAGE_EMULATOR_HOST`` points at the emulator."""
    name = f"zen-{uuid.uuid4().hex[:12]}"
    gcs_emulator.create_bucket(name)
    monkeypatch.setenv(EMULATOR_ENV, gcs_emulator.endpoint)
    return name


@pytest.fixture
def fault_proxy(gcs_emulator: GCSEmulator, gcs_bucket: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of the emulator; ``STORAGE_EMULATOR_HOST`` points at the proxy."""
    with FaultProxy(gcs_emulator.endpoint) as proxy:
        monkeypatch.setenv(EMULATOR_ENV, proxy.endpoint)
        yield proxy
