"""Questionnaires as data: the file format, loading with line-precise errors, answers and continuity between versions (docs/questionnaire-format.md)."""
