"""The web layer: the Litestar app factory and the JSON API (`api/`)."""
from survey_engine.web.app import create_app

__all__ = ["create_app"]
