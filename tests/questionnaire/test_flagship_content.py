"""What a security coordinator checks in the flagship questionnaire (issue 18): depth at
levels 3 and 4 in every area, physical security, the law's duties, the question on
lagging training completion, one guidance style, tags, and legal references that cite
chapter and section only where they were verified (see KALLOR.md next to the files)."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from survey_engine.questionnaire.continuity import continuity_map, diff
from survey_engine.questionnaire.load import load_questionnaire

FAMILY = Path(__file__).resolve().parents[2] / "questionnaires" / "mcf-cybersakerhet"
# The closed demo round uses 2024.1, so the file must never change.
HASH_2024_1 = "sha256:ff03e8f09d4246efa49b06190a4b127a9667b8572db11090d7bfe7ca9a62da9b"
# Chapter-and-section citations read in a public source (KALLOR.md says where).
VERIFIED_SECTIONS = {
    "Cybersäkerhetslagen (2025:1506) 2 kap. 2 § (anmälningsskyldighet)",
    "Cybersäkerhetsförordningen (2025:1507) 5 §",
}
VERIFIED_SECTION_PREFIXES = ("Cybersäkerhetslagen (2025:1506) 2 kap. 5–8 §§ (incidentrapportering)",)


@pytest.fixture(scope="module")
def q26():
    return load_questionnaire(FAMILY / "2026.1.yaml")


@pytest.fixture(scope="module")
def q24():
    return load_questionnaire(FAMILY / "2024.1.yaml")


def scored(area):
    return [q for q in area.questions if q.scored]


def test_2024_1_is_unchanged(q24):
    assert q24.hash == HASH_2024_1


def test_every_area_has_two_scored_questions_at_levels_3_and_4(q26):
    counts = {a.id: Counter(q.level for q in scored(a)) for a in q26.areas}
    thin = {area: (c[3], c[4]) for area, c in counts.items() if c[3] < 2 or c[4] < 2}
    assert not thin, f"areas with fewer than two questions at level 3 or 4: {thin}"


def test_level_4_questions_are_not_one_template(q26):
    level4 = [q for q in q26.questions() if q.scored and q.level == 4]
    openings = Counter(" ".join(q.text["sv"].split()[:4]) for q in level4)
    assert max(openings.values()) == 1, openings.most_common(3)
    template = re.compile(r"^Utvärderas .*regelbundet och (förbättras|justeras)")
    assert not [q.id for q in level4 if template.match(q.text["sv"])]
    # each says how often: a frequency or a period in the text or the guidance
    often = re.compile(r"per år|varje (kvartal|halvår)|minst (en gång|varje|vartannat)|årlig|"
                       r"vid nästa|efter varje|senaste (två|året)|över tid|år från år|mätomgångar")
    vague = [q.id for q in level4 if not often.search(q.text["sv"] + " " + (q.guidance or {}).get("sv", ""))]
    assert not vague


def test_physical_security_area_covers_levels_1_to_4(q26):
    area = q26.area("fysisk")
    assert area is not None and area.title["sv"] == "Fysisk säkerhet"
    assert {q.level for q in scored(area)} == {1, 2, 3, 4}
    topics = {  # the five things the review asked for, each with its own question
        "fys-skalskydd": "skalskydd",  # perimeter
        "fys-teknikrum": "kopplingsskåp",  # server and wiring rooms
        "fys-tilltrade": "passerkort",  # access to premises
        "fys-utanfor-lokalerna": "utanför lokalerna",  # equipment off-site
        "fys-skrivbord-skarm": "skärmen",  # clear desk and screen
    }
    for qid, word in topics.items():
        question = q26.question(qid)
        assert question is not None and question.area == "fysisk", qid
        assert word in question.text["sv"], qid
    assert [q.id for q in area.questions][-1] == "fys-kommentar"


def test_backup_power_and_network_filtering_continue_from_2024(q24, q26):
    cont = continuity_map(q26, q24)
    assert cont["kon-reservkraft"] == ["kon-reservkraft"]
    assert cont["tek-brandvagg"] == ["tek-brandvagg"]
    assert q26.question("kon-reservkraft").level == 1 and q26.question("tek-brandvagg").level == 1


def test_action_when_training_completion_lags(q26):
    rate = q26.question("utb-andel")
    assert rate is not None and rate.type == "number"  # the measured indicator stays
    lag = q26.question("utb-efterslapning")
    assert lag.area == "utbildning" and lag.scored and lag.level == 3 and lag.show_if is None
    text = lag.text["sv"]
    # who sees the figure, how often, by when, and what happens next
    for words in ("chef", "förvaltningsledningen", "kvartal", "senast", "påminner", "högre chef"):
        assert words in text, words


def test_registration_duty_is_a_kommun_question(q26):
    question = q26.question("org-anmalan")
    assert question.statutory and question.tags == ["kommun"] and question.level == 1
    assert "anmälan" in question.text["sv"]
    assert "Cybersäkerhetslagen (2025:1506) 2 kap. 2 § (anmälningsskyldighet)" in question.references


def test_informing_recipients_of_services(q26):
    question = q26.question("inc-mottagare")
    assert question.statutory and question.area == "incident" and question.level == 2
    text = question.text["sv"]
    assert "betydande incidenter" in text and "betydande cyberhot" in text
    assert {"NIS2 art. 23.1", "NIS2 art. 23.2"} <= set(question.references)


def test_self_assessment_participation_replaced_by_acting_on_results(q24, q26):
    assert q26.question("upp-sjalvskattning") is None
    question = q26.question("upp-resultat-atgard")
    assert question.level == 1 and "förra omgången" in question.text["sv"]
    result = diff(q24, q26)
    assert "upp-sjalvskattning" in result.removed and "upp-resultat-atgard" in result.added


def test_one_guidance_style(q26):
    texts = [t for q in q26.questions() if q.guidance for t in q.guidance.values()]
    assert texts
    assert not [t for t in texts if "”" in t or "“" in t or "Ja när" in t or "Answer" in t]
    yes = [q.guidance["sv"] for q in q26.questions() if q.guidance and q.type == "choice"
           and q.scale == "jnd"]
    assert all("Ja om" in t or "Ja kräver" in t for t in yes)


def test_tags(q26):
    tags = Counter(t for q in q26.questions() for t in q.tags)
    assert set(tags) == {"kommun", "it-drift"}
    kommun = {q.id for q in q26.questions() if "kommun" in q.tags}
    assert {"org-cybersakerhetslagen", "org-anmalan"} <= kommun
    technical = [q for q in q26.area("teknik").questions if q.scored]
    assert all("it-drift" in q.tags for q in technical)


def test_sections_are_cited_only_where_verified(q26):
    cited = {r for q in q26.questions() for r in q.references if "§" in r or "kap." in r}
    unverified = {r for r in cited
                  if r not in VERIFIED_SECTIONS and not r.startswith(VERIFIED_SECTION_PREFIXES)}
    assert not unverified
    assert (FAMILY / "KALLOR.md").is_file()
