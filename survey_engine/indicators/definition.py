"""Read and validate indicator definition files (docs/indicators.md §1).

The file is YAML, read with the questionnaire loader's defensive reader
(questionnaire/yamlpos.py: line numbers, duplicate keys refused, no alias bombs) and
checked with its field checker, so problems read exactly like questionnaire problems:
file, YAML line, path and a Swedish and an English sentence, every problem at once.
Unknown keys are refused with a "did you mean" hint (docs/questionnaire-format.md §6).
Texts have exactly the languages `sv` and `en` (§1).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from survey_engine.indicators.periods import PERIOD_KINDS
from survey_engine.questionnaire.errors import QuestionnaireError
from survey_engine.questionnaire.load import (
    FAMILY_ID_RE, QUESTION_ID_RE, VERSION_RE, _Checker, canonical_hash, check_document, msg, version_key,
)
from survey_engine.questionnaire.yamlpos import child_path
from survey_engine.text import Text

FORMAT = 1
INDICATOR_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KINDS = ("share", "count", "days")
DIRECTIONS = ("up", "down")
TOP_KEYS = ("format", "id", "version", "title", "indicators")
INDICATOR_KEYS = ("id", "title", "kind", "direction", "target", "period", "valid_months", "source",
                  "questions", "areas", "family")
INDICATOR_REQUIRED = ("id", "title", "kind", "direction", "target", "period", "source")
LANGS = ["sv", "en"]
MAX_INDICATORS = 500


class IndicatorFileError(QuestionnaireError):
    """An indicator definitions file could not be loaded; `problems` lists every problem."""


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator of a published definitions version."""

    id: str
    title: Text
    kind: str  # share | count | days
    direction: str  # up | down
    target: float
    period: str  # month | quarter | year
    source: Text
    valid_months: int | None = None
    questions: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    family: str | None = None

    def meets(self, value: float | None) -> bool | None:
        """Is `value` on the right side of the target (up: ≥, down: ≤)? None without a value."""
        if value is None:
            return None
        return value >= self.target - 1e-12 if self.direction == "up" else value <= self.target + 1e-12

    def gap(self, value: float | None) -> float | None:
        """How far `value` is from the target in the bad direction (0 when met)."""
        if value is None:
            return None
        return max(0.0, self.target - value) if self.direction == "up" else max(0.0, value - self.target)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": {"sv": self.title.sv, "en": self.title.en}, "kind": self.kind,
            "direction": self.direction, "target": self.target, "period": self.period,
            "valid_months": self.valid_months, "source": {"sv": self.source.sv, "en": self.source.en},
            "questions": list(self.questions), "areas": list(self.areas), "family": self.family,
        }


@dataclass(frozen=True)
class IndicatorFamily:
    """One version of a family of indicator definitions."""

    id: str
    version: str
    title: Text
    indicators: tuple[IndicatorDef, ...]
    hash: str
    source: str = "<text>"
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def version_key(self) -> tuple[int, int]:
        return version_key(self.version) or (0, 0)

    def indicator(self, indicator_id: str) -> IndicatorDef | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


def indicator_from_dict(data: dict[str, Any]) -> IndicatorDef:
    """An `IndicatorDef` back from `IndicatorDef.to_dict()` (stored content)."""
    return IndicatorDef(
        id=data["id"], title=Text(data["title"]["sv"], data["title"]["en"]), kind=data["kind"],
        direction=data["direction"], target=float(data["target"]), period=data["period"],
        source=Text(data["source"]["sv"], data["source"]["en"]), valid_months=data.get("valid_months"),
        questions=tuple(data.get("questions") or ()), areas=tuple(data.get("areas") or ()),
        family=data.get("family"),
    )


class _IndicatorChecker(_Checker):
    def run(self, data: Any) -> dict | None:
        self.languages = list(LANGS)
        root = self.mapping(data, "", "Filen / The file")
        if root is None:
            return None
        self.keys(root, "", TOP_KEYS, TOP_KEYS)
        out: dict[str, Any] = {}
        if root.get("format") is not None:
            fmt = self.integer(root["format"], "format", "format")
            if fmt is not None and fmt != FORMAT:
                self.add("format", msg(f"format ska vara {FORMAT}, inte {fmt}", f"format must be {FORMAT}, not {fmt}"))
        if root.get("id") is not None:
            out["id"] = self.ident(root, "id", "id", FAMILY_ID_RE, "id")
        if root.get("version") is not None:
            value = self.string(root, "version", "version", "version")
            if value is not None and not VERSION_RE.match(value):
                self.add("version", msg(f"version '{value}' har fel form; skriv år.nummer inom citattecken, t.ex. \"2026.1\"",
                                        f"version '{value}' is not valid; write year.number in quotes, e.g. \"2026.1\""))
            else:
                out["version"] = value
        if root.get("title") is not None:
            out["title"] = self.text(root, "title", "title", "title")
        items = root.get("indicators")
        if items is not None:
            if not isinstance(items, list) or not items:
                self.add("indicators", msg("indicators ska vara en lista med minst en indikator",
                                           "indicators must be a non-empty list of indicators"))
            elif len(items) > MAX_INDICATORS:
                self.add("indicators", msg(f"högst {MAX_INDICATORS} indikatorer per fil",
                                           f"at most {MAX_INDICATORS} indicators per file"))
            else:
                seen: dict[str, int] = {}
                out["indicators"] = []
                for index, item in enumerate(items):
                    entry = self._indicator(item, f"indicators[{index}]", seen, index)
                    if entry is not None:
                        out["indicators"].append(entry)
        return None if self.problems else out

    def _indicator(self, item: Any, path: str, seen: dict[str, int], index: int) -> dict | None:
        m = self.mapping(item, path, "En indikator / An indicator")
        if m is None:
            return None
        self.keys(m, path, INDICATOR_KEYS, INDICATOR_REQUIRED)
        out: dict[str, Any] = {}
        if m.get("id") is not None:
            iid = self.ident(m, "id", child_path(path, "id"), INDICATOR_ID_RE, "id")
            if iid is not None:
                if iid in seen:
                    self.add(child_path(path, "id"), msg(
                        f"indikatorn '{iid}' finns redan (indicators[{seen[iid]}]); varje id ska vara unikt",
                        f"indicator '{iid}' appears twice (also indicators[{seen[iid]}]); ids must be unique"))
                seen.setdefault(iid, index)
            out["id"] = iid
        for key in ("title", "source"):
            if m.get(key) is not None:
                out[key] = self.text(m, key, child_path(path, key), key)
        kind = None
        for key, allowed in (("kind", KINDS), ("direction", DIRECTIONS), ("period", PERIOD_KINDS)):
            if m.get(key) is None:
                continue
            value = self.string(m, key, child_path(path, key), key)
            if value is not None and value not in allowed:
                self.add(child_path(path, key), msg(f"{key} ska vara en av {', '.join(allowed)}, inte '{value}'",
                                                    f"{key} must be one of {', '.join(allowed)}, not '{value}'"))
                value = None
            out[key] = value
            if key == "kind":
                kind = value
        if m.get("target") is not None:
            target = self.number(m["target"], child_path(path, "target"), "target")
            if target is not None:
                if kind == "share" and not 0 <= target <= 1:
                    self.add(child_path(path, "target"), msg(
                        f"target för en andel (share) ska vara mellan 0 och 1, inte {m['target']}; skriv 0.9 för 90 %",
                        f"a share's target must be between 0 and 1, not {m['target']}; write 0.9 for 90 %"))
                elif target < 0:
                    self.add(child_path(path, "target"), msg(f"target får inte vara negativt ({m['target']})",
                                                             f"target must not be negative ({m['target']})"))
            out["target"] = target
        if m.get("valid_months") is not None:
            vm_path = child_path(path, "valid_months")
            out["valid_months"] = self.integer(m["valid_months"], vm_path, "valid_months", 1, 1200)
            if kind is not None and kind != "share":
                self.add(vm_path, msg("valid_months gäller bara andelar (kind: share); ta bort den",
                                      "valid_months applies to shares only (kind: share); remove it"))
        for key in ("questions", "areas"):
            if m.get(key) is not None:
                out[key] = self.string_list(m, key, child_path(path, key), key, QUESTION_ID_RE)
        if m.get("family") is not None:
            out["family"] = self.ident(m, "family", child_path(path, "family"), FAMILY_ID_RE, "family")
        elif m.get("questions") or m.get("areas"):
            self.add(child_path(path, "family"), msg(
                "family saknas: ange vilken enkätfamilj questions och areas hör till, t.ex. family: mcf-cybersakerhet",
                "family is missing: name the questionnaire family of questions and areas, e.g. family: mcf-cybersakerhet"))
        return out


def parse_indicators(text: str, source: str = "<text>") -> IndicatorFamily:
    """Validate the YAML text of one indicator definitions version.
    Raises IndicatorFileError listing every problem found."""
    out, parsed = check_document(text, source, _IndicatorChecker, IndicatorFileError)
    indicators = tuple(
        IndicatorDef(
            id=i["id"], title=Text(i["title"]["sv"], i["title"]["en"]), kind=i["kind"],
            direction=i["direction"], target=float(i["target"]), period=i["period"],
            source=Text(i["source"]["sv"], i["source"]["en"]), valid_months=i.get("valid_months"),
            questions=tuple(i.get("questions") or ()), areas=tuple(i.get("areas") or ()),
            family=i.get("family"),
        )
        for i in out["indicators"]
    )
    return IndicatorFamily(
        id=out["id"], version=out["version"], title=Text(out["title"]["sv"], out["title"]["en"]),
        indicators=indicators, hash=canonical_hash(parsed.data), source=source, lines=dict(parsed.lines),
    )
