"""Litestar pieces that put the auth layer in front of the API; wiring them into
`create_app()` is a few lines (see docs/security.md, "Wiring"):

    from survey_engine.web import security as auth_web

    Litestar(
        ...,
        stores=auth_web.session_stores(),
        middleware=[auth_web.session_config(secure=...).middleware, auth_web.PrincipalMiddleware()],
        exception_handlers={**EXCEPTION_HANDLERS, **auth_web.EXCEPTION_HANDLERS},
    )

and on each route `guards=[auth_web.requires(Action.X, unit_param="unit")]` (or
`opt={"public": True}` for the few open routes).

The middleware turns a bearer token or a session cookie into a `Principal` at
`request.user` (None when anonymous), checks the CSRF header on state-changing
requests that ride on a session cookie, and ends sessions of disabled users.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from litestar.connection import ASGIConnection
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import ASGIApp, Empty, Receive, Scope, Send

from survey_engine.errors import InvalidCredentials
from survey_engine.services.policy import Action, Principal, allowed_somewhere, decide
from survey_engine.web.session_store import DatabaseStore
from survey_engine.text import Text
from survey_engine.services import principals
from survey_engine.services import users as service
from survey_engine import clock

SESSION_COOKIE = "se_session"
SESSION_STORE = "sessions"
SESSION_USER_KEY = "uid"
SESSION_CSRF_KEY = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_ROTATE_KEY = "_rotate"  # set by start_session: give the session a new id when stored
_NEW_ID_SCOPE_KEY = "survey_engine.new_session_id"


# ---------------------------------------------------------------- sessions


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend keeps the id of the cookie it was sent. At login
    that would let someone who planted a session cookie in a victim's browser share the
    victim's session afterwards (session fixation), so a login stores the session under
    a fresh id and deletes the old one."""

    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.scope.get(_NEW_ID_SCOPE_KEY) or super().get_session_id(connection)  # type: ignore[return-value]

    async def store_in_message(self, scope_session, message, connection) -> None:
        if (scope_session is Empty or scope_session == {}) and not connection.cookies.get(self.config.key):
            # No session came in and none was made (a bearer-token request, a health
            # probe): there is nothing to store or delete. Litestar would still write
            # to the session table and set a null cookie on every such request.
            return
        if isinstance(scope_session, dict) and scope_session.pop(_ROTATE_KEY, False):
            old = connection.cookies.get(self.config.key)
            if old and old != "null":
                await self.delete(old, store=self.config.get_store_from_app(connection.scope["app"]))
            connection.scope[_NEW_ID_SCOPE_KEY] = self.generate_session_id()  # type: ignore[literal-required]
        await super().store_in_message(scope_session, message, connection)


@dataclass
class DatabaseSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend  # type: ignore[assignment]


def session_config(*, secure: bool, max_age: int = int(service.SESSION_IDLE.total_seconds())) -> DatabaseSessionConfig:
    """Session cookies: HttpOnly, SameSite=Lax, Secure when served over HTTPS (set
    `secure=False` only for local development over plain HTTP). `max_age` is the idle
    timeout: each request renews it; PrincipalMiddleware ends a session after
    SESSION_ABSOLUTE whatever the activity."""
    return DatabaseSessionConfig(
        key=SESSION_COOKIE, max_age=max_age, secure=secure, httponly=True, samesite="lax", store=SESSION_STORE,
        renew_on_access=True,
    )


def session_stores() -> dict[str, DatabaseStore]:
    """The app's store registry entry that the session middleware looks up by name."""
    return {SESSION_STORE: DatabaseStore(SESSION_STORE)}


def start_session(connection: ASGIConnection, principal: Principal) -> str:
    """Log `principal` in on this connection: a new session (new id) holding the user's
    id and a fresh CSRF token, which is returned for the client to send back in the
    X-CSRF-Token header of every state-changing request."""
    csrf = secrets.token_urlsafe(32)
    connection.set_session(
        {
            SESSION_USER_KEY: principal.user_id,
            SESSION_CSRF_KEY: csrf,
            "since": clock.now().isoformat(),
            _ROTATE_KEY: True,
        }
    )
    return csrf


def end_session(connection: ASGIConnection) -> None:
    """Log out: the session is deleted from the store and the cookie cleared."""
    connection.clear_session()


def client_address(connection: ASGIConnection, trust_forwarded: bool = False) -> str | None:
    """The client's address for login throttling. Behind a reverse proxy that sets
    X-Forwarded-For, pass trust_forwarded=True (and only then: otherwise anyone could
    pick their own address and escape the per-address limit)."""
    if trust_forwarded:
        forwarded = connection.headers.get("x-forwarded-for", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first[:64]
    return connection.client.host if connection.client else None


def cross_site(connection: ASGIConnection) -> bool:
    """True when the request names an Origin (or, without one, a Referer) of another
    host than the one it was sent to. Browsers send Origin on every cross-site POST;
    scripts and command-line clients usually send neither, and are not refused."""
    from urllib.parse import urlsplit

    origin = connection.headers.get("origin") or connection.headers.get("referer")
    if not origin:
        return False
    if origin == "null":  # sandboxed frames, file: pages, some redirects
        return True
    host = (connection.headers.get("host") or "").lower()
    return urlsplit(origin).netloc.lower() != host


# ---------------------------------------------------------------- middleware


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: Iterable[tuple[str, str]] = ()) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                *((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})


def _since(session: dict) -> dt.datetime | None:
    try:
        since = dt.datetime.fromisoformat(str(session.get("since")))
    except ValueError:
        return None
    return since if since.tzinfo else since.replace(tzinfo=dt.timezone.utc)


class PrincipalMiddleware(ASGIMiddleware):
    """Sets scope["user"] (a Principal or None) and scope["auth"] ("token", "session"
    or None). Install it after (inside) the session middleware.

    - `Authorization: Bearer <token>`: the token decides; a bad token is a 401 at once.
    - else a session with a user id: the user is loaded afresh (disabled users are
      logged out), and a state-changing request on a path matching `csrf_paths` must
      carry the session's CSRF token in X-CSRF-Token, else 403. Pages with HTML forms
      outside those paths use Litestar's CSRFConfig instead.
    """

    scopes = (ScopeType.HTTP,)

    def __init__(self, csrf_paths: str = r"^/api/") -> None:
        self.csrf_paths = re.compile(csrf_paths)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = None
        headers = Headers.from_scope(scope)
        authorization = headers.get("authorization")
        if authorization:
            scheme, _, value = authorization.partition(" ")
            try:
                if scheme.lower() != "bearer":
                    raise InvalidCredentials(Text("Okänt sätt att logga in; använd Bearer.", "Unknown scheme; use Bearer."))
                principal = await principals.for_token(value)
            except InvalidCredentials as exc:
                await _send_json(
                    send, 401, {"detail": str(exc), "code": exc.code},
                    [("www-authenticate", 'Bearer error="invalid_token"')],
                )
                return
            scope["user"], scope["auth"] = principal, "token"
            await next_app(scope, receive, send)
            return

        session = scope.get("session")
        user_id = session.get(SESSION_USER_KEY) if isinstance(session, dict) else None
        if isinstance(user_id, int):
            principal = await principals.for_session(user_id, _since(session))
            if principal is None:
                scope["session"] = Empty  # the user was disabled: end the session
            else:
                if scope["method"] not in SAFE_METHODS and self.csrf_paths.search(scope["path"]):
                    expected = str(session.get(SESSION_CSRF_KEY) or "")
                    given = headers.get(CSRF_HEADER, "")
                    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
                        await _send_json(
                            send, 403,
                            {
                                "detail": "CSRF-token saknas eller är fel; skicka X-CSRF-Token från inloggningen. / "
                                "CSRF token missing or wrong; send the X-CSRF-Token given at login.",
                                "code": "csrf",
                            },
                        )
                        return
                scope["user"], scope["auth"] = principal, "session"
        await next_app(scope, receive, send)


# ---------------------------------------------------------------- guards


def current_principal(connection: ASGIConnection) -> Principal:
    """The principal of this request, or a 401 for an anonymous one."""
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException(detail="Logga in först. / Log in first.")
    return principal


def requires(
    action: Action | str, unit_param: str | None = None, unit_from_object: bool = False
) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    """A route guard: 401 when anonymous, 403 unless the policy allows `action`.

    - `unit_param="code"`: the unit is the path (or else query) parameter of that name.
    - `unit_from_object=True`: the unit is only known once the service has loaded the
      object (a response by id, a new response's unit in the body). The guard lets
      through anyone who may do `action` on some unit, and the service must call
      `roles.require(principal, action, unit)` when it knows the unit; list routes
      filter with `roles.visible_units`.
    - neither: the action is not about one unit (or the role must hold it everywhere).
    """
    action = Action(action)
    if unit_param is not None and unit_from_object:
        raise ValueError("give unit_param or unit_from_object, not both")

    # async, though it awaits nothing: Litestar runs a plain function guard in a worker
    # thread, a thread hop on every request (28 % of an autosave's time; docs/benchmarks.md).
    async def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        principal = current_principal(connection)
        if unit_from_object:
            allowed = allowed_somewhere(principal, action)
        else:
            unit = None
            if unit_param is not None:
                unit = connection.path_params.get(unit_param) or connection.query_params.get(unit_param)
            allowed = decide(principal, action, unit).allowed
        if not allowed:
            raise PermissionDeniedException(detail="Du har inte behörighet att göra detta. / You are not allowed to do this.")

    guard.action = action  # type: ignore[attr-defined]  # read by route_decisions()
    guard.unit_param = unit_param  # type: ignore[attr-defined]
    guard.unit_from_object = unit_from_object  # type: ignore[attr-defined]
    return guard


def route_decisions(app, public_paths: str = r"^/schema(/|$)") -> dict[tuple[str, str], Action | str | None]:
    """For each (path, method) of `app`: the Action its `requires` guard checks,
    "public" for handlers marked `opt={"public": True}`, for paths matching
    `public_paths` (the OpenAPI documents) and for Litestar's automatic OPTIONS
    handlers, or None for a route with no decision at all. The API's permission-matrix
    test asserts there is no None, so a new route without a decision fails it."""
    public = re.compile(public_paths)
    result: dict[tuple[str, str], Action | str | None] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            methods = sorted(getattr(handler, "http_methods", None) or {"WS"})
            decision: Action | str | None = None
            for layer in handler.ownership_layers:
                for guard in getattr(layer, "guards", None) or []:
                    if getattr(guard, "action", None) is not None:
                        decision = guard.action
            automatic_options = methods == ["OPTIONS"] and handler.handler_name == "options_handler"
            if decision is None and (handler.opt.get("public") or public.search(route.path) or automatic_options):
                decision = "public"
            for method in methods:
                result[(route.path, method)] = decision
    return result


# ---------------------------------------------------------------- OpenAPI


def openapi_security() -> tuple[dict, list[dict[str, list[str]]]]:
    """(components, security) for OpenAPIConfig, so that the document says how to
    authenticate (schemathesis and generated clients read it):

        components, security = auth_web.openapi_security()
        OpenAPIConfig(..., components=Components(security_schemes=components), security=security)
    """
    from litestar.openapi.spec import SecurityScheme

    components = {
        "BearerToken": SecurityScheme(
            type="http", scheme="bearer", bearer_format="se_…",
            description="API-token från `survey-engine token create` / API token from `survey-engine token create`",
        ),
        "SessionCookie": SecurityScheme(
            type="apiKey", name=SESSION_COOKIE, security_scheme_in="cookie",
            description="Inloggad session; ändringar kräver X-CSRF-Token / logged-in session; changes need X-CSRF-Token",
        ),
    }
    return components, [{"BearerToken": []}, {"SessionCookie": []}]
