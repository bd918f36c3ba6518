"""/api/v1 evidence files: upload (multipart), list, describe, download and delete the
files attached to an answer (docs/evidence.md).

The routes name the unit only through the response or file id: the guards check that
the role may read (or write) responses of some unit, and the service checks the unit
of the response itself, exactly as for the answers. Only the upload route accepts a
body over the app's 1 MiB limit (a file of up to 10 MB plus the multipart framing)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.params import Body, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_413_REQUEST_ENTITY_TOO_LARGE
from pydantic import BaseModel, ConfigDict, Field

from survey_engine.services import evidence as service
from survey_engine.web.api.common import Action, Actor, Id, errors, requires
from survey_engine.web.api.errors import http_error

MULTIPART_ROOM = 256 * 1024  # the multipart framing and the question field around the file
QuestionFilter = Annotated[str | None, QueryParameter(min_length=1, max_length=200, description="only this question")]


class EvidenceOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int
    response_id: int
    unit: str | None = None
    question_id: str
    question_text: str | None = Field(None, description="the question in Swedish (only when one file is described)")
    name: str = Field(description="the cleaned file name (docs/evidence.md, \"Names\")")
    kind: str = Field(description="pdf, docx, xlsx, odt, png, jpeg or txt: found from the content")
    media_type: str
    size: int = Field(description="bytes")
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime
    provided_by: str | None = Field(None, description="set on a provider's file seen by a served unit (shared "
                                    "answers): the code of the unit that answers the question and owns the file; "
                                    "read-only for the served unit")
    provided_by_name: str | None = Field(None, description="that unit's name")


class EvidenceList(BaseModel):
    items: list[EvidenceOut]


@dataclass
class EvidenceUpload:
    """multipart/form-data: `question` (the question's id) and `file`."""

    question: str
    file: UploadFile = field(metadata={"description": f"the file: {service.ACCEPTED}, at most 10 MB"})


def _body_too_large(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        return Response(content={
            "detail": "Filen är för stor: högst 10 MB per fil. Dela upp dokumentet eller spara det i mindre storlek "
                      "och ladda upp det igen. / The file is too large: at most 10 MB per file. Split the document "
                      "or save it smaller and upload it again.",
            "code": "too_large"}, status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return http_error(request, exc)


def _out(item: dict) -> EvidenceOut:
    return EvidenceOut.model_validate(item)


class EvidenceController(Controller):
    path = "/"
    tags = ["evidence"]

    @get("/responses/{response_id:int}/evidence", summary="List the evidence files of a response",
         description="Names, types, sizes, checksums and who uploaded them when; never the contents. For a question "
         "another unit answers for this one (and that it did not override), the provider's files of that question "
         "are included, marked with `provided_by` (read-only).",
         responses=errors(404), guards=[requires(Action.RESPONSE_READ, unit_from_object=True)])
    async def list_files(self, response_id: Id, actor: Actor, question: QuestionFilter = None) -> EvidenceList:
        return EvidenceList(items=[_out(i) for i in await service.list_files(response_id, actor=actor,
                                                                              question_id=question)])

    @post("/responses/{response_id:int}/evidence", summary="Upload an evidence file to an answer",
          description=f"multipart/form-data with `question` and `file`. Accepted: {service.ACCEPTED}, checked by the "
          "content (not the name); at most 10 MB per file and 200 MB for all files of a response (413); another "
          "type is 415; the response must be open for changes (409, 423). The name is cleaned.",
          status_code=HTTP_201_CREATED, responses=errors(404, 409, 413, 415, 422, 423),
          guards=[requires(Action.RESPONSE_WRITE, unit_from_object=True)],
          request_max_body_size=service.MAX_FILE_BYTES + MULTIPART_ROOM,
          exception_handlers={HTTPException: _body_too_large})
    async def upload(self, response_id: Id, actor: Actor,
                     data: Annotated[EvidenceUpload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> EvidenceOut:
        content = await data.file.read(service.MAX_FILE_BYTES + 1)
        return _out(await service.add_file(response_id, data.question[:200], data.file.filename, content,
                                           actor=actor))

    @get("/evidence/{evidence_id:int}", summary="Describe an evidence file", responses=errors(404),
         guards=[requires(Action.RESPONSE_READ, unit_from_object=True)])
    async def describe(self, evidence_id: Id, actor: Actor) -> EvidenceOut:
        return _out(await service.file_info(evidence_id, actor=actor))

    @get("/evidence/{evidence_id:int}/content", summary="Download an evidence file",
         description="The bytes as uploaded, once they match the stored SHA-256 (500 `stored_file_damaged` "
         "otherwise); Content-Disposition attachment with the name (RFC 5987 `filename*`). Also for the readers of a "
         "served unit that sees the file through a shared answer. Every download is audited (`evidence.download`).",
         responses=errors(404), guards=[requires(Action.RESPONSE_READ, unit_from_object=True)],
         media_type="application/octet-stream")
    async def download(self, evidence_id: Id, actor: Actor) -> Response:
        info, data = await service.get_file(evidence_id, actor=actor)
        return download_response(info, data)

    @delete("/evidence/{evidence_id:int}", summary="Delete an evidence file",
            description="Answers the deleted file's description.", status_code=HTTP_200_OK,
            responses=errors(404, 409, 423), guards=[requires(Action.RESPONSE_WRITE, unit_from_object=True)])
    async def remove(self, evidence_id: Id, actor: Actor) -> EvidenceOut:
        return _out(await service.delete_file(evidence_id, actor=actor))


def download_response(info: dict, data: bytes) -> Response:
    """A file as a download (the API and the pages): never shown inline, never sniffed."""
    return Response(content=data, media_type=info["media_type"], headers={
        "Content-Disposition": service.content_disposition(info["name"]),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    })
