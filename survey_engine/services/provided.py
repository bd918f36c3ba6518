"""Shared answers (provided controls): one unit answers a set of questions for others.

The rules are in docs/shared-answers.md. In short:
- per round, a *provider link* says that unit P answers the questions picked by a
  selector (`area:<id>` or `tag:<tag>` of the round's questionnaire) for unit S;
- S's response holds a copy of P's answer, comment and evidence for those questions
  (written with the history actor `provided:<P>:<who>`), so that scores, snapshots,
  round results, reports, exports and the answer history all read the *effective*
  answer from the one answer table;
- S cannot change such a question (403) unless it *overrides* it: its own answer with
  a required reason (a `ProvidedOverride` row). An overridden question is S's own; S can
  go back to P's answer by removing the override;
- every change P saves flows, in the same transaction, to every served response that
  did not override the question, with a history row in each (and a new score snapshot
  for a submitted response, so that the round's results follow);
- a unit is either a provider or served in one round, never both (no chains, no cycles).

`responses.py` calls `save_links`/`SaveLinks` from its save and `start_hook` when a
response starts; `round_results.py` calls `sources_for_round`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from survey_engine import clock, plaintext
from survey_engine.errors import Conflict, Invalid, Locked, NotFound, PermissionDenied
from survey_engine.questionnaire.model import Questionnaire
from survey_engine.reporting.common import source_text  # noqa: F401  (the words for a source, re-exported)
from survey_engine.scoring import ENGINE_VERSION, score_response
from survey_engine.services import audit
from survey_engine.services import responses as _responses
from survey_engine.services.access import Action, Principal, actor_name, check, check_unit
from survey_engine.services.common import dump
from survey_engine.services.provider_links import (  # noqa: F401  (re-exported for callers)
    check_selector, copy_links, grouped, links_of, parse_selector, participants, provided_qids,
    round_and_questionnaire, selected_questions,
)
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.store import sql
from survey_engine.store.db import is_unique_violation, write_transaction
from survey_engine.store.provided_tables import ProvidedOverride, ProviderLink
from survey_engine.store.tables import Response
from survey_engine.text import Text

PROVIDED_ACTOR = "provided"  # history actor prefix: "provided:<provider code>:<who>"
MAX_REASON = 2000
SOURCE_OWN, SOURCE_PROVIDED, SOURCE_OVERRIDE = "own", "provided", "override"


# ---------------------------------------------------------------- configuration

async def list_providers(round_id: int, *, actor: Principal) -> list[dict[str, Any]]:
    """The round's provider links, one item per provider and selector with its served
    units and the questions it picks."""
    check(actor, Action.ROUND_READ)
    _, q = await round_and_questionnaire(round_id)
    return grouped(q, await links_of(round_id))


def _check_reason_text(text: Any, field_name: str = "reason", required: bool = True) -> str:
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise Invalid(Text("Skälet ska vara text", "the reason must be text"), [{"field": field_name, "message": "text"}])
    text = text.strip()
    if required and not text:
        raise Invalid(Text("Ange ett skäl till att ni svarar själva på frågan",
                           "give a reason for answering the question yourselves"),
                      [{"field": field_name, "message": "obligatoriskt / required"}])
    if plaintext.control_character(text):
        raise Invalid(Text("Skälet innehåller otillåtna tecken", "the reason holds characters that are not allowed"),
                      [{"field": field_name, "message": plaintext.message(plaintext.control_character(text))}])
    if len(text) > MAX_REASON:
        raise Invalid(Text(f"Skälet är längre än {MAX_REASON} tecken", f"the reason is longer than {MAX_REASON} characters"),
                      [{"field": field_name, "message": f"at most {MAX_REASON} characters"}])
    return text


async def set_provider(round_id: int, provider: str, selector: str, served: list[str] | None = None, *,
                       actor: Principal) -> list[dict[str, Any]]:
    """`provider` answers the questions of `selector` for `served` (None: every other
    unit of the round) in round `round_id`. Adding links that exist changes nothing.
    The provider's current answers reach the served responses at once."""
    check(actor, Action.PROVIDER_MANAGE)
    rnd, q = await round_and_questionnaire(round_id)
    if rnd["status"] == "closed":
        raise Locked(Text("Omgången är stängd", "the round is closed"))
    picked = check_selector(q, selector)
    selector = ":".join(parse_selector(selector))
    units = await participants(round_id)
    if provider not in units:
        raise Invalid(Text(f"Enheten {provider} deltar inte i omgången", f"unit {provider} does not take part in the round"),
                      [{"field": "provider", "message": "not a participant"}])
    codes = [c for c in units if c != provider] if served is None else list(dict.fromkeys(served))
    errors = [{"field": "served", "message": f"{c}: deltar inte i omgången / not a participant"}
              for c in codes if c not in units]
    if provider in codes:
        errors.append({"field": "served", "message": f"{provider}: en enhet kan inte besvara frågor åt sig själv / "
                                                     f"a unit cannot provide for itself"})
    if not codes and not errors:
        errors.append({"field": "served", "message": "minst en enhet / at least one unit"})
    if errors:
        raise Invalid(Text("Enheterna som ska få svaren är ogiltiga", "the served units are invalid"), errors)
    async with write_transaction():
        links = await links_of(round_id)
        providers = {link["provider_code"] for link in links}
        served_now = {link["served_code"] for link in links}
        if provider in served_now:
            raise Conflict(Text(f"{provider} får redan svar från en annan enhet i omgången och kan inte själv besvara frågor åt andra",
                                f"{provider} is served by another unit in this round and cannot provide for others"))
        both = sorted(set(codes) & providers)
        if both:
            raise Conflict(Text(f"{', '.join(both)} besvarar redan frågor åt andra i omgången och kan inte få svar från {provider}",
                                f"{', '.join(both)} already provide for others in this round and cannot be served by {provider}"),
                           [{"field": "served", "message": f"{c}: provider" } for c in both])
        clashes = []
        for link in links:
            if link["served_code"] in codes and link["provider_code"] != provider:
                common = set(picked) & set(selected_questions(q, link["selector"]))
                if common:
                    clashes.append({"field": "served", "message": f"{link['served_code']}: {len(common)} av frågorna "
                                    f"besvaras redan av {link['provider_code']} / {len(common)} of the questions are "
                                    f"already provided by {link['provider_code']} ({link['selector']})"})
        if clashes:
            raise Conflict(Text("Några frågor har redan en annan leverantör för de enheterna",
                                "some of the questions already have another provider for those units"), clashes)
        have = {(link["served_code"], link["selector"]) for link in links if link["provider_code"] == provider}
        new = [c for c in codes if (c, selector) not in have]
        t, who = clock.now(), actor_name(actor)
        if new:
            await _insert_links([ProviderLink(
                key=f"{round_id}:{units[c]['id']}:{selector}", round=round_id, provider=units[provider]["id"],
                served=units[c]["id"], selector=selector, created_at=t, created_by=who) for c in new])
            await audit.record(actor, "provided.set", "round", round_id, unit=provider,
                               details={"provider": provider, "selector": selector, "served": new,
                                        "questions": len(picked)})
            await _flow_all(round_id, q, provider, new, who)
    return grouped(q, await links_of(round_id))


async def _insert_links(rows: list[ProviderLink]) -> None:
    try:
        await ProviderLink.insert(*rows)
    except Exception as exc:
        if is_unique_violation(exc):  # another person added the same link at the same moment
            raise Conflict(Text("Delningen ändrades samtidigt av någon annan; försök igen",
                                "the sharing was changed by someone else at the same moment: try again")) from None
        raise


async def remove_provider(round_id: int, provider: str, selector: str, served: list[str] | None = None, *,
                          actor: Principal) -> list[dict[str, Any]]:
    """End the links of `provider` and `selector` for `served` (None: all of them).
    The served responses keep the answers they hold, now as their own (nothing is lost);
    their overrides of questions no longer provided end."""
    check(actor, Action.PROVIDER_MANAGE)
    rnd, q = await round_and_questionnaire(round_id)
    if rnd["status"] == "closed":
        raise Locked(Text("Omgången är stängd", "the round is closed"))
    selector = ":".join(parse_selector(selector))
    async with write_transaction():
        links = [link for link in await links_of(round_id)
                 if link["provider_code"] == provider and link["selector"] == selector
                 and (served is None or link["served_code"] in served)]
        if not links:
            raise NotFound(Text(f"{provider} besvarar inte {selector} i omgången", f"{provider} does not provide "
                                f"{selector} in this round"))
        await ProviderLink.delete().where(ProviderLink.id.is_in([link["id"] for link in links]))
        remaining = await links_of(round_id)
        gone = 0
        for link in links:
            still = provided_qids(q, remaining, link["served_code"])
            rid = await Response.select(Response.id).where(
                (Response.round == round_id) & (Response.unit == link["served"])).first()
            if rid is None:
                continue
            for o in await ProvidedOverride.select(ProvidedOverride.id, ProvidedOverride.question_id).where(
                    ProvidedOverride.response == rid["id"]):
                if o["question_id"] not in still:
                    await ProvidedOverride.delete().where(ProvidedOverride.id == o["id"])
                    gone += 1
        await audit.record(actor, "provided.remove", "round", round_id, unit=provider,
                           details={"provider": provider, "selector": selector,
                                    "served": [link["served_code"] for link in links], "overrides_ended": gone})
    return grouped(q, await links_of(round_id))


# ---------------------------------------------------------------- the flow of answers

_RESPONSES_OF_UNITS = ("SELECT r.id, r.revision, r.status, u.code AS unit_code FROM response r JOIN unit u ON u.id = r.unit "
                       "WHERE r.round = {} AND u.code = {}")


def _actor_label(provider_code: str, who: str) -> str:
    return f"{PROVIDED_ACTOR}:{provider_code}:{who}"[:200]


async def _provider_answers(round_id: int, provider_code: str) -> dict[str, tuple[Any, str, str]]:
    rows = await sql.fetch(_RESPONSES_OF_UNITS, round_id, provider_code)
    if not rows:
        return {}
    answers = await _responses._answer_rows(rows[0]["id"])
    return {qid: (a["value"], a["comment"] or "", a["evidence"] or "") for qid, a in answers.items()}


async def _flow(round_id: int, q: Questionnaire, provider_code: str, served_codes: list[str],
                values: Mapping[str, tuple[Any, str, str]], qids_by_unit: Mapping[str, set[str]], who: str) -> int:
    """Write the provider's `values` into the responses of `served_codes` (the questions
    of `qids_by_unit[code]` that the unit did not override), each with its history rows
    and a revision bump; a submitted response also gets a new score snapshot. Runs inside
    the caller's transaction. Returns the number of responses changed."""
    changed_responses = 0
    found = []
    for code in served_codes:
        rows = await sql.fetch(_RESPONSES_OF_UNITS, round_id, code)
        if rows:
            found.append(rows[0])
    found.sort(key=lambda r: r["id"])  # lock in one order: two providers never wait for each other in a circle
    label = _actor_label(provider_code, who)
    for r in found:
        if sql.is_postgres():  # the revision and status as of the lock
            r = {**r, **(await sql.fetch("SELECT revision, status FROM response WHERE id = {} FOR UPDATE", r["id"]))[0]}
        overridden = {o["question_id"] for o in await sql.fetch(
            "SELECT question_id FROM provided_override WHERE response = {}", r["id"])}
        wanted = {qid: values.get(qid, (None, "", "")) for qid in qids_by_unit.get(r["unit_code"], set())
                  if qid not in overridden}
        if not wanted:
            continue
        existing = await _responses._answer_rows(r["id"])
        revision = r["revision"] + 1
        t = clock.now()
        statements, changed = _responses._change_statements(r["id"], revision, existing, wanted, label, q, t)
        if not changed:
            continue
        await sql.batch([("UPDATE response SET revision = {}, updated_at = {} WHERE id = {}", (revision, t, r["id"])),
                         *statements])
        if r["status"] == "submitted":
            current = {k: a["value"] for k, a in existing.items() if a["value"] is not None}
            await sql.execute(
                "INSERT INTO score_snapshot (response, revision, engine_version, questionnaire_hash, result, "
                "created_at, created_by) VALUES ({}, {}, {}, {}, {}, {}, {})",
                r["id"], revision, ENGINE_VERSION, q.hash, dump(score_response(q, current).to_dict()), t, label)
        changed_responses += 1
    return changed_responses


async def _flow_all(round_id: int, q: Questionnaire, provider_code: str, served_codes: list[str], who: str) -> int:
    """Bring the provider's current answers to `served_codes` (after new links)."""
    links = await links_of(round_id)
    qids = {c: set(provided_qids(q, [k for k in links if k["provider_code"] == provider_code], c))
            for c in served_codes}
    return await _flow(round_id, q, provider_code, served_codes, await _provider_answers(round_id, provider_code),
                       qids, who)


async def start_hook(round_id: int, unit_code: str, q: Questionnaire, carried: dict[str, tuple[Any, str, str]],
                     measured: dict[str, Any], who: str) -> dict[str, dict[str, tuple[Any, str, str]]]:
    """For `responses.start_response`, before it writes: the provided answers of a
    served unit's new response, per history actor ({actor: {qid: (value, comment,
    evidence)}}); their questions are taken out of `carried` and `measured` (pre-fill
    does not fill them). For a provider, nothing: its answers flow by `after_start`."""
    links = await links_of(round_id)
    mine = provided_qids(q, links, unit_code)
    if not mine:
        return {}
    out: dict[str, dict[str, tuple[Any, str, str]]] = {}
    answers: dict[str, dict[str, tuple[Any, str, str]]] = {}
    for qid, link in mine.items():
        carried.pop(qid, None)
        measured.pop(qid, None)
        code = link["provider_code"]
        if code not in answers:
            answers[code] = await _provider_answers(round_id, code)
        value = answers[code].get(qid)
        if value is not None:
            out.setdefault(_actor_label(code, who), {})[qid] = value
    return out


async def after_start(round_id: int, unit_code: str, q: Questionnaire, who: str) -> None:
    """For `responses.start_response`, inside its transaction: a provider's new
    response (pre-filled) flows to the served units that started before it."""
    links = [link for link in await links_of(round_id) if link["provider_code"] == unit_code]
    if links:
        await _flow_all(round_id, q, unit_code, sorted({link["served_code"] for link in links}), who)


# ---------------------------------------------------------------- hooks of the save

@dataclass
class SaveLinks:
    """What the save of one response must know about shared answers."""

    round_id: int
    unit_code: str
    q: Questionnaire
    provided: dict[str, dict[str, Any]] = field(default_factory=dict)  # qid -> link, for this unit
    locked: dict[str, dict[str, Any]] = field(default_factory=dict)  # provided, not overridden
    serves: dict[str, set[str]] = field(default_factory=dict)  # served unit -> qids this unit provides
    overrides: dict[str, str] = field(default_factory=dict)  # qid -> reason, set by this save

    def keep_provided(self, ids: set[str], replace: bool, answers: Mapping[str, Any]) -> set[str]:
        """A whole-response import never clears a provided question it leaves out (one
        it holds with another answer is refused by `before_write`)."""
        return ids - (set(self.locked) - set(answers)) if replace else ids

    async def before_write(self, response_id: int, existing: Mapping[str, dict[str, Any]],
                           changes: Mapping[str, tuple[Any, str, str]], who: str) -> None:
        """Refuse a change to a provided question (403); a provider's changes flow to
        the responses it serves (before the audit row, so that locks are taken in the
        order every save takes them)."""
        def differs(qid: str) -> bool:
            old = existing.get(qid)
            before = (old["value"], old["comment"] or "", old["evidence"] or "") if old else (None, "", "")
            return json.dumps(before, sort_keys=True) != json.dumps(changes[qid], sort_keys=True)

        refused = [qid for qid in changes if qid in self.locked and differs(qid)]
        if refused:
            first = self.locked[refused[0]]
            raise PermissionDenied(
                Text(f"Frågan besvaras av {first['provider_name']}; välj Eget svar och ange ett skäl för att svara själva",
                     f"the question is answered by {first['provider_name']}: choose Own answer and give a reason to "
                     f"answer it yourselves"),
                errors=[{"question": qid, "message": f"besvaras av / answered by {self.locked[qid]['provider_code']}"}
                        for qid in refused])
        if self.serves:
            flowing = {qid for qid in changes if differs(qid)}
            qids = {code: qids & flowing for code, qids in self.serves.items()}
            qids = {code: s for code, s in qids.items() if s}
            if qids:
                values = {qid: changes[qid] for qid in flowing}
                await _flow(self.round_id, self.q, self.unit_code, sorted(qids), values, qids, who)

    async def after_write(self, response_id: int, actor: Principal) -> None:
        """Store the overrides this save made (with their audit events)."""
        if not self.overrides:
            return
        t, who = clock.now(), actor_name(actor)
        for qid, reason in self.overrides.items():
            key = f"{response_id}:{qid}"
            row = await ProvidedOverride.select(ProvidedOverride.id, ProvidedOverride.reason).where(
                ProvidedOverride.key == key).first()
            if row is None:
                await ProvidedOverride.insert(ProvidedOverride(key=key, response=response_id, question_id=qid,
                                                               reason=reason, created_at=t, created_by=who))
            elif row["reason"] != reason:
                await ProvidedOverride.update({ProvidedOverride.reason: reason, ProvidedOverride.created_at: t,
                                               ProvidedOverride.created_by: who}).where(ProvidedOverride.id == row["id"])
            else:
                continue
            link = self.provided.get(qid) or {}
            await audit.record(actor, "provided.override", "response", response_id, unit=self.unit_code,
                               details={"question": qid, "reason": reason, "provider": link.get("provider_code")})


_SAVE_LINKS_SQL = """
SELECT l.round, l.selector, p.code AS provider_code, p.name AS provider_name, s.code AS served_code
FROM response r JOIN provider_link l ON l.round = r.round AND (l.provider = r.unit OR l.served = r.unit)
JOIN unit p ON p.id = l.provider JOIN unit s ON s.id = l.served
WHERE r.id = {}"""
_SAVE_OVERRIDES_SQL = "SELECT question_id FROM provided_override WHERE response = {}"


def save_statements(response_id: int) -> list[tuple[str, tuple]]:
    """The two reads a save of the response needs (its unit's provider links in its
    round, and its overrides), for the save's first store.sql.batch."""
    return [(_SAVE_LINKS_SQL, (response_id,)), (_SAVE_OVERRIDES_SQL, (response_id,))]


def save_links(unit_code: str, q: Questionnaire, links: list[dict[str, Any]], override_rows: list[dict[str, Any]],
               overrides: Mapping[str, str] | None = None) -> SaveLinks | None:
    """The shared-answer facts of one save, from the rows of `save_statements` (None
    when the response's unit neither provides nor is served and the save makes no
    override)."""
    if not links and not overrides:
        return None
    out = SaveLinks(round_id=links[0]["round"] if links else 0, unit_code=unit_code, q=q)
    mine = provided_qids(q, links, unit_code)
    if mine:
        overridden = {o["question_id"] for o in override_rows}
        out.locked = {qid: link for qid, link in mine.items() if qid not in overridden}
    for qid in overrides or {}:
        if qid not in mine:
            raise NotFound(Text(f"Frågan {qid} besvaras inte av någon annan enhet åt {unit_code}",
                                f"question {qid} is not provided to {unit_code} by another unit"),
                           [{"question": qid, "message": "not a provided question"}])
    out.provided = mine
    out.overrides = dict(overrides or {})
    for qid in out.overrides:
        out.locked.pop(qid, None)
    for link in links:
        if link["provider_code"] == unit_code:
            out.serves.setdefault(link["served_code"], set()).update(selected_questions(q, link["selector"]))
    return out


# ---------------------------------------------------------------- overriding

async def override_answer(response_id: int, question_id: str, value: Any, reason: str, *, revision: int,
                          comment: str | None = None, evidence: str | None = None,
                          actor: Principal) -> dict[str, Any]:
    """The served unit answers a provided question itself, for `reason` (required)."""
    reason = _check_reason_text(reason)
    comments = {question_id: comment} if comment is not None else {}
    notes = {question_id: evidence} if evidence is not None else {}
    return await _responses.save_with_override(response_id, revision, {question_id: value}, comments, notes,
                                               {question_id: reason}, actor=actor)


async def remove_override(response_id: int, question_id: str, *, revision: int | None = None,
                          actor: Principal) -> dict[str, Any]:
    """Back to the provider's answer: the override ends and the provider's current
    answer, comment and evidence are written into the response (with a history row)."""
    row = await _responses._response_row(response_id)
    check_unit(actor, Action.RESPONSE_WRITE, row["unit_code"])
    q = await questionnaire_by_id(row["questionnaire_version_id"])
    async with write_transaction():
        row = await _responses._response_row(response_id, lock=True)
        _responses._check_editable(row)
        if revision is not None and revision != row["revision"]:
            raise Conflict(Text(f"Svaret har ändrats av någon annan (revision {row['revision']}, du hade {revision}); "
                                f"läs in det igen", f"the response changed meanwhile (revision {row['revision']}, "
                                f"yours {revision}): reload"))
        link = provided_qids(q, await links_of(row["round"]), row["unit_code"]).get(question_id)
        o = await ProvidedOverride.select(ProvidedOverride.id, ProvidedOverride.reason).where(
            ProvidedOverride.key == f"{response_id}:{question_id}").first()
        if link is None or o is None:
            raise NotFound(Text(f"Frågan {question_id} har inget eget svar som ersätter en annan enhets",
                                f"question {question_id} has no override of a provided answer"),
                           [{"question": question_id, "message": "no override"}])
        await ProvidedOverride.delete().where(ProvidedOverride.id == o["id"])
        value = (await _provider_answers(row["round"], link["provider_code"])).get(question_id, (None, "", ""))
        existing = await _responses._answer_rows(response_id)
        new_revision, t = row["revision"] + 1, clock.now()
        statements, _ = _responses._change_statements(response_id, new_revision, existing, {question_id: value},
                                                      _actor_label(link["provider_code"], actor_name(actor)), q, t)
        await sql.batch([("UPDATE response SET revision = {}, updated_at = {} WHERE id = {}",
                          (new_revision, t, response_id)), *statements])
        await audit.record(actor, "provided.override_remove", "response", response_id, unit=row["unit_code"],
                           details={"question": question_id, "provider": link["provider_code"],
                                    "reason_was": o["reason"]})
    return await _responses.get_response(response_id, actor=actor)


# ---------------------------------------------------------------- reading

async def provided_for_response(response_id: int, *, actor: Principal) -> dict[str, Any]:
    """What a response's page needs: for each provided question its provider, the
    provider's answer, comment and evidence, and the source of the response's answer
    (`provided` or `override` with the reason); for a provider, the units it serves."""
    row = await _responses._response_row(response_id)
    check_unit(actor, Action.RESPONSE_READ, row["unit_code"])
    q = await questionnaire_by_id(row["questionnaire_version_id"])
    links = await links_of(row["round"])
    mine = provided_qids(q, links, row["unit_code"])
    overrides = {o["question_id"]: o for o in await ProvidedOverride.select(
        ProvidedOverride.question_id, ProvidedOverride.reason, ProvidedOverride.created_by,
        ProvidedOverride.created_at).where(ProvidedOverride.response == response_id)}
    answers: dict[str, dict[str, tuple[Any, str, str]]] = {}
    provider_rows: dict[str, dict[str, Any] | None] = {}
    questions = {}
    for qid, link in mine.items():
        code = link["provider_code"]
        if code not in answers:
            answers[code] = await _provider_answers(row["round"], code)
            found = await sql.fetch(_RESPONSES_OF_UNITS, row["round"], code)
            provider_rows[code] = found[0] if found else None
        value, comment, evidence = answers[code].get(qid, (None, "", ""))
        o = overrides.get(qid)
        questions[qid] = {
            "question": qid, "provider": code, "provider_name": link["provider_name"], "selector": link["selector"],
            "source": SOURCE_OVERRIDE if o else SOURCE_PROVIDED,
            "reason": o["reason"] if o else None, "override_by": o["created_by"] if o else None,
            "override_at": o["created_at"] if o else None,
            "provider_value": value, "provider_comment": comment, "provider_evidence": evidence,
            "provider_response": provider_rows[code]["id"] if provider_rows[code] else None,
            "provider_status": provider_rows[code]["status"] if provider_rows[code] else "not_started",
        }
    serves: dict[str, dict[str, Any]] = {}
    for link in links:
        if link["provider_code"] == row["unit_code"]:
            s = serves.setdefault(link["selector"], {"selector": link["selector"], "units": [], "unit_names": [],
                                                     "questions": selected_questions(q, link["selector"])})
            s["units"].append(link["served_code"])
            s["unit_names"].append(link["served_name"])
    return {"response": response_id, "unit": row["unit_code"], "round": row["round"],
            "questions": questions, "serves": list(serves.values())}


async def sources_for_round(round_id: int, q: Questionnaire) -> dict[str, dict[str, dict[str, str]]]:
    """For the round's results (services/round_results.py): unit code -> question id ->
    {"source": provided | override, "provider", "provider_name"}; absent = own answer.
    Two queries, whatever the round's size."""
    links = await links_of(round_id)
    if not links:
        return {}
    overrides: dict[str, set[str]] = {}
    for o in await sql.fetch("SELECT u.code AS unit_code, o.question_id FROM provided_override o "
                             "JOIN response r ON r.id = o.response JOIN unit u ON u.id = r.unit WHERE r.round = {}",
                             round_id):
        overrides.setdefault(o["unit_code"], set()).add(o["question_id"])
    out: dict[str, dict[str, dict[str, str]]] = {}
    for code in {link["served_code"] for link in links}:
        for qid, link in provided_qids(q, links, code).items():
            kind = SOURCE_OVERRIDE if qid in overrides.get(code, set()) else SOURCE_PROVIDED
            out.setdefault(code, {})[qid] = {"source": kind, "provider": link["provider_code"],
                                             "provider_name": link["provider_name"]}
    return out
