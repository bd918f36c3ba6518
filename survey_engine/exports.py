"""Helpers shared by every CSV/XLSX export: neutralise spreadsheet formulas.

A cell whose text starts with =, +, -, @, a tab or a carriage return may be run as a
formula when the file is opened in a spreadsheet ("CSV injection"). Such text is
prefixed with an apostrophe, which spreadsheets show as plain text. Numbers are left
alone: a negative number is a number, not a formula, so write numbers as numbers.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from survey_engine.plaintext import strip_control

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: Any) -> Any:
    """`value` made safe for a spreadsheet cell: control characters other than tab and
    line breaks are removed (openpyxl refuses them and Excel cannot open such a file;
    input is checked too, this is the second defence, survey_engine/plaintext.py), and
    text starting with a formula character gets a leading apostrophe; other values
    (numbers, None, …) come back unchanged."""
    if isinstance(value, str):
        value = strip_control(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def neutralize_row(row: Iterable[Any]) -> list[Any]:
    return [neutralize_cell(value) for value in row]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document (comma-separated, CRLF line ends, UTF-8 text) whose every cell has
    been neutralised. None becomes an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(neutralize_row(header))
    for row in rows:
        writer.writerow(neutralize_row("" if v is None else v for v in row))
    return out.getvalue()
