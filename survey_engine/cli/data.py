"""`survey-engine questionnaire publish`, `units …`, `round …`, `answers …`: the data
in the database, from the command line. Every command migrates the database first
(idempotent) and exits 2 with a clear message on bad input."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from survey_engine.cli.common import cli_actor, fail, read_input_text, run_db
from survey_engine.services.views import RoundView
from survey_engine.text import Text


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) if c is not None else "-" for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


# ---------------------------------------------------------------- questionnaire publish

@click.command("publish")
@click.argument("file", type=click.Path(dir_okay=False))
def publish_command(file: str) -> None:
    """Publicera en enkätversion i databasen (oföränderlig därefter).

    Publish a questionnaire version into the database (immutable from then on). The
    same id, version and content again is a no-op; other content under the same
    version is refused: bump the version.
    """
    from survey_engine.services import questionnaires

    text = read_input_text(file)
    summary, created = run_db(lambda: questionnaires.publish_questionnaire(text, actor=cli_actor(), source=file))
    what = "publicerad / published" if created else "redan publicerad, oförändrad / already published, unchanged"
    click.echo(f"{summary['family']} {summary['version']}: {what} ({summary['hash']})")


# ---------------------------------------------------------------- units

@click.group("units")
def units_group() -> None:
    """Enheter: kommun och förvaltningar / units: the kommun and its förvaltningar."""


@units_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def units_import_command(file: str) -> None:
    """Läs in enheter från CSV med kolumnerna code,name,weight,parent.

    Import units from CSV with the columns code,name,weight,parent (header row
    required; weight e.g. the number of employees; parent the code of another unit).
    Existing codes are updated. All or nothing.
    """
    from survey_engine.services import units

    text = read_input_text(file)

    async def go():
        items = units.parse_units_csv(text, source=file)
        return await units.import_units(items, actor=cli_actor())

    result = run_db(go)
    click.echo(f"{file}: {result['created']} nya / created, {result['updated']} uppdaterade / updated")


@units_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="utdata / output format")
def units_list_command(fmt: str) -> None:
    """Lista enheterna / list the units."""
    from survey_engine.services import units

    items, total = run_db(lambda: units.list_units(limit=1000))
    if fmt == "json":
        click.echo(_json({"items": [dataclasses.asdict(u) for u in items], "total": total}))
        return
    click.echo(_table(["code", "name", "weight", "parent"],
                      [[u.code, u.name, f"{u.weight:g}", u.parent] for u in items]))


# ---------------------------------------------------------------- rounds

@click.group("round")
def round_group() -> None:
    """Omgångar: skapa, öppna, stänga, lista / survey rounds: create, open, close, list."""


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--{name} {value!r}: ange ett datum som ÅÅÅÅ-MM-DD / give a date as YYYY-MM-DD")


def _round_line(r: RoundView) -> list[Any]:
    q = r.questionnaire
    return [r.id, r.status, f"{q.id} {q.version}", len(r.units), r.opens_on, r.closes_on, r.name]


ROUND_HEADERS = ["id", "status", "questionnaire", "units", "opens", "closes", "name"]


@round_group.command("create")
@click.option("--name", required=True, help="omgångens namn / the round's name")
@click.option("--questionnaire", "family", required=True, help="enkätens id / questionnaire id, e.g. mcf-cybersakerhet")
@click.option("--version", required=True, help="publicerad version / published version, e.g. 2026.1")
@click.option("--unit", "unit_codes", multiple=True, help="deltagande enhet (upprepa); utelämnat = alla / participating unit (repeat); omitted = all")
@click.option("--opens", help="öppningsdatum / opening date YYYY-MM-DD")
@click.option("--closes", help="slutdatum / closing date YYYY-MM-DD")
@click.option("--open", "open_now", is_flag=True, help="öppna direkt / open it at once")
def round_create_command(name, family, version, unit_codes, opens, closes, open_now) -> None:
    """Skapa en omgång på en publicerad enkätversion / create a round on a published version."""
    from survey_engine.services import rounds

    opens_on, closes_on = _date(opens, "opens"), _date(closes, "closes")

    async def go():
        r = await rounds.create_round(name, family, version, list(unit_codes) or None, opens_on, closes_on,
                                      actor=cli_actor())
        return await rounds.open_round(r.id, actor=cli_actor()) if open_now else r

    r = run_db(go)
    click.echo(_table(ROUND_HEADERS, [_round_line(r)]))


@round_group.command("open")
@click.argument("round_id", type=int)
def round_open_command(round_id: int) -> None:
    """Öppna omgången för svar / open the round for answers."""
    from survey_engine.services import rounds

    r = run_db(lambda: rounds.open_round(round_id, actor=cli_actor()))
    click.echo(f"omgång / round {r.id}: {r.status}")


@round_group.command("close")
@click.argument("round_id", type=int)
def round_close_command(round_id: int) -> None:
    """Stäng omgången; svaren låses / close the round: its responses are locked."""
    from survey_engine.services import rounds

    r = run_db(lambda: rounds.close_round(round_id, actor=cli_actor()))
    click.echo(f"omgång / round {r.id}: {r.status}")


@round_group.command("reopen")
@click.argument("round_id", type=int)
def round_reopen_command(round_id: int) -> None:
    """Öppna en stängd omgång igen / open a closed round again."""
    from survey_engine.services import rounds

    r = run_db(lambda: rounds.reopen_round(round_id, actor=cli_actor()))
    click.echo(f"omgång / round {r.id}: {r.status}")


@round_group.command("deadline")
@click.argument("round_id", type=int)
@click.option("--closes", required=True, help="ny sista dag / new last day YYYY-MM-DD")
def round_deadline_command(round_id: int, closes: str) -> None:
    """Flytta omgångens sista dag / move the round's deadline."""
    from survey_engine.services import rounds

    closes_on = _date(closes, "closes")
    r = run_db(lambda: rounds.extend_deadline(round_id, closes_on, actor=cli_actor()))
    click.echo(f"omgång / round {r.id}: {r.status}, {r.closes_on}")


@round_group.command("list")
@click.option("--status", type=click.Choice(["draft", "open", "closed"]), help="bara denna status / only this status")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="utdata / output format")
def round_list_command(status: str | None, fmt: str) -> None:
    """Lista omgångarna / list the rounds."""
    from survey_engine.services import rounds

    items, total = run_db(lambda: rounds.list_rounds(status, limit=1000))
    if fmt == "json":
        click.echo(_json({"items": [dataclasses.asdict(r) for r in items], "total": total}))
        return
    click.echo(_table(ROUND_HEADERS, [_round_line(r) for r in items]))


# ---------------------------------------------------------------- answers

@click.group("answers")
def answers_group() -> None:
    """Svar som svarsfiler (JSON) / answers as answers files (JSON)."""


@answers_group.command("export")
@click.option("--round", "round_id", type=int, required=True, help="omgångens id / round id")
@click.option("--unit", required=True, help="enhetens kod / unit code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="fil, annars standard ut / file, else stdout")
def answers_export_command(round_id: int, unit: str, output: str | None) -> None:
    """Exportera en enhets svar i en omgång som svarsfil / export a unit's answers in a round."""
    from survey_engine.errors import NotFound
    from survey_engine.services import responses

    async def go():
        state = await responses.find_response(round_id, unit, actor=cli_actor())
        if state is None:
            raise NotFound(Text(f"{unit} har inget svar i omgång {round_id}", f"{unit} has no response in round {round_id}"))
        return dataclasses.asdict(await responses.export_answers(state.id, actor=cli_actor()))

    text = _json(run_db(go)) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{output}: sparad / written", err=True)
    else:
        click.echo(text, nl=False)


@answers_group.command("print")
@click.option("--round", "round_id", type=int, required=True, help="omgångens id / round id")
@click.option("--unit", required=True, help="enhetens kod / unit code")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="språk / language")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="fil, annars standard ut / file, else stdout")
def answers_print_command(round_id: int, unit: str, fmt: str, lang: str, output: str | None) -> None:
    """Utskrift av en enhets svar: frågor, svar, kommentarer och underlag / a printable
    copy of a unit's answers (the same as the page /svar/ID/utskrift)."""
    from survey_engine.errors import NotFound
    from survey_engine.services import printable, responses

    async def go():
        state = await responses.find_response(round_id, unit, actor=cli_actor())
        if state is None:
            raise NotFound(Text(f"{unit} har inget svar i omgång {round_id}", f"{unit} has no response in round {round_id}"))
        return await printable.printable_answers(state.id, actor=cli_actor(), lang=lang)

    copy = run_db(go)
    text = (_json(copy) if fmt == "json" else printable.as_text(copy)) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{output}: sparad / written", err=True)
    else:
        click.echo(text, nl=False)


@answers_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--round", "round_id", type=int, required=True, help="omgångens id / round id")
@click.option("--unit", required=True, help="enhetens kod / unit code")
@click.option("--submit", is_flag=True, help="skicka in efteråt / submit afterwards")
def answers_import_command(file: str, round_id: int, unit: str, submit: bool) -> None:
    """Läs in en svarsfil som enhetens svar (ersätter svaren) / import an answers file as
    the unit's answers (replaces them; starts the response if needed)."""
    from survey_engine.errors import Invalid
    from survey_engine.services import responses

    raw = read_input_text(file)
    try:
        document = json.loads(raw)
    except ValueError as exc:
        fail(f"{file}:{getattr(exc, 'lineno', '?')}: ogiltig JSON / invalid JSON: {exc}")

    async def go():
        state, _ = await responses.start_response(round_id, unit, actor=cli_actor(), prefill=False)
        state = await responses.import_answers(state.id, document, actor=cli_actor(), source=file)
        if submit:
            state = await responses.submit_response(state.id, actor=cli_actor())
        return state

    try:
        state = run_db(go)
    except Invalid as exc:  # pragma: no cover - run_db already turns it into exit 2
        fail(str(exc))
    answered = len(responses.values_of(state))
    click.echo(f"{file}: {answered} svar inlästa för {unit} i omgång {round_id} / answers imported "
               f"(status {state.status}, revision {state.revision})")


def register(main: click.Group) -> None:
    if "questionnaire" not in main.commands:
        raise RuntimeError("the 'data' command module must come after 'questionnaire' in COMMAND_MODULES")
    main.commands["questionnaire"].add_command(publish_command)
    main.add_command(units_group)
    main.add_command(round_group)
    main.add_command(answers_group)
