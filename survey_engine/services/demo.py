"""Demo data: Malmö stad with 13 förvaltningar and 2 municipal companies (bolag), a
closed 2024 round and an open 2026 round with realistic synthetic answers. The units'
weights are approximate employee counts (see UNITS), not official figures.
Deterministic: a seeded random generator per unit and round, so the same database comes
out every time (timestamps aside).

Maturity varies on purpose: a few förvaltningar stay at level 0, a few reach level 3
in some areas; "vet ej" and "ej tillämpligt" are used, some answers carry comments,
and in 2026 some responses are still drafts and a few have not been started. 2026
answers are pre-filled from 2024 through question continuity and then improved a
little, so trends make sense.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey_engine.services.policy import Principal, Role
from survey_engine import clock
from survey_engine.questionnaire.model import Question, Questionnaire
from survey_engine.errors import Conflict
from survey_engine.services import audit_demo, demo_indicators, plan_demo, questionnaires, responses, rounds, units
from survey_engine.services import signoff_demo
from survey_engine.store.signoff_tables import ResponseSignoff
from survey_engine.services.units import UnitInput
from survey_engine.text import Text
from survey_engine.store.db import write_transaction
from survey_engine.store.tables import Answer, AnswerHistory, QuestionnaireVersion, Response, Round, RoundUnit, ScoreSnapshot, Unit
from survey_engine.services.demo_users import ensure_demo_approvers, ensure_demo_users
from survey_engine.store.audit_tables import Audit
from survey_engine.services import demo_evidence
from survey_engine.store.evidence_tables import EvidenceFile
from survey_engine.services import contacts, provided
from survey_engine.store.provided_tables import ProvidedOverride, ProviderLink
from survey_engine.store.mail_tables import OutboxMessage, UnitContact
from survey_engine.store.indicator_tables import IndicatorImport, IndicatorMeasurement, IndicatorVersion

FAMILY = "mcf-cybersakerhet"
SEED = "survey-engine-demo-1"
KOMMUN = UnitInput("MALMO", "Malmö stad", 1.0)


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    employees: int
    maturity: float  # rough overall maturity in 2024 (0 = nothing in place, 3+ = qualified)
    growth: float  # how much it improves by 2026


# Modelled on Malmö stad's 13 förvaltningar and two of its wholly owned companies (held
# through Malmö Stadshus AB). Employee counts are approximate, rounded figures chosen to
# match the city's published totals (about 26,000-28,000 employees in the förvaltningar),
# not any year's exact staff numbers: the förvaltningar add up to 26,950. Stadsrevisionen
# is not a unit: the auditors review the city's follow-up and do not answer it.
UNITS = [
    DemoUnit("SK", "Stadskontoret", 650, 2.6, 0.5),
    DemoUnit("ASF", "Arbetsmarknads- och socialförvaltningen", 2200, 1.4, 0.4),
    DemoUnit("FOF", "Förskoleförvaltningen", 4300, 0.8, 0.5),
    DemoUnit("GRF", "Grundskoleförvaltningen", 6600, 1.1, 0.6),
    DemoUnit("GYVF", "Gymnasie- och vuxenutbildningsförvaltningen", 1800, 1.3, 0.3),
    DemoUnit("FSF", "Funktionsstödsförvaltningen", 2900, 0.9, 0.4),
    DemoUnit("HVOF", "Hälsa-, vård- och omsorgsförvaltningen", 4700, 1.9, 0.6),
    DemoUnit("KUF", "Kulturförvaltningen", 450, 0.3, 0.4),
    DemoUnit("FRI", "Fritidsförvaltningen", 500, 0.4, 0.2),
    DemoUnit("MF", "Miljöförvaltningen", 300, 1.6, 0.3),
    DemoUnit("FGK", "Fastighets- och gatukontoret", 850, 1.7, 0.5),
    DemoUnit("SBK", "Stadsbyggnadskontoret", 400, 1.2, 0.3),
    DemoUnit("SF", "Serviceförvaltningen", 1300, 3.0, 0.4),
    # municipal companies (bolag)
    DemoUnit("MKB", "MKB Fastighets AB", 330, 2.0, 0.4),
    DemoUnit("MST", "Malmö Stadsteater AB", 150, 0.2, 0.3),
]
# 2024: everyone answered, Malmö Stadsteater AB never submitted. 2026: some still in
# draft, a few not started yet.
DRAFT_2024 = {"MST"}
IN_PROGRESS_2026 = {"GRF", "FSF", "KUF", "SBK"}  # never submitted
# Submitted, then returned by its förvaltningschef with a comment (services/signoff_demo.py):
# reopened, so it counts as a draft again.
RETURNED_2026 = set(signoff_demo.RETURNED_2026)
DRAFT_2026 = IN_PROGRESS_2026 | RETURNED_2026
NOT_STARTED_2026 = {"FRI", "MST"}

COMMENTS = [
    "Arbete pågår, klart under året.",
    "Beslutat i ledningsgruppen men inte infört överallt.",
    "Gäller bara våra egna system, inte de som Serviceförvaltningen driftar.",
    "Osäkert: behöver stämmas av med IT-samordnaren.",
    "Rutinen finns men har inte följts upp.",
    "Vi förlitar oss på stadens gemensamma rutin.",
    "Nytt sedan förra året.",
    "Dokumenterat i ledningssystemet.",
]
EVIDENCE = [
    "https://intranat.example.se/styrdokument/informationssakerhetspolicy",
    "https://intranat.example.se/ledningssystem/riskanalys",
    "Protokoll från ledningsgruppen",
    "Utbildningsstatistik från lärplattformen",
]
# Shared answers (docs/shared-answers.md): Serviceförvaltningen runs the IT of the
# förvaltningar, so in 2026 it answers the questions tagged it-drift (updates,
# monitoring, backups, …) for them; the municipal companies run their own IT. A few
# förvaltningar answer a question themselves, with their reason.
PROVIDER, PROVIDER_NAME = "SF", "Serviceförvaltningen"
PROVIDED_SELECTOR = "tag:it-drift"
NOT_SERVED = {"MKB", "MST"}
OVERRIDES = {
    "HVOF": [("kon-backup", "delvis", "Journalsystemet driftas av leverantören, inte av Serviceförvaltningen; "
              "dess säkerhetskopior kontrolleras bara delvis av oss.")],
    "FGK": [("tek-natverk", "i-liten-del", "Fastighetsautomationen ligger i vårt eget nät, som Serviceförvaltningen "
             "inte segmenterar.")],
    "GYVF": [("tek-overvakning", "till-stor-del", "Elevnätet övervakas av vår egen IT-enhet dygnet runt, "
              "inte bara kontorstid.")],
}

TEXT_ANSWERS = [
    "Vi har påbörjat en genomgång av våra informationstillgångar.",
    "Störst behov: utbildning av chefer och en ny kontinuitetsplan.",
    "Samverkan med Serviceförvaltningen fungerar bra.",
]


def _options_by_credit(q: Questionnaire, question: Question):
    scale = q.scale_of(question)
    scored = sorted((o for o in scale.options if o.credit is not None and not o.unknown), key=lambda o: o.credit)
    unknown = [o for o in scale.options if o.unknown]
    na = [o for o in scale.options if o.not_applicable]
    return scored, unknown, na


def _clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def answer_for(q: Questionnaire, question: Question, maturity: float, rng: random.Random) -> Any:
    """A plausible answer for a unit of this maturity in this question's area."""
    if question.type == "text":
        return rng.choice(TEXT_ANSWERS) if (question.required or rng.random() < 0.3) else None
    target = _clamp(maturity - question.level + 1 + rng.gauss(0, 0.25))
    if question.type == "choice":
        scored, unknown, na = _options_by_credit(q, question)
        roll = rng.random()
        if unknown and roll < 0.04:
            return unknown[0].value
        if na and roll > 0.975:
            return na[0].value
        return min(scored, key=lambda o: (abs(o.credit - target), -o.credit)).value
    if question.type == "multi":
        chosen = [o.value for o in question.options if rng.random() < target]
        return chosen
    if question.type == "number":
        bands = sorted(question.bands, key=lambda b: b.min)
        band_index = min(range(len(bands)), key=lambda i: abs(bands[i].credit - target))
        low = max(bands[band_index].min, question.min)
        high = bands[band_index + 1].min if band_index + 1 < len(bands) else question.max
        high = min(high, question.max)
        value = low + (high - low) * rng.random() * 0.95
        return round(value) if float(question.min).is_integer() and float(question.max).is_integer() else round(value, 1)
    return None  # pragma: no cover


def answers_for(q: Questionnaire, unit: DemoUnit, year: int, maturity: float, completeness: float = 1.0):
    """(answers, comments, evidence) for one unit's response."""
    rng = random.Random(f"{SEED}:{unit.code}:{year}")
    # A unit's strong and weak areas stay the same between rounds (seeded per area).
    area_maturity = {a.id: maturity + random.Random(f"{SEED}:{unit.code}:{a.id}").gauss(0, 0.6) for a in q.areas}
    values: dict[str, Any] = {}
    comments: dict[str, str] = {}
    evidence: dict[str, str] = {}
    for question in q.questions():
        if rng.random() > completeness:
            continue
        value = answer_for(q, question, area_maturity[question.area], rng)
        if value is None:
            continue
        values[question.id] = value
        if question.type != "text" and rng.random() < 0.12:
            comments[question.id] = rng.choice(COMMENTS)
        if question.type != "text" and rng.random() < 0.06:
            evidence[question.id] = rng.choice(EVIDENCE)
    return values, comments, evidence


def credit_of(q: Questionnaire, question: Question, value: Any) -> float | None:
    """The credit an answer earns (None: not applicable, unknown or unscored)."""
    if value is None or question.type == "text":
        return None
    if question.type == "choice":
        option = q.scale_of(question).option(value)
        return None if option is None or option.unknown or option.not_applicable else option.credit
    if question.type == "multi":
        total = sum(o.weight for o in question.options)
        return sum(o.weight for o in question.options if o.value in value) / total
    for band in sorted(question.bands, key=lambda b: -b.min):
        if value >= band.min:
            return band.credit
    return 0.0


def _batches(items: dict[str, Any], n: int) -> list[dict[str, Any]]:
    keys = list(items)
    size = max(1, -(-len(keys) // n))
    return [{k: items[k] for k in keys[i:i + size]} for i in range(0, len(keys), size)]


async def _answer(response_id: int, values, comments, evidence, actor: Principal, revision: int) -> int:
    """Save in a few batches, as a respondent would over some sessions."""
    for batch in _batches(values, 3):
        state = await responses.save_answers(
            response_id, revision, batch,
            comments={k: v for k, v in comments.items() if k in batch},
            evidence={k: v for k, v in evidence.items() if k in batch}, actor=actor)
        revision = state.revision
    return revision


async def database_is_empty() -> bool:
    return not (await Unit.exists() or await Round.exists() or await QuestionnaireVersion.exists())


async def clear_survey_data() -> None:
    """Delete every unit, round, response and published version (not users)."""

    async with write_transaction():
        await ProvidedOverride.delete(force=True)  # shared answers (docs/shared-answers.md)
        await ProviderLink.delete(force=True)
        for table in (EvidenceFile, ResponseSignoff, AnswerHistory, ScoreSnapshot, Answer, Response, RoundUnit, Round):
            await table.delete(force=True)
        for table in (IndicatorMeasurement, IndicatorImport, IndicatorVersion):
            await table.delete(force=True)
        # Contacts go with their units; outbox keys name round ids, which a new demo reuses.
        await UnitContact.delete(force=True)
        await OutboxMessage.delete(force=True)
        await Unit.update({Unit.parent: None}, force=True)
        await Unit.delete(force=True)
        await QuestionnaireVersion.delete(force=True)
        await Audit.delete(force=True)  # its recommendations and action links go with it


@contextlib.contextmanager
def _clock_at(start: dt.datetime):
    """While loading the demo only: `clock.now()` tells a chosen time (a second later at
    each call, so times still grow); yields `move_to(time)`. The demo is loaded by the
    command line before the server runs, so no request sees the moved clock."""
    current = [start.astimezone(dt.timezone.utc)]

    def fake_now() -> dt.datetime:
        current[0] += dt.timedelta(seconds=1)
        return current[0]

    def move_to(when: dt.datetime) -> None:
        current[0] = when.astimezone(dt.timezone.utc)

    original = clock.now
    clock.now = fake_now
    try:
        yield move_to
    finally:
        clock.now = original


async def load_demo(questionnaires_dir: Path, *, reset: bool = False, log=print) -> dict[str, Any]:
    """Fill the database with the demo; refuses a non-empty database unless `reset`."""
    folder = Path(questionnaires_dir) / FAMILY
    sources = {v: folder / f"{v}.yaml" for v in ("2024.1", "2026.1")}
    missing = [str(p) for p in sources.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"demoenkäterna saknas / demo questionnaires missing: {', '.join(missing)}")
    if not await database_is_empty():
        if not reset:
            raise Conflict(Text("Databasen innehåller redan data; kör med --reset för att ersätta den med demon", "the database already holds data: use --reset to replace it with the demo"))
        await clear_survey_data()

    # The loader acts as a trusted local administrator, and each förvaltning's answers
    # as that unit's respondent, so the audit log and history read like real use.
    actor = Principal("demo", Role.ADMIN, via="cli")
    for version, path in sources.items():
        await questionnaires.publish_questionnaire(path.read_text(encoding="utf-8"), actor=actor, source=str(path))
    _, q24 = await questionnaires.get_questionnaire(FAMILY, "2024.1")
    _, q26 = await questionnaires.get_questionnaire(FAMILY, "2026.1")
    total_employees = sum(u.employees for u in UNITS)
    await units.import_units(
        [UnitInput(KOMMUN.code, KOMMUN.name, float(total_employees))]
        + [UnitInput(u.code, u.name, float(u.employees), KOMMUN.code) for u in UNITS],
        actor=actor,
    )
    codes = [u.code for u in UNITS]
    log(f"  enheter / units: {KOMMUN.name} + {len(UNITS)} förvaltningar och bolag / departments and companies")
    n_contacts = await contacts.load_demo_contacts(codes, actor=actor)  # e-mail reminders (docs/operations.md)
    log(f"  kontaktadresser / contact addresses: {n_contacts} (@…example.invalid)")

    # The 2024 round happened in 2024: its responses are dated in the spring of 2024,
    # before the deadline (docs/web-pages.md, "Times and states"), not at load time.
    with _clock_at(dt.datetime(2024, 2, 20, 9, 0, tzinfo=clock.STOCKHOLM)) as move_to:
        r24 = await rounds.create_round("Cybersäkerhetskollen 2024", FAMILY, "2024.1", codes,
                                        dt.date(2024, 3, 1), dt.date(2024, 5, 31), actor=actor)
        move_to(dt.datetime(2024, 3, 1, 8, 0, tzinfo=clock.STOCKHOLM))
        await rounds.open_round(r24.id, actor=actor)
        for i, unit in enumerate(UNITS):
            # each förvaltning starts on its own day in March–April and answers over ~3 weeks
            move_to(dt.datetime(2024, 3, 4, 9, 15, tzinfo=clock.STOCKHOLM) + dt.timedelta(days=3 * i, minutes=7 * i))
            who = Principal(f"{unit.code.lower()}.respondent", Role.RESPONDENT, frozenset({unit.code}), via="cli")
            state, _ = await responses.start_response(r24.id, unit.code, actor=who)
            values, comments, evidence = answers_for(q24, unit, 2024, unit.maturity,
                                                     completeness=0.7 if unit.code in DRAFT_2024 else 1.0)
            move_to(dt.datetime(2024, 3, 18, 13, 40, tzinfo=clock.STOCKHOLM) + dt.timedelta(days=3 * i, minutes=11 * i))
            revision = await _answer(state.id, values, comments, evidence, who, state.revision)
            if unit.code not in DRAFT_2024:
                move_to(dt.datetime(2024, 3, 25, 10, 5, tzinfo=clock.STOCKHOLM) + dt.timedelta(days=3 * i, minutes=13 * i))
                await responses.submit_response(state.id, actor=who, revision=revision, notify=False)
        move_to(dt.datetime(2024, 6, 3, 8, 30, tzinfo=clock.STOCKHOLM))
        await rounds.close_round(r24.id, actor=actor)
    log(f"  omgång / round {r24.id}: {r24.name} (stängd / closed)")

    # Measured indicators before the 2026 round starts, so its linked number questions
    # (utb-andel) start from the measured completion (docs/indicators.md §2.3).
    await demo_indicators.load_demo_indicators(questionnaires_dir, actor=actor, units=UNITS, log=log)

    r26 = await rounds.create_round("Cybersäkerhetskollen 2026", FAMILY, "2026.1", codes,
                                    dt.date(2026, 3, 1), dt.date(2026, 12, 18), actor=actor)
    await rounds.open_round(r26.id, actor=actor)
    served = [u.code for u in UNITS if u.code != PROVIDER and u.code not in NOT_SERVED]
    await provided.set_provider(r26.id, PROVIDER, PROVIDED_SELECTOR, served, actor=actor)
    shared = set(provided.selected_questions(q26, PROVIDED_SELECTOR))
    log(f"  delade svar / shared answers: {PROVIDER} besvarar {len(shared)} frågor ({PROVIDED_SELECTOR}) åt "
        f"{len(served)} förvaltningar / answers {len(shared)} questions for {len(served)} departments")
    # the provider first, so that the others start from its answers
    for unit in sorted(UNITS, key=lambda u: u.code != PROVIDER):
        if unit.code in NOT_STARTED_2026:
            continue
        who = Principal(f"{unit.code.lower()}.respondent", Role.RESPONDENT, frozenset({unit.code}), via="cli")
        state, _ = await responses.start_response(r26.id, unit.code, actor=who, prefill=True)
        carried = responses.values_of(state)
        draft = unit.code in IN_PROGRESS_2026
        values, comments, evidence = answers_for(q26, unit, 2026, unit.maturity + unit.growth,
                                                 completeness=0.6 if draft else 1.0)
        # Carried-over answers stand unless the unit has improved there (now and then
        # one gets worse, or an uncertain answer is settled).
        rng = random.Random(f"{SEED}:{unit.code}:keep")
        changes = {}
        for k, v in values.items():
            if k not in carried:
                changes[k] = v
                continue
            question = q26.question(k)
            old, new = credit_of(q26, question, carried[k]), credit_of(q26, question, v)
            if (old is not None and new is not None and new > old) or rng.random() < 0.08:
                changes[k] = v
        if unit.code == PROVIDER:  # its notes reach every förvaltning: none about "the others' systems"
            comments = {k: v for k, v in comments.items() if PROVIDER_NAME not in v}
        if unit.code in served:  # the provided questions hold Serviceförvaltningen's answers
            changes = {k: v for k, v in changes.items() if k not in shared}
            comments = {k: v for k, v in comments.items() if k not in shared}
            evidence = {k: v for k, v in evidence.items() if k not in shared}
        revision = await _answer(state.id, changes, comments, evidence, who, state.revision)
        await demo_evidence.attach_demo_evidence(state.id, unit.code, unit.name, q26, who)  # files (docs/evidence.md)
        for qid, value, reason in OVERRIDES.get(unit.code, []):
            state = await provided.override_answer(state.id, qid, value, reason, revision=revision, actor=who)
            revision = state.revision
        if not draft:
            await responses.submit_response(state.id, actor=who, revision=revision, notify=False)
    log(f"  omgång / round {r26.id}: {r26.name} (öppen / open)")
    await signoff_demo.load_demo_signoff(r24.id, r26.id, log=log)  # approvers' decisions (docs/sign-off.md)
    plan_ids = await plan_demo.load_demo_plans(r24.id, actor=actor, units=UNITS, log=log)
    await audit_demo.load_demo_audit(questionnaires_dir, actor=actor, plan_ids=plan_ids, log=log)
    logins = await demo_logins(log=log)
    return {"rounds": [r24.id, r26.id], "units": len(UNITS) + 1, "logins": len(logins)}


async def demo_logins(log=print):
    """Create or refresh the demo users (one per role, a respondent per förvaltning of
    the demo that exists in the database), each with a new random password, and log
    the table of logins. Returns the logins; none when the demo's units are absent."""

    present = {r["code"] for r in await Unit.select(Unit.code).where(Unit.code.is_in([u.code for u in UNITS]))}
    if not present:  # not the demo's database: never add demo accounts to real data
        return []
    logins = await ensure_demo_users([u.code for u in UNITS if u.code in present])
    logins += await ensure_demo_approvers([u.code for u in UNITS if u.code in present])  # docs/sign-off.md
    log(logins_table(logins))
    return logins


def logins_table(logins) -> str:
    """The demo logins as a text table: username, password, role, unit."""
    rows = [("Användare / username", "Lösenord / password", "Roll / role", "Enhet / unit")]
    rows += [(x.username, x.password, x.role.value, ", ".join(x.units) or "–") for x in logins]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["", "  Demoinloggningar (nya lösenord vid varje start) / demo logins (new passwords at every start):"]
    for i, r in enumerate(rows):
        lines.append("    " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if i == 0:
            lines.append("    " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)
