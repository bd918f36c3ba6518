"""`survey-engine indicators publish|import|show|list|lagging|act`: measured indicators
(docs/indicators.md). The JSON of `show --format json` is the contract of §3; the
text output is for people and may change.

The commands act as the local administrator `cli:<user>`; every import is in the audit
log under that name. Bad input exits 2 with every problem (file line, column) on
standard error, never a traceback; person identifiers are never printed.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from survey_engine.cli.common import cli_actor, read_input_file, read_input_text, run_db

MAX_FILE = 20_000_000


def _pct(kind: str, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.1f} %" if kind == "share" else f"{value:g}"


@click.group("indicators")
def indicators() -> None:
    """Uppmätta indikatorer: definitioner, mätvärden, summor / measured indicators."""


@indicators.command("publish")
@click.argument("file", type=click.Path(dir_okay=False))
def publish_cmd(file: str) -> None:
    """Validera och publicera en indikatorfil / validate and publish a definitions file."""
    from survey_engine.services import indicators as service

    text = read_input_text(file)
    summary, created = run_db(lambda: service.publish(text, actor=cli_actor(), source=file))
    state = "publicerad / published" if created else "redan publicerad, samma innehåll / already published, same content"
    click.echo(f"{summary.family} {summary.version}: {state} ({len(summary.indicators)} indikatorer: "
               f"{', '.join(summary.indicators)})")


@indicators.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--indicator", "indicator_id", required=True, help="indikatorns id / the indicator id")
@click.option("--period", default=None, help="period för personrader, t.ex. 2026-03 / period of person rows")
@click.option("--json", "as_json", is_flag=True, help="skriv JSON / print JSON")
def import_cmd(file: str, indicator_id: str, period: str | None, as_json: bool) -> None:
    """Importera mätvärden från CSV (allt eller inget) / import measurements (all or nothing)."""
    from survey_engine.services import indicators as service

    data = read_input_file(file)
    summary = run_db(lambda: service.import_measurements(indicator_id, data, actor=cli_actor(), period=period,
                                                       source=Path(file).name))
    if as_json:
        click.echo(json.dumps(asdict(summary), ensure_ascii=False))
        return
    click.echo(f"{indicator_id}: {summary.rows} mätvärden för {summary.units} enheter importerade "
               f"({', '.join(summary.periods)}; {summary.replaced} ersatta) / {summary.rows} measurements "
               f"imported")


@indicators.command("show")
@click.argument("indicator_id")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
def show_cmd(indicator_id: str, fmt: str) -> None:
    """Visa en indikators mätvärden och totaler / show an indicator's measurements and totals."""
    from survey_engine.services import indicators as service

    data = run_db(lambda: service.show(indicator_id, actor=cli_actor()))
    if fmt == "json":
        click.echo(json.dumps(data.to_dict(), ensure_ascii=False))
        return
    click.echo(f"{data.indicator} ({data.kind}, {data.direction}, mål/target {_pct(data.kind, data.target)})")
    for entry in data.series:
        total = entry.total.value if entry.total else None
        units = ", ".join(f"{code} {_pct(data.kind, f.value)}" for code, f in entry.units.items())
        click.echo(f"  {entry.period}: kommun/total {_pct(data.kind, total)}  [{units}]")


@indicators.command("list")
@click.option("--json", "as_json", is_flag=True, help="skriv JSON / print JSON")
def list_cmd(as_json: bool) -> None:
    """Lista publicerade indikatorer / list published indicators."""
    from survey_engine.services import indicators as service

    items = run_db(lambda: service.list_indicators(actor=cli_actor()))
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, default=str))
        return
    for i in items:
        total = i["total"]["value"] if i["total"] else None
        click.echo(f"{i['id']:24} {i['kind']:6} mål/target {_pct(i['kind'], i['target']):>8}  "
                   f"senast/latest {i['latest_period'] or '–'} {_pct(i['kind'], total)}  {i['title']['sv']}")


@indicators.command("lagging")
@click.argument("indicator_id")
@click.option("--period", default=None, help="period (standard: den senaste) / period (default: latest)")
@click.option("--json", "as_json", is_flag=True, help="skriv JSON / print JSON")
def lagging_cmd(indicator_id: str, period: str | None, as_json: bool) -> None:
    """Enheter under målet, med kontaktpersoner / units below target, with contacts."""
    from survey_engine.services import indicators as service

    data = run_db(lambda: service.lagging_units(indicator_id, actor=cli_actor(), period=period))
    if as_json:
        click.echo(json.dumps(data.to_dict(), ensure_ascii=False, default=str))
        return
    kind = data.indicator.kind
    click.echo(f"{indicator_id} {data.period or '–'}: {len(data.units)} enheter under målet / units below target")
    for u in data.units:
        who = ", ".join(f"{c.name} <{c.email}>" if c.email else c.name for c in u.contacts) or "–"
        click.echo(f"  {u.code:8} {_pct(kind, u.value)} (−{_pct(kind, u.gap)})  {who}")


@indicators.command("act")
@click.argument("indicator_id")
@click.option("--unit", "unit_code", required=True, help="enhetens kod / the unit code")
@click.option("--title", default=None, help="åtgärdens rubrik / the action's title")
@click.option("--owner", default="", help="ansvarig / owner")
@click.option("--due", "due_date", default=None, help="klart senast ÅÅÅÅ-MM-DD / due date")
def act_cmd(indicator_id: str, unit_code: str, title: str | None, owner: str, due_date: str | None) -> None:
    """Skapa en åtgärd i enhetens plan / create an action in the unit's plan."""
    from survey_engine.services import indicators as service

    out = run_db(lambda: service.act_on_lagging(indicator_id, unit_code, actor=cli_actor(), title=title, owner=owner,
                                              due_date=due_date))
    click.echo(f"åtgärd/action {out.action_id} i plan {out.plan_id} för {unit_code}")


def register(main: click.Group) -> None:
    main.add_command(indicators)
