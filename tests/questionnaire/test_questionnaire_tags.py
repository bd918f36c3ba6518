"""The optional question key `tags`: short labels such as `kommun` (answered once for the
whole kommun) and `it-drift` (usually answered by the central IT provider).

Tags are content (they take part in the canonical hash and show up in a diff), but they
never change a score. Malformed tags are covered with the other malformed cases in
test_questionnaire_malformed.py."""
from __future__ import annotations

from click.testing import CliRunner

from tests.questionnaire.qhelpers import base_data, dump
from survey_engine.cli import main
from survey_engine.questionnaire.continuity import diff
from survey_engine.questionnaire.load import parse_questionnaire
from survey_engine.scoring import score_response

ANSWERS = {"styr-policy": "yes", "styr-typer": ["a", "b"], "styr-andel": 70, "inc-rutin": "partly",
           "inc-ovning": "no"}


def tagged_data() -> dict:
    data = base_data()
    data["areas"][0]["questions"][0]["tags"] = ["kommun"]
    data["areas"][0]["questions"][2]["tags"] = ["it-drift", "kommun"]
    data["areas"][0]["questions"][3]["tags"] = ["fritext"]  # allowed on a text question too
    return data


def test_tags_load_into_the_model_in_file_order():
    q = parse_questionnaire(dump(tagged_data()))
    assert q.question("styr-policy").tags == ["kommun"]
    assert q.question("styr-andel").tags == ["it-drift", "kommun"]
    assert q.question("styr-kommentar").tags == ["fritext"]
    assert q.question("styr-typer").tags == []  # optional: no key, no tags


def test_empty_tag_list_is_allowed():
    data = base_data()
    data["areas"][0]["questions"][0]["tags"] = []
    assert parse_questionnaire(dump(data)).question("styr-policy").tags == []


def test_tags_never_change_scores():
    plain = parse_questionnaire(dump(base_data()))
    tagged = parse_questionnaire(dump(tagged_data()))
    a, b = score_response(tagged, ANSWERS).to_dict(), score_response(plain, ANSWERS).to_dict()
    assert a.pop("questionnaire") != b.pop("questionnaire")  # it names the file's hash
    assert a == b


def test_tags_are_content_so_they_change_the_hash():
    plain = parse_questionnaire(dump(base_data()))
    tagged = parse_questionnaire(dump(tagged_data()))
    assert tagged.hash != plain.hash
    # ... and only the content counts: the same tags written another way hash the same
    flow = dump(tagged_data()).replace("tags:\n    - kommun\n", "tags: [kommun]\n", 1)
    assert flow != dump(tagged_data())
    assert parse_questionnaire(flow).hash == tagged.hash


def test_diff_names_a_tag_change():
    old_data = base_data()
    new_data = tagged_data()
    new_data["version"] = "2026.1"
    new_data["previous"] = "2025.1"
    result = diff(parse_questionnaire(dump(old_data)), parse_questionnaire(dump(new_data)))
    changed = {c.id: c.fields for c in result.changed}
    assert changed["styr-policy"] == ("tags",)
    assert "styr-typer" not in changed


def test_show_lists_the_questions_per_tag(write):
    path = write(tagged_data())
    result = CliRunner().invoke(main, ["questionnaire", "show", str(path)])
    assert result.exit_code == 0, result.output
    assert "Taggar / Tags" in result.output
    assert "  kommun (2): styr-policy, styr-andel" in result.output
    assert "  it-drift (1): styr-andel" in result.output


def test_show_without_tags_has_no_tag_section(write):
    result = CliRunner().invoke(main, ["questionnaire", "show", str(write(base_data()))])
    assert result.exit_code == 0 and "Tags" not in result.output
