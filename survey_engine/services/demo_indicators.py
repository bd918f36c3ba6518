"""Measured indicators for the demo city (docs/indicators.md): the flagship definitions and
made-up but plausible measurements, imported through the ordinary service (so they are
audited like real imports).

- `utbildning-grund`, monthly January 2025 – June 2026 per förvaltning and bolag: a few
  staff had an older course before the city's basic course was launched in the
  information-security month (October 2025); completion then rises unevenly, and some
  units are still below the 90 % target in June 2026.
- `phishing-klick`: two city-wide phishing exercises, 2024-Q4 and 2025-Q4, per unit; the
  click rate falls between them but not everywhere to the 5 % target.

Numbers are deterministic (a fixed seed), so screenshots and tests stay stable.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Iterable

from survey_engine.services import indicators
from survey_engine.services.policy import Principal

SEED = "survey-engine-demo-indicators-1"
DEFINITIONS = Path("indicators") / "mcf-indikatorer" / "2026.1.yaml"
MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 6)]
LAUNCH = "2025-10"
# Units that lag: they reach well under the target by June 2026 (the story of item 7).
LAGGING = {"FOF": 0.62, "KUF": 0.55, "FRI": 0.68, "MST": 0.48, "FSF": 0.74}
QUICK = {"SK": 0.97, "SF": 0.96, "MF": 0.93, "HVOF": 0.92}


def _course_rows(units: Iterable[Any]) -> list[str]:
    rows = ["unit,period,numerator,denominator"]
    for unit in units:
        rng = random.Random(f"{SEED}:{unit.code}:course")
        staff = int(unit.employees)
        before = 0.04 + 0.12 * rng.random()  # an older e-learning some had taken
        end = LAGGING.get(unit.code, QUICK.get(unit.code, 0.86 + 0.08 * rng.random()))
        share = before
        launched_at = MONTHS.index(LAUNCH)
        for index, month in enumerate(MONTHS):
            if index < launched_at:
                share = min(share + 0.004 * rng.random(), 0.2)
            else:
                left = len(MONTHS) - index
                step = (end - share) / max(left, 1)
                # uneven: a big push in the launch month, slower weeks around the holidays
                factor = 2.2 if month == LAUNCH else (0.3 if month in ("2025-12", "2026-01") else 0.6 + 0.9 * rng.random())
                share = min(end, max(share, share + step * factor))
                if index == len(MONTHS) - 1:
                    share = end
            rows.append(f"{unit.code},{month},{round(share * staff)},{staff}")
    return rows


def _phishing_rows(units: Iterable[Any]) -> list[str]:
    rows = ["unit,period,numerator,denominator"]
    for unit in units:
        rng = random.Random(f"{SEED}:{unit.code}:phishing")
        staff = int(unit.employees)
        first = 0.12 + 0.12 * rng.random()
        second = first * (0.35 + 0.45 * rng.random())
        if unit.code in LAGGING:
            second = max(second, 0.08 + 0.05 * rng.random())
        rows.append(f"{unit.code},2024-Q4,{round(first * staff)},{staff}")
        rows.append(f"{unit.code},2025-Q4,{round(second * staff)},{staff}")
    return rows


async def load_demo_indicators(questionnaires_dir: Path, *, actor: Principal, units: Iterable[Any], log=print) -> dict:
    """Publish the flagship indicator definitions and import the demo measurements.
    `units` are the demo's units (code, employees)."""
    units = list(units)
    path = Path(questionnaires_dir) / DEFINITIONS
    await indicators.publish(path.read_text(encoding="utf-8"), actor=actor, source=str(path))
    course = await indicators.import_measurements("utbildning-grund", "\n".join(_course_rows(units)) + "\n",
                                                  actor=actor, source="demo-larplattform.csv")
    phishing = await indicators.import_measurements("phishing-klick", "\n".join(_phishing_rows(units)) + "\n",
                                                    actor=actor, source="demo-phishing.csv")
    log(f"  indikatorer / indicators: utbildning-grund {course.rows} mätvärden ({MONTHS[0]}–{MONTHS[-1]}), "
        f"phishing-klick {phishing.rows} (2024-Q4, 2025-Q4)")
    return {"utbildning-grund": course.rows, "phishing-klick": phishing.rows}
