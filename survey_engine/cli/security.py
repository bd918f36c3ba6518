"""`survey-engine audit verify` and `survey-engine db prune` (docs/security.md,
"Audit log" and "Retention")."""
from __future__ import annotations

import asyncio

import click

from survey_engine.cli.common import fail


@click.group("audit")
def audit_group() -> None:
    """Granskningsloggen / the audit log."""


@audit_group.command("verify")
def verify_command() -> None:
    """Kontrollera granskningsloggens hashkedja / check the audit log's hash chain.

    Exit 0 when every event's hash matches and each links to the one before; exit 1
    naming the first broken link (a changed or deleted event)."""
    from survey_engine.services.audit import verify_chain

    report = asyncio.run(verify_chain())
    if report.ok:
        click.echo(f"Granskningsloggen är hel / the audit log is intact: {report.checked} händelser / events; "
                   f"senaste hash / last hash {report.problem or '-'}")
        return
    click.echo(f"Granskningsloggen är bruten vid händelse / the audit log is broken at event {report.broken_at} "
               f"(efter / after {report.checked} hela / intact): {report.problem}", err=True)
    raise SystemExit(1)


@click.command("prune")
@click.option("--days", type=click.IntRange(min=1, max=3650), default=30, show_default=True,
              help="behåll inloggningsförsök så här länge / keep login attempts this long")
def prune_command(days: int) -> None:
    """Rensa gamla inloggningsförsök och utgångna sessioner / prune old login attempts and expired sessions."""
    from survey_engine.services.retention import prune

    try:
        counts = asyncio.run(prune(days=days, actor="cli"))
    except Exception as exc:  # a database that cannot be reached: one sentence
        fail(f"databasfel / database error: {type(exc).__name__}: {exc}")
    click.echo(f"Rensat / pruned: {counts['login_attempts']} inloggningsförsök / login attempts, "
               f"{counts['sessions']} sessioner / sessions")


def register(main: click.Group) -> None:
    main.add_command(audit_group)
    main.commands["db"].add_command(prune_command)
