"""What every page controller shares: who is asking, in which language, the navigation,
rendering a template, and turning refusals and missing things into HTML pages.

Every page asks the roles policy on the server (`need`, or the services, which check
the unit of the object they load); hiding a link is only a convenience on top.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import quote

from litestar import Request
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from survey_engine.errors import AppError, NotFound, PermissionDenied
from survey_engine.services.policy import Action, Principal, Role, decide
from survey_engine.web import i18n
from survey_engine.text import Text
from survey_engine.services.policy import allowed_somewhere

LOGIN_PATH = "/logga-in"


class LoginRequired(Exception):
    """The page needs a logged-in user: answered with a redirect to the login page."""


# ---------------------------------------------------------------- navigation


@dataclass(frozen=True)
class NavItem:
    """A link of the main navigation, shown to principals who may do `action` (on some
    unit). Other features add theirs with `register_nav` (e.g. the plan pages)."""

    key: str
    href: str
    sv: str
    en: str
    action: Action | None = None
    roles: frozenset[Role] | None = None  # None: every role the action allows
    order: int = 100


NAV: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    """Add (or replace, by key) a link of the main navigation."""
    NAV[:] = [n for n in NAV if n.key != item.key] + [item]
    NAV.sort(key=lambda n: (n.order, n.key))


def _may(principal: Principal, action: Action) -> bool:
    return allowed_somewhere(principal, action)


def nav_for(principal: Principal | None) -> list[NavItem]:
    if principal is None:
        return []
    return [
        n for n in NAV
        if (n.roles is None or principal.role in n.roles) and (n.action is None or _may(principal, n.action))
    ]


register_nav(NavItem("mine", "/mina-enkater", "Mina enkäter", "My surveys", Action.RESPONSE_WRITE,
                     frozenset({Role.RESPONDENT}), 10))
register_nav(NavItem("analysis", "/analys", "Omgångar och resultat", "Rounds and results", Action.OVERVIEW_READ, None, 20))
register_nav(NavItem("trends", "/analys/trender", "Trender", "Trends", Action.OVERVIEW_READ, None, 30))
register_nav(NavItem("admin", "/admin", "Administration", "Administration", None,
                     frozenset({Role.ADMIN, Role.AUDITOR}), 60))
register_nav(NavItem("audit", "/granskning/logg", "Granskningslogg", "Audit log", Action.AUDIT_READ, None, 70))


# ---------------------------------------------------------------- requests


def principal_of(request: Request) -> Principal | None:
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def current(request: Request) -> Principal:
    """The logged-in principal, or a redirect to the login page."""
    principal = principal_of(request)
    if principal is None:
        raise LoginRequired()
    return principal


def need(request: Request, action: Action, unit: str | None = None, *, somewhere: bool = False) -> Principal:
    """The principal, once the policy allows `action` (on `unit`); 403 otherwise."""
    principal = current(request)
    allowed = _may(principal, action) if somewhere else decide(principal, action, unit).allowed
    if not allowed:
        raise PermissionDenied(Text("Du har inte behörighet att se eller göra detta.",
                               "You are not allowed to see or do this."))
    return principal


def lang_of(request: Request) -> str:
    return i18n.choose(request)[0]


def _lang_cookie(request: Request) -> list[Cookie]:
    lang, chosen = i18n.choose(request)
    if not chosen or request.cookies.get(i18n.COOKIE) == lang:
        return []
    return [Cookie(key=i18n.COOKIE, value=lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)]


def switch_url(request: Request, lang: str) -> str:
    """This page in the other language (keeps the other query parameters)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", lang))
    query = "&".join(f"{quote(k)}={quote(str(v))}" for k, v in params)
    return f"{request.url.path}?{query}"


def render(request: Request, template: str, status: int = 200, **context: Any) -> Template:
    lang = lang_of(request)
    principal = principal_of(request)
    other = "en" if lang == "sv" else "sv"
    ctx = {
        **i18n.helpers(lang),
        "user": principal,
        "nav": nav_for(principal),
        "path": request.url.path,
        "switch_href": switch_url(request, other),
        "switch_lang": other,
        "can": (lambda action, unit=None: bool(principal) and decide(principal, action, unit).allowed),
        "Action": Action,
        "ok_notice": request.query_params.get("ok", "")[:200],
        **context,
    }
    return Template(template_name=template, context=ctx, status_code=status, cookies=_lang_cookie(request))


def redirect(path: str, notice: str | None = None, background: BackgroundTask | None = None) -> Redirect:
    """303 See Other after a form post (the browser then GETs `path`); `background`
    runs after the redirect has been sent (web/mail_later.py)."""
    if notice:
        path += ("&" if "?" in path else "?") + "ok=" + quote(notice)
    return Redirect(path=path, status_code=303, background=background)


def form_list(form: Any, key: str) -> list[str]:
    getter = getattr(form, "getall", None)
    if getter is None:
        value = form.get(key)
        return [] if value is None else (value if isinstance(value, list) else [value])
    try:
        return [v for v in getter(key) if isinstance(v, str)]
    except KeyError:
        return []


def form_text(form: Any, key: str, default: str = "") -> str:
    values = form_list(form, key)
    return values[-1] if values else default


def service_message(exc: Exception, lang: str) -> str:
    """One sentence in the page's language from a service or auth error."""
    if isinstance(exc, AppError):
        return exc.text.get(lang)
    return str(exc)


def error_items(exc: AppError, lang: str) -> list[str]:
    out = []
    for err in exc.errors or []:
        where = err.get("question") or err.get("field") or ""
        line = f" (rad {err['line']})" if lang == "sv" and err.get("line") else (
            f" (line {err['line']})" if err.get("line") else "")
        message = err.get("message", "")
        if " / " in message:
            sv, _, en = message.partition(" / ")
            message = en if lang == "en" else sv
        out.append(f"{where}{line}: {message}" if where else message)
    return out


# ---------------------------------------------------------------- errors as pages


def _error_page(request: Request, status: int, title_sv: str, title_en: str, message: str) -> Response:
    try:
        return render(request, "error.html", status=status, title_sv=title_sv, title_en=title_en, message=message)
    except Exception:  # pragma: no cover - never hide the original error behind a template error
        return Response(message, status_code=status, media_type="text/plain")


def _login_redirect(request: Request, _exc: Exception) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return Redirect(path=f"{LOGIN_PATH}?next={quote(target)}", status_code=303)


def _forbidden(request: Request, exc: Exception) -> Response:
    lang = lang_of(request)
    message = exc.text.get(lang) if isinstance(exc, AppError) else i18n.translator(lang)(
        "Du har inte behörighet att se eller göra detta.", "You are not allowed to see or do this.")
    return _error_page(request, 403, "Ingen behörighet", "Not allowed", message)


def _not_found(request: Request, exc: Exception) -> Response:
    lang = lang_of(request)
    message = service_message(exc, lang) if isinstance(exc, AppError) else i18n.translator(lang)(
        "Sidan finns inte.", "There is no such page.")
    return _error_page(request, 404, "Hittades inte", "Not found", message)


def _service_error(request: Request, exc: AppError) -> Response:
    if isinstance(exc, PermissionDenied):
        return _forbidden(request, exc)
    if isinstance(exc, NotFound):
        return _not_found(request, exc)
    lang = lang_of(request)
    message = service_message(exc, lang)
    items = error_items(exc, lang)
    if items:
        message += " " + "; ".join(items)
    return _error_page(request, exc.status_code, "Det gick inte", "That did not work", message)


# Machine addresses keep their JSON errors; everything else a browser asks for (Accept:
# text/html) gets a page in the site's layout (docs/web-pages.md, "Error pages").
_MACHINE_PREFIXES = ("/api/", "/api", "/schema", "/health", "/static/")

_PAGE_TEXTS = {
    401: ("Logga in", "Log in", "Du behöver logga in för att se sidan.", "You need to log in to see this page."),
    403: ("Ingen behörighet", "Not allowed", "Du har inte behörighet att se eller göra detta.",
          "You are not allowed to see or do this."),
    404: ("Hittades inte", "Not found", "Sidan finns inte. Kontrollera adressen eller gå till startsidan.",
          "There is no such page. Check the address or go to the start page."),
    405: ("Det gick inte", "That did not work", "Sidan kan inte användas på det sättet (fel metod).",
          "This page cannot be used that way (wrong method)."),
    413: ("För stort", "Too large", "Det som skickades är för stort.", "What was sent is too large."),
    429: ("För många försök", "Too many attempts", "För många försök. Vänta en stund och försök igen.",
          "Too many attempts. Wait a while and try again."),
    500: ("Något gick fel", "Something went wrong", "Ett oväntat fel inträffade; det är loggat. Försök igen om en stund.",
          "An unexpected error occurred; it is logged. Try again in a while."),
}


def wants_page(request: Request) -> bool:
    path = request.url.path
    if path == "/api" or any(path.startswith(p) for p in _MACHINE_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def page_aware(json_handler):
    """An app-wide exception handler that answers browsers with an HTML page in Swedish
    (or English) and everyone else (the API, scripts) with `json_handler`'s JSON."""

    def handler(request: Request, exc: Exception) -> Response:
        response = json_handler(request, exc)
        if not wants_page(request):
            return response
        status = response.status_code
        sv_title, en_title, sv_text, en_text = _PAGE_TEXTS.get(
            status, ("Det gick inte", "That did not work", "Begäran kunde inte utföras.", "The request could not be done."))
        lang = lang_of(request)
        message = en_text if lang == "en" else sv_text
        if isinstance(exc, AppError) and status < 500:
            message = service_message(exc, lang)
        return _error_page(request, status, sv_title, en_title, message)

    return handler


EXCEPTION_HANDLERS = {
    LoginRequired: _login_redirect,
    NotAuthorizedException: _login_redirect,
    PermissionDeniedException: _forbidden,
    NotFoundException: _not_found,
    NotFound: _not_found,
    AppError: _service_error,
}


def codes(items: Iterable[dict[str, Any]], key: str = "code") -> list[str]:
    return [str(i[key]) for i in items]
