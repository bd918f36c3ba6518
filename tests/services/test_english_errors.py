"""An English reader gets the same facts as a Swedish one: the file, the line, the
count. Several English halves of bilingual errors had lost their placeholders (the
Swedish said which file was empty, the English only "the file is empty")."""
from __future__ import annotations

import pytest

from survey_engine.errors import Invalid
from survey_engine.services.units import parse_units_csv


@pytest.mark.parametrize("text, sv_part, en_part", [
    ("", "enheter.csv: filen är tom", "enheter.csv: the file is empty"),
    ("kod,namn\n", "enheter.csv:1: rubrikraden", "enheter.csv:1: the header must be"),
    ("code,name,weight\nA,Alfa,x\nB,,1\n", "enheter.csv: 2 fel i enhetsfilen", "enheter.csv: 2 problems in the units file"),
])
def test_units_file_errors_name_the_file_in_both_languages(text, sv_part, en_part):
    with pytest.raises(Invalid) as caught:
        parse_units_csv(text, source="enheter.csv")
    assert sv_part in caught.value.text.get("sv"), caught.value.text
    assert en_part in caught.value.text.get("en"), caught.value.text
