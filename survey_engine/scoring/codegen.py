"""Code generation for the compiled engine: one straight-line Python function per
questionnaire version.

`generate_scorer` writes the scoring loop out for one questionnaire: every question's
id, weight, level, required flag and whether a later condition reads it become
literals or branches decided at compile time, so scoring a response runs no loop, no
tuple unpacking and no type dispatch. The generated source is kept on the plan
(`ScoringPlan.source`) for reading and debugging.

Only values the loader has validated reach the source as literals: ids match
`^[a-z0-9][a-z0-9._-]*$` and are written with `repr`; weights are finite floats written
with `repr` (which round-trips exactly); levels are ints. Everything else (answer
tables, prebuilt outcomes, condition closures) is passed in as a named constant.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Mapping

from survey_engine.scoring.result import AreaScore, OverallScore, QuestionnaireRef, ScoreResult

TEXT, CHOICE, MULTI, NUMBER = 0, 1, 2, 3

# An entry is the whole outcome of one answer, computed once per questionnaire:
# (QuestionScore, included, weight * credit, met, unknown).
Entry = tuple


def multi_entry(make_entry: Callable, question_id: str, area_id: str, weight: float, table: tuple,
                value, threshold: float) -> Entry:
    """The entry of a `multi` answer: checked weights summed in option order (so the
    credit does not depend on the order of the answer list), memoised per answer."""
    order, total, unit, memo = table
    key = tuple(value)
    entry = memo.get(key)
    if entry is None:
        if unit:  # sums of 1.0 are exact in any order
            credit = len(value) / total
        else:
            checked = 0
            for _, w in sorted(order[v] for v in value):
                checked += w
            credit = checked / total
        entry = make_entry(question_id, area_id, weight, credit, False, threshold)
        if len(memo) < 4096:
            memo[key] = entry
    return entry


def band_entry(bands: tuple, value) -> Entry:
    """The entry of a `number` answer: the first band whose min <= the answer."""
    for low, entry in bands:
        if low <= value:
            return entry
    raise ValueError(f"{value!r} is below every band")


def _literal(value: float, name: str, constants: dict[str, Any]) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    constants[name] = value
    return name


def generate_scorer(area_rows: tuple, ref: QuestionnaireRef, max_level: int, threshold: float,
                    make_entry: Callable) -> tuple[Callable[[Mapping[str, Any]], ScoreResult], str]:
    """The scoring function of one questionnaire version and its source text.

    `area_rows`: per area (area id, target level, area weight, question rows), each
    question row (id, kind, level, weight, scored and required, required, condition
    closure or None, answer table, watched, outcome when hidden, outcome when
    unanswered)."""
    constants: dict[str, Any] = {
        "AreaScore": AreaScore, "OverallScore": OverallScore, "ScoreResult": ScoreResult,
        "REF": ref, "THRESHOLD": threshold, "make_entry": make_entry, "new": tuple.__new__,
        "multi_entry": multi_entry, "band_entry": band_entry,
    }
    levels = range(1, max_level + 1)
    zero_levels = " = ".join([f"lw{L}" for L in levels] + [f"lm{L}" for L in levels]) + " = 0.0"
    lines = [
        "def score(answers):",
        "    get = answers.get",
        "    out = []",
        "    append = out.append",
        "    areas = []",
        "    areas_append = areas.append",
        "    seen = {}",
        "    rv = rd = uk = 0",
        "    o_level = None",
        "    o_w = o_wp = 0.0",
    ]
    n = 0
    for ai, (area_id, target, area_weight, qrows) in enumerate(area_rows):
        lines += [
            f"    # area {area_id}",
            "    sw = swc = 0.0",
            "    top = 0",
            f"    lu = {max_level + 1}",
            f"    {zero_levels}",
        ]
        for (qid, kind, level, w, scored_required, required, cond, table, watched,
             hidden, unanswered) in qrows:
            n += 1
            constants[f"H{n}"] = hidden
            constants[f"U{n}"] = unanswered
            constants[f"T{n}"] = table
            W = _literal(w, f"W{n}", constants)
            ind = "    "
            lines.append(f"{ind}# {qid}")
            if cond is not None:
                constants[f"C{n}"] = cond
                lines += [f"{ind}if not C{n}(seen):", f"{ind}    append(H{n})", f"{ind}else:"]
                ind += "    "
            lines += [f"{ind}v = get({qid!r})", f"{ind}if v is None:", f"{ind}    append(U{n})"]
            if required:
                lines.append(f"{ind}    rv += 1")
            if scored_required:  # included with credit 0, never met
                lines += [f"{ind}    sw += {W}", f"{ind}    lw{level} += {W}",
                          f"{ind}    if top < {level}:", f"{ind}        top = {level}",
                          f"{ind}    if lu > {level}:", f"{ind}        lu = {level}"]
            lines.append(f"{ind}else:")
            body = ind + "    "
            if required:
                # statuses answered/not_applicable count as done; text is `unscored`
                lines.append(f"{body}rv += 1" + ("; rd += 1" if kind != TEXT else ""))
            if watched:
                lines.append(f"{body}seen[{qid!r}] = v")
            if kind == TEXT:
                lines.append(f"{body}append(U{n})")
                continue
            if kind == CHOICE:
                lines.append(f"{body}e = T{n}[v]")
            elif kind == NUMBER:
                lines.append(f"{body}e = band_entry(T{n}, v)")
            else:
                lines.append(f"{body}e = multi_entry(make_entry, {qid!r}, {area_id!r}, {W}, T{n}, v, THRESHOLD)")
            lines += [f"{body}append(e[0])", f"{body}if e[1]:"]
            inner = body + "    "
            if kind == CHOICE and any(entry[4] for entry in table.values()):
                lines += [f"{inner}if e[4]:", f"{inner}    uk += 1"]
            lines += [
                f"{inner}sw += {W}",
                f"{inner}swc += e[2]",
                f"{inner}lw{level} += {W}",
                f"{inner}if top < {level}:",
                f"{inner}    top = {level}",
                f"{inner}if e[3]:",
                f"{inner}    lm{level} += {W}",
                f"{inner}elif lu > {level}:",
                f"{inner}    lu = {level}",
            ]
        # the area's figures (finish_area, written out: this runs once per area)
        AW = _literal(area_weight, f"AW{ai}", constants)
        constants[f"NA{ai}"] = AreaScore(area_id, False, None, None, target, None, None)
        lines += [
            "    if sw == 0.0:",  # weights are > 0, so no question was included
            f"        areas_append(NA{ai})",
            "    else:",
            "        p = 100.0 * swc / sw",
            "        if lu > top:",
            "            lv = top",
            "            pr = None",
            "        else:",
            "            lv = lu - 1",
        ]
        for L in levels:
            lines += [f"            {'if' if L == 1 else 'elif'} lu == {L}:", f"                pr = lm{L} / lw{L}"]
        lines += [
            f"        areas_append(new(AreaScore, ({area_id!r}, True, lv, p, {target}, "
            f"{target} - lv if {target} > lv else 0, pr)))",
            "        if o_level is None or lv < o_level:",
            "            o_level = lv",
            f"        o_w += {AW}",
            f"        o_wp += {AW} * p",
        ]
    lines += [
        "    return ScoreResult(",
        "        questionnaire=REF,",
        "        overall=OverallScore(o_level, o_wp / o_w if o_w else None, rd / rv if rv else 1.0, uk),",
        "        areas=tuple(areas),",
        "        questions=tuple(out),",
        "    )",
    ]
    source = "\n".join(lines) + "\n"
    namespace = dict(constants)
    exec(compile(source, f"<scoring plan {ref.id} {ref.version}>", "exec"), namespace)  # noqa: S102
    return namespace["score"], source
