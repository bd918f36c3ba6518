"""Audits (granskningar) and their recommendations (docs/indicators.md §4): imported
from a YAML file, edited in the pages, linked to plan actions (many to many).

Importing the same audit again updates it: recommendations are matched by id, so the
links to plan actions survive; a recommendation that disappears from the file while
actions are still linked to it is refused (unlink them first), never dropped silently.
Every change is audited in the same transaction.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Iterable, Mapping

from survey_engine import clock
from survey_engine.errors import Conflict, Invalid, NotFound, problems_to_errors
from survey_engine.indicators.audit import (
    AuditFileError, AuditSpec, RecommendationSpec, load_audit_text, validate_recommendation,
)
from survey_engine.questionnaire.errors import Problem
from survey_engine.services import audit as audit_log
from survey_engine.services.policy import Action, Principal, require
from survey_engine.services.questionnaires import family_versions
from survey_engine.services.views import (
    AuditSummary, AuditView, ImportedAudit, IndicatorOverview, LatestTotal, LinkedActionView,
    RecommendationChoice, RecommendationDetail, RecommendationRef, RecommendationView,
)
from survey_engine.store.audit_tables import Audit, Recommendation, RecommendationAction
from survey_engine.store.db import write_transaction
from survey_engine.store.tables import Plan, PlanAction
from survey_engine.text import Text

MAX_SOURCE = 1_000_000
# Derived status of a recommendation from its linked actions (shown on the pages).
STATUS_TEXT = {
    "ingen-atgard": Text("Ingen åtgärd kopplad", "No action linked"),
    "planerad": Text("Åtgärder planerade", "Actions planned"),
    "pagar": Text("Åtgärder pågår", "Actions in progress"),
    "genomford": Text("Åtgärder genomförda", "Actions done"),
}


def _name(actor: Principal) -> str:
    return audit_log.actor_name(actor)[:200]


def _ids(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


async def _check_links(specs: Iterable[RecommendationSpec], source: str,
                       lines: Mapping[str, int] | None = None, paths: list[str] | None = None) -> None:
    """Questions and areas must exist in some published version of their family. (The
    indicator ids are checked by `indicator_ids_known` when indicators are published.)"""
    problems: list[Problem] = []
    cache: dict[str, dict] = {}
    for i, spec in enumerate(specs):
        path = paths[i] if paths else f"recommendations[{i}]"
        if not spec.family:
            continue
        if spec.family not in cache:
            cache[spec.family] = await family_versions(spec.family)
        versions = cache[spec.family].values()
        if not versions:
            fpath = f"{path}.family" if path else "family"
            line = (lines or {}).get(fpath)
            problems.append(Problem(source, fpath,
                                    f"enkätfamiljen {spec.family!r} är inte publicerad / the questionnaire family "
                                    f"{spec.family!r} is not published", line))
            continue
        for kind, ids, finder in (("questions", spec.questions, "question"), ("areas", spec.areas, "area")):
            for j, ident in enumerate(ids):
                if not any(getattr(q, finder)(ident) is not None for q in versions):
                    p = f"{path}.{kind}[{j}]" if path else f"{kind}[{j}]"
                    problems.append(Problem(source, p, f"{ident!r} finns inte i {spec.family} / {ident!r} is not "
                                                       f"in any version of {spec.family}", (lines or {}).get(p)))
    problems.extend(await _check_indicators(specs, source, lines, paths))
    if problems:
        raise Invalid(Text(f"{len(problems)} fel i granskningen", f"{len(problems)} problems in the audit"),
                      problems_to_errors(problems))


async def _check_indicators(specs, source, lines, paths) -> list[Problem]:
    known = await indicator_ids_known()
    if known is None:  # no indicator tables/definitions yet: ids are kept as written
        return []
    out = []
    for i, spec in enumerate(specs):
        path = paths[i] if paths else f"recommendations[{i}]"
        for j, ident in enumerate(spec.indicators):
            if ident not in known:
                p = f"{path}.indicators[{j}]" if path else f"indicators[{j}]"
                out.append(Problem(source, p, f"indikatorn {ident!r} är inte publicerad / indicator {ident!r} is "
                                              f"not published", (lines or {}).get(p)))
    return out


async def indicator_ids_known() -> set[str] | None:
    """The ids of published indicators, or None when none are published (then links
    are kept as written: an audit may be recorded before its indicators)."""
    from survey_engine.services.indicators import definitions

    known = set(await definitions())
    return known or None


def _errors_of(exc: AuditFileError) -> Invalid:
    return Invalid(Text(f"{len(exc.problems)} fel i granskningsfilen", f"{len(exc.problems)} problems in the audit file"),
                   problems_to_errors(exc.problems))


async def import_audit(text: str, *, actor: Principal, source: str = "<granskning>") -> ImportedAudit:
    """Record an audit from its YAML text (new, or an update of the same id)."""
    require(actor, Action.RECOMMENDATION_WRITE)
    if len(text) > MAX_SOURCE:
        raise Invalid(Text("Filen är för stor (högst 1 MB)", "The file is too large (at most 1 MB)"))
    try:
        spec = load_audit_text(text, source)
    except AuditFileError as exc:
        raise _errors_of(exc) from None
    await _check_links(spec.recommendations, source, spec.lines)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    t, who = clock.now(), _name(actor)
    async with write_transaction():
        row = await Audit.select(Audit.id, Audit.content_hash).where(Audit.key == spec.id).first()
        created = row is None
        if created:
            audit_id = (await Audit.insert(Audit(
                key=spec.id, title=spec.title, auditor=spec.auditor, audit_date=spec.date, content_hash=digest,
                source_text=text, created_by=who, created_at=t, updated_by=who, updated_at=t,
            )).returning(Audit.id))[0]["id"]
        else:
            audit_id = row["id"]
            await Audit.update({Audit.title: spec.title, Audit.auditor: spec.auditor, Audit.audit_date: spec.date,
                                Audit.content_hash: digest, Audit.source_text: text, Audit.updated_by: who,
                                Audit.updated_at: t}).where(Audit.id == audit_id)
        existing = {r["rec_id"]: r["id"] for r in await Recommendation.select(
            Recommendation.id, Recommendation.rec_id).where(Recommendation.audit == audit_id)}
        gone = [rid for rid in existing if rid not in {r.id for r in spec.recommendations}]
        for rid in gone:
            if await RecommendationAction.exists().where(RecommendationAction.recommendation == existing[rid]):
                raise Conflict(Text(f"Rekommendationen {rid} saknas i filen men har kopplade åtgärder; ta bort "
                                    f"kopplingarna först", f"recommendation {rid} is missing from the file but has "
                                    f"linked actions: unlink them first"), [{"field": "recommendations", "message": rid}])
            await Recommendation.delete().where(Recommendation.id == existing[rid])
        for order, rec in enumerate(spec.recommendations):
            values = _rec_values(rec)
            if rec.id in existing:
                await Recommendation.update({**{getattr(Recommendation, k): v for k, v in values.items()},
                                             Recommendation.sort_order: order, Recommendation.updated_by: who,
                                             Recommendation.updated_at: t}).where(
                    Recommendation.id == existing[rec.id])
            else:
                await Recommendation.insert(Recommendation(
                    key=f"{spec.id}:{rec.id}", audit=audit_id, rec_id=rec.id, sort_order=order, updated_by=who,
                    updated_at=t, **values))
        await audit_log.record(actor, "audit.import", "audit", spec.id, details={
            "created": created, "recommendations": len(spec.recommendations), "removed": gone,
            "sha256": digest, "source": source[:200]})
    audit = await get_audit(actor, spec.id)
    return ImportedAudit(**{f.name: getattr(audit, f.name) for f in dataclasses.fields(AuditView)}, created=created)


def _rec_values(rec: RecommendationSpec) -> dict[str, Any]:
    return {"text_sv": rec.text_sv, "text_en": rec.text_en, "responsible": rec.responsible, "family": rec.family,
            "questions": json.dumps(list(rec.questions)), "areas": json.dumps(list(rec.areas)),
            "indicators": json.dumps(list(rec.indicators))}


# ---------------------------------------------------------------- reading

def _audit_head(row: Mapping[str, Any]) -> dict[str, Any]:
    """The fields an audit's views share, from its row."""
    return {"id": row["key"], "title": row["title"], "auditor": row["auditor"],
            "date": row["audit_date"].isoformat(), "updated_at": row["updated_at"], "updated_by": row["updated_by"]}


def _status(actions: list[LinkedActionView]) -> str:
    live = [a for a in actions if a.status != "dropped"]
    if not live:
        return "ingen-atgard"
    if all(a.status == "done" for a in live):
        return "genomford"
    if any(a.status in ("in_progress", "done") for a in live):
        return "pagar"
    return "planerad"


async def _linked_actions(rec_ids: list[int]) -> dict[int, list[LinkedActionView]]:
    out: dict[int, list[LinkedActionView]] = {r: [] for r in rec_ids}
    if not rec_ids:
        return out
    # Two flat queries: a join chain through the action to its plan and on to the unit
    # twice would give PostgreSQL the same table alias twice.
    rows = await RecommendationAction.select(
        RecommendationAction.recommendation, RecommendationAction.action,
        RecommendationAction.action.title.as_alias("title"), RecommendationAction.action.owner.as_alias("owner"),
        RecommendationAction.action.status.as_alias("status"),
        RecommendationAction.action.due_date.as_alias("due_date"),
        RecommendationAction.action.done_on.as_alias("done_on"),
        RecommendationAction.action.plan.as_alias("plan_id"),
    ).where(RecommendationAction.recommendation.is_in(rec_ids)).order_by(RecommendationAction.id)
    plan_ids = sorted({r["plan_id"] for r in rows})
    plans = {p["id"]: p for p in await Plan.select(
        Plan.id, Plan.title, Plan.unit.code.as_alias("unit"), Plan.unit.name.as_alias("unit_name")).where(
        Plan.id.is_in(plan_ids))} if plan_ids else {}
    for r in rows:
        p = plans.get(r["plan_id"], {})
        out[r["recommendation"]].append(LinkedActionView(
            action_id=r["action"], title=r["title"], owner=r["owner"], status=r["status"],
            due_date=r["due_date"].isoformat() if r["due_date"] else None,
            done_on=r["done_on"].isoformat() if r["done_on"] else None,
            plan_id=r["plan_id"], plan_title=p.get("title", ""), unit=p.get("unit"), unit_name=p.get("unit_name")))
    return out


def _rec_view(row: Mapping[str, Any], actions: list[LinkedActionView]) -> RecommendationView:
    status = _status(actions)
    return RecommendationView(
        id=row["rec_id"], text=Text(row["text_sv"], row["text_en"]), responsible=row["responsible"],
        family=row["family"], questions=_ids(row["questions"]), areas=_ids(row["areas"]),
        indicators=_ids(row["indicators"]), status=status, status_text=STATUS_TEXT[status], actions=actions,
        updated_at=row["updated_at"], updated_by=row["updated_by"])


async def _audit_row(key: str) -> dict[str, Any]:
    row = await Audit.select().where(Audit.key == key).first() if isinstance(key, str) and len(key) <= 100 else None
    if row is None:
        raise NotFound(Text(f"Granskningen {key} finns inte", f"audit {key} not found"))
    return row


async def list_audits(actor: Principal) -> list[AuditSummary]:
    require(actor, Action.RECOMMENDATION_READ)
    rows = await Audit.select().order_by(Audit.audit_date, ascending=False).order_by(Audit.key)
    counts: dict[int, int] = {}
    for r in await Recommendation.select(Recommendation.audit):
        counts[r["audit"]] = counts.get(r["audit"], 0) + 1
    return [AuditSummary(**_audit_head(r), recommendations=counts.get(r["id"], 0)) for r in rows]


async def get_audit(actor: Principal, key: str) -> AuditView:
    """The audit with its recommendations, each with its linked actions and status."""
    require(actor, Action.RECOMMENDATION_READ)
    row = await _audit_row(key)
    recs = await Recommendation.select().where(Recommendation.audit == row["id"]).order_by(
        Recommendation.sort_order).order_by(Recommendation.id)
    linked = await _linked_actions([r["id"] for r in recs])
    return AuditView(**_audit_head(row), recommendations=[_rec_view(r, linked[r["id"]]) for r in recs])


async def get_recommendation(actor: Principal, key: str, rec_id: str) -> RecommendationDetail:
    audit = await get_audit(actor, key)
    for rec in audit.recommendations:
        if rec.id == rec_id:
            return RecommendationDetail(**{f.name: getattr(rec, f.name) for f in dataclasses.fields(rec)},
                                        audit=audit.ref())
    raise NotFound(Text(f"Rekommendationen {rec_id} finns inte i {key}", f"recommendation {rec_id} not in {key}"))


async def _rec_row(key: str, rec_id: str) -> dict[str, Any]:
    audit = await _audit_row(key)
    row = await Recommendation.select().where(
        (Recommendation.audit == audit["id"]) & (Recommendation.rec_id == str(rec_id)[:100])).first()
    if row is None:
        raise NotFound(Text(f"Rekommendationen {rec_id} finns inte i {key}", f"recommendation {rec_id} not in {key}"))
    return row


# ---------------------------------------------------------------- editing

EDITABLE = ("text", "responsible", "family", "questions", "areas", "indicators")


async def update_recommendation(actor: Principal, key: str, rec_id: str, fields: Mapping[str, Any]) -> RecommendationDetail:
    """Change a recommendation's text, body responsible or links (same rules as the file)."""
    require(actor, Action.RECOMMENDATION_WRITE)
    unknown = [k for k in fields if k not in EDITABLE]
    if unknown:
        raise Invalid(Text("Okända fält", "Unknown fields"),
                      [{"field": k, "message": f"ändringsbara / editable: {', '.join(EDITABLE)}"} for k in unknown])
    row = await _rec_row(key, rec_id)
    current = {"id": row["rec_id"], "text": {"sv": row["text_sv"], "en": row["text_en"]},
               "responsible": row["responsible"], "family": row["family"] or None,
               "questions": _ids(row["questions"]), "areas": _ids(row["areas"]), "indicators": _ids(row["indicators"])}
    merged = {**current, **dict(fields)}
    try:
        spec = validate_recommendation(merged, f"{key}/{rec_id}")
    except AuditFileError as exc:
        raise _errors_of(exc) from None
    await _check_links([spec], f"{key}/{rec_id}", paths=[""])
    values = _rec_values(spec)
    diff = {k: [row[k], v] for k, v in values.items() if row[k] != v}
    async with write_transaction():
        if diff:
            await Recommendation.update({**{getattr(Recommendation, k): v for k, v in values.items()},
                                         Recommendation.updated_by: _name(actor),
                                         Recommendation.updated_at: clock.now()}).where(Recommendation.id == row["id"])
        await audit_log.record(actor, "audit.recommendation.update", "audit", key,
                               details={"recommendation": rec_id, "changes": diff})
    return await get_recommendation(actor, key, rec_id)


async def _action_unit(action_id: Any) -> tuple[int, str | None]:
    if not isinstance(action_id, int) or isinstance(action_id, bool) or not 0 < action_id < 2**31:
        raise Invalid(Text("Ogiltig åtgärd", "Invalid action"), [{"field": "action_id", "message": "an integer"}])
    row = await PlanAction.select(PlanAction.id, PlanAction.plan.unit.code.as_alias("unit")).where(
        PlanAction.id == action_id).first()
    if row is None:
        raise NotFound(Text(f"Åtgärd {action_id} finns inte", f"action {action_id} not found"))
    return row["id"], row["unit"]


async def link_action(actor: Principal, key: str, rec_id: str, action_id: int) -> RecommendationDetail:
    """Link a plan action to a recommendation: the plan's writers may do it (the
    recommendation itself is unchanged). Linking twice is harmless."""
    require(actor, Action.RECOMMENDATION_READ)
    action_id, unit = await _action_unit(action_id)
    require(actor, Action.PLAN_WRITE, unit)
    row = await _rec_row(key, rec_id)
    async with write_transaction():
        link_key = f"{row['id']}:{action_id}"
        if not await RecommendationAction.exists().where(RecommendationAction.key == link_key):
            await RecommendationAction.insert(RecommendationAction(
                key=link_key, recommendation=row["id"], action=action_id, created_by=_name(actor),
                created_at=clock.now()))
            await audit_log.record(actor, "audit.action.link", "audit", key, unit=unit,
                                   details={"recommendation": rec_id, "action_id": action_id})
    return await get_recommendation(actor, key, rec_id)


async def unlink_action(actor: Principal, key: str, rec_id: str, action_id: int) -> RecommendationDetail:
    require(actor, Action.RECOMMENDATION_READ)
    action_id, unit = await _action_unit(action_id)
    require(actor, Action.PLAN_WRITE, unit)
    row = await _rec_row(key, rec_id)
    async with write_transaction():
        gone = await RecommendationAction.delete().where(
            RecommendationAction.key == f"{row['id']}:{action_id}").returning(RecommendationAction.id)
        if gone:
            await audit_log.record(actor, "audit.action.unlink", "audit", key, unit=unit,
                                   details={"recommendation": rec_id, "action_id": action_id})
    return await get_recommendation(actor, key, rec_id)


async def recommendation_choices(actor: Principal) -> list[RecommendationChoice]:
    """Every recommendation as (audit, id, label), for the plan page's link form."""
    require(actor, Action.RECOMMENDATION_READ)
    rows = await Recommendation.select(Recommendation.rec_id, Recommendation.text_sv,
                                       Recommendation.audit.key.as_alias("audit"),
                                       Recommendation.audit.title.as_alias("audit_title")).order_by(
        Recommendation.audit).order_by(Recommendation.sort_order)
    return [RecommendationChoice(audit=r["audit"], id=r["rec_id"], label=f"{r['audit_title']}: {r['text_sv'][:90]}")
            for r in rows]


async def links_of_actions(action_ids: list[int]) -> dict[int, list[RecommendationRef]]:
    """For the plan page: the recommendations each action answers."""
    out: dict[int, list[RecommendationRef]] = {}
    if not action_ids:
        return out
    rows = await RecommendationAction.select(
        RecommendationAction.action, RecommendationAction.recommendation).where(
        RecommendationAction.action.is_in(list(action_ids)))
    if not rows:
        return out
    recs = {r["id"]: r for r in await Recommendation.select(
        Recommendation.id, Recommendation.rec_id, Recommendation.audit.key.as_alias("audit")).where(
        Recommendation.id.is_in(sorted({r["recommendation"] for r in rows})))}
    for r in rows:
        rec = recs[r["recommendation"]]
        out.setdefault(r["action"], []).append(RecommendationRef(audit=rec["audit"], id=rec["rec_id"]))
    return out


async def indicator_overview(actor: Principal, ids: list[str]) -> list[IndicatorOverview]:
    """For a recommendation's page: each linked indicator's title, target and its latest
    kommun total (period, value, met). Unpublished ids come back with `published` False."""
    from survey_engine.services import indicators

    require(actor, Action.RECOMMENDATION_READ)
    defs = await indicators.definitions()
    out: list[IndicatorOverview] = []
    for ident in ids:
        d = defs.get(ident)
        if d is None:
            out.append(IndicatorOverview(id=ident, published=False))
            continue
        latest = None
        if actor.can(Action.INDICATOR_READ):
            data = await indicators.show(ident, actor=actor)
            for entry in reversed(data.series):
                if entry.total is not None and entry.total.value is not None:
                    value = entry.total.value
                    latest = LatestTotal(period=entry.period, value=value, met=d.meets(value))
                    break
        out.append(IndicatorOverview(id=ident, published=True, title=Text(d.title.sv, d.title.en), kind=d.kind,
                                     direction=d.direction, target=d.target, latest=latest))
    return out
