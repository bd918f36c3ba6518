"""/konto: one's own account (change the password); docs/security.md, "Lösenord"."""
from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Response, Template

from survey_engine.errors import AppError, LoginThrottled
from survey_engine.services import account, mfa
from survey_engine.services import users as user_service
from survey_engine.services.passwords import MIN_LENGTH
from survey_engine.services.policy import Action
from survey_engine.web import security as auth_web
from survey_engine.web.ui.common import form_text, lang_of, need, redirect, render


async def _page(request: Request, status: int = 200, error: str = "") -> Template:
    principal = need(request, Action.ACCOUNT_MANAGE_OWN)
    info = await user_service.get_user(principal.username)
    return render(request, "account.html", status=status, error=error, info=info, min_length=MIN_LENGTH,
                  has_password=await account.has_password(principal.username),
                  mfa_on=await mfa.enabled(principal.user_id), mfa_required=mfa.required_for(principal.role))


@get("/konto", name="ui.account")
async def account_page(request: Request) -> Template:
    return await _page(request)


@post("/konto/losenord", name="ui.account.password")
async def change_password(request: Request) -> Response:
    principal = need(request, Action.ACCOUNT_MANAGE_OWN)
    form = await request.form()
    lang = lang_of(request)
    current_password = form_text(form, "current_password")
    new_password = form_text(form, "new_password")
    repeated = form_text(form, "new_password_again")
    if not current_password or not new_password:
        return await _page(request, 422, "Fyll i nuvarande och nytt lösenord." if lang == "sv"
                           else "Fill in the current and the new password.")
    if new_password != repeated:
        return await _page(request, 422, "De två nya lösenorden är inte lika." if lang == "sv"
                           else "The two new passwords differ.")
    try:
        await account.change_own_password(principal, current_password, new_password, auth_web.client_address(request))
    except LoginThrottled as exc:
        response = await _page(request, 429, exc.text.get(lang))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AppError as exc:
        return await _page(request, 401 if exc.code == "invalid_credentials" else 422, exc.text.get(lang))
    # Every session of the account ended; this browser goes on in a new one.
    auth_web.start_session(request, principal)
    return redirect("/konto", "Lösenordet är bytt. Andra inloggningar har avslutats." if lang == "sv"
                    else "Password changed. Other sessions have been ended.")


@post("/konto/e-postsprak", name="ui.account.email_language")
async def email_language(request: Request) -> Response:
    """The language of one's own e-mails (docs/sign-off.md, "The approvers' notice")."""
    principal = need(request, Action.ACCOUNT_MANAGE_OWN)
    form = await request.form()
    lang = lang_of(request)
    try:
        await user_service.set_language(principal, principal.username, form_text(form, "language")[:20])
    except AppError as exc:
        return await _page(request, 422, exc.text.get(lang))
    return redirect("/konto", "E-postspråket är sparat." if lang == "sv" else "E-mail language saved.")


@post("/konto/logga-ut-overallt", name="ui.account.logout_everywhere")
async def logout_everywhere(request: Request) -> Response:
    """End every session of one's own account, this one included (docs/security.md,
    "Sessions"); the browser then lands on the login page. The button asks first."""
    principal = need(request, Action.ACCOUNT_MANAGE_OWN)
    await user_service.logout_everywhere(principal, principal.username)
    auth_web.end_session(request)
    return redirect("/logga-in?ut=1")


ROUTES = [account_page, change_password, email_language, logout_everywhere]
