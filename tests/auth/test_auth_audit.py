"""The audit log: append-only records, filters, paging and a formula-safe CSV export."""
import csv
import datetime as dt
import io

import pytest

from survey_engine.services import audit
from survey_engine.services.audit import AuditFilter
from survey_engine.services.policy import Principal, Role
from survey_engine.store.auth_tables import AuditEvent
from survey_engine.store.db import write_transaction



async def test_record_and_list(db):
    await audit.record("anna", "response.write", "response", 17, unit="SOC", details={"question": "q1", "å": "ö"})
    await audit.record(Principal("bo", Role.ADMIN), "round.manage", "round", "2026")
    events = await audit.list_events()
    assert [e.action for e in events] == ["round.manage", "response.write"]  # newest first
    second = events[1]
    assert (second.actor, second.object_type, second.object_id, second.unit) == ("anna", "response", "17", "SOC")
    assert second.details == {"question": "q1", "å": "ö"}
    assert second.at.tzinfo is not None
    assert abs((dt.datetime.now(dt.timezone.utc) - second.at).total_seconds()) < 300


async def test_filters_and_paging(db):
    for i in range(7):
        await audit.record("anna" if i % 2 else "bo", "user.create" if i < 3 else "user.disable", "user", f"u{i}",
                           unit="SOC" if i == 4 else None)
    await audit.record("bo", "userx.thing", "x", "1")
    assert await audit.count_events() == 8
    assert await audit.count_events(AuditFilter(action="user.")) == 7
    assert await audit.count_events(AuditFilter(action="user.create")) == 3
    assert await audit.count_events(AuditFilter(actor="anna")) == 3
    assert [e.object_id for e in await audit.list_events(AuditFilter(unit="SOC"))] == ["u4"]
    assert [e.object_id for e in await audit.list_events(AuditFilter(object_type="user", object_id="u2"))] == ["u2"]
    page1 = await audit.list_events(AuditFilter(action="user."), limit=3, offset=0)
    page2 = await audit.list_events(AuditFilter(action="user."), limit=3, offset=3)
    assert [e.object_id for e in page1 + page2] == ["u6", "u5", "u4", "u3", "u2", "u1"]
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    assert await audit.count_events(AuditFilter(since=future)) == 0
    assert await audit.count_events(AuditFilter(until=future)) == 8
    with pytest.raises(ValueError):
        await audit.list_events(limit=0)
    with pytest.raises(ValueError):
        await audit.list_events(offset=-1)


async def test_record_joins_the_callers_transaction(db):
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await audit.record("anna", "plan.write", "plan", 1)
            raise RuntimeError("the change failed")
    # The event was rolled back with the change it described.
    assert await AuditEvent.count() == 0
    async with write_transaction():
        await audit.record("anna", "plan.write", "plan", 1)
    assert await AuditEvent.count() == 1


async def test_export_neutralises_formulas(db):
    await audit.record("=cmd|' /C calc'!A0", "response.write", "response", "@SUM(1+1)", unit="-SOC",
                       details={"comment": "=HYPERLINK(\"http://x\")"})
    await audit.record("anna", "user.create", "user", "bo")
    text = await audit.export_events_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(audit.CSV_HEADER)
    first = dict(zip(rows[0], rows[1]))
    assert first["actor"] == "'=cmd|' /C calc'!A0"
    assert first["object_id"] == "'@SUM(1+1)"
    assert first["unit"] == "'-SOC"
    assert first["details"].startswith("{")  # JSON text starts with a brace, harmless
    assert rows[2][2:4] == ["anna", "user.create"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


async def test_export_reads_in_batches(db):
    async with write_transaction():
        for i in range(12):
            await audit.record("anna", "plan.write", "plan", i)
    events = [e async for e in audit.iter_events(batch=5)]
    assert [e.object_id for e in events] == [str(i) for i in range(12)]
    assert len(list(csv.reader(io.StringIO(await audit.export_events_csv(AuditFilter(action="plan.")))))) == 13


def test_the_module_offers_no_update_or_delete():
    public = {name for name in dir(audit) if not name.startswith("_")}
    assert not {n for n in public if "delete" in n or "update" in n or "edit" in n}
