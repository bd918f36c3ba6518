"""/api/v1/indicators: measured indicators (docs/indicators.md).

Reading figures needs indicator.read (respondents: their own units and the kommun
total; the lists filter); comparing units (the lagging list) needs overview.read;
publishing definitions and importing measurements need indicator.manage; creating a
plan action for a lagging unit needs plan.write on that unit.

The measurement import takes the CSV file either as `multipart/form-data` (field
`file`, optional field `period`) or as the raw body (`text/csv`, period in the query).
The body is read exactly once, by this handler, never by a parameter as well.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import PathParameter, QueryParameter, RawBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from survey_engine.errors import AppError, Invalid
from survey_engine.indicators.csvfile import MAX_BYTES
from survey_engine.services import indicators as service
from survey_engine.services import responses
from survey_engine.text import Text
from survey_engine.web.api.common import Action, Actor, Code, Id, errors, requires
from survey_engine.web.api.schemas import ResponseOut

MAX_SOURCE = service.MAX_SOURCE
IndicatorId = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
QuestionId = Annotated[str, PathParameter(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
Period = Annotated[str | None, QueryParameter(min_length=4, max_length=10, pattern=r"^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$",
                                              description="a period: YYYY-MM, YYYY-Qn or YYYY")]
Revision = Annotated[int | None, QueryParameter(ge=0, le=2_147_483_647, description="refuse a stale response")]
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream")


@dataclass
class _PublishOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="the definitions file as YAML text, or JSON `{\"source\": \"<yaml>\"}`",
            content={
                "application/yaml": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
                "application/json": OpenAPIMediaType(schema=Schema(
                    type=OpenAPIType.OBJECT, required=["source"],
                    properties={"source": Schema(type=OpenAPIType.STRING, description="the YAML text")})),
            },
        )


@dataclass
class _ImportOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="the measurement CSV file (docs/indicators.md §2.1): a multipart upload with the "
                        "field `file` (and `period` for person rows), or the CSV text as the body",
            content={
                "multipart/form-data": OpenAPIMediaType(schema=Schema(
                    type=OpenAPIType.OBJECT, required=["file"],
                    properties={"file": Schema(type=OpenAPIType.STRING, format="binary",  # type: ignore[arg-type]
                                               description="the CSV file"),
                                "period": Schema(type=OpenAPIType.STRING, description="period of person rows")})),
                "text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
            },
        )


def _text_of(request: Request, body: bytes) -> str:
    if len(body) > MAX_SOURCE:
        raise Invalid(Text("Filen är för stor", "the file is too large"), [{"field": "body", "message": f"max {MAX_SOURCE} bytes"}])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(Text("Texten är inte UTF-8", "the text is not UTF-8"), [{"field": "body", "message": f"byte {exc.start}"}]) from exc
    if request.content_type[0] == "application/json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise Invalid(Text("Ogiltig JSON", "invalid JSON"), [{"field": "body", "message": str(exc)[:200]}]) from exc
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            raise Invalid(Text("JSON-kroppen ska vara {\"source\": \"<yaml>\"}", "the JSON body must be {\"source\": \"<yaml>\"}"),
                          [{"field": "source", "message": "a string with the YAML"}])
        return data["source"]
    return text


async def _upload(request: Request, period: str | None) -> tuple[bytes, str | None, str]:
    """(file bytes, period, file name) from a multipart upload or a raw body; the body
    is read once."""
    kind = request.content_type[0]
    if kind == "multipart/form-data":
        try:
            form = await request.form()
        except AppError:
            raise
        except Exception as exc:  # a malformed multipart body is bad input, not a fault
            raise AppError(Text("Uppladdningen kan inte läsas", "the upload cannot be read"),
                           [{"field": "file", "message": type(exc).__name__}]) from None
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not hasattr(upload, "read"):
            raise Invalid(Text("Välj en CSV-fil att ladda upp (fältet file)", "choose a CSV file to upload (field file)"),
                          [{"field": "file", "message": "required"}])
        data = await upload.read()
        form_period = form.get("period")
        if isinstance(form_period, str) and form_period.strip():
            period = form_period.strip()[:20]
        return data, period, (getattr(upload, "filename", "") or "upload.csv")[:100]
    data = await request.body()
    return data, period, "body.csv"


class IndicatorController(Controller):
    path = "/indicators"
    tags = ["indicators"]

    @get("/", summary="List published indicators with their latest kommun figure", responses=errors(),
         guards=[requires(Action.INDICATOR_READ, unit_from_object=True)])
    async def list_indicators(self, actor: Actor) -> list[dict[str, Any]]:
        return await service.list_indicators(actor=actor)

    @post("/", summary="Publish a version of indicator definitions",
          description="201 when published, 200 when this exact version already was; 409 when the version exists "
                      "with other content or an indicator id belongs to another family; 422 lists every problem "
                      "with its YAML line.",
          operation_class=_PublishOperation, responses=errors(409, 422), media_type=MediaType.JSON,
          guards=[requires(Action.INDICATOR_MANAGE)], request_max_body_size=MAX_SOURCE + 64_000)
    async def publish(self, request: Request, body: RawBody, actor: Actor) -> Response[dict[str, Any]]:
        summary, created = await service.publish(_text_of(request, body), actor=actor, source="<api>")
        return Response({"created": created, "version": asdict(summary)}, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get("/{indicator_id:str}", summary="An indicator's measurements and kommun totals (the `show` JSON)",
         responses=errors(404), guards=[requires(Action.INDICATOR_READ, unit_from_object=True)])
    async def show(self, indicator_id: IndicatorId, actor: Actor) -> dict[str, Any]:
        return (await service.show(indicator_id, actor=actor)).to_dict()

    @get("/{indicator_id:str}/series", summary="Every unit's figure per period, for tables and charts",
         responses=errors(404), guards=[requires(Action.INDICATOR_READ, unit_from_object=True)])
    async def series(self, indicator_id: IndicatorId, actor: Actor) -> dict[str, Any]:
        return await service.indicator_series(indicator_id, actor=actor)

    @post("/{indicator_id:str}/measurements", summary="Import measurements from a CSV file (all or nothing)",
          description="422 lists every bad row with its `line` and `field` (column); nothing is stored then. "
                      "Person identifiers of person-row files are never stored or echoed.",
          operation_class=_ImportOperation, responses=errors(404, 422), status_code=HTTP_200_OK,
          guards=[requires(Action.INDICATOR_MANAGE)], request_max_body_size=MAX_BYTES + 200_000)
    async def import_measurements(self, request: Request, indicator_id: IndicatorId, actor: Actor,
                                  period: Period = None) -> dict[str, Any]:
        data, period, name = await _upload(request, period)
        return asdict(await service.import_measurements(indicator_id, data, actor=actor, period=period, source=name))

    @get("/{indicator_id:str}/lagging", summary="Units below the target, with their respondents' contacts",
         responses=errors(404), guards=[requires(Action.OVERVIEW_READ)])
    async def lagging(self, indicator_id: IndicatorId, actor: Actor, period: Period = None) -> dict[str, Any]:
        return (await service.lagging_units(indicator_id, actor=actor, period=period)).to_dict()

    @post("/{indicator_id:str}/lagging/{code:str}/action", summary="Create an action in the lagging unit's plan",
          description="409 when the unit has no plan yet or is not below the target.",
          responses=errors(404, 409, 422), status_code=HTTP_201_CREATED,
          guards=[requires(Action.PLAN_WRITE, unit_param="code")])
    async def act(self, indicator_id: IndicatorId, code: Code, actor: Actor, period: Period = None) -> dict[str, Any]:
        out = await service.act_on_lagging(indicator_id, code, actor=actor, period=period)
        return {"plan_id": out.plan_id, "action_id": out.action_id}

    @get("/units/{code:str}", summary="The latest figure of every indicator for one unit",
         responses=errors(404), guards=[requires(Action.INDICATOR_READ, unit_param="code")])
    async def unit_indicators(self, code: Code, actor: Actor) -> list[dict[str, Any]]:
        return await service.unit_indicators(code, actor=actor)


class MeasuredAnswerController(Controller):
    path = "/responses"
    tags = ["responses"]

    @post("/{response_id:int}/measured/{question_id:str}",
          summary="Set a number question to the unit's latest measured indicator value",
          description="The answer's evidence note names the source and period; 404 when there is no measured "
                      "value for the question and unit.",
          responses=errors(404, 409, 422, 423), status_code=HTTP_200_OK,
          guards=[requires(Action.RESPONSE_WRITE, unit_from_object=True)])
    async def fill(self, response_id: Id, question_id: QuestionId, actor: Actor, revision: Revision = None) -> ResponseOut:
        return ResponseOut.model_validate(await responses.fill_measured_value(response_id, question_id, actor=actor,
                                                                               revision=revision),
                                          from_attributes=True)
