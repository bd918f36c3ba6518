"""Small files of every accepted evidence type (and some that must be refused), made
in memory for the evidence tests (docs/evidence.md)."""
from __future__ import annotations

import io
import zipfile


def pdf_bytes(text: str = "Informationssäkerhetspolicy") -> bytes:
    from reportlab.pdfgen import canvas  # a real PDF, as the demo makes them

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)  # the same bytes every time
    c.drawString(72, 760, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def png_bytes(size: int = 8) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (size, size), (30, 90, 160)).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buf, format="JPEG")
    return buf.getvalue()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def docx_bytes(macros: bool = False) -> bytes:
    kind = "application/vnd.ms-word.document.macroEnabled.main+xml" if macros else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    types = (f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             f'<Override PartName="/word/document.xml" ContentType="{kind}"/></Types>').encode()
    return _zip([("[Content_Types].xml", types), ("word/document.xml", b"<w:document/>")])


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Kontroll"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def odt_bytes() -> bytes:
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>")])


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
