"""Measured indicators: publishing definitions, importing measurements, figures per
unit and for the kommun, lagging units and acting on them (docs/indicators.md).

The functions other features build on (the statement, the audit recommendations, the
pages) are these; each takes the acting `Principal` where it reads unit data or
changes something, and raises the app's errors (Invalid 422, NotFound 404, Conflict
409, PermissionDenied 403):

- `publish(text, actor=)` -> (`IndicatorVersionView`, created): a definitions file (§1);
  `list_versions()` -> every published version; `family_of(id)` -> `IndicatorFamilyRef`.
- `definitions()` -> {indicator id: IndicatorDef}: the current definition of every
  published indicator (from the latest version of its family).
- `get_definition(id)` -> IndicatorDef, or NotFound.
- `list_indicators(actor=)` -> list of dicts: definitions with the latest kommun figure.
- `show(id, actor=)` -> `IndicatorShow`; its `to_dict()` is the JSON of `indicators show
  --format json` (§3).
- `import_measurements(id, data, actor=, period=None)` -> `ImportSummary`; all or nothing,
  audited; Invalid with one error item per bad line (`line`, `field`, `message`).
- `indicator_series(id, actor=)` -> periods, every unit's figure per period (measured
  or computed from its sub-units) and the kommun total: for tables and charts.
- `figures_between(id, start, end)` -> the first and last period inside [start, end]
  with data, with total and unit figures (for the follow-up statement, §5).
- `latest_for_unit(id, unit_code)` -> `UnitFigure` (the unit's latest figure), or None.
- `lagging_units(id, actor=, period=None)` -> `LaggingList`: units below target in the
  latest period, with how far and their respondents' contacts (`services/views.py`).
- `act_on_lagging(id, unit_code, actor=, ...)` -> `LaggingAction`: the unit's plan with
  a new action.
- `measured_answers(q, unit_code)` -> values for number questions linked to indicators.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from survey_engine import clock
from survey_engine.errors import Conflict, Invalid, NotFound, PermissionDenied, problems_to_errors
from survey_engine.indicators.csvfile import parse_measurements
from survey_engine.indicators.definition import (
    IndicatorDef, IndicatorFamily, IndicatorFileError, indicator_from_dict, parse_indicators,
)
from survey_engine.indicators.periods import inside, parse_period, period_key
from survey_engine.indicators.totals import Figure, Measured, UnitTree, by_period
from survey_engine.questionnaire.load import version_key
from survey_engine.questionnaire.model import Questionnaire
from survey_engine.services import audit, plans
from survey_engine.services.access import Action, Principal, actor_name, check, check_unit, unit_filter
from survey_engine.services.policy import allowed_somewhere
from survey_engine.services.views import (
    Contact, ImportRecord, ImportSummary, IndicatorFamilyRef, IndicatorShow, IndicatorVersionView, LaggingAction,
    LaggingList, LaggingUnit, ShowPeriod, UnitFigure,
)
from survey_engine.store.auth_tables import UserUnit
from survey_engine.store.db import is_unique_violation, write_transaction
from survey_engine.store.indicator_tables import IndicatorImport, IndicatorMeasurement, IndicatorVersion
from survey_engine.store.tables import Unit
from survey_engine.text import Text

MAX_SOURCE = 2_000_000


# ---------------------------------------------------------------- definitions

def parse_source(text: str, source: str = "<text>") -> IndicatorFamily:
    """Parse a definitions file; its problems become one `Invalid` (422) with an error
    item per problem (`field` = path in the file, `line`, `message`)."""
    if len(text) > MAX_SOURCE:
        raise Invalid(Text("Filen är för stor", "the file is too large"), [{"field": "file", "message": f"max {MAX_SOURCE}"}])
    if "\x00" in text:
        raise Invalid(Text("Texten innehåller ett NUL-tecken", "the text contains a NUL character"),
                      [{"field": "file", "message": "NUL character"}])
    try:
        return parse_indicators(text, source)
    except IndicatorFileError as exc:
        raise Invalid(Text(f"Indikatorfilen är ogiltig ({len(exc.problems)} fel): {source}",
                           f"the indicator file is invalid ({len(exc.problems)} problems): {source}"),
                      problems_to_errors(exc.problems)) from None


def _summary(row: dict[str, Any]) -> IndicatorVersionView:
    content = json.loads(row["content"]) if isinstance(row.get("content"), str) else []
    return IndicatorVersionView(row["id"], row["family"], row["version"], row["title"], row["content_hash"],
                                row["published_at"], [i["id"] for i in content])


async def _version_rows() -> list[dict[str, Any]]:
    return await IndicatorVersion.select().order_by(IndicatorVersion.id)


def _latest_per_family(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        best = latest.get(row["family"])
        if best is None or (version_key(row["version"]) or (0, 0)) > (version_key(best["version"]) or (0, 0)):
            latest[row["family"]] = row
    return latest


async def definitions() -> dict[str, IndicatorDef]:
    """Every published indicator by id, as defined by the latest version of its family."""
    out: dict[str, IndicatorDef] = {}
    for family, row in sorted(_latest_per_family(await _version_rows()).items()):
        for item in json.loads(row["content"]):
            out[item["id"]] = indicator_from_dict(item)
    return out


async def family_of(indicator_id: str) -> IndicatorFamilyRef | None:
    """The family, version and title of the definitions version that defines the indicator."""
    for family, row in _latest_per_family(await _version_rows()).items():
        if any(i["id"] == indicator_id for i in json.loads(row["content"])):
            return IndicatorFamilyRef(family, row["version"], row["title"])
    return None


def indicator_gap(indicator: dict[str, Any], value: float | None) -> float | None:
    """How far `value` falls short of the target of an `IndicatorDef.to_dict()`."""
    return indicator_from_dict(indicator).gap(value)


async def get_definition(indicator_id: str) -> IndicatorDef:
    found = (await definitions()).get(indicator_id)
    if found is None:
        raise NotFound(Text(f"Indikatorn {indicator_id!r} finns inte; publicera definitionerna först",
                            f"indicator {indicator_id!r} does not exist; publish its definitions first"),
                       [{"field": "indicator", "message": "unknown"}])
    return found


async def publish(source_text: str, *, actor: Principal,
                  source: str = "<text>") -> tuple[IndicatorVersionView, bool]:
    """Publish a definitions version. The same family and version with the same content
    is a no-op (created False); with other content it is refused (raise the version).
    An indicator id defined by another family is refused: measurements are stored by id."""
    check(actor, Action.INDICATOR_MANAGE)
    family = parse_source(source_text, source)
    key = f"{family.id}@{family.version}"
    content = json.dumps([i.to_dict() for i in family.indicators], ensure_ascii=False, sort_keys=True)
    try:
        async with write_transaction():
            rows = await _version_rows()
            existing = next((r for r in rows if r["key"] == key), None)
            if existing is not None:
                if existing["content_hash"] != family.hash:
                    raise Conflict(
                        Text(f"{family.id} {family.version} är redan publicerad med annat innehåll; höj versionen",
                             f"{family.id} {family.version} is already published with other content; raise the version"),
                        [{"field": "version", "message": f"published hash {existing['content_hash']}, this file {family.hash}"}])
                return _summary(existing), False
            others = {i["id"]: fam for fam, row in _latest_per_family(rows).items() if fam != family.id
                      for i in json.loads(row["content"])}
            clash = [i.id for i in family.indicators if i.id in others]
            if clash:
                raise Conflict(
                    Text(f"Indikatorn {clash[0]} finns redan i familjen {others[clash[0]]}; välj ett annat id",
                         f"indicator {clash[0]} already belongs to family {others[clash[0]]}; choose another id"),
                    [{"field": "indicators", "message": f"{i} in {others[i]}"} for i in clash])
            title = family.title.sv[:500]
            await IndicatorVersion.insert(IndicatorVersion(
                key=key, family=family.id, version=family.version, title=title, content_hash=family.hash,
                source_text=source_text, content=content, published_at=clock.now(), published_by=actor_name(actor)))
            await audit.record(actor, "indicator.publish", "indicator_version", key,
                               details={"hash": family.hash, "indicators": [i.id for i in family.indicators],
                                        "source": source[:200]})
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(Text("Samma version publicerades samtidigt; försök igen",
                                "the same version was published at the same time; try again")) from exc
        raise
    row = await IndicatorVersion.select().where(IndicatorVersion.key == key).first()
    return _summary(row), True


async def list_versions() -> list[IndicatorVersionView]:
    return [_summary(r) for r in await _version_rows()]


# ---------------------------------------------------------------- units and measurements

async def _units() -> tuple[dict[int, dict[str, Any]], UnitTree]:
    rows = await Unit.select(Unit.id, Unit.code, Unit.name, Unit.parent)
    by_id = {r["id"]: r for r in rows}
    tree = UnitTree({r["code"]: (by_id[r["parent"]]["code"] if r["parent"] in by_id else None) for r in rows})
    return by_id, tree


async def _measured(indicator_id: str, by_id: dict[int, dict[str, Any]]) -> list[Measured]:
    rows = await IndicatorMeasurement.select(
        IndicatorMeasurement.unit, IndicatorMeasurement.period, IndicatorMeasurement.value,
        IndicatorMeasurement.numerator, IndicatorMeasurement.denominator,
    ).where(IndicatorMeasurement.indicator == indicator_id)
    return [Measured(by_id[r["unit"]]["code"], r["period"], r["value"], r["numerator"], r["denominator"])
            for r in rows if r["unit"] in by_id]


def _visible(actor: Principal, codes: list[str]) -> set[str] | None:
    """None: every unit; else the unit codes the actor may read figures of."""
    allowed = unit_filter(actor, Action.INDICATOR_READ, codes)
    return None if allowed is None else set(allowed)


def _check_read(actor: Principal) -> None:
    if not allowed_somewhere(actor, Action.INDICATOR_READ):
        raise PermissionDenied()


async def show(indicator_id: str, *, actor: Principal) -> IndicatorShow:
    """An indicator's measurements and kommun totals; `to_dict()` is the JSON of
    `indicators show --format json` (docs/indicators.md §3). A respondent sees the
    kommun total and only their own units in `units`."""
    _check_read(actor)
    d = await get_definition(indicator_id)
    by_id, tree = await _units()
    periods = by_period(await _measured(indicator_id, by_id))
    visible = _visible(actor, list(tree.parents))
    return IndicatorShow(d.id, d.kind, d.direction, d.target, tuple(
        ShowPeriod(period, {c: measured[c] for c in sorted(measured) if visible is None or c in visible},
                   tree.total(d.kind, measured))
        for period, measured in periods.items()))


async def list_indicators(*, actor: Principal) -> list[dict[str, Any]]:
    """Every current indicator with its family, latest period and kommun figure."""
    _check_read(actor)
    defs = await definitions()
    by_id, tree = await _units()
    families = {}
    for family, row in _latest_per_family(await _version_rows()).items():
        for item in json.loads(row["content"]):
            families[item["id"]] = {"family": family, "version": row["version"]}
    out = []
    for iid, d in defs.items():
        periods = by_period(await _measured(iid, by_id))
        latest = list(periods)[-1] if periods else None
        total = tree.total(d.kind, periods[latest]) if latest else None
        out.append({**d.to_dict(), **families.get(iid, {}), "latest_period": latest,
                    "total": total.to_dict() if total else None,
                    "meets_target": d.meets(total.value) if total else None,
                    "periods": len(periods)})
    return out


async def import_measurements(indicator_id: str, data: bytes | str, *, actor: Principal, period: str | None = None,
                              source: str = "<csv>") -> ImportSummary:
    """Import a measurement CSV file (docs/indicators.md §2.1) for one indicator.

    All or nothing: any bad row and nothing is stored; Invalid (422) lists every bad
    row with `line`, `field` (the column) and `message`. Existing (unit, period)
    measurements are replaced. Audited as `indicator.import` (counts only; person
    identifiers never leave the CSV reader)."""
    check(actor, Action.INDICATOR_MANAGE)
    d = await get_definition(indicator_id)
    by_id, tree = await _units()
    codes = {r["code"]: i for i, r in by_id.items()}
    result = parse_measurements(data, kind=d.kind, period_kind=d.period, units=set(codes),
                                period=period, valid_months=d.valid_months)
    if not result.ok:
        await audit.record(actor, "indicator.import.rejected", "indicator", indicator_id,
                           details={"problems": result.problem_count, "layout": result.layout,
                                    "source": source[:200]})
        more = result.problem_count - len(result.problems)
        errors = [p.to_dict() for p in result.problems]
        if more > 0:
            errors.append({"field": "file", "message": f"… och {more} fel till / and {more} more problems"})
        raise Invalid(Text(f"Filen har {result.problem_count} fel; inget importerades. Rätta raderna och importera igen.",
                           f"the file has {result.problem_count} problems; nothing was imported. Fix the lines and "
                           f"import again."), errors, imported=0)
    if not result.rows:
        raise Invalid(Text("Filen har inga datarader; inget importerades", "the file has no data rows; nothing was imported"),
                      [{"field": "file", "message": "no rows"}], imported=0)
    who = actor_name(actor)
    t = clock.now()
    periods = sorted({r.period for r in result.rows}, key=period_key)
    async with write_transaction():
        keys = [f"{indicator_id}|{codes[r.unit]}|{r.period}" for r in result.rows]
        replaced = 0
        for start in range(0, len(keys), 500):
            replaced += await IndicatorMeasurement.count().where(IndicatorMeasurement.key.is_in(keys[start:start + 500]))
            await IndicatorMeasurement.delete().where(IndicatorMeasurement.key.is_in(keys[start:start + 500]))
        made = await IndicatorImport.insert(IndicatorImport(
            indicator=indicator_id, layout=result.layout, period=period, row_count=len(result.rows),
            unit_count=len({r.unit for r in result.rows}), periods=json.dumps(periods), imported_by=who, imported_at=t,
        )).returning(IndicatorImport.id)
        import_id = made[0]["id"]
        batch = [IndicatorMeasurement(
            key=key, indicator=indicator_id, unit=codes[r.unit], period=r.period, numerator=r.numerator,
            denominator=r.denominator, value=r.value, import_id=import_id, imported_by=who, imported_at=t,
        ) for key, r in zip(keys, result.rows)]
        for start in range(0, len(batch), 500):
            await IndicatorMeasurement.insert(*batch[start:start + 500])
        summary = ImportSummary(import_id, indicator_id, result.layout, len(result.rows),
                                len({r.unit for r in result.rows}), periods, replaced, result.persons)
        await audit.record(actor, "indicator.import", "indicator", indicator_id,
                           details={**asdict(summary), "period": period, "source": source[:200]})
    return summary


async def list_imports(indicator_id: str | None = None, limit: int = 50) -> list[ImportRecord]:
    """The latest imports, newest first (of one indicator, or of all)."""
    query = IndicatorImport.select().order_by(IndicatorImport.id, ascending=False).limit(limit)
    if indicator_id:
        query = query.where(IndicatorImport.indicator == indicator_id)
    return [ImportRecord(r["id"], r["indicator"], r["layout"], r["period"], r["row_count"], r["unit_count"],
                         json.loads(r["periods"] or "[]"), r["imported_by"], r["imported_at"]) for r in await query]


# ---------------------------------------------------------------- figures for pages and reports

async def indicator_series(indicator_id: str, *, actor: Principal) -> dict[str, Any]:
    """Everything a table or chart of one indicator needs:

    `{"indicator": IndicatorDef.to_dict(), "periods": [...ascending],
      "total": {period: figure}, "units": [{"code", "name", "parent", "depth", "measured":
      {period: bool}, "figures": {period: figure | None}, "gaps": {period: float | None}}]}`

    A figure is `{"value", "numerator"?, "denominator"?}`; a parent unit without its own
    measurement gets the figure computed from its sub-units. `gaps` says how far below
    the target (0 when met). Respondents get only their own units (and the total)."""
    _check_read(actor)
    d = await get_definition(indicator_id)
    by_id, tree = await _units()
    periods = by_period(await _measured(indicator_id, by_id))
    visible = _visible(actor, list(tree.parents))
    names = {r["code"]: r["name"] for r in by_id.values()}
    order: list[tuple[str, int]] = []

    def walk(code: str, depth: int) -> None:
        order.append((code, depth))
        for child in tree.children.get(code, []):
            walk(child, depth + 1)

    for top in tree.tops:
        walk(top, 0)
    units = []
    for code, depth in order:
        if visible is not None and code not in visible:
            continue
        figures: dict[str, Any] = {}
        for period, measured in periods.items():
            f = tree.figure(d.kind, code, measured)
            figures[period] = f.to_dict() if f else None
        if not any(figures.values()):
            continue
        units.append({"code": code, "name": names.get(code, code), "parent": tree.parents.get(code), "depth": depth,
                      "measured": {p: code in m for p, m in periods.items()}, "figures": figures,
                      "gaps": {p: (d.gap(f["value"]) if f else None) for p, f in figures.items()}})
    total = {}
    for period, measured in periods.items():
        f = tree.total(d.kind, measured)
        total[period] = f.to_dict() if f else None
    return {"indicator": d.to_dict(), "periods": list(periods), "total": total, "units": units}


async def figures_between(indicator_id: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """For the follow-up statement (§5, D11): the periods lying wholly inside [start,
    end] that have a measurement; the first and last of them with the kommun total and
    every unit's figure, and the change of the total. No permission check: the caller
    (a report service) checks its own action."""
    d = await get_definition(indicator_id)
    by_id, tree = await _units()
    periods = by_period(await _measured(indicator_id, by_id))
    inside_periods = [p for p in periods if (pp := parse_period(p, d.period)) is not None and inside(pp, start, end)]

    def at(p: str) -> dict[str, Any]:
        total = tree.total(d.kind, periods[p])
        units = {}
        for code in tree.parents:
            f = tree.figure(d.kind, code, periods[p])
            if f is not None:
                units[code] = f.to_dict()
        return {"period": p, "total": total.to_dict() if total else None, "units": units,
                "meets_target": d.meets(total.value) if total else None}

    first = at(inside_periods[0]) if inside_periods else None
    last = at(inside_periods[-1]) if len(inside_periods) > 1 else None
    change = None
    if first and last and first["total"] and last["total"]:
        change = last["total"]["value"] - first["total"]["value"]
    return {"indicator": d.to_dict(), "periods": inside_periods, "first": first, "last": last, "change": change}


async def latest_for_unit(indicator_id: str, unit_code: str) -> UnitFigure | None:
    """The unit's figure in the latest period where it has one (measured or computed
    from its sub-units), or None. No permission check (callers check the unit)."""
    d = await get_definition(indicator_id)
    by_id, tree = await _units()
    if unit_code not in tree.parents:
        return None
    periods = by_period(await _measured(indicator_id, by_id))
    for period in reversed(list(periods)):
        f = tree.figure(d.kind, unit_code, periods[period])
        if f is not None:
            return UnitFigure(d.id, period, f, d.source, d.kind)
    return None


async def unit_indicators(unit_code: str, *, actor: Principal) -> list[dict[str, Any]]:
    """Every indicator's latest figure for one unit, with target and gap (the
    förvaltning page). Only indicators with data for the unit."""
    check_unit(actor, Action.INDICATOR_READ, unit_code)
    out = []
    for iid, d in (await definitions()).items():
        latest = await latest_for_unit(iid, unit_code)
        if latest is None:
            continue
        value = latest.figure.value
        out.append({"indicator": d.to_dict(), "period": latest.period, **latest.figure.to_dict(),
                    "source": {"sv": latest.source.sv, "en": latest.source.en}, "kind": latest.kind,
                    "meets_target": d.meets(value), "gap": d.gap(value)})
    return out


async def city_summary() -> list[dict[str, Any]]:
    """For the city report: every indicator with data, its latest period, the kommun
    figure, the target and whether it is met, and the units below the target there
    (worst first). Plain numbers; no permission check (the report service checks its
    own action, and the figures are the city's)."""
    out = []
    by_id, tree = await _units()
    names = {r["code"]: r["name"] for r in by_id.values()}
    skip = set(tree.tops) if len(tree.tops) == 1 else set()
    for iid, d in (await definitions()).items():
        periods = by_period(await _measured(iid, by_id))
        if not periods:
            continue
        period = list(periods)[-1]
        measured = periods[period]
        total = tree.total(d.kind, measured)
        below = []
        for code in tree.parents:
            f = tree.figure(d.kind, code, measured)
            if code not in skip and f is not None and not d.meets(f.value):
                below.append({"code": code, "name": names.get(code, code), "value": f.value, "gap": d.gap(f.value)})
        below.sort(key=lambda u: (-(u["gap"] or 0), u["code"]))
        out.append({"indicator": d.to_dict(), "period": period, "periods": len(periods),
                    "total": total.to_dict() if total else None,
                    "meets_target": d.meets(total.value) if total else None, "below": below})
    return out


# ---------------------------------------------------------------- lagging units

async def _contacts(unit_codes: list[str]) -> dict[str, list[Contact]]:
    out: dict[str, list[Contact]] = {c: [] for c in unit_codes}
    if not unit_codes:
        return out
    rows = await UserUnit.select(
        UserUnit.unit_code, UserUnit.user.username.as_alias("username"),
        UserUnit.user.display_name.as_alias("display_name"), UserUnit.user.email.as_alias("email"),
        UserUnit.user.role.as_alias("role"), UserUnit.user.active.as_alias("active"),
    ).where(UserUnit.unit_code.is_in(unit_codes))
    for r in sorted(rows, key=lambda r: r["username"]):
        if r["role"] == "respondent" and r["active"]:
            out[r["unit_code"]].append(Contact(r["username"], r["display_name"] or r["username"], r["email"] or ""))
    return out


async def lagging_units(indicator_id: str, *, actor: Principal, period: str | None = None) -> LaggingList:
    """Units below the target in `period` (default: the latest period with data), worst
    first, each with its figure, how far below the target and the contacts (name, e-mail)
    of its respondents. The top unit (the kommun) is left out: the list is for acting on
    förvaltningar. Needs indicator.read everywhere (respondents cannot compare units)."""
    check(actor, Action.INDICATOR_READ)
    d = await get_definition(indicator_id)
    by_id, tree = await _units()
    periods = by_period(await _measured(indicator_id, by_id))
    if period is None:
        period = list(periods)[-1] if periods else None
    elif period not in periods:
        raise NotFound(Text(f"{indicator_id} har inga mätvärden för {period}", f"{indicator_id} has no measurements for {period}"),
                       [{"field": "period", "message": "no measurements"}])
    names = {r["code"]: r["name"] for r in by_id.values()}
    below: list[tuple[str, Figure, float | None]] = []
    if period is not None:
        measured = periods[period]
        # the single top unit is the kommun; in a forest (§2.2) every top is a förvaltning
        skip = set(tree.tops) if len(tree.tops) == 1 else set()
        for code in tree.parents:
            if code in skip:
                continue
            f = tree.figure(d.kind, code, measured)
            if f is None or d.meets(f.value):
                continue
            below.append((code, f, d.gap(f.value)))
    below.sort(key=lambda u: (-(u[2] or 0), u[0]))
    contacts = await _contacts([code for code, _, _ in below])
    units = tuple(LaggingUnit(code, names.get(code, code), tree.parents.get(code), f, gap,
                              tuple(contacts.get(code, [])))
                  for code, f, gap in below)
    total = tree.total(d.kind, periods[period]) if period else None
    return LaggingList(d, period, total, units)


def _pct(d: IndicatorDef, value: float) -> str:
    return f"{value * 100:.1f} %".replace(".", ",") if d.kind == "share" else f"{value:g}"


async def act_on_lagging(indicator_id: str, unit_code: str, *, actor: Principal, title: str | None = None,
                         owner: str = "", due_date: str | None = None, note: str | None = None,
                         period: str | None = None) -> LaggingAction:
    """Create an action in the unit's newest plan for a unit lagging on the indicator
    (one step from the lagging list). Returns the plan and the new action's id.

    Conflict (409) when the unit has no plan yet (make one from its response first) or
    when the unit is not below the target; PermissionDenied without plan.write on it."""
    check_unit(actor, Action.PLAN_WRITE, unit_code)
    d = await get_definition(indicator_id)
    lag = await lagging_units(indicator_id, actor=actor, period=period)
    entry = next((u for u in lag.units if u.code == unit_code), None)
    if entry is None:
        raise Conflict(Text(f"{unit_code} ligger inte under målet för {indicator_id} ({lag.period or 'inga mätvärden'})",
                            f"{unit_code} is not below the target of {indicator_id} ({lag.period or 'no measurements'})"),
                       [{"field": "unit", "message": "not lagging"}])
    unit_plans = [p for p in await plans.list_plans(actor, unit=unit_code) if p.unit == unit_code]
    if not unit_plans:
        raise Conflict(Text(f"{unit_code} har ingen handlingsplan än. Skapa en plan från förvaltningens svar "
                            f"(Handlingsplaner) och försök igen.",
                            f"{unit_code} has no improvement plan yet. Create one from the unit's response "
                            f"(Plans) and try again."),
                       [{"field": "unit", "message": "no plan"}], code_hint="no_plan")
    plan = unit_plans[0]  # newest first
    default_title = (f"Öka {d.title.sv[0].lower() + d.title.sv[1:]} från {_pct(d, entry.value)} till målet "
                     f"{_pct(d, d.target)}")
    fields: dict[str, Any] = {
        "title": (title or default_title)[:500],
        "note": note if note is not None else (
            f"Skapad från listan över enheter under målet: {d.id} {lag.period}, {_pct(d, entry.value)} "
            f"mot målet {_pct(d, d.target)} (källa: {d.source.sv})."),
        "owner": owner or "",
    }
    if due_date:
        fields["due_date"] = due_date
    before = {a.id for a in (await plans.get_plan(actor, plan.id)).actions}
    result = await plans.add_action(actor, plan.id, plan.revision, fields)
    new = [a for a in result.actions if a.id not in before]
    await audit.record(actor, "indicator.act", "indicator", indicator_id, unit=unit_code,
                       details={"plan_id": plan.id, "action_id": new[0].id if new else None,
                                "period": lag.period, "value": entry.value})
    return LaggingAction(plan.id, new[0].id if new else None, result)


# ---------------------------------------------------------------- answers from measured data

def _number_value(d: IndicatorDef, question: Any, value: float) -> float | None:
    number = value * 100 if d.kind == "share" else value
    number = round(number, 1)
    if number == int(number):
        number = int(number)
    low, high = getattr(question, "min", None), getattr(question, "max", None)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


async def measured_answers(q: Questionnaire, unit_code: str) -> dict[str, dict[str, Any]]:
    """Values for the number questions of `q` that an indicator links to (its
    `questions` with `family` = q's family, docs/indicators.md §1): question id ->
    `{"value", "indicator", "period", "note"}`. A share becomes a percentage. Questions
    without data for the unit are left out."""
    out: dict[str, dict[str, Any]] = {}
    for iid, d in (await definitions()).items():
        if d.family != q.id or not d.questions:
            continue
        targets = [qid for qid in d.questions if (qq := q.question(qid)) is not None and qq.type == "number"]
        if not targets:
            continue
        latest = await latest_for_unit(iid, unit_code)
        if latest is None:
            continue
        for qid in targets:
            value = _number_value(d, q.question(qid), latest.figure.value)
            if value is None or qid in out:
                continue
            if d.kind == "share":
                counts = f"{latest.figure.numerator} av {latest.figure.denominator}"
                counts_en = f"{latest.figure.numerator} of {latest.figure.denominator}"
            else:
                counts = counts_en = f"{latest.figure.value:g}"
            note = (f"Uppmätt värde: {d.source.sv}, {latest.period} ({counts}; indikator {d.id}). "
                    f"/ Measured: {d.source.en}, {latest.period} ({counts_en}; indicator {d.id}).")
            out[qid] = {"value": value, "indicator": d.id, "period": latest.period, "note": note}
    return out
