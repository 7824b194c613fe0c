"""Who may talk to the dashboard, and what every response says about itself.

- Read-only: only ``GET`` and ``HEAD`` are answered; anything else is ``405``.
- On a loopback address with no token, only requests whose ``Host`` is a loopback name are
  answered (a web page elsewhere cannot reach the dashboard by DNS rebinding).
- With a token (required for any other address), every request must carry it: the
  ``Authorization: Bearer`` header, the cookie set on the first visit, or ``?token=`` in the
  URL printed at start-up (answered with a redirect that sets the cookie and drops the token
  from the address bar).
- Every response forbids framing, sniffing and referrers, and pages get a content security
  policy that allows no inline script and nothing from elsewhere.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "zenml_dashboard_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback interface."""
    if host.strip("[]").lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A fresh random access token (192 bits, URL-safe)."""
    return secrets.token_urlsafe(24)


MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class Access:
    """The access rules for one server: the token to require (or none), whether only loopback ``Host``
    names are answered, and whether the token was generated here (then it is printed once)."""

    token: str | None
    loopback_only: bool
    generated: bool = False


def choose_access(host: str, token: str | None) -> Access:
    """The rules for a server on ``host``: a loopback address needs no token unless one is given; any
    other address requires one, generated when none is given. A given token must be long enough."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"an access token needs at least {MIN_TOKEN_LENGTH} characters (leave it out to get one)")
    if is_loopback(host):
        return Access(token=token, loopback_only=True)
    if token is None:
        return Access(token=new_token(), loopback_only=False, generated=True)
    return Access(token=token, loopback_only=False)


def _host_name(header: str) -> str:
    """The name part of a ``Host`` header (``[::1]:8237`` -> ``::1``)."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class AccessControl:
    """ASGI middleware enforcing the rules of this module around the dashboard's app."""

    def __init__(self, app: ASGIApp, *, token: str | None, loopback_only: bool) -> None:
        self.app = app
        self.token = token
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send_with_headers, 405, "The dashboard is read-only.", [(b"allow", b"GET, HEAD")])
            return
        if self.loopback_only and not is_loopback(_host_name(headers.get("host", ""))):
            await _plain(send_with_headers, 421, "This dashboard answers only to localhost and 127.0.0.1.")
            return
        if self.token is not None:
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            given = dict(query).get("token")
            if given is not None and self._valid(given):
                await self._redirect_without_token(scope, query, send_with_headers)
                return
            if not self._valid(_bearer(headers) or _cookie(headers) or ""):
                await _plain(send_with_headers, 401, "This dashboard needs its access token: open the URL that "
                             "`zenml dashboard` printed (it ends in ?token=...).")  # fmt: skip
                return
        await self.app(scope, receive, send_with_headers)

    def _valid(self, candidate: str) -> bool:
        assert self.token is not None
        return hmac.compare_digest(candidate.encode(), self.token.encode())

    async def _redirect_without_token(self, scope: Scope, query: list[tuple[str, str]], send: Send) -> None:
        rest = urlencode([(key, value) for key, value in query if key != "token"])
        location = (scope.get("root_path", "") + scope["path"]) + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        await _plain(send, 303, "Signed in.", [(b"location", location.encode()), (b"set-cookie", cookie.encode())])


def _bearer(headers: dict[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _cookie(headers: dict[str, str]) -> str | None:
    from http.cookies import CookieError, SimpleCookie

    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except CookieError:
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel is not None else None


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (text + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *(extra or [])]})
    await send({"type": "http.response.body", "body": body})
