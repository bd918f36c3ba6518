"""The loader: valid files load into the model; hashing ignores formatting."""
from __future__ import annotations

import json

import pytest
import yaml

from tests.questionnaire.qhelpers import BASE_PATH, BASE_TEXT, base_data, dump
from survey_engine.questionnaire.errors import QuestionnaireError
from survey_engine.questionnaire.load import canonical_hash, load_questionnaire, parse_questionnaire


def test_base_loads_and_normalises():
    q = load_questionnaire(BASE_PATH)
    assert q.id == "test-family" and q.version == "2025.1"
    assert q.source == str(BASE_PATH)
    assert q.target_level == 3  # default: the highest level
    assert q.met_threshold == 0.75
    assert [a.id for a in q.areas] == ["styrning", "incidenter"]
    assert q.area("styrning").target_level == 2 and q.area("styrning").weight == 2
    policy = q.question("styr-policy")
    assert policy.area == "styrning" and policy.scale == "yesno" and policy.statutory
    assert policy.text == {"sv": "Finns en policy?", "en": "Is there a policy?"}
    # `value: yes` unquoted is the string "yes" (YAML 1.2 booleans), not True
    assert [o.value for o in q.scales["yesno"].options] == ["yes", "partly", "no", "dontknow", "na"]
    assert q.scales["yesno"].option("na").not_applicable and q.scales["yesno"].option("na").credit is None
    assert q.scales["yesno"].option("dontknow").unknown
    assert q.question("inc-rutin").area == "incidenter"
    assert q.question("styr-kommentar").max_length == 4000
    assert q.question("styr-kommentar").level is None
    assert q.question("inc-text").max_length == 200
    assert q.question("styr-andel").bands[0].min == 90
    assert q.question("inc-ovning").show_if.kind == "all"
    assert q.hash.startswith("sha256:") and len(q.hash) == 71


def test_single_language_plain_strings():
    data = base_data()
    data["languages"] = ["sv"]

    def strip(value):
        if isinstance(value, dict):
            if set(value) == {"sv", "en"}:
                return value["sv"]
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    q = parse_questionnaire(dump(strip(data)))
    assert q.title == {"sv": "Testenkät"}
    assert q.question("styr-policy").text == {"sv": "Finns en policy?"}


def test_target_level_given():
    data = base_data()
    data["target_level"] = 2
    assert parse_questionnaire(dump(data)).target_level == 2


def test_unquoted_version_keeps_written_text():
    text = BASE_TEXT.replace('version: "2025.1"', "version: 2025.10")
    q = parse_questionnaire(text)
    assert q.version == "2025.10" and q.version_key == (2025, 10)


def test_hash_ignores_formatting_and_key_order():
    data = base_data()
    reordered = dict(reversed(list(data.items())))
    reordered["areas"] = [dict(reversed(list(a.items()))) for a in data["areas"]]
    other_text = "# reformatted\n" + json.dumps(reordered, ensure_ascii=False, indent=3)
    assert parse_questionnaire(other_text).hash == parse_questionnaire(BASE_TEXT).hash
    block = yaml.safe_dump(reordered, default_flow_style=False, allow_unicode=True, width=40)
    assert parse_questionnaire(block).hash == parse_questionnaire(BASE_TEXT).hash


def test_hash_changes_with_content():
    data = base_data()
    data["scales"]["yesno"]["options"][1]["credit"] = 0.6
    assert parse_questionnaire(dump(data)).hash != parse_questionnaire(BASE_TEXT).hash


def test_canonical_hash_direct():
    assert canonical_hash({"a": 1, "b": [1.0, "x"]}) == canonical_hash({"b": [1, "x"], "a": 1.0})
    assert canonical_hash({"a": 1}) != canonical_hash({"a": 2})


def test_reports_all_problems_at_once():
    data = base_data()
    data["areas"][0]["questions"][0]["scale"] = "nope"
    data["areas"][1]["questions"][0]["level"] = 9
    data["met_threshold"] = 0
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(dump(data), "x.yaml")
    paths = {p.path for p in info.value.problems}
    assert {"areas[0].questions[0].scale", "areas[1].questions[0].level", "met_threshold"} <= paths
    assert all(p.file == "x.yaml" and p.line for p in info.value.problems)
