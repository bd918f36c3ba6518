"""Security headers on every response (docs/security.md, "Headers").

- Content-Security-Policy: scripts only from this site's own files (no inline script,
  no eval, no other host), nothing may frame the pages, forms post only here. Inline
  style attributes stay allowed (a progress bar's width), scripts never.
- X-Frame-Options DENY for browsers without CSP frame-ancestors; nosniff;
  Referrer-Policy same-origin (URLs carry round and response ids).
- Cache-Control: no-store on everything but /static/: pages and API answers hold
  answers, scores and names, which must not stay in shared or browser caches.
- Strict-Transport-Security when the request came over HTTPS (directly, or through a
  trusted proxy that said so: the scheme uvicorn puts in the scope).
"""
from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import Message, Scope

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"

_ALWAYS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook of the app: it sees every response, those of unknown paths
    and of middleware that answer early (401, 403) included."""
    if message["type"] != "http.response.start" or scope.get("type") != ScopeType.HTTP:
        return
    static = scope.get("path", "").startswith("/static/")
    headers = list(message.get("headers") or [])
    present = {k.lower() for k, _ in headers}
    extra = [(k, v) for k, v in _ALWAYS if k not in present]
    if not static:
        headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
        extra.append((b"cache-control", b"no-store"))
    if scope.get("scheme") == "https":
        extra.append((b"strict-transport-security", HSTS.encode()))
    message["headers"] = headers + extra
