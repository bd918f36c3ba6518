"""One malformed questionnaire per rule of the spec. Each case copies the valid base
questionnaire, breaks exactly one thing, and checks that

* the loader reports a problem at the expected path with a message that says what is wrong,
* `survey-engine questionnaire validate` prints it, exits with status 2 and shows no traceback.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.questionnaire.qhelpers import BASE_TEXT, base_data, dump
from survey_engine.cli import main
from survey_engine.questionnaire.errors import QuestionnaireError
from survey_engine.questionnaire.load import parse_questionnaire

CASES: list = []


def case(path: str, words: str):
    """Register a mutation of the base data; `path` "" = whole file."""

    def register(fn):
        CASES.append(pytest.param(fn, path, words, id=fn.__name__))
        return fn

    return register


def q(d, area, index):
    return d["areas"][area]["questions"][index]


# ---------------------------------------------------------------- top level
@case("format", "this program reads only format 1")
def format_2(d):
    d["format"] = 2


@case("id", "id 'Test_Family' is not valid")
def bad_family_id(d):
    d["id"] = "Test_Family"


@case("version", "version '2026' is not valid")
def bad_version_format(d):
    d["version"] = "2026"


@case("previous", "must be an earlier version than version")
def previous_not_earlier(d):
    d["previous"] = "2025.2"


@case("title", "required key 'title' is missing")
def missing_title(d):
    del d["title"]


@case("levels", "required key 'levels' is missing")
def missing_levels(d):
    del d["levels"]


@case("titel", "unknown key 'titel'; did you mean 'title'?")
def unknown_top_key(d):
    d["titel"] = d["title"]


@case("languages", "languages must not be empty")
def empty_languages(d):
    d["languages"] = []


@case("languages[1]", "'sv' appears twice in languages")
def duplicate_language(d):
    d["languages"] = ["sv", "sv"]


@case("target_level", "target_level must be between 1 and 3, not 4")
def target_level_out_of_range(d):
    d["target_level"] = 4


@case("met_threshold", "met_threshold must be greater than 0 and at most 1, not 0")
def met_threshold_zero(d):
    d["met_threshold"] = 0


@case("met_threshold", "greater than 0 and at most 1, not 1.5")
def met_threshold_above_one(d):
    d["met_threshold"] = 1.5


@case("", "must be a mapping")
def root_is_a_list(d):
    d.clear()
    d["__list__"] = True


# ---------------------------------------------------------------- Text
@case("title", "title is missing language 'en'")
def missing_language(d):
    d["title"] = {"sv": "Bara svenska"}


@case("title.de", "language 'de' is not in languages (sv, en)")
def extra_language(d):
    d["title"]["de"] = "Fragebogen"


@case("title", "title is a plain string but the file has several languages")
def plain_string_in_two_language_file(d):
    d["title"] = "Testenkät"


@case("areas[0].title.en", "title in 'en' is empty")
def empty_text(d):
    d["areas"][0]["title"]["en"] = "  "


# ---------------------------------------------------------------- levels
@case("levels[1].level", "expected 2 here, not 3")
def levels_not_contiguous(d):
    d["levels"][1]["level"] = 3


@case("levels[0].name", "required key 'name' is missing")
def level_without_name(d):
    del d["levels"][0]["name"]


# ---------------------------------------------------------------- scales and options
@case("scales", "'scales' is required because question 'styr-policy' is a choice question")
def choice_without_scales(d):
    del d["scales"]


@case("areas[0].questions[0].scale", "scale 'jesno' is not defined under 'scales'")
def unknown_scale(d):
    q(d, 0, 0)["scale"] = "jesno"


@case("scales.yesno.options[4]", "either 'credit' or 'not_applicable: true', not both")
def option_with_credit_and_not_applicable(d):
    d["scales"]["yesno"]["options"][4]["credit"] = 0


@case("scales.yesno.options[1]", "the option has no 'credit'")
def option_without_credit(d):
    del d["scales"]["yesno"]["options"][1]["credit"]


@case("scales.yesno.options[4].unknown", "'unknown: true' is only allowed together with 'credit'")
def unknown_without_credit(d):
    d["scales"]["yesno"]["options"][4]["unknown"] = True


@case("scales.yesno.options[1].credit", "credit must be between 0 and 1, not 1.2")
def option_credit_above_one(d):
    d["scales"]["yesno"]["options"][1]["credit"] = 1.2


@case("scales.yesno.options[2].value", "value 'yes' is already used in this scale")
def duplicate_option_value(d):
    d["scales"]["yesno"]["options"][2]["value"] = "yes"


@case("scales.yesno.options[0].value", "value 'Ja' is not valid")
def bad_option_value(d):
    d["scales"]["yesno"]["options"][0]["value"] = "Ja"


@case("scales.yesno.options", "options must be a non-empty list")
def scale_without_options(d):
    d["scales"]["yesno"]["options"] = []


@case("scales.yesno.options[0].credit", "credit must be a number")
def credit_not_a_number(d):
    d["scales"]["yesno"]["options"][0]["credit"] = "full"


# ---------------------------------------------------------------- areas
@case("areas", "areas must be a non-empty list")
def empty_areas(d):
    d["areas"] = []


@case("areas[0].questions", "questions must be a non-empty list")
def empty_questions(d):
    d["areas"][0]["questions"] = []


@case("areas[1].id", "area id 'styrning' is already used by areas[0]")
def duplicate_area_id(d):
    d["areas"][1]["id"] = "styrning"


@case("areas[0].id", "id 'Styrning' is not valid")
def bad_area_id(d):
    d["areas"][0]["id"] = "Styrning"


@case("areas[0].weight", "weight must be greater than 0, not 0")
def area_weight_zero(d):
    d["areas"][0]["weight"] = 0


@case("areas[1].target_level", "target_level must be between 1 and 3, not 0")
def area_target_level_zero(d):
    d["areas"][1]["target_level"] = 0


# ---------------------------------------------------------------- questions
@case("areas[0].questions[0].id", "id '-policy' is not valid")
def bad_question_id(d):
    q(d, 0, 0)["id"] = "-policy"


@case("areas[1].questions[2].id", "question id 'styr-kommentar' is already used by areas[0].questions[3]")
def duplicate_question_id(d):
    q(d, 1, 2)["id"] = "styr-kommentar"


@case("areas[0].questions[0].type", "unknown question type 'radio'")
def unknown_question_type(d):
    q(d, 0, 0)["type"] = "radio"


@case("areas[0].questions[0].level", "level must be between 1 and 3, not 4")
def level_outside_range(d):
    q(d, 0, 0)["level"] = 4


@case("areas[0].questions[1].level", "required key 'level' is missing")
def scored_question_without_level(d):
    del q(d, 0, 1)["level"]


@case("areas[0].questions[0].scale", "required key 'scale' is missing")
def choice_without_scale(d):
    del q(d, 0, 0)["scale"]


@case("areas[0].questions[3].level", "'level' is not allowed on a text question")
def text_with_level(d):
    q(d, 0, 3)["level"] = 1


@case("areas[0].questions[3].weight", "'weight' is not allowed on a text question")
def text_with_weight(d):
    q(d, 0, 3)["weight"] = 2


@case("areas[0].questions[3].scale", "'scale' belongs to choice questions, not text")
def text_with_scale(d):
    q(d, 0, 3)["scale"] = "yesno"


@case("areas[0].questions[0].weight", "weight must be greater than 0, not -1")
def question_weight_negative(d):
    q(d, 0, 0)["weight"] = -1


@case("areas[0].questions[2].effort", "effort must be between 1 and 5, not 6")
def effort_six(d):
    q(d, 0, 2)["effort"] = 6


@case("areas[0].questions[0].requried", "unknown key 'requried'; did you mean 'required'?")
def misspelt_question_key(d):
    q(d, 0, 0)["requried"] = False


@case("areas[0].questions[0].required", "required must be true or false")
def required_not_bool(d):
    q(d, 0, 0)["required"] = "yes"


@case("areas[0].questions[0].references", "references must be a list")
def references_not_list(d):
    q(d, 0, 0)["references"] = "CSL"


@case("areas[0].questions[0].previous_ids", "previous_ids needs 'previous' at the top of the file")
def previous_ids_without_previous(d):
    q(d, 0, 0)["previous_ids"] = ["old-policy"]


@case("areas[0].questions[0].tags[1]", "tag 'Kommun' is not valid")
def tag_with_capital(d):
    q(d, 0, 0)["tags"] = ["it-drift", "Kommun"]


@case("areas[0].questions[0].tags[0]", "tag '-kommun' is not valid")
def tag_starting_with_dash(d):
    q(d, 0, 0)["tags"] = ["-kommun"]


@case("areas[0].questions[0].tags[0]", "at most 32 characters")
def tag_too_long(d):
    q(d, 0, 0)["tags"] = ["k" * 33]


@case("areas[0].questions[0].tags[2]", "tag 'kommun' appears twice; remove one")
def duplicate_tag(d):
    q(d, 0, 0)["tags"] = ["kommun", "it-drift", "kommun"]


@case("areas[0].questions[0].tags", "tags must be a list of short words")
def tags_not_a_list(d):
    q(d, 0, 0)["tags"] = "kommun"


@case("areas[0].questions[0].tags[0]", "tags must be a string")
def tag_not_a_string(d):
    q(d, 0, 0)["tags"] = [{"scope": "kommun"}]


@case("areas[0].questions[0].tag", "unknown key 'tag'; did you mean 'tags'?")
def misspelt_tags_key(d):
    q(d, 0, 0)["tag"] = ["kommun"]


@case("areas[0].questions[0].scope", "unknown key 'scope'")
def scope_key_is_still_unknown(d):
    q(d, 0, 0)["scope"] = "kommun"


@case("areas[1].questions[2].max_length", "max_length must be at least 1, not 0")
def text_max_length_zero(d):
    q(d, 1, 2)["max_length"] = 0


# ---------------------------------------------------------------- multi
@case("areas[0].questions[1].options", "a multi question needs at least 2 options")
def multi_with_one_option(d):
    q(d, 0, 1)["options"] = q(d, 0, 1)["options"][:1]


@case("areas[0].questions[1].options[2].value", "value 'a' is already used by another option")
def duplicate_multi_values(d):
    q(d, 0, 1)["options"][2]["value"] = "a"


@case("areas[0].questions[1].options[1].weight", "weight must be greater than 0, not 0")
def multi_option_weight_zero(d):
    q(d, 0, 1)["options"][1]["weight"] = 0


# ---------------------------------------------------------------- number
@case("areas[0].questions[2].max", "min (100) must be less than max (100)")
def number_min_not_below_max(d):
    q(d, 0, 2)["min"] = 100


@case("areas[0].questions[2].bands[1].min", "band minimums must be strictly decreasing")
def bands_not_decreasing(d):
    q(d, 0, 2)["bands"][1]["min"] = 90


@case("areas[0].questions[2].bands[2].min", "must not be greater than the question's min (0)")
def last_band_above_question_min(d):
    q(d, 0, 2)["bands"][2]["min"] = 10


@case("areas[0].questions[2].bands[0].credit", "credit must be between 0 and 1, not 1.5")
def band_credit_above_one(d):
    q(d, 0, 2)["bands"][0]["credit"] = 1.5


@case("areas[0].questions[2].bands", "bands must be a non-empty list")
def empty_bands(d):
    q(d, 0, 2)["bands"] = []


# ---------------------------------------------------------------- conditions
@case("areas[1].questions[0].show_if.question", "names 'inc-ovning', which comes later in the file")
def condition_on_later_question(d):
    q(d, 1, 0)["show_if"] = {"question": "inc-ovning", "in": ["yes"]}


@case("areas[1].questions[0].show_if.question", "a condition cannot name its own question")
def condition_on_itself(d):
    q(d, 1, 0)["show_if"] = {"question": "inc-rutin", "in": ["yes"]}


@case("areas[1].questions[0].show_if.question", "there is no question with id 'nothing'")
def condition_on_unknown_question(d):
    q(d, 1, 0)["show_if"] = {"question": "nothing", "in": ["yes"]}


@case("areas[1].questions[0].show_if.in", "'in' needs a choice question, but 'styr-typer' is a multi")
def condition_wrong_question_type(d):
    q(d, 1, 0)["show_if"] = {"question": "styr-typer", "in": ["a"]}


@case("areas[1].questions[0].show_if.min", "'min' needs a number question, but 'styr-policy' is a choice")
def condition_min_on_choice(d):
    q(d, 1, 0)["show_if"] = {"question": "styr-policy", "min": 1}


@case("areas[1].questions[0].show_if.in[1]", "'maybe' is not an option of the scale of 'styr-policy'")
def condition_value_not_in_scale(d):
    q(d, 1, 0)["show_if"]["in"] = ["yes", "maybe"]


@case("areas[1].questions[1].show_if.all[0].includes", "'d' is not an option of 'styr-typer'")
def condition_includes_unknown_option(d):
    q(d, 1, 1)["show_if"]["all"][0]["includes"] = "d"


@case("areas[1].questions[1].show_if.all[1].any", "'any' must be a non-empty list of conditions")
def condition_empty_any(d):
    q(d, 1, 1)["show_if"]["all"][1]["any"] = []


@case("areas[1].questions[0].show_if", "exactly one of 'in', 'includes' or 'min'")
def condition_two_operators(d):
    q(d, 1, 0)["show_if"]["min"] = 3


CASE_COUNT = len(CASES)


def _text_for(mutate) -> str:
    data = base_data()
    mutate(data)
    if data.get("__list__"):
        return "- just\n- a list\n"
    return dump(data)


def _run_cli(path):
    return CliRunner().invoke(main, ["questionnaire", "validate", str(path)])


@pytest.mark.parametrize("mutate, path, words", CASES)
def test_malformed_questionnaire(mutate, path, words, write):
    text = _text_for(mutate)
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(text, "bad.yaml")
    found = [p for p in info.value.problems if p.path == path and words in p.message]
    assert found, f"expected {path!r}: {words!r}; got:\n{info.value}"
    assert all(p.file == "bad.yaml" for p in info.value.problems)
    if path:  # the line points at the offending place (or the item that lacks a key)
        assert found[0].line is not None

    file = write(text, "bad.yaml")
    result = _run_cli(file)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert words in result.output
    if path:
        assert f": {path}: " in result.output


def test_at_least_forty_distinct_cases():
    assert CASE_COUNT >= 40
    assert len({p.id for p in CASES}) == CASE_COUNT


# ---------------------------------------------------------------- raw-text cases
def _cli_fails_with(write, text, *fragments, name="bad.yaml"):
    result = _run_cli(write(text, name))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    return result


def test_duplicate_yaml_key_is_reported_with_both_lines(write):
    lines = BASE_TEXT.splitlines()
    at = lines.index("met_threshold: 0.75")
    lines.insert(at + 1, "met_threshold: 0.5")
    _cli_fails_with(write, "\n".join(lines) + "\n",
                    f"bad.yaml:{at + 2}: met_threshold: ",
                    f"the key 'met_threshold' appears twice (first on line {at + 1})")


def test_yaml_syntax_error_has_line(write):
    text = BASE_TEXT.replace("met_threshold: 0.75", "met_threshold: [0.75")
    result = _cli_fails_with(write, text, "YAML syntax error")
    assert "bad.yaml:" in result.output


def test_unknown_key_line_is_the_key_line(write):
    lines = BASE_TEXT.splitlines()
    at = lines.index("        type: multi")
    lines.insert(at + 1, "        weigth: 2")
    _cli_fails_with(write, "\n".join(lines) + "\n",
                    f"bad.yaml:{at + 2}: areas[0].questions[1].weigth: ",
                    "did you mean 'weight'?")


def test_every_problem_reported_at_once(write):
    data = base_data()
    format_2(data)
    bad_question_id(data)
    band_credit_above_one(data)
    condition_on_later_question(data)
    result = _cli_fails_with(write, dump(data), "format", "-policy", "bands[0].credit",
                             "comes later")
    assert "4 fel / errors" in result.output


def test_empty_file(write):
    _cli_fails_with(write, "# only a comment\n", "the file is empty")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Enkät\n".encode("latin-1"))
    result = _run_cli(path)
    assert result.exit_code == 2 and "not UTF-8" in result.output and "Traceback" not in result.output


def test_missing_file(tmp_path):
    result = _run_cli(tmp_path / "nope.yaml")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_python_tag_is_refused(write):
    _cli_fails_with(write, BASE_TEXT.replace("id: test-family", "id: !!python/object:os.system x"),
                    "cannot be read")


def test_alias_bomb_is_refused(write):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    _cli_fails_with(write, bomb, "too large")


def test_multiple_documents(write):
    _cli_fails_with(write, BASE_TEXT + "\n---\nformat: 1\n", "YAML syntax error")


def test_unclosed_quote_names_where_it_starts(write):
    _cli_fails_with(write, 'format: 1\ntitle: "unclosed\nid: x\n', "bad.yaml:4: ", "YAML syntax error",
                    "starts on line 2")


def test_tab_indentation(write):
    _cli_fails_with(write, "format: 1\nid: x\n\ttitle: y\n", "bad.yaml:3: ", "YAML syntax error")
