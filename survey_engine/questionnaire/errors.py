"""Problems found in a questionnaire or answers file, reported all at once."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where it is and what to do about it."""

    file: str
    path: str  # e.g. "areas[3].questions[2].scale"; "" for the whole file
    message: str  # a plain sentence that says what is wrong and how to fix it
    line: int | None = None  # 1-based YAML/JSON line, when known

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "path": self.path, "line": self.line, "message": self.message}


class QuestionnaireError(Exception):
    """A questionnaire could not be loaded; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AnswersError(QuestionnaireError):
    """An answers file does not fit its questionnaire; `problems` names each question."""
