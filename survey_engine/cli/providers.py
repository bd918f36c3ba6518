"""`survey-engine providers …`: shared answers, which unit answers which questions for
which others in a round (docs/shared-answers.md)."""
from __future__ import annotations

import click

from survey_engine.cli.data import _json, _table, cli_actor, run_db

ROUND_HELP = "omgångens id eller exakta namn / the round's id or exact name"
SELECTOR_HELP = "frågorna: area:<område-id> eller tag:<tagg> / the questions: area:<area id> or tag:<tag>"


def _print(round_id: int, items: list[dict], fmt: str) -> None:
    if fmt == "json":
        click.echo(_json({"round": round_id, "items": items}))
        return
    if not items:
        click.echo(f"omgång / round {round_id}: inga delade svar / no shared answers")
        return
    click.echo(_table(["provider", "selector", "questions", "served"],
                      [[i["provider"], i["selector"], len(i["questions"]), ", ".join(i["served"])] for i in items]))


async def _round_id(ref: str) -> int:
    from survey_engine.services.round_results import find_round_id

    return await find_round_id(ref)


@click.group("providers")
def providers_group() -> None:
    """Delade svar: en enhet besvarar frågor åt andra / shared answers: one unit answers for others.

    Example: survey-engine providers set 2 SF tag:it-drift (Serviceförvaltningen answers
    the questions tagged it-drift for every other unit of round 2)."""


@providers_group.command("list")
@click.argument("round_ref", metavar="ROUND")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_command(round_ref: str, fmt: str) -> None:
    """Visa vem som besvarar vad åt vem / show who answers what for whom."""
    from survey_engine.services import provided

    async def go():
        rid = await _round_id(round_ref)
        return rid, await provided.list_providers(rid, actor=cli_actor())

    _print(*run_db(go), fmt)


@providers_group.command("set")
@click.argument("round_ref", metavar="ROUND")
@click.argument("provider")
@click.argument("selector")
@click.option("--served", "served", multiple=True, metavar="CODE",
              help="en enhet som får svaren (flera gånger; utan: alla andra i omgången) / a served unit "
                   "(repeat; none: every other unit of the round)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def set_command(round_ref: str, provider: str, selector: str, served: tuple[str, ...], fmt: str) -> None:
    """PROVIDER besvarar SELECTOR åt andra enheter / PROVIDER answers SELECTOR for other units.

    The provider's current answers reach the served units' responses at once; every
    later change it saves flows to those that did not answer the question themselves."""
    from survey_engine.services import provided

    async def go():
        rid = await _round_id(round_ref)
        return rid, await provided.set_provider(rid, provider, selector, list(served) or None, actor=cli_actor())

    _print(*run_db(go), fmt)


@providers_group.command("remove")
@click.argument("round_ref", metavar="ROUND")
@click.argument("provider")
@click.argument("selector")
@click.option("--served", "served", multiple=True, metavar="CODE",
              help="bara för den här enheten (flera gånger) / only for this unit (repeat)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def remove_command(round_ref: str, provider: str, selector: str, served: tuple[str, ...], fmt: str) -> None:
    """Sluta dela svaren / stop sharing the answers (the units keep them as their own)."""
    from survey_engine.services import provided

    async def go():
        rid = await _round_id(round_ref)
        return rid, await provided.remove_provider(rid, provider, selector, list(served) or None, actor=cli_actor())

    _print(*run_db(go), fmt)


def register(main: click.Group) -> None:
    main.add_command(providers_group)
