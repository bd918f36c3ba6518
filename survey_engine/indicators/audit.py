"""Audit files (granskningar, docs/indicators.md §4 and D9): reading and validating the
YAML that records an audit and its recommendations. Pure: text in, a typed audit or
every problem (with its YAML line) out.

    format: 1
    id: it-sakerhet-2024
    title: Granskning av informationssäkerhet        # or {sv: ..., en: ...}
    auditor: Stadsrevisionen
    date: 2024-11-20
    recommendations:
      - id: policy
        text: {sv: "...", en: "..."}                 # sv required, en optional
        responsible: Kommunstyrelsen
        family: mcf-cybersakerhet                    # required with questions/areas
        questions: [policy-iso]
        areas: [styrning]
        indicators: [utbildning-grund]
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from survey_engine.questionnaire.errors import Problem
from survey_engine.questionnaire.yamlpos import parse_yaml

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # question/area/indicator ids
MAX_TEXT = 4000
MAX_TITLE = 500
MAX_NAME = 300
MAX_ID = 100
MAX_RECOMMENDATIONS = 200
MAX_LINKS = 100
TOP_KEYS = {"format", "id", "title", "auditor", "date", "recommendations"}
REC_KEYS = {"id", "text", "responsible", "family", "questions", "areas", "indicators"}


@dataclass(frozen=True)
class RecommendationSpec:
    id: str
    text_sv: str
    text_en: str = ""
    responsible: str = ""
    family: str = ""
    questions: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": {"sv": self.text_sv, "en": self.text_en}, "responsible": self.responsible,
                "family": self.family, "questions": list(self.questions), "areas": list(self.areas),
                "indicators": list(self.indicators)}


@dataclass(frozen=True)
class AuditSpec:
    id: str
    title: str
    auditor: str
    date: dt.date
    recommendations: tuple[RecommendationSpec, ...] = field(default_factory=tuple)
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # path -> YAML line


class AuditFileError(Exception):
    """An audit file could not be read; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _clean(value: str) -> str:
    """Trim; refuse nothing here, but control characters other than newline and tab
    are reported by the caller."""
    return value.strip()


def _has_control(value: str) -> bool:
    return any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in value)


class _Checker:
    def __init__(self, source: str, lines: dict[str, int]):
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rsplit(".", 1)[0] if "." in path else (path.rsplit("[", 1)[0] if "[" in path else "")
        return self.lines.get("")

    def add(self, path: str, sv: str, en: str) -> None:
        self.problems.append(Problem(self.source, path, f"{sv} / {en}", self.line(path)))

    def text(self, value: Any, path: str, limit: int, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.add(path, "saknas; skriv en text", "missing; write a text")
            return ""
        if not isinstance(value, str):
            self.add(path, "ska vara text", "must be text")
            return ""
        value = _clean(value)
        if required and not value:
            self.add(path, "är tom; skriv en text", "is empty; write a text")
        if len(value) > limit:
            self.add(path, f"längre än {limit} tecken; korta texten", f"longer than {limit} characters; shorten it")
        if _has_control(value):
            self.add(path, "innehåller styrtecken; ta bort dem", "holds control characters; remove them")
        return value

    def ident(self, value: Any, path: str, pattern: re.Pattern = ID_RE) -> str:
        if not isinstance(value, str) or not pattern.match(value) or len(value) > MAX_ID:
            self.add(path, f"ogiltigt id {value!r}: små bokstäver a–z, siffror och bindestreck, högst {MAX_ID} tecken",
                     f"invalid id {value!r}: lower-case letters a-z, digits and hyphens, at most {MAX_ID} characters")
            return ""
        return value

    def unknown_keys(self, mapping: dict, allowed: set[str], path: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(f"{path}.{key}" if path else str(key), f"okänd nyckel {key!r}; tillåtna: {', '.join(sorted(allowed))}",
                         f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}")


def _title(ch: _Checker, value: Any, path: str) -> str:
    if isinstance(value, dict):
        ch.unknown_keys(value, {"sv", "en"}, path)
        return ch.text(value.get("sv"), f"{path}.sv", MAX_TITLE)
    return ch.text(value, path, MAX_TITLE)


def _date(ch: _Checker, value: Any, raw: str | None, path: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(raw if raw is not None else value))
    except (TypeError, ValueError):
        ch.add(path, "ska vara ett datum ÅÅÅÅ-MM-DD", "must be a date YYYY-MM-DD")
        return None


def _id_list(ch: _Checker, value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        ch.add(path, "ska vara en lista med id, t.ex. [a, b]", "must be a list of ids, e.g. [a, b]")
        return ()
    if len(value) > MAX_LINKS:
        ch.add(path, f"högst {MAX_LINKS} länkar", f"at most {MAX_LINKS} links")
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        ident = ch.ident(item, f"{path}[{i}]", REF_RE)
        if ident and ident in out:
            ch.add(f"{path}[{i}]", f"{ident!r} står två gånger", f"{ident!r} is listed twice")
        elif ident:
            out.append(ident)
    return tuple(out)


def check_recommendation(ch: _Checker, item: Any, path: str) -> RecommendationSpec | None:
    """Validate one recommendation mapping (also used for edits from the pages)."""
    if not isinstance(item, dict):
        ch.add(path, "ska vara en mappning med id, text, ...", "must be a mapping with id, text, ...")
        return None
    pre = f"{path}." if path else ""
    ch.unknown_keys(item, REC_KEYS, path)
    rid = ch.ident(item.get("id"), f"{pre}id")
    text = item.get("text")
    if isinstance(text, dict):
        ch.unknown_keys(text, {"sv", "en"}, f"{pre}text")
        sv = ch.text(text.get("sv"), f"{pre}text.sv", MAX_TEXT)
        en = ch.text(text.get("en"), f"{pre}text.en", MAX_TEXT, required=False)
    else:
        sv, en = ch.text(text, f"{pre}text", MAX_TEXT), ""
    responsible = ch.text(item.get("responsible"), f"{pre}responsible", MAX_NAME, required=False)
    family = item.get("family")
    family = ch.ident(family, f"{pre}family") if family not in (None, "") else ""
    questions = _id_list(ch, item.get("questions"), f"{pre}questions")
    areas = _id_list(ch, item.get("areas"), f"{pre}areas")
    indicators = _id_list(ch, item.get("indicators"), f"{pre}indicators")
    if (questions or areas) and not family and item.get("family") in (None, ""):
        ch.add(f"{pre}family", "krävs när frågor eller områden anges: vilken enkätfamilj de hör till",
               "required when questions or areas are given: the questionnaire family they belong to")
    if not rid:
        return None
    return RecommendationSpec(rid, sv, en, responsible, family, questions, areas, indicators)


def load_audit_text(text: str, source: str = "<granskning>") -> AuditSpec:
    """Parse and validate an audit file; raises AuditFileError with every problem."""
    parsed, issues = parse_yaml(text)
    problems = [Problem(source, i.path, i.message, i.line) for i in issues]
    if parsed is None:
        raise AuditFileError(problems)
    ch = _Checker(source, parsed.lines)
    ch.problems.extend(problems)
    data = parsed.data
    if not isinstance(data, dict):
        ch.add("", "filen ska vara en mappning med format, id, title, auditor, date, recommendations",
               "the file must be a mapping with format, id, title, auditor, date, recommendations")
        raise AuditFileError(ch.problems)
    ch.unknown_keys(data, TOP_KEYS, "")
    if data.get("format") != 1 or isinstance(data.get("format"), bool):
        ch.add("format", "ska vara 1", "must be 1")
    aid = ch.ident(data.get("id"), "id")
    title = _title(ch, data.get("title"), "title")
    auditor = ch.text(data.get("auditor"), "auditor", MAX_NAME)
    date = _date(ch, data.get("date"), parsed.raw.get("date"), "date")
    recs_raw = data.get("recommendations")
    recs: list[RecommendationSpec] = []
    if not isinstance(recs_raw, list) or not recs_raw:
        ch.add("recommendations", "ska vara en lista med minst en rekommendation",
               "must be a list of at least one recommendation")
    elif len(recs_raw) > MAX_RECOMMENDATIONS:
        ch.add("recommendations", f"högst {MAX_RECOMMENDATIONS} rekommendationer",
               f"at most {MAX_RECOMMENDATIONS} recommendations")
    else:
        seen: dict[str, int] = {}
        for i, item in enumerate(recs_raw):
            rec = check_recommendation(ch, item, f"recommendations[{i}]")
            if rec is None:
                continue
            if rec.id in seen:
                ch.add(f"recommendations[{i}].id", f"id {rec.id!r} används redan av recommendations[{seen[rec.id]}]",
                       f"id {rec.id!r} is already used by recommendations[{seen[rec.id]}]")
                continue
            seen[rec.id] = i
            recs.append(rec)
    if ch.problems or date is None:
        raise AuditFileError(ch.problems)
    return AuditSpec(aid, title, auditor, date, tuple(recs), dict(parsed.lines))


def validate_recommendation(fields: dict[str, Any], source: str = "<rekommendation>") -> RecommendationSpec:
    """One recommendation from a form or an API body (same rules as in a file)."""
    ch = _Checker(source, {})
    rec = check_recommendation(ch, fields, "")
    if ch.problems or rec is None:
        raise AuditFileError(ch.problems)
    return rec
