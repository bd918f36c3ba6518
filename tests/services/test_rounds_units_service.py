"""Units and rounds through the services."""
import datetime as dt

import pytest

from survey_engine.errors import Conflict, Invalid, NotFound

from survey_engine.services import questionnaires, rounds, units
from survey_engine.services.units import UnitInput, parse_units_csv
from tests.survey_samples import V2024
from survey_engine.services.policy import Principal, Role


def who(name: str) -> Principal:
    """A trusted administrator named `name` (the service tests are not about permissions)."""
    return Principal(name, Role.ADMIN, via="cli")




def test_units_csv_parses_and_names_lines():
    items = parse_units_csv("\ufeffcode,name,weight,parent\nK,Kommunen,\"1 000\",\n\nA,\"Förvaltning, A\",12.5,K\n"
                            .replace('"1 000"', "1000"), source="u.csv")
    assert [(i.code, i.name, i.weight, i.parent, i.line) for i in items] == [
        ("K", "Kommunen", 1000.0, None, 2), ("A", "Förvaltning, A", 12.5, "K", 4)]
    with pytest.raises(Invalid) as exc:
        parse_units_csv("code,name,weight\nA,Namn,0\nB c,Namn,1\nC,Namn\n", source="u.csv")
    lines = sorted(e["line"] for e in exc.value.errors)
    assert lines == [2, 3, 4] and all("u.csv:" in e["message"] for e in exc.value.errors)


async def test_units_import_updates_and_checks_parents(db):
    assert await units.import_units([UnitInput("K", "Kommun", 10), UnitInput("A", "A", 5, "K")], actor=who("t")) == {
        "created": 2, "updated": 0}
    assert await units.import_units([UnitInput("A", "A ny", 6, "K")], actor=who("t")) == {"created": 0, "updated": 1}
    a = await units.get_unit("A")
    assert (a.name, a.weight, a.parent) == ("A ny", 6.0, "K")
    with pytest.raises(Invalid):
        await units.import_units([UnitInput("B", "B", 1, "NOPE")], actor=who("t"))
    with pytest.raises(Invalid):  # a cycle through the database: K under A, A under K
        await units.import_units([UnitInput("K", "Kommun", 10, "A")], actor=who("t"))
    assert (await units.get_unit("K")).parent is None
    with pytest.raises(Conflict):
        await units.create_unit("A", "again", actor=who("t"))
    with pytest.raises(NotFound):
        await units.get_unit("Z")


async def test_round_lifecycle(db):
    await questionnaires.publish_questionnaire(V2024, actor=who("t"))
    await units.import_units([UnitInput("A", "A", 1), UnitInput("B", "B", 2)], actor=who("t"))
    rnd = await rounds.create_round("R", "liten", "2024.1", None, dt.date(2024, 3, 1), dt.date(2024, 4, 1), actor=who("t"))
    assert rnd.status == "draft" and rnd.units == ["A", "B"] and rnd.opens_on == dt.date(2024, 3, 1)
    assert (await rounds.open_round(rnd.id, actor=who("t"))).status == "open"
    assert (await rounds.open_round(rnd.id, actor=who("t"))).status == "open"  # idempotent
    closed = await rounds.close_round(rnd.id, actor=who("t"))
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(Conflict):
        await rounds.open_round(rnd.id, actor=who("t"))
    items, total = await rounds.list_rounds(status="closed")
    assert total == 1 and items[0].id == rnd.id
    assert (await rounds.list_rounds(status="open"))[1] == 0
    with pytest.raises(Invalid):
        await rounds.create_round("R", "liten", "2024.1", ["A", "Q"], actor=who("t"))
    with pytest.raises(Invalid):
        await rounds.create_round("R", "liten", "2024.1", None, dt.date(2024, 3, 1), dt.date(2024, 2, 1), actor=who("t"))
    with pytest.raises(NotFound):
        await rounds.create_round("R", "liten", "2030.1", None, actor=who("t"))
