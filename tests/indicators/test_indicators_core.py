"""The pure core of indicators (docs/indicators.md §1, §2): definitions, periods, CSV
files with every error and its line, person rows, and totals against sums computed
here."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.indicators.indicator_samples import FLAGSHIP, PERSON_IDS, PERSONS_CSV, SMALL
from survey_engine.indicators.csvfile import parse_measurements
from survey_engine.indicators.definition import IndicatorFileError, parse_indicators
from survey_engine.indicators.periods import counts_as_completed, inside, months_back, parse_period
from survey_engine.indicators.totals import Figure, Measured, UnitTree, combine, series

UNITS = {"K", "KF", "MF", "SF", "SF1", "SF2"}


# ---------------------------------------------------------------- definitions

def test_flagship_file_is_valid_and_has_the_required_indicators():
    fam = parse_indicators(FLAGSHIP.read_text(encoding="utf-8"), str(FLAGSHIP))
    assert fam.id == "mcf-indikatorer" and fam.version == "2026.1"
    ids = {i.id: i for i in fam.indicators}
    grund = ids["utbildning-grund"]
    assert (grund.kind, grund.direction, grund.target, grund.valid_months) == ("share", "up", 0.9, 24)
    assert grund.family == "mcf-cybersakerhet" and "utb-andel" in grund.questions
    assert ids["phishing-klick"].direction == "down"
    assert {"incident-24h", "patch-14d", "behorighet-granskad"} <= set(ids)
    assert all(i.kind == "share" for i in fam.indicators)


def test_flagship_links_only_questions_and_areas_that_exist():
    from survey_engine.questionnaire.load import load_questionnaire

    q = load_questionnaire(FLAGSHIP.parents[2] / "mcf-cybersakerhet" / "2026.1.yaml")
    fam = parse_indicators(FLAGSHIP.read_text(encoding="utf-8"))
    for ind in fam.indicators:
        for qid in ind.questions:
            assert q.question(qid) is not None, (ind.id, qid)
        for aid in ind.areas:
            assert q.area(aid) is not None, (ind.id, aid)


def _problems(text: str) -> list:
    with pytest.raises(IndicatorFileError) as info:
        parse_indicators(text, "x.yaml")
    return info.value.problems


def test_definition_errors_name_line_path_and_both_languages():
    bad = SMALL.replace("    kind: count\n", "    kind: antal\n").replace("target: 0.9", "target: 90") \
        .replace("    period: year\n", "    period: year\n    valid_months: 12\n") \
        .replace("    family: liten\n", "    famly: liten\n")
    problems = _problems(bad)
    text = "\n".join(map(str, problems))
    lines = bad.splitlines()
    by_path = {p.path: p for p in problems}
    assert "indicators[0].target" in by_path and "mellan 0 och 1" in by_path["indicators[0].target"].message
    assert "between 0 and 1" in by_path["indicators[0].target"].message
    assert "target: 90" in lines[by_path["indicators[0].target"].line - 1]
    assert "indicators[2].kind" in by_path and "kind: antal" in lines[by_path["indicators[2].kind"].line - 1]
    assert "indicators[0].famly" in by_path and "family" in by_path["indicators[0].famly"].message
    # questions without family
    assert "indicators[0].family" in by_path
    assert all(p.file == "x.yaml" and p.line is not None for p in problems), text


def test_definition_refuses_duplicate_ids_and_plain_strings():
    dup = SMALL.replace("  - id: klick", "  - id: kurs")
    problems = _problems(dup)
    assert any("appears twice" in p.message for p in problems)
    plain = SMALL.replace("title: {sv: Testindikatorer, en: Test indicators}", "title: Testindikatorer")
    assert any(p.path == "title" for p in _problems(plain))
    assert _problems("format: 1\n")  # missing keys
    assert _problems("- a\n- b\n")
    assert _problems("a: [\n")


def test_definition_hash_ignores_formatting():
    a = parse_indicators(SMALL)
    b = parse_indicators("# comment\n" + SMALL)
    assert a.hash == b.hash


# ---------------------------------------------------------------- periods

def test_periods_and_the_valid_months_window():
    assert parse_period("2026-03", "month").last_day == dt.date(2026, 3, 31)
    assert parse_period("2026-Q1", "quarter").first_day == dt.date(2026, 1, 1)
    assert parse_period("2026-Q4", "quarter").last_day == dt.date(2026, 12, 31)
    assert parse_period("2026", "year").last_day == dt.date(2026, 12, 31)
    for bad, kind in (("2026-3", "month"), ("2026-13", "month"), ("2026-Q1", "month"), ("2026-Q5", "quarter"),
                      ("26", "year"), ("2026-03", "year"), ("", "month")):
        assert parse_period(bad, kind) is None, bad
    assert months_back(dt.date(2026, 2, 28), 24) == dt.date(2024, 2, 29)
    assert months_back(dt.date(2026, 3, 31), 24) == dt.date(2024, 3, 31)
    p = parse_period("2026-03", "month")
    assert not counts_as_completed(dt.date(2024, 3, 31), p, 24)  # on the boundary: not after it
    assert counts_as_completed(dt.date(2024, 4, 1), p, 24)
    assert not counts_as_completed(dt.date(2026, 4, 1), p, 24)  # after the period
    assert counts_as_completed(dt.date(2001, 1, 1), p, None)
    assert not counts_as_completed(None, p, 24)
    assert inside(parse_period("2025-Q4", "quarter"), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert not inside(parse_period("2025-Q4", "quarter"), dt.date(2025, 11, 1), dt.date(2025, 12, 31))


# ---------------------------------------------------------------- CSV

def share(text, **kw):
    return parse_measurements(text, kind="share", period_kind="month", units=UNITS, **kw)


def test_person_rows_the_documented_example():
    result = share(PERSONS_CSV, period="2026-03", valid_months=24)
    assert result.ok, result.problems
    got = {r.unit: (r.numerator, r.denominator) for r in result.rows}
    assert got == {"KF": (1, 4), "MF": (1, 1)}
    assert result.persons == 6


def test_person_rows_never_echo_an_identifier():
    bad = PERSONS_CSV + "XX;anv-0950;2025-01-01\nSF;anv-0147;2025-13-01\nKF;anv-0950;2025-01-01\nSF;;\n"
    result = share(bad, period="2026-03", valid_months=24)
    assert not result.ok and result.rows == []
    text = "\n".join(str(p) + repr(p.to_dict()) for p in result.problems)
    for pid in PERSON_IDS:
        assert pid not in text
    lines = {p.line: p for p in result.problems}
    assert set(lines) == {8, 9, 10, 11}
    assert lines[8].column == "unit"
    assert lines[9].column == "completed"
    assert lines[10].column == "person" and "rad 7" in lines[10].message.sv  # MF on line 7
    assert lines[11].column == "person"


AGG_CASES = [
    ("KX,2026-03,1,2", "unit", "finns inte", "does not exist"),
    (",2026-03,1,2", "unit", "saknas", "missing"),
    ("KF,2026-3,1,2", "period", "fel form", "wrong form"),
    ("KF,2026-Q1,1,2", "period", "fel form", "wrong form"),
    ("KF,2026-03,3,2", "numerator", "större än", "greater than"),
    ("KF,2026-03,-1,2", "numerator", "negativ", "negative"),
    ("KF,2026-03,1,-2", "denominator", "negativ", "negative"),
    ("KF,2026-03,1.5,2", "numerator", "heltal", "whole number"),
    ("KF,2026-03,1,0", "denominator", "större än 0", "greater than 0"),
    ("KF,2026-03,,2", "numerator", "saknas", "missing"),
    ("KF,2026-03,1", None, "kolumner", "columns"),
    ("KF,2026-03,=1+2,2", "numerator", "heltal", "whole number"),
    ("KF,2026-03,1,99999999999", "denominator", "för stort", "too large"),
    ("KF,2026-03,1,9999999999999", "denominator", "heltal", "whole number"),
]


@pytest.mark.parametrize("row,column,sv,en", AGG_CASES, ids=[c[0] for c in AGG_CASES])
def test_every_aggregate_error_names_its_line(row, column, sv, en):
    text = "unit,period,numerator,denominator\nMF,2026-03,1,2\n" + row + "\nSF,2026-03,2,2\n"
    result = share(text)
    assert not result.ok and result.rows == []
    assert [p.line for p in result.problems] == [3], result.problems
    p = result.problems[0]
    assert p.column == column and sv in p.message.sv and en in p.message.en


def test_file_level_errors():
    assert share("").problems[0].line is None
    assert "passar ingen layout" in share("a,b\n1,2\n").problems[0].message.sv
    assert "period" in share(PERSONS_CSV).problems[0].message.en  # person rows without --period
    assert share(PERSONS_CSV, period="2026-3").problems[0].column == "period"
    assert "--period" in share("unit,period,numerator,denominator\nKF,2026-03,1,2\n", period="2026-03").problems[0].message.sv
    value = parse_measurements("unit,period,value\nKF,2026-03,3\n", kind="share", period_kind="month", units=UNITS)
    assert "andel" in value.problems[0].message.sv
    count = parse_measurements("unit,period,numerator,denominator\nKF,2026,1,2\n", kind="count", period_kind="year",
                               units=UNITS)
    assert count.problems[0].line == 1
    assert share(b"unit,period,numerator,denominator\nK\xe4F,2026-03,1,2\n").problems[0].line == 2  # not UTF-8
    assert share("unit,period,numerator,denominator\nKF,2026-03,1,2\x00\n").problems[0].line == 2


def test_duplicate_rows_and_all_errors_at_once():
    text = "unit,period,numerator,denominator\nKF,2026-03,1,2\nKF,2026-03,1,2\nMF,2026-03,5,4\n"
    result = share(text)
    assert [(p.line, p.column) for p in result.problems] == [(3, "period"), (4, "numerator")]
    assert "rad 2" in result.problems[0].message.sv


def test_semicolons_bom_any_column_order_and_decimal_comma():
    text = "\ufeffPeriod ; Denominator;UNIT;numerator\n2026-03;10;KF;7\n\n2026-04;10;KF;8\n"
    result = share(text)
    assert result.ok and [(r.unit, r.period, r.numerator, r.denominator) for r in result.rows] == [
        ("KF", "2026-03", 7, 10), ("KF", "2026-04", 8, 10)]
    days = parse_measurements("unit;period;value\nKF;2026-03;12,5\n", kind="days", period_kind="month", units=UNITS)
    assert days.ok and days.rows[0].value == 12.5
    neg = parse_measurements("unit;period;value\nKF;2026-03;-3\n", kind="count", period_kind="month", units=UNITS)
    assert neg.problems[0].line == 2 and neg.problems[0].column == "value"


# ---------------------------------------------------------------- totals

TREE = UnitTree({"K": None, "KF": "K", "MF": "K", "SF": "K", "SF1": "SF", "SF2": "SF"})


def test_the_documented_total_is_not_a_mean_of_shares():
    measured = {"KF": Figure(0.9, 540, 600), "MF": Figure(300 / 350, 300, 350), "SF": Figure(1000 / 1400, 1000, 1400)}
    total = TREE.total("share", measured)
    assert (total.numerator, total.denominator) == (1840, 2350)
    assert total.value == pytest.approx(1840 / 2350, abs=1e-12)
    assert abs(total.value - sum(f.value for f in measured.values()) / 3) > 0.03
    days = TREE.total("days", {"KF": Figure(10), "MF": Figure(20), "SF": Figure(12)})
    assert days.value == pytest.approx(14.0)
    assert TREE.total("count", {"KF": Figure(3), "SF1": Figure(4)}).value == 7


def test_most_detailed_data_wins_for_a_parent():
    measured = {"SF": Figure(0.5, 50, 100), "SF1": Figure(0.8, 8, 10), "K": Figure(0.1, 1, 10)}
    assert TREE.figure("share", "SF", measured).denominator == 10  # SF1 replaces SF's own
    assert TREE.total("share", measured).denominator == 10
    assert TREE.figure("share", "SF", {"SF": Figure(0.5, 50, 100)}).denominator == 100
    assert TREE.total("share", {"K": Figure(0.1, 1, 10)}).denominator == 10  # city-wide only
    assert UnitTree({"A": None, "B": None}).total("share", {"A": Figure(1, 1, 1), "B": Figure(0, 0, 3)}).denominator == 4


def test_random_trees_totals_equal_sums_computed_here():
    rng = random.Random(16)
    for _ in range(200):
        parents = {"K": None}
        for i in range(rng.randint(1, 12)):
            parents[f"U{i}"] = rng.choice(list(parents))
        tree = UnitTree(parents)
        leaves = [c for c in parents if not tree.children.get(c)]
        measured = {}
        for code in leaves:
            if rng.random() < 0.8:
                den = rng.randint(1, 5000)
                measured[code] = Figure(0, rng.randint(0, den), den)
        measured = {c: Figure(f.numerator / f.denominator, f.numerator, f.denominator) for c, f in measured.items()}
        total = tree.total("share", measured)
        if not measured:
            assert total is None
            continue
        num = sum(f.numerator for f in measured.values())
        den = sum(f.denominator for f in measured.values())
        assert (total.numerator, total.denominator) == (num, den)
        assert abs(total.value - num / den) < 1e-9
        for code in parents:
            sub = [measured[c] for c in tree.descendants(code) + [code] if c in measured]
            fig = tree.figure("share", code, measured)
            if sub:
                assert fig.denominator == sum(f.denominator for f in sub)
            else:
                assert fig is None


def test_series_matches_the_cli_contract_shape():
    rows = [Measured("KF", "2026-03", 0.9, 540, 600), Measured("MF", "2026-02", 0.5, 1, 2),
            Measured("SF1", "2026-03", 0.5, 5, 10)]
    out = series("share", rows, TREE)
    assert [e["period"] for e in out] == ["2026-02", "2026-03"]
    assert out[1]["units"] == {"KF": {"numerator": 540, "denominator": 600, "value": 0.9},
                               "SF1": {"numerator": 5, "denominator": 10, "value": 0.5}}
    assert out[1]["total"] == {"numerator": 545, "denominator": 610, "value": 545 / 610}
    counts = series("count", [Measured("KF", "2026", 3.0)], TREE)
    assert counts[0]["total"] == {"value": 3.0} and counts[0]["units"] == {"KF": {"value": 3.0}}
    assert combine("share", []) is None
