"""`survey-engine recommendations import|list|show|link|unlink` (audits and their
recommendations, docs/indicators.md §4) and `survey-engine report statement` (the
follow-up statement, §5).

The commands act as the local administrator (services.access.system_actor): their
changes are in the audit log under that name. Bad input exits 2 with the problems in
Swedish and English (file, line, path), never a traceback.
"""
from __future__ import annotations

from pathlib import Path

import click

from survey_engine.cli.common import cli_actor, echo_json, fail, read_input_text, run_db

FORMATS = ("docx", "pdf", "html", "json")


@click.group("recommendations")
def recommendations_group() -> None:
    """Granskningar och deras rekommendationer / audits and their recommendations."""


@recommendations_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="skriv JSON / print JSON")
def import_command(file, as_json) -> None:
    """Läs in (eller uppdatera) en granskning från en YAML-fil / record an audit from a YAML file."""
    from survey_engine.services import recommendations as service

    text = read_input_text(file)
    audit = run_db(lambda: service.import_audit(text, actor=cli_actor(), source=str(file)))
    if as_json:
        echo_json(audit)
        return
    verb = "inläst" if audit.created else "uppdaterad"
    click.echo(f"{audit.id}: {audit.title} ({verb} / {'recorded' if audit.created else 'updated'}, "
               f"{len(audit.recommendations)} rekommendationer / recommendations)")


@recommendations_group.command("list")
@click.option("--audit", "audit_id", metavar="ID", help="visa en gransknings rekommendationer / one audit's")
@click.option("--json", "as_json", is_flag=True, help="skriv JSON / print JSON")
def list_command(audit_id, as_json) -> None:
    """Granskningar, eller en gransknings rekommendationer med status / audits, or one audit's recommendations."""
    from survey_engine.services import recommendations as service

    if audit_id is None:
        audits = run_db(lambda: service.list_audits(cli_actor()))
        if as_json:
            echo_json(audits)
            return
        for a in audits:
            click.echo(f"{a.id}  {a.date}  {a.auditor}: {a.title} ({a.recommendations})")
        return
    audit = run_db(lambda: service.get_audit(cli_actor(), audit_id))
    if as_json:
        echo_json(audit)
        return
    click.echo(f"{audit.id}: {audit.title} ({audit.auditor}, {audit.date})")
    for r in audit.recommendations:
        click.echo(f"  {r.id}  [{r.status_text.sv}]  {len(r.actions)} åtgärder / actions")
        click.echo(f"      {r.text.sv}")


@recommendations_group.command("link")
@click.option("--audit", "audit_id", required=True, metavar="ID")
@click.option("--recommendation", "rec_id", required=True, metavar="ID")
@click.option("--action", "action_id", required=True, type=int, metavar="ACTION_ID", help="planåtgärdens id")
@click.option("--remove", is_flag=True, help="ta bort kopplingen / remove the link")
def link_command(audit_id, rec_id, action_id, remove) -> None:
    """Koppla en planåtgärd till en rekommendation / link a plan action to a recommendation."""
    from survey_engine.services import recommendations as service

    fn = service.unlink_action if remove else service.link_action
    rec = run_db(lambda: fn(cli_actor(), audit_id, rec_id, action_id))
    click.echo(f"{audit_id}/{rec.id}: {len(rec.actions)} kopplade åtgärder / linked actions")


def statement_command(report_group: click.Group) -> None:
    @report_group.command("statement")
    @click.option("--audit", "audit_id", required=True, metavar="ID", help="granskningens id / the audit's id")
    @click.option("--from", "start", required=True, metavar="YYYY-MM-DD", help="periodens första dag")
    @click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="periodens sista dag")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="docx", show_default=True)
    @click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False), required=True, help="fil / file")
    def statement(audit_id, start, end, fmt, lang, out) -> None:
        """Uppföljande yttrande till revisorerna / the follow-up statement to the auditors."""
        from survey_engine.reporting.statement import render
        from survey_engine.services.statement import build_statement

        statement = run_db(lambda: build_statement(cli_actor(), audit_id, start, end, lang))
        content = render(statement.document, fmt)
        path = Path(out)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        except OSError as exc:
            fail(f"kan inte skriva {path} / cannot write {path}: {exc.strerror or exc}")
        s = statement.summary
        click.echo(f"{path} (effekt {s.effekt}, ingen effekt {s.ingen_effekt}, ej mätbar {s.ej_matbar})")


def register(main: click.Group) -> None:
    main.add_command(recommendations_group)
    report = main.commands.get("report")
    if report is not None:
        statement_command(report)
