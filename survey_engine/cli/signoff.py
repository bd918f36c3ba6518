"""`survey-engine responses approve|return|queue|signoff`: sign-off from the command line
(docs/sign-off.md). By default the trusted local administrator acts (`cli:<user>`);
`--as USER` acts as that user with that user's rights, so that the audit log names the
approver who stands behind the decision."""
from __future__ import annotations

import click

from survey_engine.cli.common import fail
from survey_engine.cli.data import _json, _table, cli_actor, run_db


async def _actor(username: str | None):
    if not username:
        return cli_actor()
    from survey_engine.services import users

    user = await users.get_user(username)
    if not user.active:
        fail(f"{username}: kontot är avstängt / the account is disabled")
    return user.principal(via="cli")


def _as_option(f):
    return click.option("--as", "as_user", default=None, metavar="USER",
                        help="agera som den här användaren (med dess behörighet) / act as this user (with its rights)")(f)


def _decision_line(state) -> str:
    latest = state.latest
    tail = f" ({latest.decision} {latest.decided_by}: {latest.comment})" if latest and latest.comment else (
        f" ({latest.decision} {latest.decided_by})" if latest else "")
    return f"svar/response {state.response_id} {state.unit}: {state.state}, revision {state.revision}{tail}"


@click.group("responses")
def responses_group() -> None:
    """Svar: godkännande av förvaltningschef / responses: sign-off by the head of the unit."""


@responses_group.command("approve")
@click.argument("response_id", type=click.IntRange(1, 2_147_483_647))
@click.option("--comment", default="", help="valfri kommentar / optional comment")
@click.option("--revision", type=int, default=None, help="den revision du granskade / the revision you reviewed")
@_as_option
def approve_command(response_id: int, comment: str, revision: int | None, as_user: str | None) -> None:
    """Godkänn ett inskickat svar / approve a submitted response."""
    from survey_engine.services import signoff

    async def go():
        return await signoff.approve(response_id, actor=await _actor(as_user), comment=comment, revision=revision)

    click.echo(_decision_line(run_db(go)))


@responses_group.command("return")
@click.argument("response_id", type=click.IntRange(1, 2_147_483_647))
@click.option("--comment", required=True, help="varför (krävs; respondenterna ser den) / why (required; the "
              "respondents see it)")
@click.option("--revision", type=int, default=None, help="den revision du granskade / the revision you reviewed")
@_as_option
def return_command(response_id: int, comment: str, revision: int | None, as_user: str | None) -> None:
    """Skicka tillbaka ett inskickat svar med en kommentar; svaret öppnas igen.

    Return a submitted response with a comment: it is reopened for the respondents and
    the unit's contacts get an e-mail."""
    from survey_engine.services import signoff

    async def go():
        return await signoff.return_response(response_id, comment, actor=await _actor(as_user), revision=revision)

    state, mail = run_db(go)
    click.echo(_decision_line(state))
    if mail.errors:
        click.echo(f"e-post ligger kvar i kön / e-mail left queued: {'; '.join(mail.errors)}", err=True)
    else:
        click.echo(f"e-post / e-mail: {mail.sent} av/of {mail.recipients} skickade/sent")


@responses_group.command("queue")
@click.option("--round", "round_id", type=int, default=None, help="bara den här omgången / only this round")
@click.option("--all", "all_states", is_flag=True, help="alla påbörjade svar, inte bara de som väntar / every "
              "started response, not only those waiting")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_as_option
def queue_command(round_id: int | None, all_states: bool, fmt: str, as_user: str | None) -> None:
    """Svar som väntar på godkännande / responses awaiting approval."""
    from survey_engine.services import signoff

    async def go():
        return await signoff.approval_queue(actor=await _actor(as_user), waiting_only=not all_states,
                                            round_id=round_id)

    items = run_db(go)
    if fmt == "json":
        import dataclasses

        click.echo(_json({"items": [dataclasses.asdict(i) for i in items]}))
        return
    click.echo(_table(["response", "round", "unit", "state", "submitted_at"],
                      [[i.response_id, i.round_name, i.unit, i.state,
                        i.submitted_at.isoformat(timespec="minutes") if i.submitted_at else None] for i in items]))


@responses_group.command("signoff")
@click.argument("response_id", type=click.IntRange(1, 2_147_483_647))
@_as_option
def signoff_command(response_id: int, as_user: str | None) -> None:
    """Ett svars godkännandestatus och alla beslut / a response's sign-off state and decisions."""
    from survey_engine.services import signoff

    async def go():
        return await signoff.signoff_state(response_id, actor=await _actor(as_user))

    state = run_db(go)
    click.echo(_decision_line(state))
    for d in state.history:
        click.echo(f"  {d.decided_at.isoformat(timespec='minutes')} {d.decision} {d.decided_by} "
                   f"(revision {d.revision}){': ' + d.comment if d.comment else ''}")


def register(main: click.Group) -> None:
    main.add_command(responses_group)
