"""The OpenAPI document is valid and lists every route of the app with its models."""
import re

from litestar.testing import TestClient
from openapi_spec_validator import validate

from survey_engine.web import create_app


def _schema():
    app = create_app(db_pool=False)
    with TestClient(app=app) as client:
        r = client.get("/schema/openapi.json")
        assert r.status_code == 200
        return app, r.json()


def test_openapi_document_is_valid():
    _, doc = _schema()
    validate(doc)
    assert doc["openapi"].startswith("3.1")


def test_every_route_appears_with_its_models():
    app, doc = _schema()
    checked = 0
    for route in app.routes:
        path = route.path
        if not path.startswith("/api/v1"):
            continue
        oas_path = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)
        assert oas_path in doc["paths"], oas_path
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                op = doc["paths"][oas_path][method.lower()]
                checked += 1
                assert op.get("summary") and op.get("tags"), (oas_path, method)
                ok = [c for c in op["responses"] if c.startswith("2")]
                assert ok, (oas_path, method)
                content = op["responses"][ok[0]].get("content", {})
                if oas_path.endswith(".csv"):
                    assert any(t.startswith("text/csv") for t in content), (oas_path, method)
                elif re.search(r"\.(pdf|xlsx|html)$", oas_path) or oas_path.endswith("/evidence/{evidence_id}/content"):
                    # file downloads (plans, evidence files)
                    assert content, (oas_path, method)
                else:
                    assert "application/json" in content, (oas_path, method)
                if "data" in handler.parsed_fn_signature.parameters:
                    kinds = op["requestBody"]["content"]
                    body = kinds["application/json" if "application/json" in kinds else "multipart/form-data"]["schema"]
                    assert "$ref" in body or "oneOf" in body, (oas_path, method, body)
    assert checked >= 20
    schemas = doc["components"]["schemas"]
    for model in ("ResponseOut", "SaveIn", "ConflictOut", "RoundOut", "OverviewOut", "HistoryPage", "UnitPage",
                  "AnswersFile", "PublishOut", "VersionDetail", "ErrorOut", "ScoresOut"):
        assert model in schemas, model
    save = doc["paths"]["/api/v1/responses/{response_id}/answers"]["post"]
    assert save["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("ConflictOut")
    assert save["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")
    publish = doc["paths"]["/api/v1/questionnaires"]["post"]["requestBody"]["content"]
    assert set(publish) == {"application/yaml", "application/json"}
    # submit and return answer with a Response carrying the background e-mail send
    # (web/mail_later.py); their documented bodies are still the models, and the return's
    # e-mail summary says how many messages are queued to be sent after the response
    ok = doc["paths"]["/api/v1/responses/{response_id}/submit"]["post"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("ResponseOut")
    ok = doc["paths"]["/api/v1/responses/{response_id}/return"]["post"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("ReturnOut")
    mail = schemas["MailOut"]
    assert "deferred" in mail["required"] and {"recipients", "sent", "retry_later", "failed", "errors"} <= set(
        mail["required"])


def test_security_schemes_and_public_operations():
    _, doc = _schema()
    assert set(doc["components"]["securitySchemes"]) == {"BearerToken", "SessionCookie"}
    assert doc["security"] == [{"BearerToken": []}, {"SessionCookie": []}]
    # Open routes say so (an empty requirement); everything else inherits the global one.
    assert doc["paths"]["/api/v1/auth/login"]["post"]["security"] == [{}]
    assert doc["paths"]["/api/v1/health"]["get"]["security"] == [{}]
    assert "security" not in doc["paths"]["/api/v1/rounds"]["get"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "delete", "patch") and op.get("security") != [{}]:
                assert "401" in op["responses"] and "403" in op["responses"], (path, method)
