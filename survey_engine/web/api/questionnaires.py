"""/api/v1/questionnaires: published questionnaire versions."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import PathParameter, QueryParameter, RawBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from survey_engine.errors import Invalid

from survey_engine.services import questionnaires as service
from survey_engine.web.api.common import Action, Limit, Offset, Actor, errors, requires
from survey_engine.web.api.schemas import PublishOut, VersionDetail, VersionOut, VersionPage
from survey_engine.text import Text

MAX_SOURCE = 5_000_000
_KEY = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Family = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=_KEY)]
Version = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=_KEY)]
FamilyFilter = Annotated[str | None, QueryParameter(min_length=1, max_length=100, description="only this questionnaire id")]


@dataclass
class _PublishOperation(Operation):
    """The publish body is either YAML text or JSON {"source": "<yaml>"}: say so in OpenAPI."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="the questionnaire as YAML text, or JSON `{\"source\": \"<yaml>\"}`",
            content={
                "application/yaml": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
                "application/json": OpenAPIMediaType(schema=Schema(
                    type=OpenAPIType.OBJECT, required=["source"],
                    properties={"source": Schema(type=OpenAPIType.STRING, description="the YAML text")},
                )),
            },
        )


def _source_of(request: Request, body: bytes) -> str:
    if len(body) > MAX_SOURCE:
        raise Invalid(Text("Filen är för stor", "the file is too large"), [{"field": "body", "message": f"max {MAX_SOURCE} bytes"}])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(Text("Texten är inte UTF-8", "the text is not UTF-8"),
                      [{"field": "body", "message": f"byte {exc.start}"}]) from exc
    if request.content_type[0] == "application/json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise Invalid(Text("Ogiltig JSON", "invalid JSON"), [{"field": "body", "message": str(exc)}]) from exc
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            raise Invalid(Text("JSON-kroppen ska vara {\"source\": \"<yaml>\"}", "the JSON body must be {\"source\": \"<yaml>\"}"),
                          [{"field": "source", "message": "a string with the questionnaire YAML"}])
        return data["source"]
    return text


class QuestionnaireController(Controller):
    path = "/questionnaires"
    tags = ["questionnaires"]

    @get("/", summary="List published questionnaire versions", responses=errors(422),
         guards=[requires(Action.QUESTIONNAIRE_READ)])
    async def list_versions(self, family: FamilyFilter = None, limit: Limit = 50, offset: Offset = 0) -> VersionPage:
        items, total = await service.list_versions(family, limit, offset)
        return VersionPage(items=[VersionOut.model_validate(i) for i in items], total=total, limit=limit, offset=offset)

    @post(
        "/",
        summary="Publish a questionnaire version",
        description="201 when published, 200 when this exact version (same hash) already was; "
        "409 when the id and version exist with other content (bump the version).",
        operation_class=_PublishOperation,
        responses=errors(409, 422),
        media_type=MediaType.JSON,
        guards=[requires(Action.QUESTIONNAIRE_PUBLISH)],
        request_max_body_size=MAX_SOURCE + 64_000,
    )
    async def publish(self, request: Request, body: RawBody, actor: Actor) -> Response[PublishOut]:
        source = _source_of(request, body)
        summary, created = await service.publish_questionnaire(source, actor=actor, source="<publish>")
        out = PublishOut(created=created, version=VersionOut.model_validate(summary))
        return Response(out, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get("/{family:str}/{version:str}", summary="Get a published version with its content", responses=errors(404),
         guards=[requires(Action.QUESTIONNAIRE_READ)])
    async def get_version(self, family: Family, version: Version) -> VersionDetail:
        return VersionDetail.model_validate(await service.get_version(family, version))
