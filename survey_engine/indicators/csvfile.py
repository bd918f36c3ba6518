"""Measurement CSV files (docs/indicators.md §2.1): text in, per-unit rows or
line-numbered problems out. Pure: no database, no logging.

Three layouts, told apart by the header (names trimmed, case ignored, any order):
aggregate share `unit,period,numerator,denominator`, aggregate value
`unit,period,value`, and person rows `unit,person,completed` (with a period given).

Person identifiers: they are read only to count distinct persons per unit, held in
memory as salted hashes while the file is read, and dropped with the function's
locals. No problem message ever contains one (messages name the line and column).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import secrets
from dataclasses import dataclass

from survey_engine.indicators.periods import EXAMPLE, FORM_EN, FORM_SV, Period, counts_as_completed, parse_period
from survey_engine.text import Text

MAX_BYTES = 20_000_000
MAX_ROWS = 500_000
MAX_COUNT = 2_000_000_000  # numerator and denominator are 32-bit integers in the database
MAX_VALUE = 1e12
MAX_PROBLEMS = 200  # every bad row is checked; the first 200 are reported (and the count)
LAYOUTS = {
    "aggregate-share": ("unit", "period", "numerator", "denominator"),
    "aggregate-value": ("unit", "period", "value"),
    "persons": ("unit", "person", "completed"),
}
_INT_RE = re.compile(r"^[0-9]{1,12}$")
_NUM_RE = re.compile(r"^[0-9]{1,15}(?:[.][0-9]{1,12})?$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class CsvProblem:
    line: int | None  # 1-based line of the file; None for the whole file
    column: str | None
    message: Text

    def to_dict(self) -> dict:
        item: dict = {"field": self.column or "file", "message": str(self.message)}
        if self.line is not None:
            item["line"] = self.line
        return item

    def __str__(self) -> str:
        where = f"rad {self.line}" if self.line is not None else "filen"
        col = f", {self.column}" if self.column else ""
        return f"{where}{col}: {self.message}"


@dataclass(frozen=True)
class MeasurementRow:
    """One unit's numbers for one period, ready to store. `line` is where it came from
    (the first line of the unit for person rows)."""

    unit: str
    period: str
    numerator: int | None
    denominator: int | None
    value: float
    line: int


@dataclass
class CsvResult:
    layout: str | None
    rows: list[MeasurementRow]
    problems: list[CsvProblem]
    problem_count: int = 0
    persons: int = 0  # person rows read (a count, never the identifiers)

    @property
    def ok(self) -> bool:
        return not self.problems


def _show(value: str, limit: int = 40) -> str:
    """A cell quoted for a message: control characters escaped, long text cut."""
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[CsvProblem] = []
        self.count = 0

    def add(self, line: int | None, column: str | None, sv: str, en: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(CsvProblem(line, column, Text(sv, en)))


def _decode(data: bytes | str, bad: _Collector) -> str | None:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    if len(data) > MAX_BYTES:
        bad.add(None, None, f"filen är för stor (högst {MAX_BYTES // 1_000_000} MB)",
                f"the file is too large (at most {MAX_BYTES // 1_000_000} MB)")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad.add(line, None, "filen är inte UTF-8; spara den som CSV UTF-8",
                "the file is not UTF-8; save it as CSV UTF-8")
        return None


def parse_measurements(data: bytes | str, *, kind: str, period_kind: str, units: set[str] | frozenset[str],
                       period: str | None = None, valid_months: int | None = None) -> CsvResult:
    """Read a measurement CSV file for an indicator of `kind` measured per `period_kind`.

    `units` are the known unit codes; `period` is required for person rows and refused
    for aggregate files (§2.1). Returns every row or every problem (all or nothing is the
    caller's job: store only when `ok`)."""
    bad = _Collector()
    text = _decode(data, bad)
    if text is None:
        return CsvResult(None, [], bad.problems, bad.count)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        bad.add(line, None, "filen innehåller ett NUL-tecken; det är ingen textfil",
                "the file contains a NUL character; it is not a text file")
        return CsvResult(None, [], bad.problems, bad.count)
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        bad.add(None, None, "filen är tom; första raden ska vara rubriker, t.ex. unit,period,numerator,denominator",
                "the file is empty; the first line must be a header, e.g. unit,period,numerator,denominator")
        return CsvResult(None, [], bad.problems, bad.count)
    delimiter = ";" if ";" in lines[first] else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
    except (StopIteration, csv.Error):
        bad.add(None, None, "rubrikraden kan inte läsas", "the header line cannot be read")
        return CsvResult(None, [], bad.problems, bad.count)
    header_line = reader.line_num
    names = [h.strip().lower() for h in header]
    layout = next((name for name, cols in LAYOUTS.items() if sorted(cols) == sorted(names)), None)
    if layout is None:
        wanted = " | ".join(",".join(cols) for cols in LAYOUTS.values())
        bad.add(header_line, None,
                f"rubrikerna {_show(','.join(names), 80)} passar ingen layout; använd en av: {wanted}",
                f"the header {_show(','.join(names), 80)} matches no layout; use one of: {wanted}")
        return CsvResult(None, [], bad.problems, bad.count)
    index = {name: names.index(name) for name in LAYOUTS[layout]}
    if layout == "aggregate-share" and kind != "share":
        bad.add(header_line, None, f"indikatorn är av typen {kind}: använd kolumnerna unit,period,value",
                f"the indicator is a {kind}: use the columns unit,period,value")
    elif layout == "aggregate-value" and kind == "share":
        bad.add(header_line, None, "indikatorn är en andel: använd unit,period,numerator,denominator eller personrader",
                "the indicator is a share: use unit,period,numerator,denominator or person rows")
    elif layout == "persons" and kind != "share":
        bad.add(header_line, None, f"personrader går bara för andelar; indikatorn är av typen {kind}",
                f"person rows are for shares only; the indicator is a {kind}")
    the_period: Period | None = None
    if layout == "persons":
        if period is None:
            bad.add(None, "period", f"personrader behöver en period (--period), t.ex. {EXAMPLE[period_kind]}",
                    f"person rows need a period (--period), e.g. {EXAMPLE[period_kind]}")
        else:
            the_period = parse_period(period, period_kind)
            if the_period is None:
                bad.add(None, "period", f"perioden {_show(period)} har fel form; skriv {FORM_SV[period_kind]}, t.ex. {EXAMPLE[period_kind]}",
                        f"the period {_show(period)} has the wrong form; write {FORM_EN[period_kind]}, e.g. {EXAMPLE[period_kind]}")
    elif period is not None:
        bad.add(None, "period", "en period (--period) anges bara för personrader; perioden står i filens kolumn period",
                "a period (--period) is only given for person rows; this file has a period column")
    if bad.count:
        return CsvResult(layout, [], bad.problems, bad.count)

    rows: list[MeasurementRow] = []
    seen: dict[tuple[str, str], int] = {}
    salt = secrets.token_bytes(16)
    person_unit: dict[bytes, tuple[str, int]] = {}  # hashed person -> (unit, first line)
    unit_persons: dict[str, dict[bytes, bool]] = {}
    unit_first_line: dict[str, int] = {}
    persons = 0
    n = 0
    try:
        for record in reader:
            line = reader.line_num
            if not any(c.strip() for c in record):
                continue
            n += 1
            if n > MAX_ROWS:
                bad.add(line, None, f"filen har fler än {MAX_ROWS} rader; dela upp den",
                        f"the file has more than {MAX_ROWS} rows; split it")
                break
            if len(record) != len(names):
                bad.add(line, None, f"raden har {len(record)} kolumner, rubriken {len(names)}",
                        f"the line has {len(record)} columns, the header {len(names)}")
                continue
            cell = {name: record[i].strip() for name, i in index.items()}
            unit = cell["unit"]
            unit_ok = True
            if not unit:
                bad.add(line, "unit", "enhetskoden saknas", "the unit code is missing")
                unit_ok = False
            elif unit not in units:
                shown = "" if layout == "persons" else f" {_show(unit)}"
                bad.add(line, "unit", f"enhetskoden{shown} finns inte; importera enheten först eller rätta koden",
                        f"the unit code{shown} does not exist; import the unit first or fix the code")
                unit_ok = False
            if layout == "persons":
                persons += 1
                person = cell["person"]
                if not person:
                    bad.add(line, "person", "personens id saknas", "the person's id is missing")
                    continue
                digest = hashlib.sha256(salt + person.encode("utf-8")).digest()
                person = ""  # the identifier itself is not kept
                done = cell["completed"]
                completed: dt.date | None = None
                date_ok = True
                if done:
                    try:
                        if not _DATE_RE.match(done):
                            raise ValueError
                        completed = dt.date.fromisoformat(done)
                    except ValueError:
                        bad.add(line, "completed", "completed ska vara ett riktigt datum ÅÅÅÅ-MM-DD eller tomt",
                                "completed must be a real date YYYY-MM-DD or empty")
                        date_ok = False
                if not (unit_ok and date_ok):
                    continue
                previous = person_unit.get(digest)
                if previous is not None and previous[0] != unit:
                    bad.add(line, "person", f"samma person står redan under enheten {previous[0]} (rad {previous[1]}); "
                            f"en person räknas i en enhet", f"the same person is already listed under unit "
                            f"{previous[0]} (line {previous[1]}); a person counts in one unit")
                    continue
                person_unit.setdefault(digest, (unit, line))
                unit_first_line.setdefault(unit, line)
                assert the_period is not None
                qualifies = counts_as_completed(completed, the_period, valid_months)
                listed = unit_persons.setdefault(unit, {})
                listed[digest] = listed.get(digest, False) or qualifies
                continue
            else:
                the_row_period = parse_period(cell["period"], period_kind)
                if the_row_period is None:
                    bad.add(line, "period", f"perioden {_show(cell['period'])} har fel form; skriv {FORM_SV[period_kind]}, t.ex. {EXAMPLE[period_kind]}",
                            f"the period {_show(cell['period'])} has the wrong form; write {FORM_EN[period_kind]}, e.g. {EXAMPLE[period_kind]}")
                row = _aggregate(cell, layout, bad, line)
                if row is None or the_row_period is None or not unit_ok:
                    continue
                key = (unit, the_row_period.label)
                if key in seen:
                    bad.add(line, "period", f"{unit} {the_row_period.label} står redan på rad {seen[key]}; ta bort den ena raden",
                            f"{unit} {the_row_period.label} is already on line {seen[key]}; remove one of the lines")
                    continue
                seen[key] = line
                numerator, denominator, value = row
                rows.append(MeasurementRow(unit, the_row_period.label, numerator, denominator, value, line))
    except csv.Error as exc:
        bad.add(reader.line_num, None, f"CSV-fel: {exc}", f"CSV error: {exc}")
    if layout == "persons" and the_period is not None:
        for unit in sorted(unit_persons):
            listed = unit_persons[unit]
            numerator = sum(1 for done in listed.values() if done)
            rows.append(MeasurementRow(unit, the_period.label, numerator, len(listed), numerator / len(listed),
                                       unit_first_line[unit]))
    unit_persons.clear()
    person_unit.clear()
    return CsvResult(layout, rows if not bad.count else [], bad.problems, bad.count, persons)


def _aggregate(cell: dict[str, str], layout: str, bad: _Collector, line: int) -> tuple[int | None, int | None, float] | None:
    if layout == "aggregate-share":
        out = []
        for name in ("numerator", "denominator"):
            text = cell[name]
            if not text:
                bad.add(line, name, f"{name} saknas", f"{name} is missing")
                out.append(None)
            elif text.startswith("-") and _INT_RE.match(text[1:]):
                bad.add(line, name, f"{name} får inte vara negativ ({text})", f"{name} must not be negative ({text})")
                out.append(None)
            elif not _INT_RE.match(text):
                bad.add(line, name, f"{name} ska vara ett heltal, inte {_show(text)}",
                        f"{name} must be a whole number, not {_show(text)}")
                out.append(None)
            elif int(text) > MAX_COUNT:
                bad.add(line, name, f"{name} är för stort (högst {MAX_COUNT})", f"{name} is too large (at most {MAX_COUNT})")
                out.append(None)
            else:
                out.append(int(text))
        numerator, denominator = out
        if numerator is None or denominator is None:
            return None
        if denominator == 0:
            bad.add(line, "denominator", "denominator ska vara större än 0", "denominator must be greater than 0")
            return None
        if numerator > denominator:
            bad.add(line, "numerator", f"numerator ({numerator}) är större än denominator ({denominator})",
                    f"numerator ({numerator}) is greater than denominator ({denominator})")
            return None
        return numerator, denominator, numerator / denominator
    text = cell["value"].replace(",", ".") if "," in cell["value"] and cell["value"].count(",") == 1 else cell["value"]
    if not text:
        bad.add(line, "value", "value saknas", "value is missing")
        return None
    if text.startswith("-") and _NUM_RE.match(text[1:]):
        bad.add(line, "value", f"value får inte vara negativt ({cell['value']})", f"value must not be negative ({cell['value']})")
        return None
    if not _NUM_RE.match(text):
        bad.add(line, "value", f"value ska vara ett tal, inte {_show(cell['value'])}",
                f"value must be a number, not {_show(cell['value'])}")
        return None
    value = float(text)
    if not math.isfinite(value) or value > MAX_VALUE:
        bad.add(line, "value", "value är för stort", "value is too large")
        return None
    return None, None, value
