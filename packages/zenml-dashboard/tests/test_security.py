"""Access rules over real HTTP: read-only, loopback names only, and the token when there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from zenml.integrations.dashboard.app import Settings, create_app
from zenml.integrations.dashboard.security import COOKIE, choose_access, is_loopback
from zenml.integrations.dashboard.server import DashboardServer, PortInUseError, bind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import History

TOKEN = "t" * 10 + "0123456789abcdef"


@pytest.fixture
def guarded(history: History, stack_of: Any) -> Iterator[DashboardServer]:
    """A server that requires ``TOKEN`` and answers any Host name (as on a non-loopback address)."""
    app = create_app(stack_of(history), Settings(token=TOKEN, loopback_only=False))
    with DashboardServer(app, "127.0.0.1", 0) as server:
        yield server


def test_loopback_needs_no_token_and_anything_else_gets_one() -> None:
    assert [is_loopback(host) for host in ("127.0.0.1", "127.5.0.1", "localhost", "::1", "[::1]")] == [True] * 5
    assert [is_loopback(host) for host in ("0.0.0.0", "::", "192.0.2.7", "example.org", "")] == [False] * 5
    assert choose_access("127.0.0.1", None) == choose_access("localhost", None)
    assert choose_access("127.0.0.1", None).token is None
    generated = choose_access("0.0.0.0", None)
    assert generated.generated
    assert not generated.loopback_only
    assert len(generated.token or "") >= 32
    assert choose_access("0.0.0.0", None).token != generated.token
    assert choose_access("0.0.0.0", TOKEN).token == TOKEN
    assert not choose_access("0.0.0.0", TOKEN).generated
    with pytest.raises(ValueError, match="at least 16 characters"):
        choose_access("0.0.0.0", "short")


def test_only_reads_are_answered(get: Any) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        answer = get("/runs", method=method)
        assert (answer.status, answer.headers["allow"]) == (405, "GET, HEAD"), method
    assert get("/runs", method="HEAD").status == 200


def test_a_loopback_server_refuses_other_host_names(get: Any, dashboard: DashboardServer) -> None:
    assert get("/runs", headers={"Host": "attacker.example"}).status == 421  # DNS rebinding
    assert get("/runs", headers={"Host": f"localhost:{dashboard.port}"}).status == 200
    assert get("/runs", headers={"Host": f"[::1]:{dashboard.port}"}).status == 200


def test_every_answer_carries_the_security_headers(get: Any) -> None:
    for path in ("/runs", "/static/dashboard.js", "/nothing", "/runs?status=bad"):
        headers = get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert (headers["x-content-type-options"], headers["x-frame-options"]) == ("nosniff", "DENY")
        assert headers["referrer-policy"] == "no-referrer"


def test_with_a_token_every_request_needs_it(guarded: DashboardServer, http: Any) -> None:
    refused = http(guarded.url + "/runs")
    assert refused.status == 401
    assert "?token=" in refused.body
    assert http(guarded.url + "/static/dashboard.css").status == 401
    assert http(guarded.url + "/runs?token=wrong-token-of-some-length").status == 401
    assert http(guarded.url + "/runs", headers={"Authorization": f"Bearer {TOKEN}x"}).status == 401
    assert http(guarded.url + "/runs", headers={"Authorization": f"Bearer {TOKEN}"}).status == 200
    assert http(guarded.url + "/runs", headers={"Cookie": f"{COOKIE}={TOKEN}"}).status == 200
    assert http(guarded.url + "/runs", headers={"Host": "dashboard.example"}).status == 401  # any host, but a token


def test_the_token_in_the_url_becomes_a_cookie_and_leaves_the_address_bar(guarded: DashboardServer, http: Any) -> None:
    answer = http(guarded.url + f"/runs?pipeline=showcase&token={TOKEN}")
    assert answer.status == 303
    assert answer.headers["location"] == "/runs?pipeline=showcase"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={TOKEN};")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert http(guarded.url + answer.headers["location"], headers={"Cookie": cookie.split(";")[0]}).status == 200


def test_a_taken_port_is_a_clear_error(dashboard: DashboardServer) -> None:
    with pytest.raises(PortInUseError, match=f"port {dashboard.port} on 127.0.0.1 is in use.*--port 0"):
        bind("127.0.0.1", dashboard.port)
