"""`survey-engine report unit|city|export|all`: reports from the database to files.

Output goes to `reports/out/` (git-ignored) unless `--out` names a file (or, for
`report all`, a folder). Every command migrates the database first, like the data
commands, and exits 2 with a clear message (no traceback) for an unknown round or
unit, a round with nothing to report, or a file that cannot be written.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from survey_engine.cli.common import fail, run_db

FORMATS = ("html", "pdf", "xlsx", "csv", "json")
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "reports" / "out"


def _write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        fail(f"kan inte skriva {path} / cannot write {path}: {exc.strerror or exc}")


def _target(out: str | None, name: str) -> Path:
    if out is None:
        return DEFAULT_OUT / name
    path = Path(out)
    return path / name if path.is_dir() else path


def _round_option(f):
    return click.option("--round", "round_ref", required=True, metavar="ROUND",
                        help="omgångens id eller exakta namn / the round's id or exact name")(f)


def _common_options(f):
    f = click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
                     help="språk / language")(f)
    f = click.option("--include-drafts", is_flag=True,
                     help="räkna med utkast i stadens figurer / count drafts in the city figures")(f)
    f = _approved_option(f)
    return f


def _approved_option(f):
    return click.option("--approved-only", is_flag=True,
                        help="räkna bara svar som förvaltningschefen godkänt (docs/sign-off.md) / count only "
                             "responses approved by the head of the unit")(f)


async def _round_id(ref: str) -> int:
    from survey_engine.services.round_results import find_round_id

    return await find_round_id(ref)


@click.group("report")
def report_group() -> None:
    """Rapporter: förvaltning, stad, anonymiserad export.

    Reports: per förvaltning, for the city, and the anonymised benchmarking export.
    Files go to reports/out/ unless --out is given.
    """


@report_group.command("unit")
@_round_option
@click.option("--unit", "unit_code", required=True, metavar="CODE", help="förvaltningens kod / the unit's code")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option("--table", "csv_table", type=click.Choice(["scores", "answers", "priorities"]), default="scores",
              show_default=True, help="tabell för --format csv / table for --format csv")
@_common_options
@click.option("--out", type=click.Path(), help="fil eller mapp / file or folder")
def unit_command(round_ref, unit_code, fmt, csv_table, lang, include_drafts, approved_only, out) -> None:
    """Förvaltningsrapport för en enhet i en omgång / one unit's report in one round."""
    from survey_engine.services import reports as service

    async def go():
        rid = await _round_id(round_ref)
        return await service.unit_report(rid, unit_code, fmt, lang, include_drafts=include_drafts,
                                         csv_table=csv_table, approved_only=approved_only)

    content, _media, name = run_db(go)
    path = _target(out, name)
    _write(path, content)
    _say_approved_only(approved_only)
    click.echo(str(path))


@report_group.command("city")
@_round_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option("--table", "csv_table", type=click.Choice(["scores", "city", "answers", "priorities"]),
              default="scores", show_default=True, help="tabell för --format csv / table for --format csv")
@_common_options
@click.option("--out", type=click.Path(), help="fil eller mapp / file or folder")
def city_command(round_ref, fmt, csv_table, lang, include_drafts, approved_only, out) -> None:
    """Stadsrapport för kommunstyrelsen / the city report of a round."""
    from survey_engine.services import reports as service

    async def go():
        rid = await _round_id(round_ref)
        return await service.city_report(rid, fmt, lang, include_drafts=include_drafts, csv_table=csv_table,
                                         approved_only=approved_only)

    content, _media, name = run_db(go)
    path = _target(out, name)
    _write(path, content)
    _say_approved_only(approved_only)
    click.echo(str(path))


@report_group.command("export")
@_round_option
@click.option("--anonymised", "--anonymized", "anonymised", is_flag=True, required=False,
              help="anonymiserad export för nationell jämförelse (krävs) / anonymised export (required)")
@click.option("--include-drafts", is_flag=True, help="räkna med utkast / count drafts")
@_approved_option
@click.option("--out", type=click.Path(), help="fil eller mapp / file or folder")
def export_command(round_ref, anonymised, include_drafts, approved_only, out) -> None:
    """Anonymiserad export: stadens samlade svar utan namn, kommentarer eller underlag.

    Anonymised export for national benchmarking: the combined organisation answer,
    with no unit names, comments or evidence (JSON).
    """
    from survey_engine.services import reports as service

    if not anonymised:
        fail("ange --anonymised; bara den anonymiserade exporten finns här (hela omgången: "
             "survey-engine answers/API) / give --anonymised: only the anonymised export is made here")

    async def go():
        rid = await _round_id(round_ref)
        return await service.anonymised(rid, include_drafts=include_drafts, approved_only=approved_only)

    content, _media, name = run_db(go)
    path = _target(out, name)
    _write(path, content)
    _say_approved_only(approved_only)
    click.echo(str(path))


@report_group.command("compare")
@_round_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True,
              help="csv: koder för vidare bearbetning; xlsx: svenska rubriker / csv: codes; xlsx: words")
@click.option("--sort", default="name", show_default=True, metavar="KEY",
              help="name, level, percent eller ett områdes id; - först: fallande / "
                   "name, level, percent or an area id; a leading - sorts descending")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="språk / language")
@_approved_option
@click.option("--out", type=click.Path(), help="fil eller mapp / file or folder")
def compare_command(round_ref, fmt, sort, lang, approved_only, out) -> None:
    """Jämförelsetabellen mellan förvaltningar (som sidan) / the comparison table across units.

    The same rows as the comparison page (every started response, drafts marked), then
    the units that have not started (stage not_started, "Ej påbörjad").
    """
    from survey_engine.cli.common import cli_actor
    from survey_engine.services import comparison

    async def go():
        rid = await _round_id(round_ref)
        return await comparison.compare_export(rid, fmt, actor=cli_actor(), lang=lang, sort=sort,
                                               approved_only=approved_only)

    content, _media, name = run_db(go)
    path = _target(out, name)
    _write(path, content)
    _say_approved_only(approved_only)
    click.echo(str(path))


def _say_approved_only(approved_only: bool) -> None:
    """With --approved-only every report command says so (on stderr; stdout stays the path)."""
    if approved_only:
        click.echo("bara svar som förvaltningschefen godkänt räknas / only approved responses count", err=True)


@report_group.command("all")
@_round_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@_common_options
@click.option("--out", type=click.Path(file_okay=False), help="mapp / folder")
def all_command(round_ref, fmt, lang, include_drafts, approved_only, out) -> None:
    """Förvaltningsrapporter för alla enheter i omgången / every unit's report of a round."""
    from survey_engine.services import reports as service

    folder = Path(out) if out else DEFAULT_OUT
    skipped: list[str] = []
    written: list[Path] = []

    async def go():
        rid = await _round_id(round_ref)
        units = await service.round_unit_codes(rid)
        if not units:
            fail(f"omgång {rid} har inga deltagande enheter / round {rid} has no units")
        from survey_engine import clock

        today = clock.today()
        with click.progressbar(length=len(units), label="Rapporter / reports", file=sys.stderr,
                               show_pos=True) as bar:
            async for code, (content, _media, name) in service.unit_reports(
                    rid, fmt, lang, include_drafts=include_drafts, today=today, approved_only=approved_only,
                    on_skip=lambda code, why: (skipped.append(code), bar.update(1))):
                path = folder / name
                _write(path, content)
                written.append(path)
                bar.update(1)

    run_db(go)
    _say_approved_only(approved_only)
    for path in written:
        click.echo(str(path))
    if skipped:
        click.echo(f"inte påbörjade, ingen rapport / not started, no report: {', '.join(skipped)}", err=True)
    if not written:
        fail("ingen enhet har börjat svara; inga rapporter / no unit has started answering: no reports")


def register(main: click.Group) -> None:
    main.add_command(report_group)
