"""The pure parts of the reports, without a database: snapshots read back, reports
built from hand-made round data, number formats, the SVG wrapping."""
from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from tests.reporting.reporting_helpers import attribute_names, data_texts, data_values
from survey_engine.questionnaire.load import load_questionnaire
from survey_engine.reporting.city_report import build_city_report
from survey_engine.reporting.model import ReportData, RoundData, UnitEntry, result_from_dict
from survey_engine.reporting.render import inline_svg, render, render_html
from survey_engine.reporting.text import fmt_percent, fmt_share
from survey_engine.reporting.unit_report import build_unit_report
from survey_engine.scoring import rollup, score_response
from survey_engine.scoring.synthetic import random_answers

from tests.support import QUESTIONNAIRES

Q = load_questionnaire(QUESTIONNAIRES / "mcf-cybersakerhet" / "2026.1.yaml")


def _round(n: int = 4, seed: int = 7, names=None) -> RoundData:
    rng = random.Random(seed)
    units = []
    for i in range(n):
        answers = random_answers(Q, rng)
        name = names[i] if names else f"Enhet {i}"
        units.append(UnitEntry(code=f"U{i}", name=name, weight=float(i + 1), status="submitted",
                               result=score_response(Q, answers), source="snapshot", answers=answers))
    units.append(UnitEntry(code="NS", name="Ej startad", weight=1.0, status="not_started"))
    return RoundData(id=1, name="Prov", status="closed", opens_on=dt.date(2026, 3, 1), closes_on=None,
                     questionnaire=Q, units=tuple(units))


@pytest.mark.parametrize("seed", range(5))
def test_snapshot_json_reads_back_to_the_same_result(seed):
    result = score_response(Q, random_answers(Q, random.Random(seed)))
    again = result_from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result


def test_city_report_from_hand_made_data_matches_rollup():
    data = ReportData(_round(), None)
    report = build_city_report(data, "en", today=dt.date(2026, 1, 2))
    scored = [u for u in data.current.units if u.result is not None]
    for method in ("weakest", "mean"):
        expected = rollup(Q, [u.result for u in scored], method=method, weights=[u.weight for u in scored])
        assert report.model["rollup"][method]["scores"] == expected.to_dict()
        v = data_values(render_html(report))
        assert v[f"rollup.{method}.overall.percent"] == expected.overall.percent
    assert report.model["trend"] is None
    assert report.model["response"]["not_started"] == 1


def test_unit_report_model_and_formats_from_hand_made_data():
    data = ReportData(_round(), None)
    report = build_unit_report(data, "U1", "sv", today=dt.date(2026, 1, 2))
    assert report.model["scores"] == data.current.unit("U1").result.to_dict()
    for fmt in ("html", "json", "csv", "xlsx"):
        content, media, ext = render(report, fmt)
        assert content and ext == fmt and media


def test_hostile_names_in_hand_made_data_are_escaped():
    names = ["<script>x()</script>", '" onload="x()', "a & b", "=1+1"]
    report = build_city_report(ReportData(_round(names=names), None), "sv")
    html = render_html(report)
    assert "<script>x()" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    # the quote cannot end an attribute: no tag gets an onload attribute
    assert "onload" not in attribute_names(html)
    assert 'aria-label="' in html and "&#34; onload=&#34;x()" in html


def test_number_formats():
    assert fmt_percent(57.5, "sv") == "57,5 %"
    assert fmt_percent(57.5, "en") == "57.5 %"
    assert fmt_percent(None, "sv") == "–"
    assert fmt_share(0.8, "sv") == "80 %"


def test_inline_svg_is_an_accessible_image():
    report = build_unit_report(ReportData(_round(), None), "U0", "sv")
    (key, chart), *_ = report.build_charts()
    svg = str(inline_svg(chart, key))
    assert svg.startswith("<svg") and 'role="img"' in svg.split(">", 1)[0]
    assert f'<title id="chart-{key}-title">' in svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg


def test_missing_templates_are_a_clear_error(monkeypatch, tmp_path):
    from survey_engine.errors import AppError

    monkeypatch.setenv("SURVEY_ENGINE_REPORT_TEMPLATES", str(tmp_path))
    report = build_unit_report(ReportData(_round(), None), "U0", "sv")
    with pytest.raises(AppError, match="SURVEY_ENGINE_REPORT_TEMPLATES"):
        render_html(report)


def test_shown_text_is_the_value_formatted():
    from survey_engine.reporting.text import fmt_level

    html = render_html(build_unit_report(ReportData(_round(), None), "U2", "sv"))
    values, texts = data_values(html), data_texts(html)
    checked = 0
    for key, value in values.items():
        if key.endswith(".percent") or key.endswith("city_median_percent"):
            assert texts[key] == fmt_percent(value, "sv"), key
            checked += 1
        elif key.endswith(".next_level_progress") or key == "overall.completeness":
            assert texts[key] == fmt_share(value, "sv"), key
            checked += 1
        elif key.endswith("city_median_level"):
            assert texts[key] == fmt_level(value, "sv"), key
            checked += 1
        elif key.endswith(".level") and value is not None:
            assert texts[key].split()[0] == str(value), key
            checked += 1
    assert checked > 40
