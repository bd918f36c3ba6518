"""The /schema page: the API's operations listed from the OpenAPI document, rendered
here, with no script and nothing loaded from another host (docs/security.md, "Headers":
Litestar's default pages load unpinned scripts and fonts from public CDNs, which the
CSP forbids and which tells a third party who reads the documentation). Machines
read /schema/openapi.json or /schema/openapi.yaml; interactive tools (Swagger UI,
schemathesis, generated clients) can load those documents locally."""
from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, YamlRenderPlugin

_METHODS = ("get", "post", "put", "patch", "delete")


class OperationsPage(OpenAPIRenderPlugin):
    def __init__(self) -> None:
        super().__init__(path=["/"])

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        info = openapi_schema.get("info", {})
        rows = []
        for path, item in openapi_schema.get("paths", {}).items():
            for method in _METHODS:
                op = item.get(method)
                if op:
                    rows.append(
                        f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(path)}</code></td>"
                        f"<td>{escape(', '.join(op.get('tags', [])))}</td><td>{escape(op.get('summary', ''))}</td></tr>"
                    )
        page = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(info.get("title", "API"))}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="page">
<h1>{escape(info.get("title", "API"))} {escape(str(info.get("version", "")))}</h1>
<p>{escape(info.get("description", ""))}</p>
<p>OpenAPI: <a href="openapi.json">openapi.json</a> · <a href="openapi.yaml">openapi.yaml</a></p>
<table><thead><tr><th>Metod / method</th><th>Sökväg / path</th><th>Grupp / tag</th><th>Vad / what</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
</main></body></html>"""
        return page.encode("utf-8")


def render_plugins() -> list[OpenAPIRenderPlugin]:
    """Our page at /schema and the two documents; no CDN-backed pages."""
    return [OperationsPage(), JsonRenderPlugin(), YamlRenderPlugin()]
