"""Bilingual text for people: every message the app shows or returns is a `Text`.

Swedish is the default language and English the other; a page, a command or an API
reply picks one with `text.get(lang)`. `str(text)` gives both, "svenska / English",
which is what the command line prints and what the API's `detail` field carries.
"""
from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("sv", "en")


@dataclass(frozen=True, slots=True)
class Text:
    sv: str
    en: str

    def get(self, lang: str | None = None) -> str:
        return self.en if lang == "en" else self.sv

    def __str__(self) -> str:
        return self.sv if self.sv == self.en else f"{self.sv} / {self.en}"

    @classmethod
    def same(cls, text: str) -> "Text":
        """Text that reads the same in both languages (a name, a number, a code)."""
        return cls(text, text)

    def __add__(self, other: "Text | str") -> "Text":
        if isinstance(other, Text):
            return Text(self.sv + other.sv, self.en + other.en)
        return Text(self.sv + other, self.en + other)


# One wording for a question without an answer, on every page, print-out and export
# (docs/web-pages.md, "Swedish throughout").
UNANSWERED = Text("Inte besvarad", "Not answered")
