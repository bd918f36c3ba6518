"""`survey-engine evidence add|list|get|delete`: the evidence files of an answer from
the command line (docs/evidence.md). The trusted local administrator acts, so the
audit log shows `cli:<name>`; the rules (types, sizes, open round) are the same as
on the pages and the API."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from survey_engine.cli.common import cli_actor, echo_json, fail, run_db
from survey_engine.cli.data import _table


@click.group("evidence")
def evidence_group() -> None:
    """Filer som underlag till svar / evidence files attached to answers."""


def _response_id(round_id: int | None, unit: str | None, response_id: int | None):
    from survey_engine.services import evidence

    if response_id is not None:
        async def direct():
            return response_id
        return direct
    if round_id is None or not unit:
        fail("ange --response ID eller --round ID och --unit KOD / give --response ID, or --round ID and --unit CODE")

    async def found():
        return await evidence.response_id_for(round_id, unit)
    return found


_where = [
    click.option("--round", "round_id", type=int, default=None, help="omgångens id / round id"),
    click.option("--unit", default=None, help="enhetens kod / unit code"),
    click.option("--response", "response_id", type=int, default=None, help="svarets id (i stället för --round och "
                 "--unit) / the response id (instead of --round and --unit)"),
]


def _with_where(f):
    for option in reversed(_where):
        f = option(f)
    return f


@evidence_group.command("add")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--question", required=True, help="frågans id / the question's id")
@click.option("--name", default=None, help="namn att visa (annars filens) / name to show (default the file's)")
@_with_where
def add_command(file: str, question: str, name: str | None, round_id, unit, response_id) -> None:
    """Ladda upp en fil till svaret på en fråga / upload a file to the answer of a question.

    Accepted: PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT (checked by the content), at most 10 MB."""
    from survey_engine.services import evidence

    path = Path(file)
    try:
        if path.stat().st_size > evidence.MAX_FILE_BYTES:
            fail(f"{path.name}: filen är större än 10 MB / the file is larger than 10 MB")
        data = path.read_bytes()
    except FileNotFoundError:
        fail(f"{file}: filen finns inte / file not found")
    except OSError as exc:
        fail(f"{file}: kan inte läsas / cannot be read: {exc.strerror or exc}")
    which = _response_id(round_id, unit, response_id)

    async def go():
        return await evidence.add_file(await which(), question, name or path.name, data, actor=cli_actor())

    item = run_db(go)
    click.echo(f"{item['id']}\t{item['name']}\t{item['kind']}\t{item['size']} bytes\tsha256 {item['sha256']}")


@evidence_group.command("list")
@click.option("--question", default=None, help="bara den här frågan / only this question")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_with_where
def list_command(question: str | None, fmt: str, round_id, unit, response_id) -> None:
    """Lista filerna i ett svar (namn, typ, storlek, datum; inte innehållet) / list a response's files."""
    from survey_engine.services import evidence

    which = _response_id(round_id, unit, response_id)

    async def go():
        return await evidence.list_files(await which(), actor=cli_actor(), question_id=question)

    items = run_db(go)
    if fmt == "json":
        echo_json({"items": items})
        return
    click.echo(_table(["id", "question", "name", "kind", "bytes", "uploaded_at", "uploaded_by"],
                      [[i["id"], i["question_id"], i["name"], i["kind"], i["size"],
                        i["uploaded_at"].isoformat(timespec="seconds"), i["uploaded_by"]] for i in items]))


@evidence_group.command("get")
@click.argument("evidence_id", type=int)
@click.option("-o", "--output", default=None, help="fil att skriva, '-' för standard ut (annars filens namn här) / "
              "file to write, '-' for stdout (default: the file's name here)")
@click.option("--force", is_flag=True, help="skriv över en befintlig fil / overwrite an existing file")
def get_command(evidence_id: int, output: str | None, force: bool) -> None:
    """Hämta en fil (kontrollsumman kontrolleras) / download a file (its checksum is checked)."""
    from survey_engine.services import evidence

    if output == "-":
        info, data = run_db(lambda: evidence.get_file(evidence_id, actor=cli_actor()))
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    # the target is checked before the download, so a refused overwrite is not audited as one
    target = Path(output or run_db(lambda: evidence.file_info(evidence_id, actor=cli_actor()))["name"])
    if target.exists() and not force:
        fail(f"{target}: finns redan; ange --force eller -o / already exists; give --force or -o")
    info, data = run_db(lambda: evidence.get_file(evidence_id, actor=cli_actor()))
    target.write_bytes(data)
    click.echo(f"{target}: {len(data)} bytes, sha256 {info['sha256']}", err=True)


@evidence_group.command("delete")
@click.argument("evidence_id", type=int)
def delete_command(evidence_id: int) -> None:
    """Ta bort en fil / delete a file."""
    from survey_engine.services import evidence

    item = run_db(lambda: evidence.delete_file(evidence_id, actor=cli_actor()))
    click.echo(f"{item['name']}: borttagen / deleted")


def register(main: click.Group) -> None:
    main.add_command(evidence_group)
