"""Charts render for normal and edge-case data, deterministically, with alt texts."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from tests.charts import chart_cases
from tests.charts.chart_cases import (
    AREAS,
    HEATMAP_CASES,
    LEVEL_NAMES,
    NORMAL_POINTS,
    POINT_CASES,
    RESPONSE_CASES,
    TREND_CASES,
    build_cases,
)
from survey_engine.charts import (
    AreaPoint,
    HeatmapData,
    TrendData,
    TrendSeries,
    charts_to_pdf,
    Chart,
    distribution_chart,
    distribution_from_heatmap,
    heatmap_chart,
    level_bars_chart,
    level_colors,
    radar_chart,
    response_rate_chart,
    to_pdf,
    to_png,
    to_svg,
    to_svg_fragment,
    trend_chart,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CASES = build_cases("sv")


def svg_text(svg: str) -> str:
    """All text drawn in the SVG (fonttype none keeps it as <text> elements)."""
    import html

    return "\n".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_case_renders_to_svg_png_and_repeats(name):
    chart = CASES[name]()
    assert isinstance(chart, Chart)
    assert isinstance(chart.figure, Figure)
    assert chart.alt_text.strip() and chart.title
    svg = to_svg(chart)
    assert svg.startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
    # text stays text (svg.fonttype none): there are <text> elements, no glyph paths
    assert "<text" in svg and "glyph" not in svg.lower()
    # no date in the metadata
    assert "<dc:date>" not in svg
    # the same figure twice, and a freshly built one, give the same bytes
    assert to_svg(chart) == svg
    assert to_svg(CASES[name]()) == svg
    png = to_png(chart, dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_svg_identical_across_processes():
    """A fresh interpreter (with other global rcParams set) renders the same bytes."""
    names = [
        "radar-normal",
        "bars-normal",
        "heatmap-normal",
        "distribution-normal",
        "trend-normal",
        "trend-percent_three_rounds",
        "response-rounds",
        "heatmap-long_titles",
    ]
    script = (
        "import json, sys, matplotlib\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        # global settings a host application might have made must not leak in
        "matplotlib.rcParams['font.size'] = 17\n"
        "matplotlib.rcParams['svg.hashsalt'] = None\n"
        "matplotlib.rcParams['lines.linewidth'] = 5\n"
        "import chart_cases\n"
        f"print(json.dumps(chart_cases.svg_digests({names!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True,
        timeout=600,
    )
    other = json.loads(out.stdout.strip().splitlines()[-1])
    assert sorted(other) == sorted(names)
    assert other == chart_cases.svg_digests(names)


def test_global_rcparams_are_left_alone():
    before = dict(matplotlib.rcParams)
    chart = radar_chart(NORMAL_POINTS)
    to_svg(chart)
    to_png(chart, dpi=30)
    after = dict(matplotlib.rcParams)
    assert before == after


def test_global_rcparams_do_not_change_output():
    expected = to_svg(heatmap_chart(HEATMAP_CASES["normal"]))
    with matplotlib.rc_context({"font.size": 20, "axes.facecolor": "red", "svg.fonttype": "path"}):
        assert to_svg(heatmap_chart(HEATMAP_CASES["normal"])) == expected


def _area_charts(lang: str) -> dict[str, Chart]:
    heat = HEATMAP_CASES["normal"]
    return {
        "radar": radar_chart(NORMAL_POINTS, lang=lang),
        "bars": level_bars_chart(NORMAL_POINTS, lang=lang, level_names=LEVEL_NAMES),
        "heatmap": heatmap_chart(heat, lang=lang),
        "distribution": distribution_chart(distribution_from_heatmap(heat), lang=lang),
        "trend": trend_chart(TREND_CASES["normal"], lang=lang),
    }


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_alt_text_mentions_every_area(lang):
    for kind, chart in _area_charts(lang).items():
        for area in AREAS:
            assert area in chart.alt_text, (kind, area)


def test_alt_text_mentions_every_unit_and_round():
    heat = heatmap_chart(HEATMAP_CASES["normal"])
    for unit in HEATMAP_CASES["normal"].units:
        assert unit in heat.alt_text
    resp = response_rate_chart(RESPONSE_CASES["units"])
    for unit in RESPONSE_CASES["units"].labels:
        assert unit in resp.alt_text
    trend = trend_chart(TREND_CASES["percent_three_rounds"])
    for rnd in ("HT 2024", "2025", "2026"):
        assert rnd in trend.alt_text


def test_alt_text_states_levels_and_targets_in_swedish():
    alt = radar_chart(NORMAL_POINTS).alt_text
    assert alt.startswith("Radardiagram: nivå per område")
    assert "Ledning och styrning: nivå 2 (mål 3, 80 % uppfyllt)" in alt
    assert "Riskhantering: nivå 1 (mål 3, 46 % uppfyllt)" in alt  # 45.5 rounds half up
    assert "Incidenthantering: ej bedömt (mål 3)" in alt
    assert "Säkerhet i leverantörsförhållanden: nivå 4 (mål 2, 97 % uppfyllt)" in alt
    one_target = radar_chart(POINT_CASES["level_zero"]).alt_text
    assert "mot målnivå 3." in one_target


def test_alt_text_in_english():
    alt = radar_chart(NORMAL_POINTS, lang="en").alt_text
    assert alt.startswith("Radar chart: level per area")
    assert "Ledning och styrning: level 2 (target 3, 80% fulfilled)" in alt
    assert "Incidenthantering: not assessed (target 3)" in alt
    assert "nivå" not in alt.lower()


def test_figure_text_holds_the_swedish_labels():
    texts = {kind: svg_text(to_svg(chart)) for kind, chart in _area_charts("sv").items()}
    assert "Nivå per område mot målnivå" in texts["radar"]
    assert "Målnivå" in texts["radar"] and "Uppnådd nivå" in texts["radar"]
    assert "Åtkomst och behörighet" in texts["radar"]
    assert "(ej bedömt)" in texts["radar"]
    assert "Nivå 2 · 80 %" in texts["bars"]
    assert "Ej bedömt" in texts["bars"]
    assert "1 Grundläggande" in texts["bars"]
    assert "Nivå per förvaltning och område" in texts["heatmap"]
    assert "Stadsbyggnadsförvaltningen" in texts["heatmap"]
    assert "–" in texts["heatmap"].splitlines()
    assert "Antal förvaltningar" in texts["distribution"]
    assert "jämförbar andel 80 %" in texts["trend"]
    assert "0 → 1 · jämförbar andel 80 %" in texts["trend"].splitlines()  # first area
    assert "Omgång 2025" in texts["trend"] and "Omgång 2026" in texts["trend"]
    assert "jämförbarhet okänd" in texts["trend"]
    assert "ej jämförbar med föregående omgång" in texts["trend"]
    resp = svg_text(to_svg(response_rate_chart(RESPONSE_CASES["rounds"])))
    assert "Svarsfrekvens" in resp and "Inlämnade" in resp and "Ej påbörjade" in resp
    assert "71 % inlämnade" in resp  # 10 of 14


def test_lang_en_gives_english_labels():
    texts = {kind: svg_text(to_svg(chart)) for kind, chart in _area_charts("en").items()}
    assert "Level per area against target" in texts["radar"]
    assert "Target level" in texts["radar"] and "Level reached" in texts["radar"]
    assert "Level 2 · 80%" in texts["bars"]
    assert "Number of departments" in texts["distribution"]
    assert "comparable share 80%" in texts["trend"]
    joined = "\n".join(texts.values())
    for swedish in ("Målnivå", "Uppnådd nivå", "Ej bedömt", "jämförbar andel", "Antal"):
        assert swedish not in joined
    # area labels come through as given
    assert "Åtkomst och behörighet" in texts["radar"]
    resp = svg_text(to_svg(response_rate_chart(RESPONSE_CASES["rounds"], lang="en")))
    assert "Response rate" in resp and "Submitted" in resp and "71% submitted" in resp


def test_unknown_language_falls_back_to_swedish():
    chart = radar_chart(NORMAL_POINTS, lang="fi")
    assert chart.alt_text.startswith("Radardiagram")


def _facecolors(fig: Figure) -> set[str]:
    from matplotlib.colors import to_hex
    from matplotlib.patches import Patch

    colours = set()
    for ax in fig.axes:
        for artist in ax.get_children():
            if isinstance(artist, Patch) and artist.get_visible():
                colours.add(to_hex(artist.get_facecolor()))
    return colours


def test_level_colours_are_the_same_in_every_chart():
    colours = level_colors(4)
    assert len(set(colours)) == 5
    heat = _facecolors(heatmap_chart(HEATMAP_CASES["normal"]).figure)
    bars = _facecolors(level_bars_chart(NORMAL_POINTS).figure)
    dist = _facecolors(distribution_chart(distribution_from_heatmap(HEATMAP_CASES["normal"])).figure)
    # every level that occurs is drawn in its level colour
    for level in range(5):
        assert colours[level] in heat
        assert colours[level] in dist
    for level in (0, 1, 2, 3, 4):  # NORMAL_POINTS reaches 0..4
        assert colours[level] in bars


def test_trend_draws_non_comparable_points_hollow():
    data = TREND_CASES["normal"]
    chart = trend_chart(data)
    hollow = filled = 0
    for ax in chart.figure.axes:
        for line in ax.get_lines():
            if line.get_marker() not in (None, "None", "") and len(line.get_xdata()) == 1:
                if line.get_markerfacecolor() in ("white", (1.0, 1.0, 1.0, 1.0)):
                    hollow += 1
                else:
                    filled += 1
    expected_hollow = sum(
        1 for s in data.series for k, v in enumerate(s.values) if v is not None and not s.is_comparable(k)
    )
    expected_points = sum(1 for s in data.series for v in s.values if v is not None)
    assert expected_hollow == 1
    assert hollow == expected_hollow
    assert hollow + filled == expected_points


def test_heatmap_not_assessed_cells_show_a_dash():
    data = HEATMAP_CASES["normal"]
    texts = svg_text(to_svg(heatmap_chart(data))).splitlines()
    missing = sum(1 for row in data.levels for v in row if v is None)
    assert texts.count("–") == missing


def test_empty_inputs_say_so():
    assert "Inga förvaltningar" in svg_text(to_svg(heatmap_chart(HEATMAP_CASES["zero_units"])))
    assert "Inga data att visa" in svg_text(to_svg(radar_chart(())))
    assert "No data to show" in svg_text(to_svg(trend_chart(TREND_CASES["no_areas"], lang="en")))
    assert "Inga förvaltningar" in heatmap_chart(HEATMAP_CASES["zero_units"]).alt_text


def test_very_long_titles_are_wrapped_and_cut_but_kept_whole_in_alt_text():
    chart = level_bars_chart(POINT_CASES["long_titles"])
    lines = svg_text(to_svg(chart)).splitlines()
    assert max(len(line) for line in lines) <= 40
    assert any(line.endswith("…") for line in lines)
    for point in POINT_CASES["long_titles"]:
        assert point.label in chart.alt_text


def test_dollar_signs_are_text_not_mathtext():
    points = (AreaPoint(r"Budget $\frac$ och $x^2$", 1, 3, 50.0), AreaPoint("Kostnad $ 5", 2, 3, 60.0))
    for build in (radar_chart, level_bars_chart):
        texts = svg_text(to_svg(build(points)))
        assert r"Budget $\frac$ och $x^2$" in texts.replace("\n", " ")
    heat = HeatmapData(("Enhet $a$",), (r"$\frac$",), ((1,),))
    texts = svg_text(to_svg(heatmap_chart(heat))).splitlines()
    assert "Enhet $a$" in texts and r"$\frac$" in texts
    trend = TrendData(("$1$",), (TrendSeries(r"Omr $\x$", (1.0,)),))
    texts = svg_text(to_svg(trend_chart(trend)))
    assert r"Omr $\x$" in texts and "Omgång $1$" in texts


def test_svg_metadata_carries_title_and_alt_text():
    import html

    chart = radar_chart((*NORMAL_POINTS, AreaPoint("Risker & <hot>", 1, 3, 50.0)))
    svg = to_svg(chart)
    assert f"<dc:title>{html.escape(chart.title, quote=False)}</dc:title>" in svg
    assert "Risker &amp; &lt;hot&gt;: nivå 1" in svg  # escaped by the SVG writer
    assert "<hot>" not in svg
    description = re.search(r"<dc:description>(.*?)</dc:description>", svg, re.S).group(1)
    assert html.unescape(description) == chart.alt_text


def test_pdf_is_a_pdf_without_date():
    pdf = to_pdf(radar_chart(NORMAL_POINTS))
    assert pdf.startswith(b"%PDF")
    assert b"/CreationDate" not in pdf


def test_several_charts_make_one_pdf_page_each():
    charts = list(_area_charts("sv").values())
    pdf = charts_to_pdf(charts)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == len(charts)
    assert b"/CreationDate" not in pdf
    assert charts_to_pdf(charts) == pdf


def test_png_dpi_must_be_positive():
    with pytest.raises(ValueError):
        to_png(radar_chart(NORMAL_POINTS), dpi=0)


def test_concurrent_renders_in_threads_give_the_same_svg():
    """rcParams are process-global: the charts' lock keeps threads from mixing styles."""
    from concurrent.futures import ThreadPoolExecutor

    names = ["radar-normal", "heatmap-normal", "trend-normal", "response-rounds"]
    expected = chart_cases.svg_digests(names)

    def render(name):
        return name, chart_cases.svg_digests([name])[name]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render, names * 2))
    for name, digest in results:
        assert digest == expected[name], name


# Labels as people write them: Swedish letters, punctuation, and characters that mean
# something to matplotlib ($ starts mathtext) or to XML (& < > " ').
label_text = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0123456789"
    " -–,.:;()/&<>\"'$\\_^{}%#§",
    min_size=1,
    max_size=80,
).filter(lambda s: s.strip())


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.builds(
            AreaPoint,
            label=label_text,
            level=st.one_of(st.none(), st.integers(0, 4)),
            target=st.integers(0, 4),
            percent=st.one_of(st.none(), st.floats(0, 100)),
        ),
        min_size=0,
        max_size=14,
    ),
    st.sampled_from(["sv", "en"]),
)
def test_any_area_points_render_and_are_described(points, lang):
    for build in (radar_chart, level_bars_chart):
        chart = build(points, lang=lang)
        svg = to_svg(chart)
        assert svg.rstrip().endswith("</svg>")
        for p in points:
            assert " ".join(p.label.split()) in " ".join(chart.alt_text.split())


def test_inline_fragments_have_unique_ids_and_resolve_their_references():
    charts = list(_area_charts("sv").values())
    fragments = [to_svg_fragment(chart, f"c{i}-") for i, chart in enumerate(charts)]
    page = "<html><body>" + "".join(fragments) + "</body></html>"
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    for i, fragment in enumerate(fragments):
        assert fragment.startswith('<svg role="img" ')
        assert "<?xml" not in fragment and "<!DOCTYPE" not in fragment
        own = set(re.findall(r'\sid="([^"]+)"', fragment))
        refs = re.findall(r"url\(#([^)]+)\)", fragment) + re.findall(r'href="#([^"]+)"', fragment)
        assert refs, "charts use clip paths or markers"
        for ref in refs:
            assert ref.startswith(f"c{i}-") and ref in own
    # deterministic, and the same drawing as the standalone SVG
    assert to_svg_fragment(charts[0], "c0-") == fragments[0]
    assert svg_text(fragments[0]) == svg_text(to_svg(charts[0]))
    with pytest.raises(ValueError):
        to_svg_fragment(charts[0], '"><script>')
