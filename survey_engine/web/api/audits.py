"""/api/v1/audits: audits (granskningar), their recommendations, the links to plan
actions, and the follow-up statement (docs/indicators.md §4–§5).

Reading is for the roles that read across units (recommendation.read); recording and
editing an audit is recommendation.write; linking a plan action needs plan.write on the
action's plan (checked by the service once it has loaded the action).
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, MediaType, Request, Response, delete, get, patch, post
from litestar.params import JSONBody, PathParameter, QueryParameter, RawBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel, ConfigDict, Field

from survey_engine.reporting.statement import MEDIA_TYPES, render
from survey_engine.services import recommendations as service
from survey_engine.services.statement import build_statement
from survey_engine.web.api.common import Action, Actor, Id, errors, requires
from survey_engine.web.api.questionnaires import MAX_SOURCE, _PublishOperation, _source_of

AuditId = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
RecId = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
DateParam = Annotated[dt.date, QueryParameter(description="YYYY-MM-DD")]


class _Out(BaseModel):
    """Built from the services' typed views (services/views.py) by attribute."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LangText(_Out):
    sv: str
    en: str = ""


class LinkedActionOut(_Out):
    action_id: int
    title: str
    owner: str
    status: str
    due_date: dt.date | None
    done_on: dt.date | None
    plan_id: int
    plan_title: str
    unit: str | None
    unit_name: str | None


class RecommendationOut(_Out):
    id: str
    text: LangText
    responsible: str
    family: str
    questions: list[str]
    areas: list[str]
    indicators: list[str]
    status: str = Field(description="ingen-atgard | planerad | pagar | genomford (from the linked actions)")
    status_text: LangText
    actions: list[LinkedActionOut]


class AuditSummaryOut(_Out):
    id: str
    title: str
    auditor: str
    date: dt.date
    recommendations: int


class AuditListOut(_Out):
    items: list[AuditSummaryOut]


class AuditOut(_Out):
    id: str
    title: str
    auditor: str
    date: dt.date
    recommendations: list[RecommendationOut]


class AuditImportOut(AuditOut):
    created: bool


class RecommendationEditIn(_In):
    text: LangText | None = None
    responsible: str | None = Field(None, max_length=300)
    family: str | None = Field(None, max_length=100)
    questions: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=100)
    areas: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=100)
    indicators: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=100)


class LinkIn(_In):
    action_id: int = Field(ge=1, le=2_147_483_647, description="the plan action's id")


_READ = [requires(Action.RECOMMENDATION_READ)]
_WRITE = [requires(Action.RECOMMENDATION_WRITE)]
_LINK = [requires(Action.PLAN_WRITE, unit_from_object=True)]


class AuditsController(Controller):
    path = "/audits"
    tags = ["audits"]

    @get("/", summary="Audits (granskningar)", guards=_READ, responses=errors())
    async def list_audits(self, actor: Actor) -> AuditListOut:
        return AuditListOut(items=[AuditSummaryOut.model_validate(a) for a in await service.list_audits(actor)])

    @post("/", summary="Record or update an audit from its YAML file",
          description="201 when new, 200 when the audit (same id) was updated; recommendations keep their action "
          "links by id. 422 lists every problem with its YAML line; 409 when a recommendation with linked actions "
          "is missing from the file.", operation_class=_PublishOperation, responses=errors(409, 422),
          media_type=MediaType.JSON, guards=_WRITE, request_max_body_size=MAX_SOURCE + 64_000)
    async def import_audit(self, request: Request, body: RawBody, actor: Actor) -> Response[AuditImportOut]:
        source = _source_of(request, body)
        audit = await service.import_audit(source, actor=actor, source="<api>")
        return Response(AuditImportOut.model_validate(audit),
                        status_code=HTTP_201_CREATED if audit.created else HTTP_200_OK)

    @get("/{audit_id:str}", summary="An audit with its recommendations, their actions and status", guards=_READ,
         responses=errors(404))
    async def get_audit(self, audit_id: AuditId, actor: Actor) -> AuditOut:
        return AuditOut.model_validate(await service.get_audit(actor, audit_id))

    @patch("/{audit_id:str}/recommendations/{rec_id:str}", summary="Change a recommendation's text or links",
           guards=_WRITE, responses=errors(404, 422))
    async def update_recommendation(self, audit_id: AuditId, rec_id: RecId, data: JSONBody[RecommendationEditIn],
                                    actor: Actor) -> RecommendationOut:
        fields: dict[str, Any] = {k: getattr(data, k) for k in data.model_fields_set}
        if "text" in fields and fields["text"] is not None:
            fields["text"] = fields["text"].model_dump()
        return RecommendationOut.model_validate(await service.update_recommendation(actor, audit_id, rec_id, fields))

    @post("/{audit_id:str}/recommendations/{rec_id:str}/actions", summary="Link a plan action to a recommendation",
          status_code=HTTP_200_OK, guards=_LINK, responses=errors(404, 422))
    async def link(self, audit_id: AuditId, rec_id: RecId, data: JSONBody[LinkIn], actor: Actor) -> RecommendationOut:
        return RecommendationOut.model_validate(await service.link_action(actor, audit_id, rec_id, data.action_id))

    @delete("/{audit_id:str}/recommendations/{rec_id:str}/actions/{action_id:int}", status_code=HTTP_200_OK,
            summary="Remove the link between a plan action and a recommendation", guards=_LINK,
            responses=errors(404, 422))
    async def unlink(self, audit_id: AuditId, rec_id: RecId, action_id: Id, actor: Actor) -> RecommendationOut:
        return RecommendationOut.model_validate(await service.unlink_action(actor, audit_id, rec_id, action_id))

    @get("/{audit_id:str}/statement", summary="The follow-up statement (uppföljande yttrande) for a period",
         description="Per recommendation: measures done in [from, to] with their dates and those under way, the "
         "linked indicators' first and last measurement in the period (kommun total and per unit), the linked "
         "questions and areas between the last two closed rounds, and the verdict (effekt | ingen-effekt | "
         "ej-matbar, spec §5). `format=json` holds every figure the text uses.",
         guards=_READ, responses=errors(404, 422), media_type=MediaType.JSON)
    async def statement(self, audit_id: AuditId, actor: Actor,
                        start: Annotated[dt.date, QueryParameter(name="from", description="first day, YYYY-MM-DD")],
                        end: Annotated[dt.date, QueryParameter(name="to", description="last day, YYYY-MM-DD")],
                        fmt: Annotated[Literal["json", "html", "pdf", "docx"],
                                       QueryParameter(name="format")] = "json",
                        lang: Annotated[Literal["sv", "en"], QueryParameter()] = "sv") -> Response[bytes]:
        statement = await build_statement(actor, audit_id, start, end, lang)
        content = render(statement.document, fmt)
        name = f"yttrande-{audit_id}-{start.isoformat()}-{end.isoformat()}.{fmt}"
        disposition = "inline" if fmt in ("json", "html") else "attachment"
        media = MediaType.HTML if fmt == "html" else MEDIA_TYPES[fmt]
        return Response(content=content, media_type=media,
                        headers={"Content-Disposition": f'{disposition}; filename="{name}"'})
