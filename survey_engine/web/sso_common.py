"""What the single sign-on pages and API routes share: the short-lived cookie that
binds a login to the browser that started it, and the callback address
(docs/security.md, "Inloggning med OpenID Connect")."""
from __future__ import annotations

from litestar import Request
from litestar.datastructures import Cookie

from survey_engine.services.oidc import CHALLENGE_LIFETIME

SSO_COOKIE = "se_sso"
CALLBACK_PATH = "/sso/callback"


def callback_url(request: Request) -> str:
    """Where the provider sends the person back: this site's /sso/callback (behind a
    proxy, uvicorn's forwarded headers give the public scheme and host)."""
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def flow_cookie(value: str, secure: bool) -> Cookie:
    # SameSite=Lax: sent on the provider's top-level redirect back to us, not on a
    # cross-site POST; HttpOnly; gone after the challenge's lifetime.
    return Cookie(key=SSO_COOKIE, value=value, max_age=int(CHALLENGE_LIFETIME.total_seconds()), path="/",
                  httponly=True, samesite="lax", secure=secure)


def clear_flow_cookie(secure: bool) -> Cookie:
    return Cookie(key=SSO_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax", secure=secure)


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"
