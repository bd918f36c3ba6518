"""Provider links of shared answers: which unit answers which questions for which
others in a round (docs/shared-answers.md). The selectors, the links as stored, and
copying them to a new round (services/rounds.py, when a round is created). The answers
themselves flow in services/provided.py."""
from __future__ import annotations

from typing import Any

from survey_engine import clock, plaintext
from survey_engine.errors import Invalid, NotFound
from survey_engine.questionnaire.model import Questionnaire
from survey_engine.services import audit
from survey_engine.services.access import Principal, actor_name
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.store import sql
from survey_engine.store.db import writing
from survey_engine.store.provided_tables import ProviderLink
from survey_engine.store.tables import Round, RoundUnit
from survey_engine.text import Text

SELECTOR_KINDS = ("area", "tag")


# ---------------------------------------------------------------- selectors

def parse_selector(text: Any) -> tuple[str, str]:
    """("area", "teknik") from "area:teknik"; Invalid for anything else."""
    if isinstance(text, str) and ":" in text:
        kind, _, value = text.strip().partition(":")
        if kind in SELECTOR_KINDS and value and len(value) <= 200 and not plaintext.control_character(value):
            return kind, value
    raise Invalid(Text("Ange frågorna som area:<område-id> eller tag:<tagg>, t.ex. tag:it-drift",
                       "give the questions as area:<area id> or tag:<tag>, e.g. tag:it-drift"),
                  [{"field": "selector", "message": "area:<id> | tag:<tag>"}])


def selected_questions(q: Questionnaire, selector: str) -> list[str]:
    """The ids of the questions a selector picks, in file order (empty: none)."""
    kind, value = parse_selector(selector)
    if kind == "area":
        area = q.area(value)
        return [qq.id for qq in area.questions] if area else []
    return [qq.id for qq in q.questions() if value in qq.tags]


def check_selector(q: Questionnaire, selector: str) -> list[str]:
    """The selected question ids; Invalid naming the areas or tags there are when the
    selector picks nothing in `q`."""
    kind, value = parse_selector(selector)
    picked = selected_questions(q, selector)
    if picked:
        return picked
    if kind == "area":
        known = ", ".join(a.id for a in q.areas)
        raise Invalid(Text(f"Området {value!r} finns inte i {q.id} {q.version}; områdena är: {known}",
                           f"area {value!r} is not in {q.id} {q.version}; the areas are: {known}"),
                      [{"field": "selector", "message": "unknown area"}])
    tags = sorted({t for qq in q.questions() for t in qq.tags})
    known = ", ".join(tags) or "-"
    raise Invalid(Text(f"Ingen fråga i {q.id} {q.version} har taggen {value!r}; taggarna är: {known}",
                       f"no question of {q.id} {q.version} has the tag {value!r}; the tags are: {known}"),
                  [{"field": "selector", "message": "unknown tag"}])


async def round_and_questionnaire(round_id: int) -> tuple[dict[str, Any], Questionnaire]:
    row = await Round.select(Round.id, Round.name, Round.status, Round.questionnaire).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    return row, await questionnaire_by_id(row["questionnaire"])


async def participants(round_id: int) -> dict[str, dict[str, Any]]:
    rows = await RoundUnit.select(RoundUnit.unit.as_alias("id"), RoundUnit.unit.code.as_alias("code"),
                                  RoundUnit.unit.name.as_alias("name")).where(RoundUnit.round == round_id)
    return {r["code"]: r for r in rows}


LINKS_SQL = """
SELECT l.id, l.selector, l.provider, l.served, p.code AS provider_code, p.name AS provider_name,
       s.code AS served_code, s.name AS served_name, l.created_at, l.created_by
FROM provider_link l JOIN unit p ON p.id = l.provider JOIN unit s ON s.id = l.served
WHERE l.round = {} ORDER BY p.code, l.selector, s.code"""


async def links_of(round_id: int) -> list[dict[str, Any]]:
    return await sql.fetch(LINKS_SQL, round_id)


def grouped(q: Questionnaire, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for link in links:
        g = groups.setdefault((link["provider_code"], link["selector"]), {
            "provider": link["provider_code"], "provider_name": link["provider_name"], "selector": link["selector"],
            "questions": selected_questions(q, link["selector"]), "served": [], "served_names": [],
        })
        g["served"].append(link["served_code"])
        g["served_names"].append(link["served_name"])
    return list(groups.values())


def provided_qids(q: Questionnaire, links: list[dict[str, Any]], served_code: str) -> dict[str, dict[str, Any]]:
    """question id -> the link that provides it for `served_code`."""
    out: dict[str, dict[str, Any]] = {}
    for link in links:
        if link["served_code"] == served_code:
            for qid in selected_questions(q, link["selector"]):
                out.setdefault(qid, link)
    return out


async def copy_links(from_round: int, to_round: int, *, actor: Principal) -> int:
    """Copy the provider links of `from_round` to `to_round` (used when a round is
    created: the next round keeps its providers). Links whose selector picks nothing in
    the new questionnaire, or whose units do not take part, are left out. Returns the
    number of links copied. Runs inside the caller's transaction when there is one."""
    links = await links_of(from_round)
    if not links:
        return 0
    _, q = await round_and_questionnaire(to_round)
    units = await participants(to_round)
    existing = {(link["served_code"], link["selector"]) for link in await links_of(to_round)}
    t, who = clock.now(), actor_name(actor)
    rows, skipped = [], []
    for link in links:
        ok = (link["provider_code"] in units and link["served_code"] in units
              and selected_questions(q, link["selector"]) and (link["served_code"], link["selector"]) not in existing)
        if not ok:
            skipped.append(f"{link['provider_code']}>{link['served_code']}:{link['selector']}")
            continue
        rows.append(ProviderLink(key=f"{to_round}:{units[link['served_code']]['id']}:{link['selector']}",
                                 round=to_round, provider=units[link["provider_code"]]["id"],
                                 served=units[link["served_code"]]["id"], selector=link["selector"],
                                 created_at=t, created_by=who))
    async with writing():
        if rows:
            await ProviderLink.insert(*rows)
        await audit.record(actor, "provided.copy", "round", to_round,
                           details={"from_round": from_round, "links": len(rows), "skipped": skipped[:100]})
    return len(rows)


async def previous_round_of(round_id: int) -> int | None:
    """The latest earlier round of the same questionnaire family that has provider links."""
    row = await Round.select(Round.id, Round.questionnaire.family.as_alias("family")).where(Round.id == round_id).first()
    if row is None:
        return None
    rows = await sql.fetch("SELECT DISTINCT l.round FROM provider_link l JOIN survey_round s ON s.id = l.round "
                           "JOIN questionnaire_version v ON v.id = s.questionnaire WHERE v.family = {} AND l.round < {} "
                           "ORDER BY l.round DESC", row["family"], round_id)
    return rows[0]["round"] if rows else None
