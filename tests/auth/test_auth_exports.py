"""Spreadsheet formula neutralisation shared by every export."""
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_engine.exports import FORMULA_STARTS, csv_text, neutralize_cell


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ('=HYPERLINK("http://evil","klick")', '\'=HYPERLINK("http://evil","klick")'),
        ("Socialförvaltningen", "Socialförvaltningen"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=already", "'=already"),
        (-2, -2),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_neutralize_cell(value, expected):
    assert neutralize_cell(value) == expected


@settings(max_examples=200)
@given(st.text())
def test_no_neutralised_text_starts_a_formula_and_nothing_is_lost(text):
    from survey_engine.plaintext import strip_control

    out = neutralize_cell(text)
    assert not out.startswith(FORMULA_STARTS)
    # control characters are dropped (issue 14: spreadsheets refuse them); nothing else is
    assert out == strip_control(text) or out == "'" + strip_control(text)


def test_csv_text_neutralises_every_cell_and_keeps_numbers():
    doc = csv_text(["id", "=name"], [[1, "=cmd|' /C calc'!A0"], [-5, None]])
    rows = list(csv.reader(io.StringIO(doc)))
    assert rows == [["id", "'=name"], ["1", "'=cmd|' /C calc'!A0"], ["-5", ""]]
