"""Bounds on request bodies that Litestar does not set itself (docs/security.md, "Input hardening").

JSON nesting: a body of 1,000 nested `[` made the JSON decoder raise RecursionError
(a 500 with a stack trace in the log, for an anonymous caller). No document of this
API nests deeper than a few levels, so `BoundedRequest.json()` refuses a body nested
deeper than MAX_JSON_DEPTH with 400 before decoding it.
"""
from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body` (brackets inside strings
    do not count). Cheap when the body holds few brackets."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return body.count(b"[") + body.count(b"{")
    depth = deepest = 0
    for m in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if m.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        else:
            depth -= 1
    return deepest


class BoundedRequest(Request):
    """The app's request class (`Litestar(request_class=...)`): JSON depth bounded."""

    async def json(self) -> Any:
        body = await self.body()
        if body and json_depth(body) > MAX_JSON_DEPTH:
            raise ClientException(
                detail=f"JSON-dokumentet är för djupt nästlat (högst {MAX_JSON_DEPTH} nivåer) / "
                f"the JSON document is nested too deeply (at most {MAX_JSON_DEPTH} levels)",
                extra=[{"key": "body", "message": f"nesting deeper than {MAX_JSON_DEPTH}"}],
            )
        return await super().json()
