"""The app as the browser tests serve it: plain HTTP on localhost, so session cookies
without the Secure flag (uvicorn e2e_app:app --factory)."""
from survey_engine.web import create_app


def app():
    return create_app(secure_cookies=False)
