"""/api/v1/audit: the audit log, for administrators and auditors (read and export)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import QueryParameter

from survey_engine.services import audit
from survey_engine.errors import Invalid
from survey_engine.web.api.access_schemas import AuditEventOut, AuditPage
from survey_engine.web.api.common import Action, Actor, Limit, Offset, errors, requires
from survey_engine.text import Text

Filter = Annotated[str | None, QueryParameter(min_length=1, max_length=200)]
# "actor" is the name of the injected Principal, so the filter has another Python name.
ActorFilter = Annotated[str | None, QueryParameter(name="actor", min_length=1, max_length=200,
                                                   description="who acted (exact username)")]
ActionFilter = Annotated[str | None, QueryParameter(
    min_length=1, max_length=64, description='exact action, or a prefix ending in "." (e.g. `user.`)')]
When = Annotated[dt.datetime | None, QueryParameter(description="ISO 8601; without a zone: UTC")]
_EARLIEST, _LATEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(9000, 1, 1, tzinfo=dt.timezone.utc)


def _moment(value: dt.datetime | None, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    try:
        ok = _EARLIEST <= value <= _LATEST
    except OverflowError:
        ok = False
    if not ok:
        raise Invalid(Text(f"{field}: utanför 1970–9000", f"{field}: outside 1970-9000"), [{"field": field, "message": "1970-9000"}])
    return value.astimezone(dt.timezone.utc)


def _filters(actor, action, object_type, object_id, unit, since, until) -> audit.AuditFilter:
    texts = {"actor": actor, "action": action, "object_type": object_type, "object_id": object_id, "unit": unit}
    bad = [name for name, value in texts.items() if value is not None and any(ord(c) < 32 for c in value)]
    if bad:
        raise Invalid(Text("Filtret innehåller styrtecken", "a filter contains control characters"),
                      [{"field": name, "message": "control character"} for name in bad])
    return audit.AuditFilter(actor=actor, action=action, object_type=object_type, object_id=object_id, unit=unit,
                             since=_moment(since, "since"), until=_moment(until, "until"))


def _event_out(e: audit.Event) -> AuditEventOut:
    return AuditEventOut(id=e.id, at=e.at, actor=e.actor, action=e.action, object_type=e.object_type,
                         object_id=e.object_id, unit=e.unit, details=e.details)


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]
    guards = [requires(Action.AUDIT_READ)]

    @get("/", summary="Audit events, newest first", responses=errors(422))
    async def list_events(self, by: ActorFilter = None, action: ActionFilter = None, object_type: Filter = None,
                          object_id: Filter = None, unit: Filter = None, since: When = None, until: When = None,
                          limit: Limit = 100, offset: Offset = 0) -> AuditPage:
        filters = _filters(by, action, object_type, object_id, unit, since, until)
        items = await audit.list_events(filters, limit, offset)
        total = await audit.count_events(filters)
        return AuditPage(items=[_event_out(e) for e in items], total=total, limit=limit, offset=offset)

    @get("/export.csv", summary="The matching audit events as CSV (oldest first, formula-safe cells)",
         media_type="text/csv", responses=errors(422))
    async def export_csv(self, actor: Actor, by: ActorFilter = None, action: ActionFilter = None,
                         object_type: Filter = None, object_id: Filter = None, unit: Filter = None,
                         since: When = None, until: When = None) -> Response[str]:
        filters = _filters(by, action, object_type, object_id, unit, since, until)
        text = await audit.export_events_csv(filters, actor=actor)
        # "text/csv" only: Litestar adds the charset itself (it said "charset=utf-8; charset=utf-8").
        return Response(text, media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
