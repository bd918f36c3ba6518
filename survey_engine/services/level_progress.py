"""Progress inside the levels (docs/web-pages.md, "Progress inside the levels").

Levels are cumulative with a strict threshold, so most units sit at level 0 or 1 for
a long time and the level alone does not tell them apart. Besides the level, the
pages show how far a unit or an area has come towards its next level:

- an area: the scoring engine's `next_level_progress`, the share of the next level's
  requirements (questions) that the area meets;
- a unit: at overall level L, the mean over its assessed areas of their progress
  towards L + 1, where an area already above L counts as 1 (it meets L + 1's
  requirements). A unit at the top level has no next level (None).

Pure functions over a score result's dict (`ScoreResult.to_dict()`)."""
from __future__ import annotations

from typing import Any


def area_progress(area: dict[str, Any], max_level: int) -> dict[str, Any]:
    level = area.get("level")
    if not area.get("assessed") or level is None or level >= max_level:
        return {"next_level": None, "progress": None}
    return {"next_level": level + 1, "progress": area.get("next_level_progress")}


def unit_progress(result: dict[str, Any], max_level: int) -> dict[str, Any]:
    """{"level", "next_level", "progress" (0..1 or None), "percent"} of one unit."""
    overall = result.get("overall") or {}
    level = overall.get("level")
    out = {"level": level, "percent": overall.get("percent"), "next_level": None, "progress": None}
    if level is None or level >= max_level:
        return out
    shares = []
    for area in result.get("areas", []):
        if not area.get("assessed") or area.get("level") is None:
            continue
        if area["level"] > level:
            shares.append(1.0)
        elif area.get("next_level_progress") is not None:
            shares.append(float(area["next_level_progress"]))
    out["next_level"] = level + 1
    out["progress"] = sum(shares) / len(shares) if shares else None
    return out
