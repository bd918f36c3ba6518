"""docker-compose.yml and the Dockerfile, read and checked without Docker: the services,
their health checks, the volume, the start order, and that every variable the compose
file gives the app is one the app documents (settings.ENVIRONMENT_VARIABLES, the
README's Production section) and actually reads (somewhere in survey_engine/), with
values the app's settings accept."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from survey_engine.settings import ENVIRONMENT_VARIABLES, database_settings, server_settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def interpolate(value: str, shell: dict[str, str]) -> str:
    """What Compose makes of a value, given the variables of the shell / .env."""
    def one(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if shell.get(name):
            return shell[name]
        if op and op.endswith("?"):
            raise KeyError(f"{name}: {arg}")
        return arg if op else ""
    return _VAR.sub(one, str(value).replace("$$", "\0")).replace("\0", "$")


def app_env(shell: dict[str, str]) -> dict[str, str]:
    return {k: interpolate(v, shell) for k, v in COMPOSE["services"]["app"]["environment"].items()}


SECRETS = {"POSTGRES_PASSWORD": "s3cretpassw0rd", "SURVEY_ENGINE_CSRF_SECRET": "x" * 40}


def test_services_volume_and_start_order():
    services = COMPOSE["services"]
    assert set(services) == {"db", "app"}
    db, app = services["db"], services["app"]
    assert db["image"].startswith("postgres:")
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert "pgdata" in COMPOSE["volumes"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["build"] == "." and (REPO / "Dockerfile").exists()
    assert any(str(p).endswith(":8000") for p in app["ports"])
    assert db["restart"] == app["restart"] == "unless-stopped"


def test_health_checks():
    db_check = COMPOSE["services"]["db"]["healthcheck"]
    assert "pg_isready" in " ".join(db_check["test"])
    app_check = COMPOSE["services"]["app"]["healthcheck"]
    assert "/health/ready" in " ".join(app_check["test"])
    for check in (db_check, app_check):
        assert check["test"][0] in ("CMD", "CMD-SHELL")
        assert check["retries"] >= 3 and check["interval"] and check["timeout"]
    assert "HEALTHCHECK" in DOCKERFILE and "/health/ready" in DOCKERFILE


def test_every_app_variable_is_documented_and_read():
    sources = {p: p.read_text(encoding="utf-8") for p in (REPO / "survey_engine").rglob("*.py")}
    settings_file = REPO / "survey_engine" / "settings.py"
    production = README.split("## Production", 1)[1]
    for name in COMPOSE["services"]["app"]["environment"]:
        assert name in ENVIRONMENT_VARIABLES, f"{name} is not in settings.ENVIRONMENT_VARIABLES"
        assert f"`{name}`" in production, f"{name} is not in the README's Production section"
        read = False
        for path, text in sources.items():
            if path == settings_file:  # leave out the documentation dictionary itself
                text = "\n".join(line for line in text.splitlines() if not re.match(rf'\s*"{name}":', line))
            if re.search(rf'["\']{name}["\']', text):
                read = True
        assert read, f"nothing in survey_engine/ reads {name}"
    # and the README documents every variable the app reads
    for name in ENVIRONMENT_VARIABLES:
        assert f"`{name}`" in production, f"{name} is missing from the README's Production section"


def test_compose_values_are_accepted_by_the_app():
    env = app_env(SECRETS)
    db = database_settings(env)
    assert db.is_postgres and "@db:5432/" in db.url and SECRETS["POSTGRES_PASSWORD"] in db.url
    server = server_settings(env)
    assert server.workers >= 2, "production runs several workers"
    assert server.host == "0.0.0.0" and server.port == 8000
    assert server.log_format == "json" and server.secure_cookies
    # the database URL uses the database service's own name, user and password
    db_env = {k: interpolate(v, SECRETS) for k, v in COMPOSE["services"]["db"]["environment"].items()}
    assert db.url == (f"postgresql://{db_env['POSTGRES_USER']}:{db_env['POSTGRES_PASSWORD']}"
                      f"@db:5432/{db_env['POSTGRES_DB']}")
    # overrides from .env reach the app
    assert server_settings(app_env({**SECRETS, "WEB_WORKERS": "8"})).workers == 8


def test_secrets_are_required():
    for missing in SECRETS:
        try:
            app_env({k: v for k, v in SECRETS.items() if k != missing})
        except KeyError as exc:
            assert missing in str(exc)
        else:
            raise AssertionError(f"compose starts without {missing}")


def test_dockerfile_migrates_then_serves_as_a_normal_user():
    cmd = next(line for line in DOCKERFILE.splitlines() if line.startswith("CMD"))
    assert cmd.index("db migrate") < cmd.index("serve") and "exec survey-engine serve" in cmd
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M)
    block = DOCKERFILE[DOCKERFILE.index("ENV WEB_HOST"):DOCKERFILE.index("EXPOSE")]
    env_names = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", block))
    assert {"WEB_HOST", "WEB_PORT", "WEB_WORKERS", "LOG_FORMAT"} <= env_names
    assert env_names <= set(ENVIRONMENT_VARIABLES)
