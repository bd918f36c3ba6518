"""The audit log in people's words (docs/web-pages.md, "The audit log in Swedish").

Events are stored with stable codes (`round.close`); the pages, the page's CSV export
and filters show them as words in the reader's language. An unknown code (a feature
added later) is shown as it is, never hidden. Details are turned into short
"what: value" lines instead of raw JSON."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from survey_engine import clock
from survey_engine.text import Text

EVENTS: dict[str, Text] = {
    "login.failed": Text("Misslyckad inloggning", "Failed login"),
    "login.locked": Text("Kontot spärrat efter misslyckade inloggningar", "Account locked after failed logins"),
    "user.create": Text("Användare skapad", "User created"),
    "user.disable": Text("Användare avstängd", "User disabled"),
    "user.enable": Text("Användare aktiverad", "User enabled"),
    "user.set_role": Text("Roll ändrad", "Role changed"),
    "user.set_units": Text("Användarens enheter ändrade", "User's units changed"),
    "user.set_password": Text("Lösenord ändrat", "Password changed"),
    "user.unlock": Text("Konto upplåst", "Account unlocked"),
    "user.language": Text("Språk för e-post ändrat", "E-mail language changed"),
    "token.create": Text("API-nyckel skapad", "API token created"),
    "token.revoke": Text("API-nyckel återkallad", "API token revoked"),
    "unit.create": Text("Förvaltning skapad", "Unit created"),
    "unit.import": Text("Förvaltningar importerade", "Units imported"),
    "questionnaire.publish": Text("Enkätversion publicerad", "Questionnaire version published"),
    "round.create": Text("Omgång skapad", "Round created"),
    "round.open": Text("Omgång öppnad", "Round opened"),
    "round.close": Text("Omgång stängd", "Round closed"),
    "round.reopen": Text("Omgång öppnad igen", "Round reopened"),
    "round.deadline": Text("Sista dag ändrad", "Deadline changed"),
    "response.start": Text("Svar påbörjat", "Response started"),
    "response.write": Text("Svar sparade", "Answers saved"),
    "response.import": Text("Svar importerade från fil", "Answers imported from a file"),
    "response.submit": Text("Svar inskickat", "Response submitted"),
    "response.reopen": Text("Svar öppnat igen", "Response reopened"),
    "response.approve": Text("Svar godkänt av förvaltningschef", "Response approved (sign-off)"),
    "response.return": Text("Svar återsänt för ändringar", "Response returned for changes"),
    "response.override": Text("Eget svar i stället för delat svar", "Own answer instead of a shared one"),
    "provided.set": Text("Delade svar: leverantör angiven", "Shared answers: provider set"),
    "provided.remove": Text("Delade svar: leverantör borttagen", "Shared answers: provider removed"),
    "provided.copy": Text("Delade svar förda till ny omgång", "Shared answers carried to a new round"),
    "provided.override": Text("Delat svar ersatt med eget svar", "Shared answer replaced by an own answer"),
    "provided.override_remove": Text("Åter till det delade svaret", "Back to the shared answer"),
    "plan.create": Text("Handlingsplan skapad", "Improvement plan created"),
    "plan.update": Text("Handlingsplan ändrad", "Improvement plan changed"),
    "plan.action.add": Text("Åtgärd tillagd i plan", "Action added to a plan"),
    "plan.action.update": Text("Åtgärd i plan ändrad", "Plan action changed"),
    "login.sso": Text("Inloggning via organisationens konto", "Login with the organisation's account"),
    "login.sso_failed": Text("Misslyckad inloggning via organisationens konto",
                             "Failed login with the organisation's account"),
    "reminder.queue": Text("Påminnelser köade", "Reminders queued"),
    "reminder.send": Text("Påminnelse skickad", "Reminder sent"),
    "reminder.retry": Text("Påminnelse skickas igen", "Reminder retried"),
    "reminder.submitted": Text("Godkännare underrättade om inskickat svar", "Approvers told of a submitted response"),
    "indicator.publish": Text("Indikatordefinition publicerad", "Indicator definition published"),
    "indicator.import": Text("Indikatorvärden importerade", "Indicator values imported"),
    "indicator.import.rejected": Text("Import av indikatorvärden avvisad", "Indicator import rejected"),
    "indicator.act": Text("Åtgärd tillagd från indikator", "Action added from an indicator"),
    "login.success": Text("Inloggning", "Login"),
    "user.logout_everywhere": Text("Utloggad överallt", "Logged out everywhere"),
    "user.mfa_enabled": Text("Tvåstegsverifiering påslagen", "Two-step verification enabled"),
    "user.mfa_disabled": Text("Tvåstegsverifiering avslagen", "Two-step verification disabled"),
    "user.mfa_reset": Text("Tvåstegsverifiering återställd", "Two-step verification reset"),
    "audit.export": Text("Granskningsloggen exporterad", "Audit log exported"),
    "audit.import": Text("Revisionsrapport importerad", "Audit report imported"),
    "audit.recommendation.update": Text("Revisionsrekommendation ändrad", "Audit recommendation changed"),
    "audit.action.link": Text("Åtgärd kopplad till rekommendation", "Action linked to a recommendation"),
    "audit.action.unlink": Text("Åtgärd bortkopplad från rekommendation", "Action unlinked from a recommendation"),
    "export.round": Text("Omgång exporterad", "Round exported"),
    "report.unit": Text("Förvaltningsrapport hämtad", "Unit report downloaded"),
    "report.city": Text("Stadsrapport hämtad", "City report downloaded"),
    "report.anonymised": Text("Avidentifierad export hämtad", "Anonymised export downloaded"),
    "report.compare": Text("Jämförelsetabell hämtad", "Comparison table downloaded"),
    "retention.prune": Text("Gamla uppgifter gallrade", "Old data pruned"),
    "evidence.upload": Text("Fil uppladdad som underlag", "Evidence file uploaded"),
    "evidence.delete": Text("Fil borttagen ur underlaget", "Evidence file deleted"),
    "evidence.download": Text("Fil i underlaget hämtad", "Evidence file downloaded"),
}

GROUPS: dict[str, Text] = {
    "login.": Text("Inloggning", "Login"),
    "user.": Text("Användare", "Users"),
    "token.": Text("API-nycklar", "API tokens"),
    "unit.": Text("Förvaltningar", "Units"),
    "questionnaire.": Text("Enkätversioner", "Questionnaire versions"),
    "round.": Text("Omgångar", "Rounds"),
    "response.": Text("Svar", "Responses"),
    "plan.": Text("Handlingsplaner", "Improvement plans"),
    "reminder.": Text("Påminnelser", "Reminders"),
    "indicator.": Text("Indikatorer", "Indicators"),
    "audit.": Text("Granskningslogg och revisionsrapporter", "Audit log and audit reports"),
    "export.": Text("Exporter", "Exports"),
    "report.": Text("Rapporter och nedladdningar", "Reports and downloads"),
    "retention.": Text("Gallring", "Retention"),
    "evidence.": Text("Filer som underlag", "Evidence files"),
    "provided.": Text("Delade svar", "Shared answers"),
}

OBJECTS: dict[str, Text] = {
    "user": Text("användare", "user"), "round": Text("omgång", "round"), "response": Text("svar", "response"),
    "unit": Text("förvaltning", "unit"), "plan": Text("plan", "plan"), "token": Text("API-nyckel", "API token"),
    "questionnaire": Text("enkät", "questionnaire"), "mail": Text("e-post", "e-mail"),
    "sso": Text("inloggning", "login"), "indicator": Text("indikator", "indicator"),
    "evidence": Text("fil", "file"),
}

KEYS: dict[str, Text] = {
    "from": Text("från", "from"), "to": Text("till", "to"), "role": Text("roll", "role"),
    "units": Text("enheter", "units"), "name": Text("namn", "name"), "questionnaire": Text("enkät", "questionnaire"),
    "reason": Text("orsak", "reason"), "address": Text("adress", "address"), "failures": Text("misslyckade försök", "failures"),
    "password": Text("lösenord satt", "password set"), "user": Text("användare", "user"),
    "action_id": Text("åtgärd", "action"), "question": Text("fråga", "question"),
    "revision": Text("ändring nr", "change no."), "changes": Text("ändringar", "changes"),
    "via_token": Text("via API-nyckel", "via API token"), "status": Text("status", "status"),
    "unit": Text("förvaltning", "unit"), "version": Text("version", "version"), "title": Text("rubrik", "title"),
    "count": Text("antal", "count"), "answers": Text("svar", "answers"), "created": Text("nya", "created"),
    "updated": Text("ändrade", "updated"), "unchanged": Text("oförändrade", "unchanged"),
    "size": Text("storlek (byte)", "size (bytes)"), "kind": Text("typ", "type"), "response": Text("svar", "response"),
    "comment": Text("kommentar", "comment"), "round": Text("omgång", "round"),
    "notified": Text("e-post till", "e-mailed"),
}

VALUES: dict[str, Text] = {
    "unknown_user": Text("okänd användare", "unknown user"), "password": Text("fel lösenord", "wrong password"),
    "disabled": Text("avstängt konto", "disabled account"), "draft": Text("utkast", "draft"),
    "open": Text("öppen", "open"), "closed": Text("stängd", "closed"), "submitted": Text("inskickad", "submitted"),
    "planned": Text("planerad", "planned"), "in_progress": Text("pågår", "in progress"),
    "done": Text("klar", "done"), "dropped": Text("struken", "dropped"), "admin": Text("administratör", "administrator"),
    "analyst": Text("analytiker", "analyst"), "planner": Text("planerare", "planner"),
    "respondent": Text("respondent", "respondent"), "auditor": Text("revisor", "auditor"),
    "approver": Text("godkännare", "approver"), "approved": Text("godkänd", "approved"),
    "returned": Text("återsänd", "returned"),
}


def event_word(code: str, lang: str = "sv") -> str:
    text = EVENTS.get(code)
    return text.get(lang) if text else code


def object_word(kind: str, lang: str = "sv") -> str:
    text = OBJECTS.get(kind)
    return text.get(lang) if text else kind


_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _value(value: Any, lang: str) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return ("ja" if value else "nej") if lang == "sv" else ("yes" if value else "no")
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, lang) for v in value) if value else "–"
    if isinstance(value, dict):
        return "; ".join(f"{_key(k, lang)} {_value(v, lang)}" for k, v in value.items())
    if isinstance(value, str) and value in VALUES:
        return VALUES[value].get(lang)
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _STAMP.match(value)):
        return clock.shown(value)  # a stored UTC time (often an ISO string in the details): Swedish time
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _key(key: str, lang: str) -> str:
    text = KEYS.get(key)
    return text.get(lang) if text else key


def detail_lines(details: dict[str, Any] | str | None, lang: str = "sv") -> list[str]:
    """Each detail as "what: value", in the reader's language; a change list
    ({"owner": ["", "IT"]}) reads "owner: – → IT"."""
    if isinstance(details, str):
        try:
            details = json.loads(details or "{}")
        except ValueError:
            return [details]
    out = []
    for key, value in sorted((details or {}).items()):
        if key == "changes" and isinstance(value, dict):
            for field, change in value.items():
                if isinstance(change, (list, tuple)) and len(change) == 2:
                    out.append(f"{_key(field, lang)}: {_value(change[0], lang)} → {_value(change[1], lang)}")
                else:
                    out.append(f"{_key(field, lang)}: {_value(change, lang)}")
            continue
        out.append(f"{_key(key, lang)}: {_value(value, lang)}")
    return out


def choices(lang: str = "sv") -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The filter's choice list: (group prefix, group word, [(code, word), ...])."""
    out = []
    for prefix, group in GROUPS.items():
        items = [(code, text.get(lang)) for code, text in EVENTS.items() if code.startswith(prefix)]
        out.append((prefix, group.get(lang), items))
    return out


def count_words(n: int, lang: str = "sv") -> str:
    """"1 händelse", "2 händelser"."""
    if lang == "en":
        return f"{n} event" if n == 1 else f"{n} events"
    return f"{n} händelse" if n == 1 else f"{n} händelser"
