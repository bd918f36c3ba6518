"""Whatever is in the file, the loader answers with a Questionnaire or a
QuestionnaireError listing problems with a path; it never raises anything else."""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.questionnaire.qhelpers import BASE_TEXT, base_data, dump
from survey_engine.questionnaire.errors import QuestionnaireError
from survey_engine.questionnaire.load import parse_questionnaire

BASE = base_data()

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10), st.floats(allow_nan=False, width=32),
                    st.sampled_from(["", "yes", "sv", "en", "2025.1", "styr-policy", "choice", "text",
                                     "yesno", "a", "-bad", "1.5"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["sv", "en", "id", "min", "x"]),
                                                 inner, max_size=3)), max_leaves=6)


def _slots(node, path=()):
    """Every (container, key) place in the data."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key
            yield from _slots(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield node, index
            yield from _slots(value)


SLOT_COUNT = sum(1 for _ in _slots(BASE))


def _outcome(text):
    try:
        return parse_questionnaire(text, "fuzz.yaml")
    except QuestionnaireError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml" and problem.message
        return exc


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, SLOT_COUNT - 1), st.one_of(values, st.just("__delete__"))),
                min_size=1, max_size=3))
def test_random_mutations_never_crash(mutations):
    data = copy.deepcopy(BASE)
    for index, value in mutations:
        slots = list(_slots(data))
        if not slots:
            break
        container, key = slots[index % len(slots)]
        if value == "__delete__":
            del container[key]
        else:
            container[key] = value
    _outcome(dump(data))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(BASE_TEXT) - 1), st.text(max_size=5))
def test_random_text_edits_never_crash(at, insert):
    _outcome(BASE_TEXT[:at] + insert + BASE_TEXT[at + 1:])
