"""`survey-engine sso check`: is single sign-on set up right (docs/security.md,
"Inloggning med OpenID Connect")?"""
from __future__ import annotations

import asyncio

import click

from survey_engine.cli.common import fail
from survey_engine.errors import AppError
from survey_engine.settings import SettingsError


@click.group("sso")
def sso_group() -> None:
    """Inloggning med organisationens konto (OpenID Connect) / single sign-on."""


@sso_group.command("check")
def sso_check() -> None:
    """Hämta leverantörens beskrivning och nycklar / fetch the provider's metadata and keys."""
    from survey_engine.services import oidc

    try:
        result = asyncio.run(oidc.check())
    except (AppError, SettingsError) as exc:
        fail(str(exc))
    for key, value in result.items():
        click.echo(f"{key}: {value}")
    if not result["pkce_s256"]:
        click.echo("varning/warning: the provider does not announce PKCE S256; logins may fail")


def register(main: click.Group) -> None:
    main.add_command(sso_group)
