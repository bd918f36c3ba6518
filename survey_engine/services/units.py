"""Units: a kommun and its förvaltningar, each with a short code and a weight."""
from __future__ import annotations

from survey_engine import plaintext

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from survey_engine.services import audit
from survey_engine.services.access import Action, Principal, check
from survey_engine.services.common import page_args
from survey_engine.store.db import is_unique_violation
from survey_engine.errors import Conflict, Invalid, NotFound
from survey_engine.store.db import write_transaction
from survey_engine.store.tables import Unit
from survey_engine.text import Text
from survey_engine.services.views import UnitView

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")
MIN_WEIGHT = 0.001
MAX_WEIGHT = 10_000_000  # more than anyone employs


@dataclass(frozen=True)
class UnitInput:
    code: str
    name: str
    weight: float = 1.0
    parent: str | None = None
    line: int | None = None  # CSV line, for messages


def _where(item: UnitInput, field: str) -> dict[str, Any]:
    out: dict[str, Any] = {"field": field}
    if item.line is not None:
        out["line"] = item.line
    return out


def check_units(items: Iterable[UnitInput], existing_codes: set[str] | None = None) -> list[dict[str, Any]]:
    """Every problem with a batch of units (codes, names, weights, parents).

    `existing_codes` None: parents outside the batch are not checked (they may exist
    in the database)."""
    items = list(items)
    errors: list[dict[str, Any]] = []
    seen: dict[str, UnitInput] = {}
    for item in items:
        if not CODE_RE.match(item.code or ""):
            errors.append({**_where(item, "code"), "message":
                           f"koden {item.code!r} ska vara 1–40 tecken A–Z, 0–9, _ . - / code must be 1-40 letters, digits, _ . -"})
        elif item.code in seen:
            errors.append({**_where(item, "code"), "message":
                           f"koden {item.code} förekommer två gånger / duplicate code {item.code}"})
        else:
            seen[item.code] = item
        if not (item.name or "").strip():
            errors.append({**_where(item, "name"), "message": "namn saknas / name is missing"})
        elif len(item.name) > 300:
            errors.append({**_where(item, "name"), "message": "namnet är längre än 300 tecken / name longer than 300"})
        elif any(ord(c) < 32 for c in item.name) or plaintext.control_character(item.name):
            errors.append({**_where(item, "name"), "message": "namnet innehåller styrtecken / name contains control characters"})
        # A weight is a head count: finite and within reason, or a weighted mean
        # overflows (1e308 made the city report print "nan %"; docs/security.md).
        if (isinstance(item.weight, bool) or not isinstance(item.weight, (int, float))
                or not math.isfinite(item.weight) or not MIN_WEIGHT <= item.weight <= MAX_WEIGHT):
            errors.append({**_where(item, "weight"), "message":
                           f"vikten ska vara ett tal mellan {MIN_WEIGHT:g} och {MAX_WEIGHT:g}, inte {item.weight!r} / "
                           f"weight must be a number from {MIN_WEIGHT:g} to {MAX_WEIGHT:g}"})
        if item.parent:
            if item.parent == item.code:
                errors.append({**_where(item, "parent"), "message": "en enhet kan inte vara sin egen förälder / a unit cannot be its own parent"})
            elif (existing_codes is not None and item.parent not in existing_codes
                  and not any(i.code == item.parent for i in items)):
                errors.append({**_where(item, "parent"), "message":
                               f"förälder {item.parent} finns inte / parent {item.parent} does not exist"})
    return errors


def parse_units_csv(text: str, source: str = "<csv>") -> list[UnitInput]:
    """Units from CSV with the columns code,name,weight,parent (header required).

    Raises `Invalid` naming the line of every problem."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise Invalid(Text(f"{source}: trasig CSV ({exc})", f"{source}: broken CSV ({exc})")) from exc
    if not rows:
        raise Invalid(Text(f"{source}: filen är tom", f"{source}: the file is empty"),
                      [{"field": "header", "line": 1, "message": "expected code,name,weight,parent"}])
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ("code", "name") if c not in header]
    unknown = [h for h in header if h not in ("code", "name", "weight", "parent")]
    if missing or unknown:
        raise Invalid(
            Text(f"{source}:1: rubrikraden ska vara code,name,weight,parent", f"{source}:1: the header must be code,name,weight,parent"),
            [{"field": "header", "line": 1, "message":
              f"saknas/missing: {', '.join(missing) or '-'}; okända/unknown: {', '.join(unknown) or '-'}"}],
        )
    idx = {h: i for i, h in enumerate(header)}
    items: list[UnitInput] = []
    errors: list[dict[str, Any]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append({"field": "row", "line": n, "message":
                           f"{len(row)} kolumner, väntade {len(header)} / {len(row)} columns, expected {len(header)}"})
            continue
        cell = lambda name: row[idx[name]].strip() if name in idx else ""  # noqa: E731
        weight_text = cell("weight")
        try:
            weight = float(weight_text.replace(",", ".")) if weight_text else 1.0
        except ValueError:
            errors.append({"field": "weight", "line": n, "message":
                           f"vikten {weight_text!r} är inget tal / weight {weight_text!r} is not a number"})
            weight = 1.0  # keep the row so that its other problems are reported too
        items.append(UnitInput(cell("code"), cell("name"), weight, cell("parent") or None, n))
    errors.extend(check_units(items))
    if errors:
        raise Invalid(Text(f"{source}: {len(errors)} fel i enhetsfilen", f"{source}: {len(errors)} problems in the units file"), [
            {**e, "message": f"{source}:{e['line']}: {e['message']}" if "line" in e else e["message"]} for e in errors
        ])
    return items


def _unit_view(row: dict[str, Any], parent_code: str | None = None) -> UnitView:
    return UnitView(id=row["id"], code=row["code"], name=row["name"], weight=row["weight"], parent=parent_code)


async def _codes_by_id() -> dict[int, str]:
    return {r["id"]: r["code"] for r in await Unit.select(Unit.id, Unit.code)}


async def import_units(items: list[UnitInput], actor: Principal, event: str = "unit.import") -> dict[str, int]:
    """Create new units and update existing ones (matched by code). All or nothing."""
    check(actor, Action.UNIT_MANAGE)
    items = list(items)
    try:
        async with write_transaction():
            existing = {r["code"]: r for r in await Unit.select(Unit.id, Unit.code)}
            errors = check_units(items, set(existing))
            if errors:
                raise Invalid(Text("Enheterna är ogiltiga", "the units are invalid"), errors)
            created = updated = 0
            ids = {code: r["id"] for code, r in existing.items()}
            for item in items:
                if item.code in ids:
                    await Unit.update({Unit.name: item.name, Unit.weight: float(item.weight)}).where(
                        Unit.id == ids[item.code])
                    updated += 1
                else:
                    rows = await Unit.insert(Unit(code=item.code, name=item.name, weight=float(item.weight))).returning(Unit.id)
                    ids[item.code] = rows[0]["id"]
                    created += 1
            for item in items:
                await Unit.update({Unit.parent: ids[item.parent] if item.parent else None}).where(Unit.id == ids[item.code])
            # refuse cycles through the whole tree
            parents = {r["id"]: r["parent"] for r in await Unit.select(Unit.id, Unit.parent)}
            for start in parents:
                seen, node = set(), start
                while node is not None:
                    if node in seen:
                        code = next(c for c, i in ids.items() if i == start) if start in ids.values() else start
                        raise Invalid(Text("Enheternas föräldrar bildar en cirkel", "the unit parents form a cycle"),
                                      [{"field": "parent", "message": f"cycle through {code}"}])
                    seen.add(node)
                    node = parents.get(node)
            await audit.record(actor, event, "unit", ",".join(i.code for i in items[:20]),
                               details={"created": created, "updated": updated,
                                        "codes": [i.code for i in items[:500]]})
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(Text("En enhet med samma kod skapades samtidigt, försök igen", "a unit with the same code " "was created at the same time, try again")) from exc
        raise
    return {"created": created, "updated": updated}


async def create_unit(code: str, name: str, weight: float = 1.0, parent: str | None = None, *,
                      actor: Principal) -> UnitView:
    check(actor, Action.UNIT_MANAGE)
    existing = await Unit.exists().where(Unit.code == code)
    if existing:
        raise Conflict(Text(f"Enheten {code} finns redan", f"unit {code} already exists"),
                       [{"field": "code", "message": "duplicate"}])
    await import_units([UnitInput(code, name, weight, parent)], actor, event="unit.create")
    return await get_unit(code)


async def list_units(limit: int = 100, offset: int = 0) -> tuple[list[UnitView], int]:
    limit, offset = page_args(limit, offset)
    rows = await Unit.select(Unit.id, Unit.code, Unit.name, Unit.weight, Unit.parent).order_by(Unit.id).limit(limit).offset(offset)
    codes = await _codes_by_id()
    return [_unit_view(r, codes.get(r["parent"])) for r in rows], await Unit.count()


async def get_unit(code: str) -> UnitView:
    row = await Unit.select(Unit.id, Unit.code, Unit.name, Unit.weight, Unit.parent).where(Unit.code == code).first()
    if row is None:
        raise NotFound(Text(f"Enheten {code} finns inte", f"unit {code} not found"))
    parent = None
    if row["parent"] is not None:
        parent = (await Unit.select(Unit.code).where(Unit.id == row["parent"]).first())["code"]
    return _unit_view(row, parent)
