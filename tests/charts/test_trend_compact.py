"""The compact trend drawing (issue 13, "Phones"): a figure about a phone wide with text
of at least 11 pt, the comparable share under each area's name, no column on the right."""
from __future__ import annotations

from tests.charts.chart_cases import TREND_CASES
from survey_engine.charts import trend_chart


def _font_sizes(fig) -> list[float]:
    texts = [t for ax in fig.axes for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts]
    legend = fig.legends[0].get_texts() if fig.legends else []
    return [t.get_fontsize() for t in texts + list(legend) if t.get_text()]


def test_compact_trend_is_narrow_with_large_text_and_the_share_under_the_label():
    data = TREND_CASES["normal"]
    wide = trend_chart(data, lang="sv")
    small = trend_chart(data, lang="sv", compact=True)
    assert small.figure.get_figwidth() < 5.5 < wide.figure.get_figwidth()
    assert min(_font_sizes(small.figure)) >= 11
    labels = [t.get_text() for t in small.figure.axes[0].get_yticklabels()]
    assert all("jämförbar" in label for label in labels), labels
    assert not small.figure.axes[0].texts  # no value column on the right
    assert small.alt_text == wide.alt_text  # the same words for screen readers
