"""The evidence files on the survey pages (docs/evidence.md, "On the pages"): each
question of an area lists its files with download links, and (while the response can
be changed) has an upload field and a delete link that asks first on a page of its
own (works without JavaScript). The services check the unit of the response, the round
and the type; these controllers turn their answers into pages."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from survey_engine.errors import AppError
from survey_engine.services import evidence as service
from survey_engine.services.policy import Principal
from survey_engine.web.api.evidence import MULTIPART_ROOM, download_response
from survey_engine.web.i18n import when
from survey_engine.web.ui.common import current, form_text, lang_of, render, service_message

_AREA = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def size_text(n: int, lang: str) -> str:
    if n >= 1024 * 1024:
        text = f"{n / (1024 * 1024):.1f} MB"
    else:
        text = f"{max(1, round(n / 1024))} kB"
    return text.replace(".", ",") if lang == "sv" else text


async def area_extras(request: Request, principal: Principal, response_id: int) -> dict[str, Any]:
    """`evidence` for area.html: the files per question, and whether they can change."""
    lang = lang_of(request)
    access = await service.response_access(response_id, actor=principal)
    files: dict[str, list[dict[str, Any]]] = {}
    for f in await service.list_files(response_id, actor=principal):
        files.setdefault(f["question_id"], []).append(
            {**f, "size_text": size_text(f["size"], lang), "when": when(f["uploaded_at"], lang)})
    return {"evidence_files": {"files": files, "writable": access["writable"], "accept": service.ACCEPT_ATTRIBUTE}}


def _back(response_id: int, area: str, question: str = "") -> str:
    anchor = "#q-" + question.replace(".", "_") + "-files" if re.match(r"^[A-Za-z0-9_.-]{1,200}$", question) else ""
    if _AREA.match(area or ""):
        return f"/svar/{response_id}/omrade/{area}{anchor}"
    return f"/svar/{response_id}"


def _refused(request: Request, response_id: int, back: str, status: int, message: str) -> Template:
    return render(request, "evidence/refused.html", status=status, message=message, back=back,
                  response_id=response_id, accepted=service.ACCEPTED)


def _too_large_page(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 413:
        lang = lang_of(request)
        response_id = request.path_params.get("response_id", 0)
        message = ("Filen är för stor: högst 10 MB per fil. Dela upp dokumentet eller spara det i mindre storlek "
                   "(till exempel PDF med komprimerade bilder) och ladda upp det igen." if lang == "sv" else
                   "The file is too large: at most 10 MB per file. Split the document or save it smaller (for "
                   "example as a PDF with compressed images) and upload it again.")
        return _refused(request, response_id, f"/svar/{response_id}", 413, message)
    raise exc


@post("/svar/{response_id:int}/bilagor", name="ui.evidence.upload",
      request_max_body_size=service.MAX_FILE_BYTES + MULTIPART_ROOM, exception_handlers={HTTPException: _too_large_page})
async def upload(request: Request, response_id: FromPath[int]) -> Response:
    principal = current(request)
    lang = lang_of(request)
    form = await request.form()
    question = form_text(form, "question")[:200]
    back = _back(response_id, form_text(form, "area")[:100], question)
    upload_file = form.get("file")
    if upload_file is None or not hasattr(upload_file, "read") or not getattr(upload_file, "filename", ""):
        return _refused(request, response_id, back, 422, "Välj en fil att ladda upp." if lang == "sv"
                        else "Choose a file to upload.")
    data = await upload_file.read(service.MAX_FILE_BYTES + 1)
    try:
        item = await service.add_file(response_id, question, upload_file.filename, data, actor=principal)
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        return _refused(request, response_id, back, exc.status_code, service_message(exc, lang))
    return _see(back, f"{item['name']} är uppladdad" if lang == "sv" else f"{item['name']} uploaded")


def _see(back: str, notice: str) -> Redirect:
    """303 to `back` with the notice the pages show (`?ok=`), the anchor kept last."""
    path, _, anchor = back.partition("#")
    return Redirect(path=f"{path}?ok={quote(notice)}" + (f"#{anchor}" if anchor else ""), status_code=303)


async def _file(principal: Principal, response_id: int, evidence_id: int, lang: str = "sv") -> dict[str, Any]:
    # the file as shown on this response's pages: its own, or a provider's (shared answers);
    # the service decides (services/evidence.check_read)
    return await service.file_info(evidence_id, actor=principal, lang=lang, via_response=response_id)


@get("/svar/{response_id:int}/bilagor/{evidence_id:int}", name="ui.evidence.download")
async def download(request: Request, response_id: FromPath[int], evidence_id: FromPath[int]) -> Response:
    principal = current(request)
    info, data = await service.get_file(evidence_id, actor=principal, via_response=response_id)
    return download_response(info, data)


@get("/svar/{response_id:int}/bilagor/{evidence_id:int}/ta-bort", name="ui.evidence.confirm")
async def confirm_delete(request: Request, response_id: FromPath[int], evidence_id: FromPath[int]) -> Template:
    principal = current(request)
    lang = lang_of(request)
    info = await _file(principal, response_id, evidence_id, lang)
    area = request.query_params.get("omrade", "")[:100]
    return render(request, "evidence/delete.html", file=info, writable=info["writable"], area=area,
                  back=_back(response_id, area, info["question_id"]), response_id=response_id,
                  size=size_text(info["size"], lang), uploaded=when(info["uploaded_at"], lang))


@post("/svar/{response_id:int}/bilagor/{evidence_id:int}/ta-bort", name="ui.evidence.delete")
async def delete(request: Request, response_id: FromPath[int], evidence_id: FromPath[int]) -> Response:
    principal = current(request)
    lang = lang_of(request)
    info = await _file(principal, response_id, evidence_id)
    form = await request.form()
    back = _back(response_id, form_text(form, "area")[:100], info["question_id"])
    try:
        await service.delete_file(evidence_id, actor=principal)
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        return _refused(request, response_id, back, exc.status_code, service_message(exc, lang))
    return _see(back, f"{info['name']} är borttagen" if lang == "sv" else f"{info['name']} deleted")


ROUTES = [upload, download, confirm_delete, delete]
