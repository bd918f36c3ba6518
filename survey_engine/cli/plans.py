"""`survey-engine plans create|list|show|edit|followup|summary|report`: saved
improvement plans in the database (docs/planning.md). Not to be confused with `survey-engine
plan`, which prints a plan for a questionnaire and an answers file without saving it.

The commands act as the local administrator `cli:<user>` (services.access.system_actor):
their changes are in the audit log under that name. Bad input exits 2 with a sentence
in Swedish and English, never a traceback.
"""
from __future__ import annotations

from pathlib import Path

import click

from survey_engine.cli.common import cli_actor, echo_json, fail, run_db

LANG = click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
                    help="språk / language")
JSON = click.option("--json", "as_json", is_flag=True, help="skriv JSON / print JSON")


async def _round_id(ref: str) -> int:
    from survey_engine.services.round_results import find_round_id

    return await find_round_id(ref)


def _print_plan(plan, lang: str) -> None:  # a PlanView
    from survey_engine.planning.vocabulary import status_text

    en = lang == "en"
    who = plan.unit_name or plan.unit or ("The city (roll-up)" if en else "Staden (sammanvägning)")
    click.echo(f"{'Plan' if en else 'Plan'} {plan.id}: {plan.title}")
    click.echo(f"  {'Unit' if en else 'Förvaltning'}: {who} · {'Round' if en else 'Omgång'}: {plan.round_name} · "
               f"{'revision'} {plan.revision}")
    groups = [(p.period, f"{p.period} ({p.effort}/{plan.capacity})") for p in plan.periods]
    groups.append((None, "Backlog" if en else "Ej inplanerat (backlog)"))
    for period, label in groups:
        items = [a for a in plan.actions if a.period == period]
        click.echo(f"\n{label}")
        if not items:
            click.echo("  –")
        for a in items:
            what = f"{a.question}: {a.title}" if a.question else a.title
            extra = " · ".join(x for x in (a.owner, a.due_date or "") if x)
            click.echo(f"  [{a.id}] {what} — {status_text(a.status, lang)}" + (f" ({extra})" if extra else ""))


def register(main: click.Group) -> None:
    @main.group("plans")
    def plans_group() -> None:
        """Sparade handlingsplaner och deras uppföljning / saved improvement plans and their follow-up.

        (`survey-engine plan` prints a plan from files without saving it.)"""

    @plans_group.command("create")
    @click.option("--round", "round_ref", required=True, help="omgångens id eller namn / the round's id or name")
    @click.option("--unit", default=None, help="förvaltningens kod; utelämna för staden / unit code; leave out for the city")
    @click.option("--start", default=None, help="första halvåret, t.ex. 2026H2 / first half-year")
    @click.option("--periods", type=int, default=4, show_default=True)
    @click.option("--capacity", type=int, default=10, show_default=True)
    @click.option("--method", type=click.Choice(["weakest", "mean"]), default="weakest", show_default=True)
    @click.option("--title", default=None)
    @LANG
    @JSON
    def create(round_ref, unit, start, periods, capacity, method, title, lang, as_json):
        """Gör och spara en plan från ett inskickat svar / generate and save a plan from a submitted response."""
        from survey_engine.services import plans

        async def go():
            return await plans.create_plan(cli_actor(), await _round_id(round_ref), unit, start=start, periods=periods,
                                           capacity=capacity, method=method, title=title)

        plan = run_db(go)
        echo_json(plan) if as_json else _print_plan(plan, lang)

    @plans_group.command("list")
    @click.option("--round", "round_ref", default=None)
    @click.option("--unit", default=None)
    @JSON
    def list_cmd(round_ref, unit, as_json):
        """Lista planer / list plans."""
        from survey_engine.services import plans

        async def go():
            rid = await _round_id(round_ref) if round_ref else None
            return await plans.list_plans(cli_actor(), unit=unit, round_id=rid)

        items = run_db(go)
        if as_json:
            return echo_json(items)
        if not items:
            click.echo("Inga planer / no plans")
        for p in items:
            c = p.status_counts
            click.echo(f"{p.id:>4}  {p.unit or 'STAD/CITY':<8} {p.round_name:<28} {p.start} rev {p.revision}  "
                       f"planned {c['planned']} · in progress {c['in_progress']} · done {c['done']} · dropped {c['dropped']}")

    @plans_group.command("show")
    @click.argument("plan_id", type=int)
    @LANG
    @JSON
    def show(plan_id, lang, as_json):
        """Visa en plan / show a plan."""
        from survey_engine.services import plans

        plan = run_db(lambda: plans.get_plan(cli_actor(), plan_id))
        echo_json(plan) if as_json else _print_plan(plan, lang)

    @plans_group.command("edit")
    @click.argument("plan_id", type=int)
    @click.argument("action_id", type=int)
    @click.option("--revision", type=int, required=True, help="planens revision / the plan's revision")
    @click.option("--period", default=None, help="halvår, eller 'backlog' / half-year, or 'backlog'")
    @click.option("--owner", default=None)
    @click.option("--status", type=click.Choice(["planned", "in_progress", "done", "dropped"]), default=None)
    @click.option("--due", default=None, help="ÅÅÅÅ-MM-DD, eller 'none' / YYYY-MM-DD, or 'none'")
    @click.option("--note", default=None)
    @LANG
    def edit(plan_id, action_id, revision, period, owner, status, due, note, lang):
        """Ändra en åtgärd / change an action."""
        from survey_engine.services import plans

        changes = {}
        if period is not None:
            changes["period"] = None if period.lower() == "backlog" else period
        if due is not None:
            changes["due_date"] = None if due.lower() == "none" else due
        for key, value in (("owner", owner), ("status", status), ("note", note)):
            if value is not None:
                changes[key] = value
        if not changes:
            fail("ange något att ändra (--period, --owner, --status, --due, --note) / give something to change")
        plan = run_db(lambda: plans.update_action(cli_actor(), plan_id, action_id, revision, changes))
        _print_plan(plan, lang)

    @plans_group.command("followup")
    @click.argument("plan_id", type=int)
    @click.option("--later-round", "later_ref", default=None, help="omgången att mäta med / the round to measure with")
    @LANG
    @JSON
    def followup(plan_id, later_ref, lang, as_json):
        """Effekten av varje åtgärd / the effect of each action."""
        from survey_engine.services import plans

        async def go():
            later = await _round_id(later_ref) if later_ref else None
            return await plans.follow_up(cli_actor(), plan_id, later)

        fu = run_db(go)
        if as_json:
            return echo_json(fu)
        _print_follow_up(fu, lang)

    @plans_group.command("summary")
    @click.option("--round", "round_ref", required=True, help="omgången planerna gjordes från / the plans' round")
    @click.option("--later-round", "later_ref", default=None)
    @click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "xlsx"]), default="text",
                  show_default=True)
    @click.option("--out", default=None, help="fil för html/xlsx / file for html/xlsx")
    @LANG
    def summary(round_ref, later_ref, fmt, out, lang):
        """Vilka åtgärder vidtogs och vilken effekt fick de? / which measures were taken, with what effect?"""
        from survey_engine.services.plan_reports import summary_report
        from survey_engine.services import plans

        async def go():
            rid = await _round_id(round_ref)
            later = await _round_id(later_ref) if later_ref else None
            if fmt in ("html", "xlsx"):
                return await summary_report(cli_actor(), rid, fmt, lang, later)
            return await plans.follow_up_summary(cli_actor(), rid, later)

        result = run_db(go)
        if fmt == "json":
            return echo_json(result)
        if fmt in ("html", "xlsx"):
            content, _, name = result
            return _write(Path(out or name), content)
        for fu in result["units"] + ([result["city"]] if result["city"] else []):
            _print_follow_up(fu, lang)
            click.echo("")
        t = result["total"]
        click.echo(f"{'Total' if lang == 'en' else 'Totalt'}: {t['actions']} · " + ", ".join(
            f"{k} {v}" for k, v in t["effect"].items()) + f" · flagged {t['flagged']}")

    @plans_group.command("report")
    @click.argument("plan_id", type=int)
    @click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "followup-html", "followup-xlsx"]),
                  default="pdf", show_default=True)
    @click.option("--out", default=None, help="filnamn / file name")
    @LANG
    def report(plan_id, fmt, out, lang):
        """Planen som PDF/XLSX, eller dess uppföljning / the plan as PDF/XLSX, or its follow-up."""
        from survey_engine.services.plan_reports import follow_up_report, plan_report

        if fmt.startswith("followup-"):
            content, _, name = run_db(lambda: follow_up_report(cli_actor(), plan_id, fmt.split("-")[1], lang))
        else:
            content, _, name = run_db(lambda: plan_report(cli_actor(), plan_id, fmt, lang))
        _write(Path(out or name), content)


def _write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        fail(f"kan inte skriva {path} / cannot write {path}: {exc.strerror or exc}")
    click.echo(str(path))


def _print_follow_up(fu: dict, lang: str) -> None:
    from survey_engine.planning.vocabulary import effect_text, status_text

    en = lang == "en"
    plan = fu["plan"]
    who = plan["unit_name"] or plan["unit"] or ("The city" if en else "Staden")
    after = fu["after"]["round_name"] if fu["after"] else ("no later response" if en else "inget senare svar")
    click.echo(f"{who} — plan {plan['id']} ({fu['before']['round_name']} → {after})")
    for a in fu["actions"]:
        flag = "  ⚑" if a["flagged"] else ""
        what = a["question"] or a["title"]
        click.echo(f"  {what:<28} {status_text(a['status'], lang):<10} {effect_text(a['effect'], lang)}{flag}")
