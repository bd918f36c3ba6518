"""`survey-engine reminders …` (send, list, retry: for cron and for people) and
`survey-engine units contacts …` (the units' e-mail addresses). Rules and cron use:
docs/operations.md, "E-mail reminders"."""
from __future__ import annotations

import dataclasses
import sys

import click

from survey_engine.cli.common import cli_actor, read_input_text, run_db
from survey_engine.cli.data import _json, _table

EXIT_NOT_DELIVERED = 1


# ---------------------------------------------------------------- units contacts

@click.group("contacts")
def contacts_group() -> None:
    """Enheternas kontaktadresser för påminnelser / the units' contact addresses for reminders."""


@contacts_group.command("list")
@click.option("--unit", default=None, metavar="CODE", help="bara den här enheten / only this unit")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
def contacts_list_command(unit: str | None, fmt: str) -> None:
    """Lista kontaktadresserna / list the contact addresses."""
    from survey_engine.services import contacts

    items = run_db(lambda: contacts.list_contacts(unit, actor=cli_actor()))
    if fmt == "json":
        click.echo(_json({"items": items}))
    elif fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["unit", "email", "name", "language"])
        for c in items:
            writer.writerow([c["unit"], c["email"], c["name"], c["language"]])
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(_table(["unit", "email", "name", "language"],
                          [[c["unit"], c["email"], c["name"], c["language"]] for c in items]))


@contacts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def contacts_import_command(file: str) -> None:
    """Läs in kontaktadresser från CSV: unit,email[,name][,language].

    Import contact addresses from CSV with the columns unit,email and optionally name
    and language (sv or en; default sv). Every unit named in the file gets exactly the
    file's addresses (its old ones are replaced); other units are left alone. All or nothing.
    """
    from survey_engine.services import contacts

    text = read_input_text(file)

    async def go():
        return await contacts.replace_contacts(contacts.parse_contacts_csv(text, source=file), actor=cli_actor())

    result = run_db(go)
    click.echo(f"{file}: {result['contacts']} adresser för {result['units']} enheter / "
               f"{result['contacts']} addresses for {result['units']} units")


@contacts_group.command("add")
@click.argument("unit")
@click.argument("email")
@click.option("--name", default="", help="namn eller funktion / name or role")
@click.option("--language", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
def contacts_add_command(unit: str, email: str, name: str, language: str) -> None:
    """Lägg till (eller ändra) en adress / add (or change) one address of a unit."""
    from survey_engine.services import contacts

    items = run_db(lambda: contacts.add_contact(unit, email, name, language, actor=cli_actor()))
    click.echo(f"{unit}: {len(items)} adresser / addresses")


@contacts_group.command("remove")
@click.argument("unit")
@click.argument("email")
def contacts_remove_command(unit: str, email: str) -> None:
    """Ta bort en adress / remove one address of a unit."""
    from survey_engine.services import contacts

    items = run_db(lambda: contacts.remove_contact(unit, email, actor=cli_actor()))
    click.echo(f"{unit}: {len(items)} adresser kvar / addresses left")


# ---------------------------------------------------------------- reminders

@click.group("reminders")
def reminders_group() -> None:
    """Påminnelser per e-post / reminders by e-mail (SMTP_* settings, docs/operations.md)."""


@reminders_group.command("send")
@click.option("--round", "round_id", type=click.IntRange(1, 2_147_483_647), default=None,
              help="bara den här omgången (ingen veckosammanfattning) / only this round (no weekly digest)")
@click.option("--dry-run", is_flag=True, help="visa vad som skulle skickas, skicka och spara inget / "
              "show what would be sent; send and store nothing")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def reminders_send_command(round_id: int | None, dry_run: bool, fmt: str) -> None:
    """Köa påminnelser som är aktuella och skicka allt i kön (för cron).

    Queue the reminders that are due (round opened, N days before the deadline to units
    that have not submitted, the weekly digest for analysts) and send everything queued,
    including messages a failed earlier run left behind. Nothing is sent twice. Exit
    status 1 when some message could not be delivered (it stays queued), 2 on bad input.
    """
    from survey_engine.services import reminders
    from survey_engine.services.views import ReminderDryRun

    result = run_db(lambda: reminders.send_due(round_id, dry_run=dry_run, actor=cli_actor()))
    if fmt == "json":
        click.echo(_json(dataclasses.asdict(result)))
    elif isinstance(result, ReminderDryRun):
        items = result.would_queue
        click.echo(f"Provkörning / dry run: {len(items)} nya meddelanden skulle köas / new messages would be queued; "
                   f"{result.queued_before} väntar redan i kön / already waiting in the outbox")
        if items:
            click.echo(_table(["kind", "round", "unit", "recipient", "lang", "subject"],
                              [[i.kind, i.round_id, i.unit, i.recipient, i.language, i.subject] for i in items]))
    else:
        click.echo(f"köade / queued {result.queued}, skickade / sent {result.sent}, "
                   f"väntar på nytt försök / waiting for a retry {result.retry_later}, "
                   f"misslyckade / failed {result.failed}")
        for error in result.errors:
            click.echo(f"fel/error: {error}", err=True)
    if not dry_run and (result.retry_later or result.failed):
        sys.exit(EXIT_NOT_DELIVERED)


@reminders_group.command("list")
@click.option("--status", type=click.Choice(["queued", "sent", "failed"]), default=None)
@click.option("--problems", is_flag=True, help="bara misslyckade och köade med fel / only failed, and queued with an error")
@click.option("--round", "round_id", type=click.IntRange(1, 2_147_483_647), default=None)
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def reminders_list_command(status: str | None, problems: bool, round_id: int | None, limit: int, fmt: str) -> None:
    """Visa utkorgen (nyaste först) / show the outbox (newest first)."""
    from survey_engine.services import mailer

    items, total = run_db(lambda: mailer.list_outbox(status, round_id, problems, limit, 0, actor=cli_actor()))
    if fmt == "json":
        click.echo(_json({"items": [dataclasses.asdict(m) for m in items], "total": total}))
        return
    click.echo(_table(["id", "status", "kind", "round", "unit", "recipient", "attempts", "error"],
                      [[m.id, m.status, m.kind, m.round_id, m.unit_code, m.recipient, m.attempts,
                        m.last_error[:80] or "-"] for m in items]))
    click.echo(f"{len(items)} av / of {total}")


@reminders_group.command("retry")
@click.argument("message_id", type=click.IntRange(1, 2_147_483_647))
def reminders_retry_command(message_id: int) -> None:
    """Försök skicka ett misslyckat meddelande igen / try a failed message again."""
    from survey_engine.services import mailer

    result = run_db(lambda: mailer.retry(message_id, actor=cli_actor()))
    message = result.message
    click.echo(f"{message.id}: {message.status}" + (f" ({message.last_error})" if message.last_error else ""))
    if message.status != "sent":
        sys.exit(EXIT_NOT_DELIVERED)


def register(main: click.Group) -> None:
    if "units" not in main.commands:
        raise RuntimeError("the 'mail' command module must come after 'data' in COMMAND_MODULES")
    main.commands["units"].add_command(contacts_group)
    main.add_command(reminders_group)
