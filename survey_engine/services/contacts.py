"""Contact addresses of units: where a förvaltning's reminders go, and in which language.

A unit has any number of addresses (a registrator, the person who coordinates the
answers …), each with a language (sv or en). Reminders also go to the respondents bound
to the unit who have an e-mail address. Rules in docs/operations.md, "E-mail reminders".
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any, Iterable

from survey_engine.errors import Invalid, NotFound
from survey_engine.services import audit
from survey_engine.services.access import Action, Principal, actor_name, check
from survey_engine.store.auth_tables import User, UserUnit
from survey_engine.store.db import write_transaction
from survey_engine.store.mail_tables import UnitContact
from survey_engine.store.tables import Unit
from survey_engine.text import Text

LANGUAGES = ("sv", "en")
MAX_CONTACTS_PER_UNIT = 20
MAX_ROWS = 5000
# One address as people write them: no display name, no spaces, one @, a domain with a dot.
_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+\Z")


@dataclass(frozen=True)
class ContactInput:
    unit: str
    email: str
    name: str = ""
    language: str = "sv"
    line: int | None = None


def email_problem(address: str) -> str | None:
    """Why `address` is not an e-mail address we send to (Swedish / English), or None."""
    if not address:
        return "adressen saknas / the address is missing"
    if len(address) > 254:
        return "adressen är längre än 254 tecken / the address is longer than 254 characters"
    if not _EMAIL_RE.match(address) or ".." in address:
        return f"{address[:80]!r} är ingen e-postadress / is not an e-mail address"
    return None


def check_contacts(items: Iterable[ContactInput], known_units: set[str]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    per_unit: dict[str, int] = {}

    def where(item: ContactInput, field: str) -> dict[str, Any]:
        return {"field": field, **({"line": item.line} if item.line is not None else {})}

    for item in items:
        if item.unit not in known_units:
            errors.append({**where(item, "unit"), "message": f"enheten {item.unit[:64]!r} finns inte / unit not found"})
        problem = email_problem(item.email)
        if problem:
            errors.append({**where(item, "email"), "message": problem})
        elif (item.unit, item.email.lower()) in seen:
            errors.append({**where(item, "email"), "message": f"{item.email} står två gånger / listed twice"})
        seen.add((item.unit, item.email.lower()))
        if len(item.name) > 200 or any(ord(c) < 32 or ord(c) == 127 for c in item.name):
            errors.append({**where(item, "name"), "message":
                           "namnet är för långt eller har styrtecken / name too long or has control characters"})
        if item.language not in LANGUAGES:
            errors.append({**where(item, "language"), "message":
                           f"språket ska vara sv eller en, inte {item.language[:20]!r} / language must be sv or en"})
        per_unit[item.unit] = per_unit.get(item.unit, 0) + 1
    for unit, n in per_unit.items():
        if n > MAX_CONTACTS_PER_UNIT:
            errors.append({"field": "email", "message": f"{unit}: högst {MAX_CONTACTS_PER_UNIT} adresser / "
                           f"at most {MAX_CONTACTS_PER_UNIT} addresses per unit"})
    return errors


def contact_input(unit: str, email: str, name: str = "", language: str = "", line: int | None = None) -> ContactInput:
    return ContactInput(unit=(unit or "").strip(), email=(email or "").strip(), name=(name or "").strip(),
                        language=(language or "sv").strip().lower(), line=line)


def parse_contacts_csv(text: str, source: str = "<csv>") -> list[ContactInput]:
    """Contacts from CSV with the columns unit,email[,name][,language] (header required).
    Raises `Invalid` naming the line of every problem it can see without the database."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise Invalid(Text(f"{source}: filen är tom", f"{source}: the file is empty"),
                      [{"field": "file", "message": "rubrikrad unit,email,name,language saknas / header row missing"}])
    header = [h.strip().lower() for h in rows[0]]
    if "unit" not in header or "email" not in header:
        raise Invalid(Text(f"{source}: rubrikraden ska ha kolumnerna unit och email (name, language frivilliga)",
                           f"{source}: the header row needs the columns unit and email (name, language optional)"),
                      [{"field": "file", "line": 1, "message": f"rubrik / header: {','.join(header)[:200]}"}])
    if len(rows) - 1 > MAX_ROWS:
        raise Invalid(Text(f"{source}: högst {MAX_ROWS} rader", f"{source}: at most {MAX_ROWS} rows"))
    col = {name: header.index(name) for name in ("unit", "email", "name", "language") if name in header}
    items = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str) -> str:
            i = col.get(name)
            return row[i] if i is not None and i < len(row) else ""

        items.append(contact_input(cell("unit"), cell("email"), cell("name"), cell("language"), number))
    return items


def _contact_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {"unit": row["unit_code"], "email": row["email"], "name": row["name"], "language": row["language"]}


async def get_contacts_unit(unit_code: str) -> None:
    """Raise NotFound unless the unit exists (so a PUT to an unknown unit is a 404)."""
    if not await Unit.exists().where(Unit.code == unit_code):
        raise NotFound(Text(f"Enheten {unit_code} finns inte", f"unit {unit_code} not found"))


async def list_contacts(unit_code: str | None = None, *, actor: Principal) -> list[dict[str, Any]]:
    """Contact addresses (of one unit, or all): personal data, so only for those who
    manage reminders or units."""
    check(actor, Action.REMINDER_READ)
    query = UnitContact.select(UnitContact.unit.code.as_alias("unit_code"), UnitContact.email, UnitContact.name,
                               UnitContact.language)
    if unit_code is not None:
        if not await Unit.exists().where(Unit.code == unit_code):
            raise NotFound(Text(f"Enheten {unit_code} finns inte", f"unit {unit_code} not found"))
        query = query.where(UnitContact.unit.code == unit_code)
    rows = await query.order_by(UnitContact.unit).order_by(UnitContact.id)
    return [_contact_dict(r) for r in rows]


async def replace_contacts(items: list[ContactInput], *, actor: Principal, units: Iterable[str] | None = None,
                           event: str = "unit.contacts") -> dict[str, int]:
    """Make the listed addresses the contacts of their units: every unit named in `items`
    (and in `units`, which may name units to empty) gets exactly these addresses. All or
    nothing; audited."""
    check(actor, Action.UNIT_MANAGE)
    items = list(items)
    async with write_transaction():
        ids = {r["code"]: r["id"] for r in await Unit.select(Unit.id, Unit.code)}
        errors = check_contacts(items, set(ids))
        targets = list(dict.fromkeys([*(units or []), *(i.unit for i in items)]))
        errors += [{"field": "unit", "message": f"enheten {u[:64]!r} finns inte / unit not found"}
                   for u in targets if u not in ids and all(i.unit != u for i in items)]
        if errors:
            raise Invalid(Text("Kontaktadresserna är ogiltiga", "the contact addresses are invalid"), errors)
        removed = await UnitContact.count().where(UnitContact.unit.is_in([ids[u] for u in targets])) if targets else 0
        if targets:
            await UnitContact.delete().where(UnitContact.unit.is_in([ids[u] for u in targets]))
        who = actor_name(actor)
        if items:
            await UnitContact.insert(*[
                UnitContact(key=f"{ids[i.unit]}:{i.email.lower()}", unit=ids[i.unit], email=i.email, name=i.name,
                            language=i.language, created_by=who) for i in items])
        # Addresses are personal data: the audit event counts them, it does not copy them.
        await audit.record(actor, event, "unit", ",".join(targets[:20]),
                           details={"units": targets[:500], "contacts": len(items), "before": removed})
    return {"units": len(targets), "contacts": len(items)}


async def add_contact(unit_code: str, email: str, name: str = "", language: str = "sv", *,
                      actor: Principal) -> list[dict[str, Any]]:
    check(actor, Action.UNIT_MANAGE)
    current = await list_contacts(unit_code, actor=actor)
    item = contact_input(unit_code, email, name, language)
    items = [contact_input(c["unit"], c["email"], c["name"], c["language"]) for c in current
             if c["email"].lower() != item.email.lower()] + [item]
    await replace_contacts(items, actor=actor, units=[unit_code], event="unit.contact_add")
    return await list_contacts(unit_code, actor=actor)


async def remove_contact(unit_code: str, email: str, *, actor: Principal) -> list[dict[str, Any]]:
    check(actor, Action.UNIT_MANAGE)
    current = await list_contacts(unit_code, actor=actor)
    keep = [c for c in current if c["email"].lower() != (email or "").strip().lower()]
    if len(keep) == len(current):
        raise NotFound(Text(f"{unit_code} har ingen kontaktadress {email[:80]}",
                            f"{unit_code} has no contact address {email[:80]}"))
    await replace_contacts([contact_input(c["unit"], c["email"], c["name"], c["language"]) for c in keep],
                           actor=actor, units=[unit_code], event="unit.contact_remove")
    return keep


def user_language(row: dict[str, Any]) -> str:
    """A user's chosen language, when users have one (a `language` column), else Swedish."""
    lang = (row.get("language") or "").strip().lower()
    return lang if lang in LANGUAGES else "sv"


async def recipients(unit_code: str) -> list[dict[str, str]]:
    """Who receives a unit's reminders: its contact addresses, then the active
    respondents bound to it who have an address; each address once. No policy check:
    for the reminder services, which check the sender's right themselves."""
    out: dict[str, dict[str, str]] = {}
    for row in await UnitContact.select(UnitContact.email, UnitContact.name, UnitContact.language).where(
            UnitContact.unit.code == unit_code).order_by(UnitContact.id):
        out.setdefault(row["email"].lower(), {"email": row["email"], "name": row["name"], "language": row["language"]})
    user_ids = [r["user"] for r in await UserUnit.select(UserUnit.user).where(UserUnit.unit_code == unit_code)]
    if user_ids:
        for row in await User.select().where(User.id.is_in(user_ids), User.active == True,  # noqa: E712
                                              User.role == "respondent").order_by(User.id):
            email = (row.get("email") or "").strip()
            if email and not email_problem(email):
                out.setdefault(email.lower(), {"email": email, "name": row.get("display_name") or row["username"],
                                               "language": user_language(row)})
    return list(out.values())


async def approvers(unit_code: str) -> list[dict[str, str]]:
    """The active approvers (förvaltningschefer) bound to a unit who have an e-mail
    address, each with the language of their e-mails (docs/sign-off.md). No policy
    check: for the notice of a submitted response, which the submitter triggers."""
    user_ids = [r["user"] for r in await UserUnit.select(UserUnit.user).where(UserUnit.unit_code == unit_code)]
    if not user_ids:
        return []
    out: dict[str, dict[str, str]] = {}
    for row in await User.select().where(User.id.is_in(user_ids), User.active == True,  # noqa: E712
                                          User.role == "approver").order_by(User.id):
        email = (row.get("email") or "").strip()
        if email and not email_problem(email):
            out.setdefault(email.lower(), {"email": email, "name": row.get("display_name") or row["username"],
                                           "language": user_language(row)})
    return list(out.values())


async def analysts() -> list[dict[str, str]]:
    """Active analysts with an e-mail address: the weekly digest's readers."""
    rows = await User.select().where(User.active == True, User.role == "analyst").order_by(User.id)  # noqa: E712
    return [{"email": r["email"].strip(), "name": r.get("display_name") or r["username"], "language": user_language(r)}
            for r in rows if (r.get("email") or "").strip() and not email_problem(r["email"].strip())]


async def load_demo_contacts(unit_codes: Iterable[str], *, actor: Principal) -> int:
    """The demo's contact addresses: a shared security mailbox per förvaltning, under the
    reserved .invalid domain so that nothing can ever reach a real person; one bolag's
    contact reads English, to show the English reminders."""
    items = []
    for code in unit_codes:
        slug = code.lower()
        items.append(contact_input(code, f"informationssakerhet@{slug}.kommun.example.invalid",
                                   "Informationssäkerhetssamordnare", "sv"))
        if code == "MKB":
            items.append(contact_input(code, f"ciso@{slug}.kommun.example.invalid", "CISO", "en"))
    result = await replace_contacts(items, actor=actor, event="unit.contacts_demo")
    return result["contacts"]
