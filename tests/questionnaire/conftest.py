"""Fixtures for the questionnaire tests (helpers live in qhelpers.py)."""
from qhelpers import base, write  # noqa: F401  (pytest fixtures)
