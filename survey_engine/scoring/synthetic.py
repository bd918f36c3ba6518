"""Building questionnaires and answers in code, for tests and benchmarks.

Not part of the scoring core: `random_*` take a seeded `random.Random` from the caller.
`make_questionnaire` builds the model objects directly (no YAML), filling in what the
loader would: each question's `area`, the resolved `target_level` and a content hash.
"""
from __future__ import annotations

import hashlib
import json
import random
from typing import Any

from survey_engine.questionnaire.model import (
    AllCondition,
    AnyCondition,
    Area,
    Band,
    IncludesCondition,
    InCondition,
    Level,
    MinCondition,
    MultiOption,
    Option,
    Question,
    Questionnaire,
    Scale,
)

LEVEL_NAMES = [
    ("Grundläggande", "Basic"),
    ("Systematiskt", "Systematic"),
    ("Kvalificerat", "Qualified"),
    ("Ständigt förbättrande", "Continuously improving"),
    ("Nivå 5", "Level 5"),
    ("Nivå 6", "Level 6"),
]


def text(sv: str, en: str | None = None) -> dict[str, str]:
    return {"sv": sv, "en": en or sv}


def standard_scale(name: str = "jnd", unknown: bool = True) -> Scale:
    """ja 1.0 / delvis 0.5 / nej 0 / vet ej (unknown, 0) / ej tillämpligt."""
    options = [
        Option(value="ja", label=text("Ja", "Yes"), credit=1.0),
        Option(value="delvis", label=text("Delvis", "Partly"), credit=0.5),
        Option(value="nej", label=text("Nej", "No"), credit=0.0),
    ]
    if unknown:
        options.append(Option(value="vet-ej", label=text("Vet ej", "Don't know"), credit=0.0, unknown=True))
    options.append(Option(value="na", label=text("Ej tillämpligt", "Not applicable"), not_applicable=True))
    return Scale(name=name, options=options)


def content_hash(q: Questionnaire) -> str:
    data = q.model_dump(mode="json", exclude={"hash", "source"})
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def make_questionnaire(
    areas: list[dict[str, Any]],
    *,
    levels: int = 3,
    scales: dict[str, Scale] | None = None,
    met_threshold: float = 1.0,
    target_level: int | None = None,
    id: str = "test",
    version: str = "2026.1",
    previous: str | None = None,
) -> Questionnaire:
    """Build a questionnaire from plain dicts: each area dict has `id`, optional
    `weight`/`target_level`, and `questions`: dicts of Question fields (`text` and,
    for choice questions, `scale` default to something sensible)."""
    if scales is None:
        scales = {"jnd": standard_scale("jnd")}
    built_areas = []
    for a in areas:
        qs = []
        for qd in a["questions"]:
            qd = dict(qd)
            qd.setdefault("type", "choice")
            qd.setdefault("text", text(f"Fråga {qd['id']}", f"Question {qd['id']}"))
            if qd["type"] == "choice":
                qd.setdefault("scale", next(iter(scales)))
            if qd["type"] != "text":
                qd.setdefault("level", 1)
            qs.append(Question(area=a["id"], **qd))
        built_areas.append(Area(
            id=a["id"],
            title=text(a.get("title", a["id"])),
            weight=a.get("weight", 1.0),
            target_level=a.get("target_level"),
            questions=qs,
        ))
    q = Questionnaire(
        id=id,
        version=version,
        previous=previous,
        title=text("Testenkät", "Test questionnaire"),
        languages=["sv", "en"],
        levels=[Level(level=i + 1, name=text(*LEVEL_NAMES[i])) for i in range(levels)],
        target_level=target_level or levels,
        met_threshold=met_threshold,
        scales=scales,
        areas=built_areas,
        hash="sha256:pending",
    )
    return q.model_copy(update={"hash": content_hash(q)})


def random_answer(q: Questionnaire, question: Question, rng: random.Random) -> Any:
    """A valid answer to one question (never None)."""
    if question.type == "choice":
        return rng.choice(q.scales[question.scale].options).value
    if question.type == "multi":
        return [o.value for o in question.options if rng.random() < 0.5]
    if question.type == "number":
        value = rng.uniform(question.min, question.max)
        return round(value) if rng.random() < 0.5 else value
    return "fritext"


def random_answers(q: Questionnaire, rng: random.Random, p_missing: float = 0.1) -> dict[str, Any]:
    """A valid answers mapping with roughly `p_missing` of the questions unanswered."""
    out: dict[str, Any] = {}
    for question in q.questions():
        if rng.random() >= p_missing:
            out[question.id] = random_answer(q, question, rng)
    return out


def random_questionnaire(
    rng: random.Random,
    n_areas: int = 8,
    questions_per_area: int = 10,
    levels: int = 4,
    p_condition: float = 0.15,
) -> Questionnaire:
    """A questionnaire of every scored type plus text, with show_if conditions on
    earlier questions (simple and nested), for benchmarks and property tests."""
    areas = []
    earlier: list[dict[str, Any]] = []
    scale = standard_scale("jnd")
    for ai in range(n_areas):
        qs = []
        for qi in range(questions_per_area):
            qid = f"a{ai}-q{qi}"
            kind = rng.choices(["choice", "multi", "number", "text"], [70, 12, 12, 6])[0]
            qd: dict[str, Any] = {"id": qid, "type": kind}
            if kind != "text":
                qd["level"] = rng.randint(1, levels)
                qd["weight"] = rng.choice([1.0, 1.0, 2.0, 0.5, 1.5])
                qd["effort"] = rng.randint(1, 5)
                qd["statutory"] = rng.random() < 0.2
            qd["required"] = rng.random() < 0.85
            if kind == "multi":
                n = rng.randint(2, 5)
                qd["options"] = [MultiOption(value=f"o{k}", label=text(f"Val {k}"),
                                             weight=rng.choice([1.0, 2.0, 0.5]))
                                 for k in range(n)]
            elif kind == "number":
                qd["min"], qd["max"] = 0.0, 100.0
                qd["bands"] = [Band(min=80, credit=1.0), Band(min=50, credit=0.5), Band(min=0, credit=0.0)]
            if earlier and rng.random() < p_condition:
                qd["show_if"] = _random_condition(rng, earlier)
            qs.append(qd)
            if kind != "text":
                earlier.append(qd)
        areas.append({"id": f"area-{ai}", "weight": rng.choice([1.0, 2.0]),
                      "target_level": rng.choice([None, levels - 1, levels]), "questions": qs})
    return make_questionnaire(areas, levels=levels, scales={"jnd": scale})


def _simple_condition(rng: random.Random, earlier: list[dict[str, Any]]):
    qd = rng.choice(earlier)
    if qd["type"] == "choice":
        return InCondition(question=qd["id"], values=rng.sample(["ja", "delvis", "nej", "vet-ej", "na"], 2))
    if qd["type"] == "multi":
        return IncludesCondition(question=qd["id"], value=rng.choice(qd["options"]).value)
    return MinCondition(question=qd["id"], min=rng.choice([20.0, 50.0]))


def _random_condition(rng: random.Random, earlier: list[dict[str, Any]]):
    r = rng.random()
    if r < 0.7:
        return _simple_condition(rng, earlier)
    parts = [_simple_condition(rng, earlier) for _ in range(rng.randint(1, 3))]
    return AllCondition(conditions=parts) if r < 0.85 else AnyCondition(conditions=parts)
