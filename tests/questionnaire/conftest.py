"""Fixtures for the questionnaire tests (helpers live in qhelpers.py)."""
from tests.questionnaire.qhelpers import base, write  # noqa: F401  (pytest fixtures)
