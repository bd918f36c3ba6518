"""`survey-engine user …` and `survey-engine token …`: accounts and API tokens.

These commands are run by an operator on the server, so they act as the trusted actor
"cli:<operating-system user>" (recorded in the audit log). They need the tables made by
`survey-engine db migrate` and migrate nothing themselves.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import sys
from typing import Awaitable, Callable, TypeVar

import click

from survey_engine.cli.common import fail
from survey_engine.services import tokens, users as service

T = TypeVar("T")


def _actor() -> str:
    try:
        who = getpass.getuser()
    except Exception:  # no user name in this environment
        who = "unknown"
    return f"cli:{who}"


def _run(make: Callable[[], Awaitable[T]]) -> T:
    """Run one service call; print auth errors as sentences and exit 2, and turn a
    missing or unreachable database into a clear message instead of a traceback."""
    from survey_engine.errors import AppError

    async def go() -> T:
        from survey_engine.services.users import check_tables

        await check_tables()
        return await make()

    try:
        return asyncio.run(go())
    except AppError as exc:
        fail(str(exc))
    except (OSError, ConnectionError) as exc:
        fail(
            f"Kunde inte nå databasen ({exc}). Kontrollera DATABASE_URL. / "
            f"Could not reach the database ({exc}). Check DATABASE_URL."
        )
    except Exception as exc:  # e.g. asyncpg: the database named in DATABASE_URL does not exist
        click.echo(
            f"fel/error: databasfel / database error: {type(exc).__name__}: {exc}. "
            "Kontrollera DATABASE_URL och kör `survey-engine db migrate`. / "
            "Check DATABASE_URL and run `survey-engine db migrate`.",
            err=True,
        )
        sys.exit(1)


def _when(value: dt.datetime | None) -> str:
    """Swedish time, as on the pages (survey_engine/clock.py)."""
    from survey_engine import clock

    return clock.shown(value) if value else "-"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            fail("Inget lösenord på standard in. / No password on standard input.")
        return password
    return click.prompt(
        "Lösenord / Password", hide_input=True, confirmation_prompt="Upprepa / Repeat", err=True
    )


# ---------------------------------------------------------------- user


@click.group("user")
def user_group() -> None:
    """Användare och roller / Users and roles."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", "role", required=True, help="admin, analyst, planner, respondent, auditor, approver")
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Enhet (respondent, godkännare), flera gånger / Unit (respondent, approver), repeatable")
@click.option("--name", "display_name", default="", help="Visningsnamn / Display name")
@click.option("--email", default="")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard in / Read the password from stdin")
@click.option("--no-password", is_flag=True, help="Bara API-token, ingen inloggning / Tokens only, no login")
def user_create(username, role, units, display_name, email, password_stdin, no_password) -> None:
    """Skapa en användare / Create a user."""
    from survey_engine.services.policy import Role

    if password_stdin and no_password:
        fail("Välj antingen --password-stdin eller --no-password. / Choose --password-stdin or --no-password, not both.")
    # Check what can be checked before asking for a password.
    try:
        service.normalize_username(username)
        role_value = Role.parse(role)
        service.normalize_units(units)
    except Exception as exc:
        fail(str(exc))
    password = None if no_password else _read_password(password_stdin)
    user = _run(
        lambda: service.create_user(
            _actor(), username, role_value, password=password, display_name=display_name, email=email, units=units
        )
    )
    units_text = f", enheter/units: {', '.join(user.units)}" if user.units else ""
    click.echo(f"Skapade / created {user.username} ({user.role.value}{units_text})")


@user_group.command("list")
@click.option("--active-only", is_flag=True, help="Bara aktiva / Active users only")
def user_list(active_only: bool) -> None:
    """Lista användare / List users."""
    users = _run(lambda: service.list_users(include_disabled=not active_only))
    if not users:
        click.echo("Inga användare / no users")
        return
    click.echo(f"{'USERNAME':<24} {'ROLE':<11} {'STATUS':<9} {'LAST LOGIN':<21} UNITS")
    for u in users:
        status = "active" if u.active else "disabled"
        if u.locked_until and u.locked_until > dt.datetime.now(dt.timezone.utc):
            status = "locked"
        click.echo(f"{u.username:<24} {u.role.value:<11} {status:<9} {_when(u.last_login_at):<21} {','.join(u.units)}")


@user_group.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Stäng av en användare / Disable a user (logins, sessions and tokens stop working)."""
    user = _run(lambda: service.disable_user(_actor(), username))
    click.echo(f"Avstängd / disabled: {user.username}")


@user_group.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Aktivera en avstängd användare / Enable a disabled user."""
    user = _run(lambda: service.enable_user(_actor(), username))
    click.echo(f"Aktiv / enabled: {user.username}")


@user_group.command("set-role")
@click.argument("username")
@click.argument("role")
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Enheter för en respondent / Units of a respondent")
def user_set_role(username: str, role: str, units: tuple[str, ...]) -> None:
    """Byt roll / Change a user's role."""
    user = _run(lambda: service.set_role(_actor(), username, role, units=units or None))
    units_text = f", enheter/units: {', '.join(user.units)}" if user.units else ""
    click.echo(f"{user.username}: {user.role.value}{units_text}")


@user_group.command("set-language")
@click.argument("username")
@click.argument("language", type=click.Choice(["sv", "en"]))
def user_set_language(username: str, language: str) -> None:
    """Språk för användarens e-post / The language of the user's e-mails (sv, en)."""
    lang = _run(lambda: service.set_language(_actor(), username, language))
    click.echo(f"{username}: e-post på / e-mail in {lang}")


@user_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard in / Read the password from stdin")
def user_set_password(username: str, password_stdin: bool) -> None:
    """Sätt nytt lösenord (låser upp kontot) / Set a new password (unlocks the account)."""
    password = _read_password(password_stdin)
    _run(lambda: service.set_password(_actor(), username, password))
    click.echo(f"Nytt lösenord satt / password set: {username}")


@user_group.command("mfa-reset")
@click.argument("username")
def user_mfa_reset(username: str) -> None:
    """Ta bort användarens andra faktor (tappad telefon) / Remove a user's second factor (a lost phone)."""
    from survey_engine.services import mfa

    had = _run(lambda: mfa.reset(_actor(), username))
    click.echo(f"Andra faktorn borttagen / second factor removed: {username}" if had
               else f"{username} hade ingen andra faktor / had no second factor")


# ---------------------------------------------------------------- token


@click.group("token")
def token_group() -> None:
    """API-token för skript / API tokens for scripts."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Vad tokenet är till för / What the token is for")
@click.option("--days", type=click.IntRange(min=1, max=365), default=None, help="Giltigt i N dagar (standard 90, högst 365) / Valid for N days (default 90, at most 365)")
def token_create(username: str, name: str, days: int | None) -> None:
    """Skapa ett token; det visas bara nu / Create a token; it is shown only now."""
    expires = dt.timedelta(days=days) if days else None
    plain, info = _run(lambda: tokens.create_token(_actor(), username, name, expires_in=expires))
    click.echo(
        f"Token {info.id} för/for {info.username} ({info.name}). Spara det nu, det visas inte igen. / "
        "Save it now, it is not shown again:",
        err=True,
    )
    click.echo(plain)


@token_group.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1))
def token_revoke(token_id: int) -> None:
    """Återkalla ett token / Revoke a token."""
    info = _run(lambda: tokens.revoke_token(_actor(), token_id))
    click.echo(f"Återkallat / revoked: token {info.id} ({info.username}, {info.name})")


@token_group.command("list")
@click.argument("username", required=False)
def token_list(username: str | None) -> None:
    """Lista token (aldrig hemligheten) / List tokens (never the secret)."""
    found = _run(lambda: tokens.list_tokens(_actor(), username))
    if not found:
        click.echo("Inga token / no tokens")
        return
    click.echo(f"{'ID':>5} {'USER':<20} {'PREFIX':<11} {'STATUS':<8} {'LAST USED':<21} NAME")
    for t in found:
        status = "revoked" if t.revoked_at else ("expired" if not t.active else "active")
        click.echo(f"{t.id:>5} {t.username:<20} {t.prefix:<11} {status:<8} {_when(t.last_used_at):<21} {t.name}")


def register(main: click.Group) -> None:
    main.add_command(user_group)
    main.add_command(token_group)
