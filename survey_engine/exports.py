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


def xlsx_table(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet named `title` (at most 31 characters, as Excel wants), a bold frozen
    header, numbers and booleans as they are, every text cell neutralised."""
    from openpyxl import Workbook  # here, not at the top: only a download needs it
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([neutralize_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([v if v is None or isinstance(v, (bool, int, float)) else neutralize_cell(str(v)) for v in row])
    ws.freeze_panes = "A2"
    wb.properties.creator = "survey-engine"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
