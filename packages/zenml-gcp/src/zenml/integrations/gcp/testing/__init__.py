"""Test helpers for code that talks to GCS: a local emulator and a fault-injecting proxy.

Both run on 127.0.0.1 only. Importing this package imports nothing from Google Cloud.
"""

from __future__ import annotations

from zenml.integrations.gcp.testing.emulator import GCSEmulator, free_port
from zenml.integrations.gcp.testing.fault_proxy import FaultProxy

__all__ = ["FaultProxy", "GCSEmulator", "free_port"]
