"""Shared helpers for the questionnaire tests: a small valid base questionnaire that
each test copies and breaks in exactly one way."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from survey_engine.questionnaire.yamlpos import parse_yaml

FIXTURES = Path(__file__).parent / "fixtures"
BASE_PATH = FIXTURES / "base.yaml"
BASE_TEXT = BASE_PATH.read_text(encoding="utf-8")
_BASE_DATA = parse_yaml(BASE_TEXT)[0].data


def base_data() -> dict:
    """A fresh deep copy of the base questionnaire as plain data."""
    return copy.deepcopy(_BASE_DATA)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def base():
    return base_data()


@pytest.fixture
def write(tmp_path):
    """write(data_or_text, name="q.yaml") -> Path of a file in a fresh folder."""

    def _write(content, name: str = "q.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else dump(content), encoding="utf-8")
        return path

    return _write
