"""The demo's plans: made from the 2024 round, with statuses, followed up by 2026.
The follow-up report names every action, its status and its measured effect."""
from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest

from survey_engine.planning.vocabulary import effect_text, status_text
from survey_engine.services.demo import UNITS, load_demo
from survey_engine.services.plan_reports import summary_report
from survey_engine.services import plans, rounds
from survey_engine.services.access import system_actor

from tests.plans.plan_samples import AUDITOR



class Report(HTMLParser):
    """Action rows (data-* attributes and their cell texts) per plan section."""

    def __init__(self):
        super().__init__()
        self.plan = None
        self.rows: list[dict] = []
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-plan" in a:
            self.plan = int(a["data-plan"])
        elif tag == "tr" and "data-action" in a:
            self._row = {**a, "plan": self.plan, "cells": []}
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None


async def test_demo_plans_and_their_follow_up_report(db, questionnaires_dir):
    await load_demo(questionnaires_dir, log=lambda *_: None)
    items, _ = await rounds.list_rounds()
    r24, r26 = items[0].id, items[1].id
    listed = await plans.list_plans(AUDITOR, round_id=r24)
    unit_plans = [p for p in listed if p.scope == "unit"]
    # every unit that submitted in 2024 (all but Malmö Stadsteater AB) has a plan, and the city one
    assert len(unit_plans) == len(UNITS) - 1 and len(listed) == len(UNITS)
    summary = await plans.follow_up_summary(AUDITOR, r24)
    statuses = summary["total"]["status"]
    assert statuses["done"] > 0 and statuses["in_progress"] > 0 and statuses["dropped"] > 0
    effects = summary["total"]["effect"]
    assert effects["met"] > 0 and effects["improved"] > 0 and effects["not_comparable"] > 0
    assert effects["not_measured"] > 0  # units still in draft in 2026
    measured = [u for u in summary["units"] if u["after"] is not None]
    assert len(measured) == 8 and all(u["after"]["round_id"] == r26 for u in measured)  # ASF: returned (sign-off)

    html, media, _ = await summary_report(AUDITOR, r24, "html", "sv")
    parser = Report()
    parser.feed(html.decode())
    rows = {(r["plan"], int(r["data-action"])): r for r in parser.rows}
    expected = [(fu["plan"]["id"], a) for fu in summary["units"] + [summary["city"]] for a in fu["actions"]]
    assert len(rows) == len(expected) == summary["total"]["actions"] + summary["city"]["counts"]["actions"]
    for plan_id, a in expected:
        row = rows[(plan_id, a["id"])]
        assert row["data-status"] == a["status"]
        assert row["data-effect"] == (a["effect"] or "not_measured")
        assert row["data-flagged"] == ("true" if a["flagged"] else "false")
        # the words shown: the action, its status and its effect
        assert (a["question"] or a["title"]) in row["cells"][3]
        assert row["cells"][5] == status_text(a["status"], "sv")
        assert row["cells"][7].startswith(effect_text(a["effect"], "sv"))

    from openpyxl import load_workbook

    xlsx, _, _ = await summary_report(AUDITOR, r24, "xlsx", "en")
    sheet = list(load_workbook(io.BytesIO(xlsx))["Actions"].iter_rows(values_only=True))
    col = {h: i for i, h in enumerate(sheet[0])}
    assert len(sheet) - 1 == len(expected)
    got = sorted((r[col["Plan"]], r[col["Status"]], r[col["Effect"]]) for r in sheet[1:])
    assert got == sorted((pid, status_text(a["status"], "en"), effect_text(a["effect"], "en"))
                         for pid, a in expected)


    # Loading the demo again over it (--reset) replaces the plans too (they go with
    # their units and rounds), instead of failing on them or leaving them behind.
    await load_demo(questionnaires_dir, reset=True, log=lambda *_: None)
    assert len(await plans.list_plans(system_actor("tests"))) == len(listed)
