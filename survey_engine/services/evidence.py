"""Evidence files: documents attached to the answer of one question of one response
(docs/evidence.md is the rulebook; this module implements it).

- Permissions are the answer's: reading needs `response.read` on the response's unit,
  adding and deleting need `response.write` on it, an open round and a response that
  is not submitted (a closed round is read-only: 423).
- The type is found from the content, never from the name: PDF, PNG and JPEG by their
  magic bytes; DOCX, XLSX and ODT are zip files told apart by their members; TXT must be
  UTF-8 without control characters other than tab and line breaks. Anything else is
  refused (415) with a sentence naming the file, the reason and what to do.
- At most MAX_FILE_BYTES per file (413) and MAX_RESPONSE_BYTES for all the files of one
  response (413).
- Names are cleaned (`clean_name`): no folders, no control or direction characters,
  at most MAX_NAME characters, Swedish letters kept, the extension of the real type.
- Storage: the database (default) or the folder of SURVEY_ENGINE_EVIDENCE_DIR
  (store/evidence_blobs.py); the SHA-256 is stored and checked on every download.
  Nothing is half-stored: the row and its audit event are one transaction, a folder
  file is complete before the row exists and removed again if the row fails.
- Shared answers (docs/shared-answers.md): for a question another unit answers for it
  (and that it did not override), a served unit's readers see and download the
  provider's files of that question, read-only; the served unit cannot upload there.
  `check_read` is the one place that decides who may read a file.
- Every download (API, pages, command line) is audited as `evidence.download`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from survey_engine import clock
from survey_engine.errors import (
    Conflict, Invalid, Locked, NotFound, PermissionDenied, StoredFileDamaged, TooLarge, UnsupportedType,
)
from survey_engine.services import audit, provided
from survey_engine.services.access import Action, Principal, actor_name, check_unit
from survey_engine.questionnaire.model import localized
from survey_engine.services.provider_links import (
    links_of, provided_qids, round_and_questionnaire, selected_questions,
)
from survey_engine.services.questionnaires import questionnaire_of
from survey_engine.settings import evidence_dir
from survey_engine.store import evidence_blobs, sql
from survey_engine.store.db import write_transaction
from survey_engine.store.evidence_tables import EvidenceFile
from survey_engine.text import Text

log = logging.getLogger("survey_engine.evidence")

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_RESPONSE_BYTES = 200 * 1024 * 1024
MAX_NAME = 120
# Statuses of a response whose answers cannot change (the signing-off states included).
LOCKED_STATUSES = frozenset({"submitted", "approved"})


@dataclass(frozen=True)
class Kind:
    code: str
    media_type: str
    extensions: tuple[str, ...]  # the first is the one a cleaned name gets
    label: str


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("pdf", "application/pdf", ("pdf",), "PDF"),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word (DOCX)"),
    Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel (XLSX)"),
    Kind("odt", "application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument (ODT)"),
    Kind("png", "image/png", ("png",), "PNG"),
    Kind("jpeg", "image/jpeg", ("jpg", "jpeg"), "JPEG"),
    Kind("txt", "text/plain; charset=utf-8", ("txt",), "text (TXT)"),
)}
ACCEPTED = "PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT"
ACCEPT_ATTRIBUTE = ",".join(f".{e}" for k in KINDS.values() for e in k.extensions)
WHAT_TO_DO = Text(f"Spara dokumentet som {ACCEPTED} (till exempel Arkiv > Spara som PDF) och ladda upp det igen.",
                  f"Save the document as {ACCEPTED} (for example File > Save as PDF) and upload it again.")

_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
)
# Known types that are refused, to say what the file is (the reason of the refusal).
_KNOWN_OTHERS = (
    (b"MZ", Text("ett Windows-program (EXE/DLL)", "a Windows program (EXE/DLL)")),
    (b"\x7fELF", Text("ett program (ELF)", "a program (ELF)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Text("ett äldre Office-dokument (DOC/XLS)", "an old Office document (DOC/XLS)")),
    (b"GIF8", Text("en GIF-bild", "a GIF image")),
    (b"Rar!", Text("ett RAR-arkiv", "a RAR archive")),
    (b"7z\xbc\xaf", Text("ett 7-Zip-arkiv", "a 7-Zip archive")),
    (b"{\\rtf", Text("ett RTF-dokument", "an RTF document")),
)
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse(name: str, reason: Text) -> UnsupportedType:
    return UnsupportedType(
        Text(f"{name}: filen kan inte laddas upp: {reason.sv}. Tillåtna typer: {ACCEPTED}. {WHAT_TO_DO.sv}",
             f"{name}: the file cannot be uploaded: {reason.en}. Accepted types: {ACCEPTED}. {WHAT_TO_DO.en}"),
        [{"field": "file", "message": f"{reason.sv} / {reason.en}"}], file=name)


# ---------------------------------------------------------------- type from content

def _zip_kind(data: bytes, name: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(name, Text("zip-filen är trasig", "the zip file is damaged")) from None
    members = set(names)
    if names and names[0] == "mimetype":
        info = archive.getinfo("mimetype")
        mimetype = archive.read("mimetype")[:100] if info.file_size <= 100 else b""
        if mimetype.strip() == b"application/vnd.oasis.opendocument.text":
            return "odt"
        raise _refuse(name, Text("ett OpenDocument av annan sort än text (ODT)",
                                 "an OpenDocument other than text (ODT)"))
    if "[Content_Types].xml" in members:
        info = archive.getinfo("[Content_Types].xml")
        types = archive.read("[Content_Types].xml") if info.file_size <= 1_000_000 else b""
        if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise _refuse(name, Text("ett Office-dokument med makron", "an Office document with macros"))
        if any(n.startswith("word/") for n in names) and b"wordprocessingml" in types:
            return "docx"
        if any(n.startswith("xl/") for n in names) and b"spreadsheetml" in types:
            return "xlsx"
        raise _refuse(name, Text("ett Office-dokument av annan sort än DOCX eller XLSX",
                                 "an Office document other than DOCX or XLSX"))
    raise _refuse(name, Text("ett zip-arkiv", "a zip archive"))


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _TEXT_CONTROL.search(text.removeprefix("\ufeff"))


def detect(data: bytes, name: str = "fil") -> str:
    """The kind of `data` (a key of KINDS) from its content; UnsupportedType otherwise."""
    if not data:
        raise _refuse(name, Text("filen är tom", "the file is empty"))
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, name)
    for magic, what in _KNOWN_OTHERS:
        if data.startswith(magic):
            raise _refuse(name, Text(f"innehållet är {what.sv}", f"the content is {what.en}"))
    if _is_text(data):
        return "txt"
    raise _refuse(name, Text("innehållet är inte av någon tillåten typ (och inte UTF-8-text utan styrtecken)",
                             "the content is of no accepted type (nor UTF-8 text without control characters)"))


# ---------------------------------------------------------------- names

_UNSAFE = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")


def clean_name(raw: str | None, kind: str) -> str:
    """A name that is safe to show and to offer as a download name: the last part of
    any path, NFC, without control, format (direction) or path characters, at most
    MAX_NAME characters, ending in the extension of the real type. Letters of every
    language (å, ä, ö) stay."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(c) in ("Zl", "Zp") or c in "\t\r\n" else c
                   for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") or c in "\t\r\n")
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip().lstrip(".").strip()
    extensions = KINDS[kind].extensions
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if ext.lower() not in extensions:
        stem = name  # keep what was there ("rapport.txt" that is a PDF: "rapport.txt.pdf")
        ext = extensions[0]
    stem = stem.strip() or "fil"
    room = MAX_NAME - len(ext) - 1
    return f"{stem[:room].rstrip()}.{ext.lower()}"


def ascii_name(name: str) -> str:
    """A plain-ASCII stand-in for old clients (å -> a, ö -> o; other signs -> _)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r'[^A-Za-z0-9._ ()-]', "_", plain) or "fil"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII `filename` and the exact UTF-8 name as RFC 5987 `filename*`."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


# ---------------------------------------------------------------- the response and its rules

_RESPONSE_SQL = """
SELECT r.id, r.status, u.code AS unit_code, s.status AS round_status, s.id AS round_id,
       s.questionnaire AS questionnaire_version_id, v.content_hash AS questionnaire_hash
FROM response r JOIN unit u ON u.id = r.unit JOIN survey_round s ON s.id = r.round
JOIN questionnaire_version v ON v.id = s.questionnaire
WHERE r.id = {}"""

_META = (EvidenceFile.id, EvidenceFile.response, EvidenceFile.question_id, EvidenceFile.name, EvidenceFile.kind,
         EvidenceFile.media_type, EvidenceFile.size, EvidenceFile.sha256, EvidenceFile.storage,
         EvidenceFile.blob_key, EvidenceFile.uploaded_by, EvidenceFile.uploaded_at)


async def _response(response_id: int, lock: bool = False) -> dict[str, Any]:
    rows = await sql.fetch(_RESPONSE_SQL + (" FOR UPDATE OF r" if lock and sql.is_postgres() else ""), response_id)
    if not rows:
        raise NotFound(Text(f"Svar {response_id} finns inte", f"response {response_id} not found"))
    return rows[0]


async def response_id_for(round_id: int, unit_code: str) -> int:
    """The id of a unit's response in a round (for the command line)."""
    rows = await sql.fetch("SELECT r.id FROM response r JOIN unit u ON u.id = r.unit WHERE r.round = {} "
                           "AND u.code = {}", round_id, unit_code)
    if not rows:
        raise NotFound(Text(f"{unit_code} har inget svar i omgång {round_id}",
                            f"{unit_code} has no response in round {round_id}"))
    return rows[0]["id"]


def writable(row: dict[str, Any]) -> bool:
    return row["round_status"] == "open" and row["status"] not in LOCKED_STATUSES


def _check_writable(row: dict[str, Any]) -> None:
    if row["round_status"] == "closed":
        raise Locked(Text("Omgången är stängd; svaren och deras filer är låsta.",
                          "The round is closed: its responses and their files are locked."))
    if row["round_status"] != "open":
        raise Locked(Text("Omgången är inte öppnad än.", "The round is not open yet."))
    if row["status"] in LOCKED_STATUSES:
        raise Conflict(Text("Svaret är inskickat; öppna det igen för att ändra filerna.",
                            "The response is submitted: reopen it to change its files."))


def _public(row: dict[str, Any], unit_code: str | None = None, link: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {k: row[k] for k in ("id", "question_id", "name", "kind", "media_type", "size", "sha256",
                               "uploaded_by", "uploaded_at")}
    out["response_id"] = row["response"]
    if unit_code is not None:
        out["unit"] = unit_code
    # a provider's file seen by a served unit (docs/shared-answers.md): whose it is
    out["provided_by"] = link["provider_code"] if link else None
    out["provided_by_name"] = link["provider_name"] if link else None
    return out


# ---------------------------------------------------------------- shared answers: who sees whose files

async def _provided_here(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """question id -> provider link, for the questions of response `row` that another
    unit answers for it and that it has not overridden (their files are the provider's)."""
    links = await links_of(row["round_id"])
    if not any(link["served_code"] == row["unit_code"] for link in links):
        return {}
    q = await questionnaire_of(row["questionnaire_version_id"], row["questionnaire_hash"])
    mine = provided_qids(q, links, row["unit_code"])
    overridden = {o["question_id"] for o in await sql.fetch(
        "SELECT question_id FROM provided_override WHERE response = {}", row["id"])}
    return {qid: link for qid, link in mine.items() if qid not in overridden}


async def _served_views(found: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
    """The served responses that see file `found` of the provider's response `row`:
    [{"id", "unit_code", "link"}] for each unit the provider answers the file's question
    for in the same round and that has not overridden it."""
    links = [link for link in await links_of(row["round_id"]) if link["provider_code"] == row["unit_code"]]
    if not links:
        return []
    q = await questionnaire_of(row["questionnaire_version_id"], row["questionnaire_hash"])
    by_unit = {link["served_code"]: link for link in links
               if found["question_id"] in selected_questions(q, link["selector"])}
    if not by_unit:
        return []
    overridden = {o["response"] for o in await sql.fetch(
        "SELECT response FROM provided_override WHERE question_id = {}", found["question_id"])}
    rows = await sql.fetch("SELECT r.id, u.code AS unit_code FROM response r JOIN unit u ON u.id = r.unit "
                           "WHERE r.round = {}", row["round_id"])
    return [{"id": r["id"], "unit_code": r["unit_code"], "link": by_unit[r["unit_code"]]}
            for r in rows if r["unit_code"] in by_unit and r["id"] not in overridden]


async def check_read(actor: Principal, found: dict[str, Any], row: dict[str, Any],
                     via_response: int | None = None) -> dict[str, Any] | None:
    """The one decision on reading (listing, describing, downloading) a file.

    Allowed for whoever may read the response the file belongs to (`response.read` on
    its unit), and for whoever may read a served unit's response that shows the file
    because the file's unit answers its question for that unit (and it has not
    overridden it). `via_response`: only through that response (the pages' addresses).
    Returns the provider link the file is seen through (None: as the file's own
    unit's reader); refuses with 403 otherwise."""
    if via_response is None or via_response == row["id"]:
        if actor.can(Action.RESPONSE_READ, row["unit_code"]):
            return None
    for view in await _served_views(found, row):
        if (via_response is None or view["id"] == via_response) and actor.can(Action.RESPONSE_READ, view["unit_code"]):
            return view["link"]
    if via_response is not None and via_response != row["id"]:
        if actor.can(Action.RESPONSE_READ, row["unit_code"]):  # a reader of both: the address is wrong
            raise NotFound(Text(f"Filen {found['id']} finns inte i svar {via_response}",
                                f"evidence file {found['id']} is not in response {via_response}"))
        raise PermissionDenied(Text(
            f"Filen {found['id']} hör inte till svar {via_response} och visas inte där (frågan besvaras inte av "
            "filens förvaltning, eller ni svarar själva på den)",
            f"evidence file {found['id']} does not belong to response {via_response} and is not shown there (the "
            "question is not answered by the file's unit, or you answer it yourselves)"))
    check_unit(actor, Action.RESPONSE_READ, row["unit_code"])
    return None


def _size_text(n: int, lang: str = "sv") -> str:
    text = f"{n / (1024 * 1024):.1f} MB" if n >= 100_000 else f"{max(1, n // 1024)} kB"
    return text.replace(".", ",") if lang == "sv" else text


# ---------------------------------------------------------------- use cases

async def add_file(response_id: int, question_id: str, filename: str | None, data: bytes, *,
                   actor: Principal) -> dict[str, Any]:
    """Attach `data` to the answer of `question_id`; returns the stored file's description."""
    row = await _response(response_id)
    check_unit(actor, Action.RESPONSE_WRITE, row["unit_code"])
    _check_writable(row)
    q = await questionnaire_of(row["questionnaire_version_id"], row["questionnaire_hash"])
    question_id = (question_id or "").strip()
    if q.question(question_id) is None:
        raise Invalid(Text(f"Frågan {question_id[:100]!r} finns inte i enkäten.",
                           f"The questionnaire has no question {question_id[:100]!r}."),
                      [{"field": "question", "message": "okänd fråga / unknown question"}])
    link = (await _provided_here(row)).get(question_id)
    if link is not None:
        raise PermissionDenied(Text(
            f"Frågan besvaras av {link['provider_name']}; deras filer visas här. Välj Svara själva i stället och "
            "ange ett skäl för att lägga till egna filer.",
            f"The question is answered by {link['provider_name']}, whose files are shown here. Choose Answer it "
            "yourselves instead and give a reason to add files of your own."),
            errors=[{"field": "question", "message": f"besvaras av / answered by {link['provider_code']}"}])
    shown = (re.split(r"[/\\]", filename or "")[-1] or "fil")[:MAX_NAME]
    shown = "".join(c for c in shown if unicodedata.category(c) not in ("Cc", "Cf")) or "fil"
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(Text(
            f"{shown}: filen är {_size_text(len(data))}, högst 10 MB är tillåtet. Dela upp dokumentet eller "
            "spara det i mindre storlek (till exempel PDF med komprimerade bilder) och ladda upp det igen.",
            f"{shown}: the file is {_size_text(len(data), 'en')}; at most 10 MB is allowed. Split the document or save "
            "it smaller (for example as a PDF with compressed images) and upload it again."),
            [{"field": "file", "message": "över 10 MB / over 10 MB"}], file=shown)
    kind = detect(data, shown)
    name = clean_name(filename, kind)
    digest = hashlib.sha256(data).hexdigest()
    folder = evidence_dir()
    key = evidence_blobs.new_key() if folder is not None else ""
    if folder is not None:
        try:
            evidence_blobs.write(folder, key, data)
        except evidence_blobs.BlobError as exc:
            log.error("evidence folder cannot be written: %s", exc)
            raise StoredFileDamaged(Text("Filen kunde inte sparas (lagringsmappen går inte att skriva i). "
                                         "Inget är sparat; försök igen senare eller kontakta förvaltaren.",
                                         "The file could not be stored (the storage folder cannot be written). "
                                         "Nothing was saved; try again later or contact the administrator.")) from None
    try:
        async with write_transaction():
            row = await _response(response_id, lock=True)  # uploads of one response take turns
            _check_writable(row)
            used = await sql.fetch("SELECT COALESCE(SUM(size), 0) AS used FROM evidence_file WHERE response = {}",
                                   response_id)
            used_bytes = int(used[0]["used"] or 0)
            if used_bytes + len(data) > MAX_RESPONSE_BYTES:
                raise TooLarge(Text(
                    f"{name}: svaret har redan {_size_text(used_bytes)} filer; tillsammans får de vara högst "
                    "200 MB. Ta bort filer som inte behövs, eller länka till större dokument i fältet Underlag.",
                    f"{name}: the response already has {_size_text(used_bytes, 'en')} of files; together they may be at "
                    "most 200 MB. Delete files that are not needed, or link to larger documents in the Evidence "
                    "field."), [{"field": "file", "message": "över 200 MB per svar / over 200 MB per response"}],
                    file=name)
            now = clock.now()
            inserted = await EvidenceFile.insert(EvidenceFile(
                response=response_id, question_id=question_id, name=name, kind=kind,
                media_type=KINDS[kind].media_type, size=len(data), sha256=digest,
                storage="dir" if folder is not None else "db", blob_key=key,
                content=None if folder is not None else data, uploaded_by=actor_name(actor), uploaded_at=now))
            evidence_id = inserted[0]["id"]
            await audit.record(actor, "evidence.upload", "evidence", evidence_id, unit=row["unit_code"],
                               details={"response": response_id, "question": question_id, "name": name,
                                        "kind": kind, "size": len(data), "sha256": digest})
    except BaseException:
        if folder is not None:
            evidence_blobs.remove(folder, key)  # nothing half-stored
        raise
    return {"id": evidence_id, "response_id": response_id, "question_id": question_id, "name": name, "kind": kind,
            "media_type": KINDS[kind].media_type, "size": len(data), "sha256": digest,
            "uploaded_by": actor_name(actor), "uploaded_at": now, "unit": row["unit_code"]}


async def list_files(response_id: int, *, actor: Principal, question_id: str | None = None) -> list[dict[str, Any]]:
    """The files of a response (of one question), oldest first; never their bytes."""
    row = await _response(response_id)
    check_unit(actor, Action.RESPONSE_READ, row["unit_code"])
    where = EvidenceFile.response == response_id
    if question_id:
        where = where & (EvidenceFile.question_id == question_id)
    rows = await EvidenceFile.select(*_META).where(where).order_by(EvidenceFile.id)
    out = [_public(r, row["unit_code"]) for r in rows]
    provided = await _provided_here(row)
    if question_id:
        provided = {k: v for k, v in provided.items() if k == question_id}
    by_provider: dict[str, list[str]] = {}
    for qid, link in provided.items():
        by_provider.setdefault(link["provider_code"], []).append(qid)
    for code, qids in sorted(by_provider.items()):
        found = await sql.fetch("SELECT r.id FROM response r JOIN unit u ON u.id = r.unit WHERE r.round = {} "
                                "AND u.code = {}", row["round_id"], code)
        if not found:
            continue
        theirs = await EvidenceFile.select(*_META).where(
            (EvidenceFile.response == found[0]["id"]) & EvidenceFile.question_id.is_in(qids)).order_by(EvidenceFile.id)
        out += [_public(r, code, provided[r["question_id"]]) for r in theirs]
    return out


async def response_access(response_id: int, *, actor: Principal) -> dict[str, Any]:
    """For the pages: may the actor add and delete files of this response now?"""
    row = await _response(response_id)
    check_unit(actor, Action.RESPONSE_READ, row["unit_code"])
    return {"writable": writable(row) and actor.can(Action.RESPONSE_WRITE, row["unit_code"]),
            "unit": row["unit_code"]}


async def _file_row(evidence_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    found = await EvidenceFile.select(*_META).where(EvidenceFile.id == evidence_id).first()
    if found is None:
        raise NotFound(Text(f"Filen {evidence_id} finns inte", f"evidence file {evidence_id} not found"))
    return found, await _response(found["response"])


async def file_info(evidence_id: int, *, actor: Principal, lang: str = "sv",
                    via_response: int | None = None) -> dict[str, Any]:
    """A file's description, with whether the actor may delete it now and its question's
    text. `via_response`: the file as shown on that response's pages (its own, or a
    provider's file of a provided question; otherwise 403)."""
    found, row = await _file_row(evidence_id)
    link = await check_read(actor, found, row, via_response)
    q = await questionnaire_of(row["questionnaire_version_id"], row["questionnaire_hash"])
    question = q.question(found["question_id"])
    text = localized(question.text, lang, q.default_language) if question is not None else found["question_id"]
    return {**_public(found, row["unit_code"], link), "question_text": text,
            "writable": writable(row) and actor.can(Action.RESPONSE_WRITE, row["unit_code"])}


async def _bytes_of(found: dict[str, Any]) -> bytes:
    if found["storage"] == "dir":
        folder = evidence_dir()
        try:
            if folder is None:
                raise evidence_blobs.BlobError("SURVEY_ENGINE_EVIDENCE_DIR is not set")
            return evidence_blobs.read(folder, found["blob_key"])
        except evidence_blobs.BlobError as exc:
            log.error("evidence file %s cannot be read: %s", found["id"], exc)
            raise _damaged(found) from None
    row = await EvidenceFile.select(EvidenceFile.content).where(EvidenceFile.id == found["id"]).first()
    return bytes(row["content"] or b"") if row else b""


def _damaged(found: dict[str, Any]) -> StoredFileDamaged:
    return StoredFileDamaged(Text(
        f"{found['name']}: den lagrade filen saknas eller stämmer inte med sin kontrollsumma och lämnas inte ut. "
        "Be förvaltaren läsa tillbaka den från en säkerhetskopia, eller ladda upp filen igen.",
        f"{found['name']}: the stored file is missing or does not match its checksum and is not served. Ask the "
        "administrator to restore it from a backup, or upload the file again."))


async def get_file(evidence_id: int, *, actor: Principal,
                   via_response: int | None = None) -> tuple[dict[str, Any], bytes]:
    """(description, bytes) of a file, once its SHA-256 matches the stored one. Each
    download is audited (`evidence.download`: the file, its response, question and
    name; never the content)."""
    found, row = await _file_row(evidence_id)
    link = await check_read(actor, found, row, via_response)
    data = await _bytes_of(found)
    if hashlib.sha256(data).hexdigest() != found["sha256"]:
        log.error("evidence file %s does not match its SHA-256", evidence_id)
        raise _damaged(found)
    details = {"response": found["response"], "question": found["question_id"], "name": found["name"],
               "size": found["size"], "sha256": found["sha256"]}
    if link is not None:
        details["provided_to"] = link["served_code"]
    await audit.record(actor, "evidence.download", "evidence", evidence_id, unit=row["unit_code"], details=details)
    return _public(found, row["unit_code"], link), data


async def delete_file(evidence_id: int, *, actor: Principal) -> dict[str, Any]:
    """Remove a file (row and audit event in one transaction; a folder file after it)."""
    found, row = await _file_row(evidence_id)
    check_unit(actor, Action.RESPONSE_WRITE, row["unit_code"])
    _check_writable(row)
    async with write_transaction():
        row = await _response(found["response"], lock=True)
        _check_writable(row)
        gone = await EvidenceFile.delete().where(EvidenceFile.id == evidence_id).returning(EvidenceFile.id)
        if not gone:
            raise NotFound(Text(f"Filen {evidence_id} finns inte", f"evidence file {evidence_id} not found"))
        await audit.record(actor, "evidence.delete", "evidence", evidence_id, unit=row["unit_code"],
                           details={"response": found["response"], "question": found["question_id"],
                                    "name": found["name"], "size": found["size"], "sha256": found["sha256"]})
    if found["storage"] == "dir":
        folder = evidence_dir()
        try:
            if folder is not None:
                evidence_blobs.remove(folder, found["blob_key"])
        except evidence_blobs.BlobError as exc:  # the row is gone: a left-over file harms nobody
            log.warning("evidence file %s: the folder file was not removed: %s", evidence_id, exc)
    return _public(found, row["unit_code"])


# ---------------------------------------------------------------- reports

async def _provided_in_round(round_id: int, q: Any = None) -> dict[str, dict[str, dict[str, Any]]]:
    """served unit code -> question id -> {"provider", "provider_name"}: the questions
    another unit answers for a served unit that has started its response and has not
    overridden them (the files `list_files` shows it from its provider). The source of
    each answer is the round results' (`provided.sources_for_round`), so a report's
    files and its answers' "Källa" say the same."""
    if not await links_of(round_id):
        return {}
    if q is None:
        q = (await round_and_questionnaire(round_id))[1]
    started = {r["code"] for r in await sql.fetch(
        "SELECT u.code FROM response r JOIN unit u ON u.id = r.unit WHERE r.round = {}", round_id)}
    return {code: {qid: s for qid, s in by_question.items() if s["source"] == provided.SOURCE_PROVIDED}
            for code, by_question in (await provided.sources_for_round(round_id, q)).items() if code in started}


def _counts(files: list[dict[str, Any]]) -> dict[str, Any]:
    """{files, units, total, own, provided} of a list of report files: per unit the files
    listed (`files`), its own (`own`) and its providers' (`provided`), the questions
    with files and the size of its own files (`bytes`; a provider's file is stored once,
    with the provider)."""
    per_unit: dict[str, dict[str, Any]] = {}
    for f in files:
        item = per_unit.setdefault(f["unit"], {"unit": f["unit"], "files": 0, "own": 0, "provided": 0,
                                               "questions": set(), "bytes": 0})
        item["files"] += 1
        item["questions"].add(f["question"])
        if f["provided_by"]:
            item["provided"] += 1
        else:
            item["own"] += 1
            item["bytes"] += f["size"]
    units = [{**u, "questions": len(u["questions"])} for u in per_unit.values()]
    own = sum(u["own"] for u in units)
    return {"files": files, "units": units, "total": len(files), "own": own, "provided": len(files) - own}


def unit_part(section: dict[str, Any], unit_code: str) -> dict[str, Any]:
    """One unit's part of a round's `round_summary` or `report_section` (its own files
    and those its providers' answers bring), with the same keys."""
    files = [f for f in section["files"] if f["unit"] == unit_code]
    own = sum(1 for f in files if not f["provided_by"])
    return {**section, "files": files, "units": [u for u in section["units"] if u["unit"] == unit_code],
            "total": len(files), "own": own, "provided": len(files) - own}


async def round_summary(round_id: int, unit_code: str | None = None, q: Any = None) -> dict[str, Any]:
    """The files of a round as the reports list them: names, types, sizes and dates per
    unit and question, never the contents. Under a served unit (docs/shared-answers.md)
    come, besides its own files, its provider's files of each question the provider
    answers for it and that it has not overridden, the files `list_files` shows it:
    each such row has `provided_by` and `provided_by_name` (None on a unit's own file),
    and the counts tell own and provided apart (`_counts`). `unit_code` keeps one unit;
    `q` is the round's questionnaire when the caller has it. The caller has checked that
    the reader may read the report."""
    rows = await sql.fetch(
        "SELECT e.id, e.question_id, e.name, e.kind, e.size, e.uploaded_at, e.uploaded_by, u.code AS unit "
        "FROM evidence_file e JOIN response r ON r.id = e.response JOIN unit u ON u.id = r.unit "
        "WHERE r.round = {} ORDER BY e.id", round_id)
    stored = [{"unit": r["unit"], "question": r["question_id"], "name": r["name"], "kind": r["kind"],
               "size": r["size"], "uploaded_at": _when(r["uploaded_at"]), "uploaded_by": r["uploaded_by"],
               "provided_by": None, "provided_by_name": None} for r in rows]
    by_question: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in stored:
        by_question.setdefault((f["unit"], f["question"]), []).append(f)
    shown = [{**f, "unit": served, "provided_by": link["provider"], "provided_by_name": link["provider_name"]}
             for served, questions in (await _provided_in_round(round_id, q)).items()
             for qid, link in questions.items() for f in by_question.get((link["provider"], qid), [])]
    # per unit and question: its own files first, then the provider's, each oldest first
    files = sorted(stored + shown, key=lambda f: (f["unit"], f["question"], f["provided_by"] is not None))
    summary = _counts(files)
    return unit_part(summary, unit_code) if unit_code is not None else summary


async def report_section(round_id: int, q: Any, lang: str, unit_code: str | None = None) -> dict[str, Any]:
    """The "Bifogade underlag" part of a unit or city report (`report.model["evidence"]`):
    per unit the number of files (own and from providers), per file its unit, question,
    name, type, size, day of upload and, for a provider's file listed under a served
    unit, the provider (`provided_by`, `provided_by_name`). Never the contents, nor who
    uploaded (that is in the audit log). The bulk unit reports read the round's section
    once and take each unit's part (`unit_part`)."""
    summary = await round_summary(round_id, q=q)
    names = {r["code"]: r["name"] for r in await sql.fetch(
        "SELECT u.code, u.name FROM unit u JOIN round_unit ru ON ru.unit = u.id WHERE ru.round = {}", round_id)}

    def question_text(qid: str) -> str:
        question = q.question(qid) if q is not None else None
        if question is None:
            return qid
        return localized(question.text, lang, q.default_language) or qid

    files = [{"unit": f["unit"], "unit_name": names.get(f["unit"], f["unit"]), "question": f["question"],
              "question_text": question_text(f["question"]), "name": f["name"], "kind": f["kind"],
              "size": f["size"], "uploaded_at": f["uploaded_at"], "provided_by": f["provided_by"],
              "provided_by_name": f["provided_by_name"]} for f in summary["files"]]
    units = [{**u, "name": names.get(u["unit"], u["unit"])} for u in summary["units"]]
    section = {"total": summary["total"], "own": summary["own"], "provided": summary["provided"],
               "units": units, "files": files}
    return unit_part(section, unit_code) if unit_code is not None else section


def _when(value: Any) -> str | None:
    """A timestamp from a raw query (a datetime, or text on SQLite) as ISO 8601 text."""
    if value is None:
        return None
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).isoformat()
    return value.isoformat()
