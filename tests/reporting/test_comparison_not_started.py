"""The comparison export names every unit of the round (docs/web-pages.md, "Comparison
export"; docs/sign-off.md): after the started responses, a row per unit that has not
started, with status and stage `not_started`, not counted, no level or percent, and in
Excel "Ej påbörjad" in both "Svarsstatus" and "Status". The page's table keeps the
started responses."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from survey_engine.services import comparison
from tests.helpers.not_started import ADMIN, seed_round_with_units_not_started
from tests.survey_samples import V2024, setup_round


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _sheet(content: bytes) -> list[list]:
    return [list(x) for x in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


async def test_csv_has_a_row_per_unit_not_started_after_the_started_ones(db):
    rid = await seed_round_with_units_not_started()
    for sort in ("name", "-name", "-percent", "level", "styr"):
        content, _, _ = await comparison.compare_export(rid, "csv", actor=ADMIN, sort=sort)
        rows = _csv(content)
        # last, in name order whatever the sort ("=HYPERLINK…" before "Enhet a")
        assert [x["unit"] for x in rows][2:] == ["c", "a"] and len(rows) == 4, sort
        assert {x["unit"] for x in rows[:2]} == {"b", "d"}, sort
    rows = {x["unit"]: x for x in _csv((await comparison.compare_export(rid, "csv", actor=ADMIN))[0])}
    for code in ("a", "c"):
        row = rows[code]
        assert (row["status"], row["stage"], row["counted"], row["draft"]) == ("not_started", "not_started",
                                                                                "false", "false")
        assert row["level"] == row["next_level"] == row["progress"] == row["percent"] == ""
        assert row["styr.percent"] == row["styr.level"] == row["drift.percent"] == ""
    assert rows["c"]["name"].startswith("'=")  # neutralised like every other name
    assert (rows["b"]["stage"], rows["b"]["counted"]) == ("submitted", "true")
    assert (rows["d"]["stage"], rows["d"]["counted"]) == ("draft", "false")
    # approved only: still listed, still not counted
    rows = _csv((await comparison.compare_export(rid, "csv", actor=ADMIN, approved_only=True))[0])
    assert {x["unit"]: x["counted"] for x in rows} == {"a": "false", "b": "false", "c": "false", "d": "false"}


async def test_excel_says_ej_paborjad_and_the_page_keeps_the_started_rows(db):
    rid = await seed_round_with_units_not_started()
    sheet = _sheet((await comparison.compare_export(rid, "xlsx", actor=ADMIN, sort="-percent"))[0])
    head, body = sheet[0], sheet[1:]
    status, counted, level = head.index("Status"), head.index("Räknas i stadens siffror"), head.index("Nivå")
    rows = {x[0]: x for x in body}
    assert [x[0] for x in body][2:] == ["c", "a"]
    for code in ("a", "c"):
        assert rows[code][head.index("Svarsstatus")] == "Ej påbörjad" and rows[code][status] == "Ej påbörjad"
        assert rows[code][counted] == "Nej" and rows[code][level] is None and rows[code][head.index("Utkast")] == "Nej"
    assert rows["b"][status] == "Inskickad" and rows["d"][status] == "Utkast"
    english = _sheet((await comparison.compare_export(rid, "xlsx", actor=ADMIN, lang="en"))[0])
    assert {x[0]: x[english[0].index("Status")] for x in english[1:]}["a"] == "Not started"

    page = await comparison.compare_table(rid, actor=ADMIN)  # the page: started responses only
    assert [r["unit"] for r in page["table"]] == ["b", "d"]


async def test_a_round_nobody_started_lists_every_unit(db):
    rnd = await setup_round(V2024, ("a", "b"))
    rows = _csv((await comparison.compare_export(rnd.id, "csv", actor=ADMIN))[0])
    assert [(x["unit"], x["stage"], x["counted"]) for x in rows] == [("a", "not_started", "false"),
                                                                      ("b", "not_started", "false")]
