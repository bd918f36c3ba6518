"""`serve` gives every worker process the same CSRF secret when none is configured."""
import uvicorn

from survey_engine.cli import serve


def test_serve_shares_one_csrf_secret_with_its_workers(monkeypatch):
    monkeypatch.delenv("SURVEY_ENGINE_CSRF_SECRET", raising=False)
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    serve.serve_app("127.0.0.1", 8999, workers=3)
    import os

    secret = os.environ["SURVEY_ENGINE_CSRF_SECRET"]
    assert len(secret) >= 32
    assert seen["workers"] == 3


def test_serve_keeps_a_configured_csrf_secret(monkeypatch):
    monkeypatch.setenv("SURVEY_ENGINE_CSRF_SECRET", "x" * 40)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: None)
    serve.serve_app("127.0.0.1", 8999, workers=2)
    import os

    assert os.environ["SURVEY_ENGINE_CSRF_SECRET"] == "x" * 40
