"""Read and validate questionnaire files (docs/questionnaire-format.md).

`parse_questionnaire` checks every rule of the spec and reports every problem it finds
at once, each with the file, the path (`areas[3].questions[2].scale`), the YAML line and
a sentence saying what to fix. Only a file without problems becomes a `Questionnaire`.

Unknown keys: the spec lets the project add optional keys, but it does not require us to
accept keys we do not know. We refuse them (with a "did you mean …?" hint) because a
typo such as `requried: false` or `weigth: 2` would otherwise be ignored without a word
and silently change scores. That is the safer reading of the spec.

Optional key added by the project: `tags` on a question, a list of unique short words
(`^[a-z0-9][a-z0-9-]*$`, at most 32 characters) such as `kommun` (a question answered
once for the whole kommun) or `it-drift` (usually answered by the central IT provider).
Tags never change scores. They are content like any other key, so they take part in the
canonical hash: adding or removing a tag makes a new version of the file.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from survey_engine.questionnaire.errors import Problem, QuestionnaireError
from survey_engine.questionnaire.model import Questionnaire
from survey_engine.questionnaire.yamlpos import ParsedYaml, child_path, parse_yaml
from survey_engine.questionnaire.continuity import check_continuity

FORMAT = 1
FAMILY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
AREA_ID_RE = FAMILY_ID_RE
QUESTION_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
VERSION_RE = re.compile(r"^[0-9]{4}\.[0-9]+$")
VALUE_RE = re.compile(r"^[a-z0-9_-]+$")
TAG_RE = FAMILY_ID_RE  # a tag is a short word: lower-case letters, digits and '-'
TAG_MAX_LENGTH = 32
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
QUESTION_TYPES = ("choice", "multi", "number", "text")
DEFAULT_TEXT_MAX_LENGTH = 4000
MAX_FILE_BYTES = 5_000_000

TOP_KEYS = ("format", "id", "version", "previous", "title", "description", "languages", "levels",
            "target_level", "met_threshold", "scales", "areas")
TOP_REQUIRED = ("format", "id", "version", "title", "languages", "levels", "areas")
LEVEL_KEYS = ("level", "name", "description")
SCALE_KEYS = ("options",)
OPTION_KEYS = ("value", "label", "credit", "not_applicable", "unknown")
AREA_KEYS = ("id", "title", "description", "weight", "target_level", "questions")
COMMON_QUESTION_KEYS = ("id", "type", "text", "guidance", "level", "weight", "required", "references",
                        "statutory", "effort", "show_if", "previous_ids", "comparable", "tags")
TYPE_KEYS = {
    "choice": ("scale",),
    "multi": ("options",),
    "number": ("min", "max", "unit", "bands"),
    "text": ("max_length",),
}
SCORED_ONLY_KEYS = ("level", "weight", "effort")
MULTI_OPTION_KEYS = ("value", "label", "weight")
BAND_KEYS = ("min", "credit")



def msg(sv: str, en: str) -> str:
    """Messages are shown to people: Swedish first, then English."""
    return f"{sv} / {en}"


# --------------------------------------------------------------------------- hashing

def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
            return int(value)  # 1 and 1.0 are the same content
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def canonical_hash(data: Any) -> str:
    """`sha256:<hex>` of the content: the parsed data as canonical JSON (keys sorted, no
    whitespace), so formatting, comments and key order do not change it."""
    text = json.dumps(_canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- checking

def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "ett tal/a number"
    if isinstance(value, str):
        return "en text/a string"
    if isinstance(value, list):
        return "en lista/a list"
    if isinstance(value, dict):
        return "en mappning/a mapping"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int)


class _Checker:
    def __init__(self, source: str, lines: dict[str, int], raw: dict[str, str]):
        self.source = source
        self.lines = lines
        self.raw = raw
        self.problems: list[Problem] = []
        self.languages: list[str] | None = None
        self.n_levels: int | None = None

    # -- reporting
    def line(self, path: str) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, path, message, self.line(path)))

    # -- generic shapes
    def mapping(self, value: Any, path: str, what: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.add(path, msg(f"{what} ska vara en mappning (nyckel: värde), inte {_type_name(value)}",
                           f"{what} must be a mapping (key: value)"))
        return None

    def keys(self, m: dict, path: str, allowed: Iterable[str], required: Iterable[str] = (),
             elsewhere: dict[str, str] | None = None) -> None:
        allowed = tuple(allowed)
        for key in m:
            if key in allowed:
                continue
            key_path = child_path(path, key)
            if elsewhere and key in elsewhere:
                self.add(key_path, elsewhere[key])
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint_sv = f"; menade du '{close[0]}'?" if close else "."
            hint_en = f"; did you mean '{close[0]}'?" if close else "."
            self.add(key_path, msg(f"okänd nyckel '{key}'{hint_sv} Rätta stavningen eller ta bort den "
                                   f"(tillåtna: {', '.join(allowed)})",
                                   f"unknown key '{key}'{hint_en} Fix the spelling or remove it "
                                   f"(allowed: {', '.join(allowed)})"))
        for key in required:
            if key not in m or m[key] is None:
                self.add(child_path(path, key), msg(f"obligatorisk nyckel '{key}' saknas eller är tom; lägg till den",
                                                    f"required key '{key}' is missing or empty; add it"))

    def string(self, container: dict | list, key: Any, path: str, what: str) -> str | None:
        """A string field. A plain scalar that YAML read as a number or date is taken as the
        text the author wrote (and written back, so the hash sees the same content)."""
        value = container[key]
        if isinstance(value, str):
            return value
        if path in self.raw and not isinstance(value, (dict, list)):
            container[key] = self.raw[path]
            return container[key]
        self.add(path, msg(f"{what} ska vara en text, inte {_type_name(value)}",
                           f"{what} must be a string"))
        return None

    def ident(self, container: dict, key: str, path: str, pattern: re.Pattern, what: str) -> str | None:
        value = self.string(container, key, path, what)
        if value is None:
            return None
        if not pattern.match(value):
            self.add(path, msg(f"{what} '{value}' har fel form: använd små bokstäver a–z, siffror "
                               f"och {self._allowed_marks(pattern)} (mönster {pattern.pattern})",
                               f"{what} '{value}' is not valid; it must match {pattern.pattern}"))
            return None
        return value

    @staticmethod
    def _allowed_marks(pattern: re.Pattern) -> str:
        if pattern is QUESTION_ID_RE:
            return "'.', '_', '-' (inte först)"
        if pattern is VALUE_RE:
            return "'_', '-'"
        return "'-' (inte först)"

    def integer(self, value: Any, path: str, what: str, low: int | None = None,
                high: int | None = None) -> int | None:
        if isinstance(value, float) and value.is_integer() and not isinstance(value, bool):
            value = int(value)
        if not _is_int(value):
            self.add(path, msg(f"{what} ska vara ett heltal, inte {_type_name(value)}",
                               f"{what} must be a whole number"))
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                self.add(path, msg(f"{what} ska vara minst {low}, inte {value}",
                                   f"{what} must be at least {low}, not {value}"))
            else:
                self.add(path, msg(f"{what} ska vara mellan {low} och {high}, inte {value}",
                                   f"{what} must be between {low} and {high}, not {value}"))
            return None
        return value

    def number(self, value: Any, path: str, what: str) -> float | None:
        if not _is_number(value):
            self.add(path, msg(f"{what} ska vara ett tal, inte {_type_name(value)}",
                               f"{what} must be a number"))
            return None
        return float(value)

    def boolean(self, value: Any, path: str, what: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.add(path, msg(f"{what} ska vara true eller false, inte {_type_name(value)}",
                           f"{what} must be true or false"))
        return None

    def positive(self, value: Any, path: str, what: str) -> float | None:
        number = self.number(value, path, what)
        if number is not None and number <= 0:
            self.add(path, msg(f"{what} ska vara större än 0, inte {value}",
                               f"{what} must be greater than 0, not {value}"))
            return None
        return number

    def credit(self, value: Any, path: str) -> float | None:
        number = self.number(value, path, "credit")
        if number is not None and not 0 <= number <= 1:
            self.add(path, msg(f"credit ska vara mellan 0 och 1, inte {value}",
                               f"credit must be between 0 and 1, not {value}"))
            return None
        return number

    def level(self, value: Any, path: str, what: str) -> int | None:
        if self.n_levels is None:
            return self.integer(value, path, what, 1, None)
        return self.integer(value, path, what, 1, self.n_levels)

    def text(self, container: dict, key: str, path: str, what: str) -> dict[str, str] | None:
        """A Text: {language: non-empty string} for exactly the file's languages, or a plain
        string when the file has exactly one language."""
        value = container[key]
        langs = self.languages
        if not isinstance(value, dict):
            if not isinstance(value, str) and path in self.raw:
                value = self.string(container, key, path, what)
            if isinstance(value, str):
                if langs is not None and len(langs) != 1:
                    self.add(path, msg(
                        f"{what} är en enkel text men filen har flera språk ({', '.join(langs)}); "
                        f"skriv en text per språk, t.ex. {langs[0]}: \"…\"",
                        f"{what} is a plain string but the file has several languages; give one "
                        f"text per language ({', '.join(langs)})"))
                    return None
                if not value.strip():
                    self.add(path, msg(f"{what} är tom; skriv en text", f"{what} is empty; write a text"))
                    return None
                return {langs[0]: value} if langs else {"?": value}
            self.add(path, msg(f"{what} ska vara en text per språk, inte {_type_name(value)}",
                               f"{what} must be a text per language"))
            return None
        out: dict[str, str] = {}
        ok = True
        for lang, item in value.items():
            item_path = child_path(path, lang)
            if langs is not None and lang not in langs:
                self.add(item_path, msg(
                    f"språket '{lang}' finns inte i languages ({', '.join(langs)}); ta bort det eller "
                    f"lägg till det i languages",
                    f"language '{lang}' is not in languages ({', '.join(langs)}); remove it or add it "
                    f"to languages"))
                ok = False
                continue
            if not isinstance(item, str):
                item = self.string(value, lang, item_path, f"{what} ({lang})")
                if item is None:
                    ok = False
                    continue
            if not item.strip():
                self.add(item_path, msg(f"{what} på '{lang}' är tom; skriv en text",
                                        f"{what} in '{lang}' is empty; write a text"))
                ok = False
                continue
            out[str(lang)] = item
        if langs is not None:
            for lang in langs:
                if lang not in value:
                    self.add(path, msg(f"{what} saknar språket '{lang}'; lägg till {lang}: \"…\"",
                                       f"{what} is missing language '{lang}'; add {lang}: \"…\""))
                    ok = False
        if not ok:
            return None
        if langs is not None:
            out = {lang: out[lang] for lang in langs}
        return out

    def optional_text(self, m: dict, key: str, path: str, what: str) -> dict[str, str] | None:
        if m.get(key) is None:
            return None
        return self.text(m, key, child_path(path, key), what)

    def string_list(self, container: dict, key: str, path: str, what: str,
                    pattern: re.Pattern | None = None, unique: bool = True,
                    non_empty: bool = False) -> list[str] | None:
        value = container[key]
        if not isinstance(value, list):
            self.add(path, msg(f"{what} ska vara en lista, inte {_type_name(value)}",
                               f"{what} must be a list"))
            return None
        if non_empty and not value:
            self.add(path, msg(f"{what} får inte vara tom", f"{what} must not be empty"))
            return None
        out: list[str] = []
        ok = True
        for index in range(len(value)):
            item_path = f"{path}[{index}]"
            item = self.string(value, index, item_path, what)
            if item is None:
                ok = False
                continue
            if pattern is not None and not pattern.match(item):
                self.add(item_path, msg(f"'{item}' i {what} har fel form (mönster {pattern.pattern})",
                                        f"'{item}' in {what} is not valid; it must match "
                                        f"{pattern.pattern}"))
                ok = False
                continue
            if unique and item in out:
                self.add(item_path, msg(f"'{item}' står två gånger i {what}; ta bort den ena",
                                        f"'{item}' appears twice in {what}; remove one"))
                ok = False
                continue
            out.append(item)
        return out if ok else None


class _QuestionnaireChecker(_Checker):
    """Walks the parsed file in order and builds the normalised data for the model."""

    def run(self, data: Any) -> dict | None:
        root = self.mapping(data, "", "Filen / The file")
        if root is None:
            return None
        self.root = root
        self.keys(root, "", TOP_KEYS, TOP_REQUIRED)
        out: dict[str, Any] = {}

        if root.get("format") is not None:
            fmt = root["format"]
            if not _is_int(fmt) or fmt != FORMAT:
                self.add("format", msg(f"format ska vara {FORMAT}; den här versionen av programmet "
                                       f"kan bara läsa format {FORMAT} (filen har {fmt!r})",
                                       f"format must be {FORMAT}; this program reads only format "
                                       f"{FORMAT} (the file says {fmt!r})"))
            else:
                out["format"] = fmt
        if root.get("id") is not None:
            out["id"] = self.ident(root, "id", "id", FAMILY_ID_RE, "id")
        if root.get("version") is not None:
            out["version"] = self._version(root, "version")
        if root.get("previous") is not None:
            out["previous"] = self._version(root, "previous")
            if out["previous"] and out.get("version") and \
                    _version_key(out["previous"]) >= _version_key(out["version"]):
                self.add("previous", msg(
                    f"previous ({out['previous']}) ska vara en tidigare version än version "
                    f"({out['version']})",
                    f"previous ({out['previous']}) must be an earlier version than version "
                    f"({out['version']})"))

        if root.get("languages") is not None:
            langs = self.string_list(root, "languages", "languages", "languages", LANGUAGE_RE,
                                     non_empty=True)
            if langs:
                self.languages = langs
                out["languages"] = langs
        if root.get("title") is not None:
            out["title"] = self.text(root, "title", "title", "title")
        out["description"] = self.optional_text(root, "description", "", "description")

        if root.get("levels") is not None:
            out["levels"] = self._levels(root["levels"])
        if root.get("target_level") is not None:
            out["target_level"] = self.level(root["target_level"], "target_level", "target_level")
        elif self.n_levels:
            out["target_level"] = self.n_levels
        if root.get("met_threshold") is not None:
            threshold = self.number(root["met_threshold"], "met_threshold", "met_threshold")
            if threshold is not None and not 0 < threshold <= 1:
                self.add("met_threshold", msg(
                    f"met_threshold ska vara större än 0 och högst 1, inte {root['met_threshold']}",
                    f"met_threshold must be greater than 0 and at most 1, not {root['met_threshold']}"))
            else:
                out["met_threshold"] = threshold

        self.scale_values: dict[str, list[str]] = {}
        scales_given = root.get("scales") is not None
        if scales_given:
            out["scales"] = self._scales(root["scales"])

        # Every question id in the file with its position, so that a condition naming a
        # later question gets a better message than "unknown".
        self.all_ids = _question_positions(root.get("areas"))
        self.earlier: dict[str, dict] = {}  # valid earlier questions a condition may name
        self.seen_ids: set[str] = set()
        self.question_paths: dict[str, str] = {}
        self.choice_without_scales: list[str] = []
        self.scales_given = scales_given
        if root.get("areas") is not None:
            out["areas"] = self._areas(root["areas"])
        if self.choice_without_scales:
            first = self.choice_without_scales[0]
            self.add("scales", msg(
                f"scales saknas men frågan '{first}' är av typen choice; lägg till scales med "
                f"svarsskalorna",
                f"'scales' is required because question '{first}' is a choice question; add the "
                f"answer scales under 'scales'"))
        if self.problems:
            return None
        return out

    def _version(self, root: dict, key: str) -> str | None:
        value = self.string(root, key, key, key)
        if value is None:
            return None
        if not VERSION_RE.match(value):
            self.add(key, msg(f"{key} '{value}' har fel form; skriv år.nummer inom citattecken, "
                              f"t.ex. \"2026.1\"",
                              f"{key} '{value}' is not valid; write year.number in quotes, e.g. "
                              f"\"2026.1\""))
            return None
        return value

    def _levels(self, value: Any) -> list | None:
        if not isinstance(value, list) or not value:
            self.add("levels", msg("levels ska vara en lista med minst en nivå",
                                   "levels must be a non-empty list of levels"))
            return None
        self.n_levels = len(value)
        out = []
        for index, item in enumerate(value):
            path = f"levels[{index}]"
            level = self.mapping(item, path, "En nivå / A level")
            if level is None:
                continue
            self.keys(level, path, LEVEL_KEYS, ("level", "name"))
            entry: dict[str, Any] = {}
            if level.get("level") is not None:
                number = self.integer(level["level"], f"{path}.level", "level")
                if number is not None and number != index + 1:
                    self.add(f"{path}.level", msg(
                        f"nivåerna ska numreras 1..{len(value)} i ordning utan luckor; här väntades "
                        f"{index + 1}, inte {number}",
                        f"levels must be numbered 1..{len(value)} in order without gaps; expected "
                        f"{index + 1} here, not {number}"))
                entry["level"] = number
            if level.get("name") is not None:
                entry["name"] = self.text(level, "name", f"{path}.name", "name")
            entry["description"] = self.optional_text(level, "description", path, "description")
            out.append(entry)
        return out

    def _scales(self, value: Any) -> dict | None:
        scales = self.mapping(value, "scales", "scales")
        if scales is None:
            return None
        out = {}
        for name, scale_value in scales.items():
            path = child_path("scales", name)
            scale = self.mapping(scale_value, path, f"Skalan / The scale '{name}'")
            if scale is None:
                continue
            self.keys(scale, path, SCALE_KEYS, ("options",))
            options = scale.get("options")
            if options is None:
                continue
            if not isinstance(options, list) or not options:
                self.add(f"{path}.options", msg("options ska vara en lista med minst ett svarsalternativ",
                                                "options must be a non-empty list of answer options"))
                continue
            values: list[str] = []
            opts = []
            for index, item in enumerate(options):
                opt_path = f"{path}.options[{index}]"
                option = self.mapping(item, opt_path, "Ett svarsalternativ / An option")
                if option is None:
                    continue
                opt = self._option(option, opt_path, values)
                if opt is not None:
                    opts.append(opt)
            self.scale_values[str(name)] = values
            out[str(name)] = {"name": str(name), "options": opts}
        return out

    def _option(self, option: dict, path: str, values: list[str]) -> dict | None:
        self.keys(option, path, OPTION_KEYS, ("value", "label"))
        entry: dict[str, Any] = {}
        if option.get("value") is not None:
            value = self.ident(option, "value", f"{path}.value", VALUE_RE, "value")
            if value is not None:
                if value in values:
                    self.add(f"{path}.value", msg(f"värdet '{value}' finns redan i skalan; värden ska "
                                                  f"vara unika",
                                                  f"value '{value}' is already used in this scale; "
                                                  f"values must be unique"))
                else:
                    values.append(value)
            entry["value"] = value
        if option.get("label") is not None:
            entry["label"] = self.text(option, "label", f"{path}.label", "label")
        not_applicable = False
        if "not_applicable" in option:
            not_applicable = bool(self.boolean(option["not_applicable"], f"{path}.not_applicable",
                                               "not_applicable"))
        unknown = False
        if "unknown" in option:
            unknown = bool(self.boolean(option["unknown"], f"{path}.unknown", "unknown"))
        has_credit = option.get("credit") is not None
        if has_credit and not_applicable:
            self.add(path, msg("ett svarsalternativ har antingen credit eller not_applicable: true, "
                               "inte båda; ta bort det ena",
                               "an option has either 'credit' or 'not_applicable: true', not both; "
                               "remove one"))
        elif not has_credit and not not_applicable:
            self.add(path, msg("svarsalternativet saknar credit; ange credit (0–1) eller "
                               "not_applicable: true",
                               "the option has no 'credit'; give a credit (0–1) or "
                               "'not_applicable: true'"))
        if has_credit:
            entry["credit"] = self.credit(option["credit"], f"{path}.credit")
        if unknown and not has_credit:
            self.add(f"{path}.unknown", msg("unknown: true kräver credit (ett \"vet ej\"-svar ger "
                                            "ett värde)",
                                            "'unknown: true' is only allowed together with 'credit'"))
        entry["not_applicable"] = not_applicable
        entry["unknown"] = unknown
        return entry

    def _areas(self, value: Any) -> list | None:
        if not isinstance(value, list) or not value:
            self.add("areas", msg("areas ska vara en lista med minst ett område",
                                  "areas must be a non-empty list of areas"))
            return None
        out = []
        area_ids: dict[str, str] = {}
        for index, item in enumerate(value):
            path = f"areas[{index}]"
            area = self.mapping(item, path, "Ett område / An area")
            if area is None:
                continue
            self.keys(area, path, AREA_KEYS, ("id", "title", "questions"))
            entry: dict[str, Any] = {}
            area_id = None
            if area.get("id") is not None:
                area_id = self.ident(area, "id", f"{path}.id", AREA_ID_RE, "id")
                if area_id is not None:
                    if area_id in area_ids:
                        self.add(f"{path}.id", msg(
                            f"områdes-id '{area_id}' används redan av {area_ids[area_id]}; id ska vara unika",
                            f"area id '{area_id}' is already used by {area_ids[area_id]}; ids must be "
                            f"unique"))
                    else:
                        area_ids[area_id] = path
            entry["id"] = area_id
            if area.get("title") is not None:
                entry["title"] = self.text(area, "title", f"{path}.title", "title")
            entry["description"] = self.optional_text(area, "description", path, "description")
            if area.get("weight") is not None:
                entry["weight"] = self.positive(area["weight"], f"{path}.weight", "weight")
            if area.get("target_level") is not None:
                entry["target_level"] = self.level(area["target_level"], f"{path}.target_level",
                                                   "target_level")
            if area.get("questions") is not None:
                questions = area["questions"]
                if not isinstance(questions, list) or not questions:
                    self.add(f"{path}.questions", msg("questions ska vara en lista med minst en fråga",
                                                      "questions must be a non-empty list of questions"))
                else:
                    entry["questions"] = [
                        self._question(q, f"{path}.questions[{qi}]", area_id or "")
                        for qi, q in enumerate(questions)
                    ]
            out.append(entry)
        return out

    def _question(self, item: Any, path: str, area_id: str) -> dict | None:
        question = self.mapping(item, path, "En fråga / A question")
        if question is None:
            return None
        entry: dict[str, Any] = {"area": area_id}
        qtype = question.get("type")
        if qtype is not None and qtype not in QUESTION_TYPES:
            self.add(f"{path}.type", msg(f"okänd frågetyp {qtype!r}; välj en av {', '.join(QUESTION_TYPES)}",
                                         f"unknown question type {qtype!r}; use one of "
                                         f"{', '.join(QUESTION_TYPES)}"))
            qtype = None
        entry["type"] = qtype

        # Which keys are allowed depends on the type; keys of another type get a precise message.
        allowed = list(COMMON_QUESTION_KEYS)
        elsewhere: dict[str, str] = {}
        if qtype is None:
            for keys in TYPE_KEYS.values():
                allowed.extend(k for k in keys if k not in allowed)
        else:
            allowed.extend(TYPE_KEYS[qtype])
            for other, keys in TYPE_KEYS.items():
                for key in keys:
                    if key not in allowed:
                        elsewhere[key] = msg(f"'{key}' hör till frågor av typen {other}, inte {qtype}",
                                             f"'{key}' belongs to {other} questions, not {qtype}")
            if qtype == "text":
                for key in SCORED_ONLY_KEYS:
                    allowed.remove(key)
                    elsewhere[key] = msg(f"'{key}' är inte tillåten på en fråga av typen text "
                                         f"(fritext räknas inte); ta bort den",
                                         f"'{key}' is not allowed on a text question (text is never "
                                         f"scored); remove it")
        required = ["id", "type", "text"]
        if qtype in ("choice", "multi", "number"):
            required.append("level")
        required.extend({"choice": ["scale"], "multi": ["options"], "number": ["min", "max", "bands"]}
                        .get(qtype or "", []))
        self.keys(question, path, allowed, required, elsewhere)

        qid = None
        if question.get("id") is not None:
            self.seen_ids.add(str(question["id"]))
            qid = self.ident(question, "id", f"{path}.id", QUESTION_ID_RE, "id")
            if qid is not None:
                if qid in self.question_paths:
                    self.add(f"{path}.id", msg(
                        f"fråge-id '{qid}' används redan av {self.question_paths[qid]}; id ska vara unika "
                        f"i hela filen",
                        f"question id '{qid}' is already used by {self.question_paths[qid]}; question "
                        f"ids must be unique in the whole file"))
                else:
                    self.question_paths[qid] = path
        entry["id"] = qid
        if question.get("text") is not None:
            entry["text"] = self.text(question, "text", f"{path}.text", "text")
        entry["guidance"] = self.optional_text(question, "guidance", path, "guidance")
        if question.get("level") is not None and "level" in allowed:
            entry["level"] = self.level(question["level"], f"{path}.level", "level")
        if question.get("weight") is not None and "weight" in allowed:
            entry["weight"] = self.positive(question["weight"], f"{path}.weight", "weight")
        if question.get("effort") is not None and "effort" in allowed:
            entry["effort"] = self.integer(question["effort"], f"{path}.effort", "effort", 1, 5)
        for key in ("required", "statutory", "comparable"):
            if question.get(key) is not None:
                entry[key] = self.boolean(question[key], f"{path}.{key}", key)
        if question.get("references") is not None:
            entry["references"] = self.string_list(question, "references", f"{path}.references",
                                                   "references", unique=False)
        if question.get("previous_ids") is not None:
            entry["previous_ids"] = self.string_list(question, "previous_ids", f"{path}.previous_ids",
                                                     "previous_ids", QUESTION_ID_RE)
            if self.root.get("previous") is None:
                self.add(f"{path}.previous_ids", msg(
                    "previous_ids kräver att filen anger previous (den version frågorna fortsätter från)",
                    "previous_ids needs 'previous' at the top of the file (the version these ids "
                    "come from)"))
        if question.get("tags") is not None:
            entry["tags"] = self._tags(question, f"{path}.tags")
        if question.get("show_if") is not None:
            entry["show_if"] = self._condition(question["show_if"], f"{path}.show_if", qid)

        if qtype == "choice" and question.get("scale") is not None:
            entry["scale"] = self._scale_ref(question, path, qid)
        elif qtype == "multi" and question.get("options") is not None:
            entry["options"] = self._multi_options(question["options"], f"{path}.options")
        elif qtype == "number":
            self._number(question, path, entry)
        elif qtype == "text" and question.get("max_length") is not None:
            entry["max_length"] = self.integer(question["max_length"], f"{path}.max_length",
                                               "max_length", 1, None)
        if qtype == "text" and entry.get("max_length") is None:
            entry["max_length"] = DEFAULT_TEXT_MAX_LENGTH

        if qid is not None and qid not in self.earlier and qtype is not None:
            info: dict[str, Any] = {"type": qtype}
            if qtype == "choice":
                info["values"] = self.scale_values.get(str(entry.get("scale")))
            elif qtype == "multi":
                info["values"] = [o["value"] for o in entry.get("options") or [] if o.get("value")]
            self.earlier[qid] = info
        return entry

    def _tags(self, question: dict, path: str) -> list[str] | None:
        """`tags`: optional labels for grouping questions (e.g. `kommun` for questions that
        one central unit can answer for the whole kommun). A tag never affects scoring."""
        value = question["tags"]
        if not isinstance(value, list):
            self.add(path, msg(f"tags ska vara en lista med korta ord, t.ex. [kommun], inte "
                               f"{_type_name(value)}",
                               "tags must be a list of short words, e.g. [kommun]"))
            return None
        out: list[str] = []
        ok = True
        for index in range(len(value)):
            item_path = f"{path}[{index}]"
            tag = self.string(value, index, item_path, "tags")
            if tag is None:
                ok = False
                continue
            if not TAG_RE.match(tag) or len(tag) > TAG_MAX_LENGTH:
                self.add(item_path, msg(
                    f"taggen '{tag}' har fel form: skriv ett kort ord (högst {TAG_MAX_LENGTH} tecken) "
                    f"med små bokstäver a–z, siffror och '-' (inte först), t.ex. it-drift",
                    f"tag '{tag}' is not valid: write a short word (at most {TAG_MAX_LENGTH} "
                    f"characters) of lower-case letters a–z, digits and '-' (not first), e.g. "
                    f"it-drift"))
                ok = False
                continue
            if tag in out:
                self.add(item_path, msg(f"taggen '{tag}' står två gånger; ta bort den ena",
                                        f"tag '{tag}' appears twice; remove one"))
                ok = False
                continue
            out.append(tag)
        return out if ok else None

    def _scale_ref(self, question: dict, path: str, qid: str | None) -> str | None:
        name = self.string(question, "scale", f"{path}.scale", "scale")
        if name is None:
            return None
        if not self.scales_given:
            self.choice_without_scales.append(qid or path)
            return name
        if name not in self.scale_values:
            known = ", ".join(self.scale_values) or "-"
            close = difflib.get_close_matches(name, list(self.scale_values), n=1)
            hint = f" ('{close[0]}'?)" if close else ""
            self.add(f"{path}.scale", msg(f"skalan '{name}' finns inte under scales{hint}; kända skalor: "
                                          f"{known}",
                                          f"scale '{name}' is not defined under 'scales'{hint}; known "
                                          f"scales: {known}"))
        return name

    def _multi_options(self, value: Any, path: str) -> list | None:
        if not isinstance(value, list) or len(value) < 2:
            self.add(path, msg("en multi-fråga ska ha minst 2 alternativ i options",
                               "a multi question needs at least 2 options"))
            return None
        values: list[str] = []
        out = []
        for index, item in enumerate(value):
            opt_path = f"{path}[{index}]"
            option = self.mapping(item, opt_path, "Ett alternativ / An option")
            if option is None:
                continue
            self.keys(option, opt_path, MULTI_OPTION_KEYS, ("value", "label"))
            entry: dict[str, Any] = {}
            if option.get("value") is not None:
                val = self.ident(option, "value", f"{opt_path}.value", VALUE_RE, "value")
                if val is not None and val in values:
                    self.add(f"{opt_path}.value", msg(f"värdet '{val}' finns redan bland alternativen; "
                                                      f"värden ska vara unika",
                                                      f"value '{val}' is already used by another option; "
                                                      f"values must be unique"))
                elif val is not None:
                    values.append(val)
                entry["value"] = val
            if option.get("label") is not None:
                entry["label"] = self.text(option, "label", f"{opt_path}.label", "label")
            if option.get("weight") is not None:
                entry["weight"] = self.positive(option["weight"], f"{opt_path}.weight", "weight")
            out.append(entry)
        return out

    def _number(self, question: dict, path: str, entry: dict) -> None:
        low = high = None
        if question.get("min") is not None:
            low = entry["min"] = self.number(question["min"], f"{path}.min", "min")
        if question.get("max") is not None:
            high = entry["max"] = self.number(question["max"], f"{path}.max", "max")
        if low is not None and high is not None and not low < high:
            self.add(f"{path}.max", msg(f"min ({question['min']}) ska vara mindre än max ({question['max']})",
                                        f"min ({question['min']}) must be less than max "
                                        f"({question['max']})"))
        if question.get("unit") is not None:
            entry["unit"] = self.string(question, "unit", f"{path}.unit", "unit")
        bands = question.get("bands")
        if bands is None:
            return
        bands_path = f"{path}.bands"
        if not isinstance(bands, list) or not bands:
            self.add(bands_path, msg("bands ska vara en lista med minst ett band {min, credit}",
                                     "bands must be a non-empty list of {min, credit}"))
            return
        out = []
        previous_min = None
        for index, item in enumerate(bands):
            band_path = f"{bands_path}[{index}]"
            band = self.mapping(item, band_path, "Ett band / A band")
            if band is None:
                continue
            self.keys(band, band_path, BAND_KEYS, BAND_KEYS)
            band_min = credit = None
            if band.get("min") is not None:
                band_min = self.number(band["min"], f"{band_path}.min", "min")
            if band.get("credit") is not None:
                credit = self.credit(band["credit"], f"{band_path}.credit")
            if band_min is not None:
                if previous_min is not None and not band_min < previous_min:
                    self.add(f"{band_path}.min", msg(
                        f"bandens min ska minska strikt uppifrån och ned; {band['min']} är inte mindre "
                        f"än föregående {previous_min:g}",
                        f"band minimums must be strictly decreasing; {band['min']} is not less than the "
                        f"previous {previous_min:g}"))
                previous_min = band_min
            out.append({"min": band_min, "credit": credit})
        last = out[-1]["min"] if out else None
        if last is not None and low is not None and last > low:
            self.add(f"{bands_path}[{len(bands) - 1}].min", msg(
                f"sista bandets min ({last:g}) får inte vara större än frågans min ({low:g}); annars får "
                f"låga svar inget band",
                f"the last band's min ({last:g}) must not be greater than the question's min ({low:g}), "
                f"so that every answer falls in a band"))
        entry["bands"] = out

    def _condition(self, value: Any, path: str, own_id: str | None) -> dict | None:
        cond = self.mapping(value, path, "Ett villkor / A condition")
        if cond is None:
            return None
        if "all" in cond or "any" in cond:
            kind = "all" if "all" in cond else "any"
            self.keys(cond, path, (kind,))
            items = cond[kind]
            if not isinstance(items, list) or not items:
                self.add(f"{path}.{kind}", msg(f"{kind} ska vara en lista med minst ett villkor",
                                               f"'{kind}' must be a non-empty list of conditions"))
                return None
            subs = [self._condition(item, f"{path}.{kind}[{i}]", own_id) for i, item in enumerate(items)]
            return {"kind": kind, "conditions": subs}
        operators = [k for k in ("in", "includes", "min") if k in cond]
        self.keys(cond, path, ("question", "in", "includes", "min"), ("question",))
        if len(operators) != 1:
            self.add(path, msg("ett villkor ska ha question och exakt ett av in, includes eller min "
                               "(eller all/any)",
                               "a condition needs 'question' and exactly one of 'in', 'includes' or "
                               "'min' (or 'all'/'any')"))
            return None
        op = operators[0]
        if cond.get("question") is None:
            return None
        target = self.string(cond, "question", f"{path}.question", "question")
        if target is None:
            return None
        info = self.earlier.get(target)
        if info is None:
            if target == own_id:
                self.add(f"{path}.question", msg("ett villkor kan inte gälla frågan själv",
                                                 "a condition cannot name its own question"))
            elif target in self.seen_ids:
                self.add(f"{path}.question", msg(
                    f"frågan '{target}' har egna fel; rätta dem först",
                    f"question '{target}' has problems of its own; fix those first"))
            elif target in self.all_ids:
                self.add(f"{path}.question", msg(
                    f"villkoret hänvisar till '{target}', som kommer senare i filen; ett villkor får "
                    f"bara gälla en tidigare fråga",
                    f"the condition names '{target}', which comes later in the file; a condition may "
                    f"only name an earlier question"))
            else:
                self.add(f"{path}.question", msg(f"det finns ingen fråga med id '{target}'",
                                                 f"there is no question with id '{target}'"))
            return None
        needed = {"in": "choice", "includes": "multi", "min": "number"}[op]
        if info["type"] != needed:
            self.add(f"{path}.{op}", msg(
                f"'{op}' kräver en fråga av typen {needed}, men '{target}' är {info['type']}",
                f"'{op}' needs a {needed} question, but '{target}' is a {info['type']} question"))
            return None
        if op == "in":
            values = self.string_list(cond, "in", f"{path}.in", "in", non_empty=True)
            if values is None:
                return None
            known = info.get("values")
            if known is not None:
                for i, val in enumerate(values):
                    if val not in known:
                        self.add(f"{path}.in[{i}]", msg(
                            f"'{val}' finns inte i skalan för '{target}' ({', '.join(known)})",
                            f"'{val}' is not an option of the scale of '{target}' ({', '.join(known)})"))
            return {"kind": "in", "question": target, "values": values}
        if op == "includes":
            val = self.string(cond, "includes", f"{path}.includes", "includes")
            if val is None:
                return None
            known = info.get("values")
            if known is not None and val not in known:
                self.add(f"{path}.includes", msg(f"'{val}' är inget alternativ i '{target}' ({', '.join(known)})",
                                                 f"'{val}' is not an option of '{target}' "
                                                 f"({', '.join(known)})"))
            return {"kind": "includes", "question": target, "value": val}
        number = self.number(cond["min"], f"{path}.min", "min")
        return {"kind": "min", "question": target, "min": number}


def _question_positions(areas: Any) -> set[str]:
    ids: set[str] = set()
    if not isinstance(areas, list):
        return ids
    for area in areas:
        if isinstance(area, dict) and isinstance(area.get("questions"), list):
            for question in area["questions"]:
                if isinstance(question, dict) and question.get("id") is not None:
                    ids.add(str(question["id"]))
    return ids


def _version_key(version: str) -> tuple[int, int]:
    year, number = version.split(".")
    return int(year), int(number)


def version_key(version: str) -> tuple[int, int] | None:
    """(year, number) of a version string, or None when it is not a version."""
    if not isinstance(version, str) or not VERSION_RE.match(version):
        return None
    return _version_key(version)


# --------------------------------------------------------------------------- public API

def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value]
    return value


def check_document(text: str, source: str, checker_class: type[_Checker],
                   error_class: type[QuestionnaireError]) -> tuple[dict, ParsedYaml]:
    """Parse a YAML file and walk it with `checker_class` (a `_Checker` with `run`).
    Returns the checker's normalised data and the parsed document, or raises
    `error_class` with every problem found, sorted by line."""
    parsed, issues = parse_yaml(text)
    problems = [Problem(source, i.path, i.message, i.line) for i in issues]
    if parsed is None:
        raise error_class(problems)
    checker = checker_class(source, parsed.lines, parsed.raw)
    out = checker.run(parsed.data)
    problems.extend(checker.problems)
    if problems or out is None:
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        raise error_class(problems or [Problem(source, "", msg("filen kunde inte läsas",
                                                               "the file could not be read"))])
    return out, parsed


def parse_questionnaire(text: str, source: str = "<text>") -> Questionnaire:
    """Validate the YAML text of one questionnaire version and build the model.
    Raises QuestionnaireError listing every problem found."""
    out, parsed = check_document(text, source, _QuestionnaireChecker, QuestionnaireError)
    out["hash"] = canonical_hash(parsed.data)
    out["source"] = source
    try:
        questionnaire = Questionnaire.model_validate(_strip_none(out))
    except ValidationError as exc:  # a rule above should have caught it; still no traceback
        raise QuestionnaireError([
            Problem(source, ".".join(str(p) for p in err["loc"]), err["msg"]) for err in exc.errors()
        ]) from None
    questionnaire._lines = dict(parsed.lines)
    return questionnaire


def read_text_file(path: str | Path) -> str:
    """The UTF-8 text of a file, or QuestionnaireError with a plain message."""
    path = Path(path)
    source = str(path)
    try:
        if path.is_dir():
            raise QuestionnaireError([Problem(source, "", msg("sökvägen är en mapp, inte en fil",
                                                              "the path is a folder, not a file"))])
        if path.stat().st_size > MAX_FILE_BYTES:
            raise QuestionnaireError([Problem(source, "", msg("filen är för stor",
                                                              "the file is too large"))])
        data = path.read_bytes()
    except FileNotFoundError:
        raise QuestionnaireError([Problem(source, "", msg("filen finns inte; kontrollera sökvägen",
                                                          "the file does not exist; check the path"))]) \
            from None
    except OSError as exc:
        raise QuestionnaireError([Problem(source, "", msg(f"filen kan inte läsas ({exc.strerror})",
                                                          f"the file cannot be read ({exc.strerror})"))]) \
            from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QuestionnaireError([Problem(source, "", msg("filen är inte UTF-8; spara den som UTF-8",
                                                          "the file is not UTF-8; save it as UTF-8"),
                                          line)]) from None


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file. Raises QuestionnaireError."""
    return parse_questionnaire(read_text_file(path), str(path))


def check_family(folder: str | Path) -> tuple[list[Questionnaire], list[Problem]]:
    """Load every `*.yaml` version in a family folder and check the family rules: one id,
    file name = version, unique versions, `previous` names an earlier version present in
    the folder, and every `previous_ids` entry exists in that version.
    Returns the versions that loaded (sorted) and every problem found."""

    folder = Path(folder)
    if not folder.is_dir():
        what = "finns inte / does not exist" if not folder.exists() else "är ingen mapp / is not a folder"
        return [], [Problem(str(folder), "", f"mappen {what}")]
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        return [], [Problem(str(folder), "", msg("mappen innehåller inga .yaml-filer",
                                                 "the folder holds no .yaml files"))]
    problems: list[Problem] = []
    loaded: list[Questionnaire] = []
    for file in files:
        try:
            questionnaire = load_questionnaire(file)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        if file.stem != questionnaire.version:
            problems.append(Problem(str(file), "version", msg(
                f"filen ska heta {questionnaire.version}{file.suffix} eftersom version är "
                f"{questionnaire.version}",
                f"the file should be named {questionnaire.version}{file.suffix} because its version is "
                f"{questionnaire.version}"), questionnaire._lines.get("version")))
        loaded.append(questionnaire)
    loaded.sort(key=lambda q: q.version_key)
    by_version: dict[str, Questionnaire] = {}
    family_ids = {q.id for q in loaded}
    if len(family_ids) > 1:
        first = loaded[0]
        for questionnaire in loaded[1:]:
            if questionnaire.id != first.id:
                problems.append(Problem(questionnaire.source or "", "id", msg(
                    f"id '{questionnaire.id}' skiljer sig från '{first.id}' i {first.source}; en mapp "
                    f"ska bara innehålla en familj",
                    f"id '{questionnaire.id}' differs from '{first.id}' in {first.source}; a folder must "
                    f"hold one questionnaire family"), questionnaire._lines.get("id")))
    for questionnaire in loaded:
        if questionnaire.version in by_version:
            problems.append(Problem(questionnaire.source or "", "version", msg(
                f"versionen {questionnaire.version} finns redan i {by_version[questionnaire.version].source}",
                f"version {questionnaire.version} is already in "
                f"{by_version[questionnaire.version].source}"), questionnaire._lines.get("version")))
            continue
        by_version[questionnaire.version] = questionnaire
    for questionnaire in loaded:
        if questionnaire.previous is None:
            continue
        old = by_version.get(questionnaire.previous)
        if old is None:
            present = ", ".join(by_version) or "-"
            problems.append(Problem(questionnaire.source or "", "previous", msg(
                f"previous = {questionnaire.previous}, men den versionen finns inte i mappen "
                f"(finns: {present})",
                f"previous is {questionnaire.previous}, but that version is not in the folder "
                f"(present: {present})"), questionnaire._lines.get("previous")))
            continue
        problems.extend(check_continuity(questionnaire, old))
    return loaded, problems


def load_family(folder: str | Path) -> list[Questionnaire]:
    """Every version in a family folder, sorted by version. Raises QuestionnaireError
    listing every problem (of every file and of the family rules)."""
    loaded, problems = check_family(folder)
    if problems:
        raise QuestionnaireError(problems)
    return loaded
