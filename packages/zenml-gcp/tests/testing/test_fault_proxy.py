"""The fault proxy itself: it forwards, injects each kind of fault, and counts rules down."""

from __future__ import annotations

import http.client
import json

import pytest

from zenml.integrations.gcp.testing import FaultProxy, GCSEmulator


def _get(endpoint: str, path: str) -> int:
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_rules_fire_the_given_number_of_times(gcs_emulator: GCSEmulator) -> None:
    with FaultProxy(gcs_emulator.endpoint) as proxy:
        proxy.add("503", path="/storage/v1/b", times=2)
        assert [_get(proxy.endpoint, "/storage/v1/b?project=p") for _ in range(3)] == [503, 503, 200]
        proxy.add("drop", times=1)
        with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
            _get(proxy.endpoint, "/")
        assert _get(proxy.endpoint, "/") == 200
        assert [outcome for _, _, outcome in proxy.log] == ["503", "503", "forwarded", "drop", "forwarded"]


def test_only_loopback_upstreams_and_known_faults() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FaultProxy("http://example.com:80")
    proxy = FaultProxy("http://127.0.0.1:1")
    with pytest.raises(ValueError, match="unknown fault"):
        proxy.add("explode")


def test_emulator_creates_buckets(gcs_emulator: GCSEmulator) -> None:
    gcs_emulator.create_bucket("listed-bucket")
    host, port = gcs_emulator.endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/storage/v1/b?project=p")
    names = [item["name"] for item in json.loads(connection.getresponse().read())["items"]]
    connection.close()
    assert "listed-bucket" in names
