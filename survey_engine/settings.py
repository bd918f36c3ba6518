"""Settings read from the environment, in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_SQLITE_PATH = Path("var") / "survey-engine.sqlite"


@dataclass(frozen=True)
class DatabaseSettings:
    """Which database to use: PostgreSQL for a postgres URL, else an SQLite file."""

    kind: str  # "postgres" or "sqlite"
    url: str | None
    sqlite_path: Path | None

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"


def database_settings(environ: dict[str, str] | None = None) -> DatabaseSettings:
    env = os.environ if environ is None else environ
    url = env.get("DATABASE_URL", "").strip()
    if url.startswith(("postgres://", "postgresql://")):
        return DatabaseSettings("postgres", url, None)
    if url.startswith("sqlite:///"):
        return DatabaseSettings("sqlite", url, Path(url[len("sqlite:///"):]))
    if url:
        raise ValueError(
            f"DATABASE_URL={url!r} is neither a postgresql:// nor a sqlite:/// URL; "
            "leave it unset for the default SQLite file."
        )
    return DatabaseSettings("sqlite", None, Path(env.get("SURVEY_ENGINE_SQLITE", DEFAULT_SQLITE_PATH)))


def postgres_config(url: str) -> dict:
    """asyncpg connection arguments from a postgres URL."""
    parsed = urlparse(url)
    config: dict = {"database": (parsed.path or "/").lstrip("/") or "postgres"}
    if parsed.hostname:
        config["host"] = parsed.hostname
    if parsed.port:
        config["port"] = parsed.port
    if parsed.username:
        config["user"] = parsed.username
    if parsed.password:
        config["password"] = parsed.password
    return config


# ---------------------------------------------------------------- server settings
#
# Every environment variable the application reads, with what it means and its
# default. The README's "Production" section documents the same list, and a test
# checks that docker-compose.yml sets no variable outside it.

ENVIRONMENT_VARIABLES: dict[str, str] = {
    "DATABASE_URL": "postgresql://user:password@host:5432/db, or sqlite:///path/file.sqlite; "
    "unset: the SQLite file of SURVEY_ENGINE_SQLITE",
    "SURVEY_ENGINE_SQLITE": "path of the SQLite file when DATABASE_URL is unset (default var/survey-engine.sqlite)",
    "WEB_HOST": "address `survey-engine serve` listens on (default 127.0.0.1; 0.0.0.0 in a container)",
    "WEB_PORT": "port of `survey-engine serve` (default 8000)",
    "WEB_WORKERS": "number of worker processes of `survey-engine serve` (default 1)",
    "LOG_FORMAT": "text (default) or json: one JSON object per log line",
    "LOG_LEVEL": "debug, info (default), warning or error",
    "DB_POOL_MIN": "PostgreSQL: connections each worker opens at start (default 1)",
    "DB_POOL_MAX": "PostgreSQL: most connections per worker (default 10); keep "
    "WEB_WORKERS x DB_POOL_MAX below the server's max_connections",
    "TRUSTED_PROXIES": "comma-separated addresses or networks (CIDR) of the reverse proxies whose "
    "X-Forwarded-For/-Proto headers are believed; default none: the headers are ignored, so no local "
    "process can choose the address that login throttling counts",
    "SECURE_COOKIES": "true (default): session cookies only over HTTPS; false for plain-HTTP tests",
    "SURVEY_ENGINE_CSRF_SECRET": "secret of the HTML forms' CSRF tokens; set one random value (32+ characters) "
    "shared by every process, or a form served by one worker is refused by another",
    "SURVEY_ENGINE_REPORT_TEMPLATES": "folder of the report templates (default reports/templates of the source tree)",
    "SURVEY_ENGINE_USER": "the name command-line actions are recorded under (default the login name)",
    "BACKUP_SIGNING_KEY": "secret (32+ characters) that signs backups (HMAC-SHA256) and that restore checks; "
    "`survey-engine backup` and `restore` refuse to run without it; keep it apart from the backup files",
    "MIN_GROUP_SIZE": "smallest number of other units an aggregate (the unit report's city median, the "
    "anonymised export) is shown for (default 3, at least 2); fewer: \"för få enheter\"",
    # E-mail reminders (docs/operations.md, "E-mail reminders"); unset SMTP_HOST: messages wait in the outbox
    "SMTP_HOST": "mail server for reminders; unset: reminders are queued but not sent",
    "SMTP_PORT": "port of the mail server (default 587)",
    "SMTP_USER": "user name for SMTP login (unset: no login)",
    "SMTP_PASSWORD": "password for SMTP login",
    "SMTP_FROM": "sender address of the reminders, e.g. enkat@kommun.example (required with SMTP_HOST)",
    "SMTP_STARTTLS": "true (default): upgrade the connection with STARTTLS before sending; false for a local relay",
    "SMTP_TIMEOUT": "seconds to wait for the mail server (default 20)",
    "REMINDER_DAYS_BEFORE": "days before a round's deadline to remind units that have not submitted (default 7,1)",
    # Evidence files (docs/evidence.md): unset, the files are kept in the database
    "SURVEY_ENGINE_EVIDENCE_DIR": "folder for uploaded evidence files (kept with a SHA-256 checksum); unset: "
    "the files are stored in the database",
}

LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")


class SettingsError(ValueError):
    """An environment variable has a value the application cannot use."""


def _int_env(env, name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: ett heltal krävs / an integer is required") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={raw!r}: mellan {low} och {high} / between {low} and {high}")
    return value


def _choice_env(env, name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower() or default
    if raw not in choices:
        raise SettingsError(f"{name}={raw!r}: välj / choose one of {', '.join(choices)}")
    return raw


def _bool_env(env, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r}: true eller false / true or false")


PRINCIPAL_CACHE_DEFAULT = 5.0


def principal_cache_seconds(environ: dict[str, str] | None = None) -> float:
    """PRINCIPAL_CACHE_SECONDS: how long a worker may keep who a token or session is
    (services/principals.py); a revocation made in another worker takes effect within
    it. 0 turns the cache off; at most 300."""
    raw = (os.environ if environ is None else environ).get("PRINCIPAL_CACHE_SECONDS", "").strip()
    if not raw:
        return PRINCIPAL_CACHE_DEFAULT
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"PRINCIPAL_CACHE_SECONDS={raw!r}: ett tal krävs / a number is required") from None
    if not 0 <= value <= 300:
        raise SettingsError(f"PRINCIPAL_CACHE_SECONDS={raw!r}: mellan 0 och 300 / between 0 and 300")
    return value


@dataclass(frozen=True)
class ServerSettings:
    """How the web server runs; read from the environment by `server_settings()`."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_format: str = "text"
    log_level: str = "info"
    pool_min: int = 1
    pool_max: int = 10
    trusted_proxies: tuple[str, ...] = ()
    secure_cookies: bool = True


def trusted_proxies(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """TRUSTED_PROXIES (docs/security.md, "Login throttling"): each entry an IP address
    or network; empty means no proxy is trusted (the default)."""
    import ipaddress

    env = os.environ if environ is None else environ
    out = []
    for part in env.get("TRUSTED_PROXIES", "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise SettingsError(f"TRUSTED_PROXIES: {part!r} är ingen IP-adress eller nätverk / "
                                "is not an IP address or network") from None
        out.append(part)
    return tuple(out)


def server_settings(environ: dict[str, str] | None = None) -> ServerSettings:
    env = os.environ if environ is None else environ
    pool_min = _int_env(env, "DB_POOL_MIN", 1, 0, 1000)
    pool_max = _int_env(env, "DB_POOL_MAX", 10, 1, 1000)
    if pool_min > pool_max:
        raise SettingsError(f"DB_POOL_MIN={pool_min} > DB_POOL_MAX={pool_max}")
    return ServerSettings(
        host=env.get("WEB_HOST", "").strip() or "127.0.0.1",
        port=_int_env(env, "WEB_PORT", 8000, 1, 65535),
        workers=_int_env(env, "WEB_WORKERS", 1, 1, 64),
        log_format=_choice_env(env, "LOG_FORMAT", "text", LOG_FORMATS),
        log_level=_choice_env(env, "LOG_LEVEL", "info", LOG_LEVELS),
        pool_min=pool_min,
        pool_max=pool_max,
        trusted_proxies=trusted_proxies(env),
        secure_cookies=_bool_env(env, "SECURE_COOKIES", True),
    )


def min_group_size(environ: dict[str, str] | None = None) -> int:
    """MIN_GROUP_SIZE (docs/security.md, "Small groups"): default 3, at least 2."""
    env = os.environ if environ is None else environ
    return _int_env(env, "MIN_GROUP_SIZE", 3, 2, 1000)


# ---------------------------------------------------------------- single sign-on
#
# OpenID Connect (docs/security.md, "Inloggning med OpenID Connect"). Kept in a block of
# its own at the end of the file.

ENVIRONMENT_VARIABLES.update({
    "OIDC_ISSUER": "single sign-on: the identity provider's issuer URL (https://…; discovery and keys are "
    "fetched from it); unset: no single sign-on",
    "OIDC_CLIENT_ID": "single sign-on: this application's client id at the identity provider",
    "OIDC_CLIENT_SECRET": "single sign-on: the client secret (confidential client)",
    "OIDC_USERNAME_CLAIM": "single sign-on: the ID token claim that is the username (default preferred_username)",
    "OIDC_GROUPS_CLAIM": "single sign-on: the ID token claim listing the person's groups (default groups)",
    "OIDC_GROUP_ROLES": "single sign-on: group-to-role rules, e.g. 'sakerhet-admin=admin;soc-svar=respondent:SOC,UTB'; "
    "the first rule whose group the person has decides; unset: roles are set here by an administrator",
    "OIDC_SCOPES": "single sign-on: scopes asked for (default 'openid profile email')",
    "LOCAL_LOGIN": "true (default): usernames and passwords work; false: only single sign-on (and API tokens)",
    "REQUIRE_MFA_ADMIN": "true: administrators logging in with a password must use a one-time code (TOTP); "
    "default false",
})


@dataclass(frozen=True)
class GroupRule:
    group: str
    role: str
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class OidcSettings:
    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    username_claim: str = "preferred_username"
    groups_claim: str = "groups"
    group_roles: tuple[GroupRule, ...] = ()
    scopes: str = "openid profile email"
    local_login: bool = True

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)


_ROLES = ("admin", "analyst", "planner", "respondent", "auditor", "approver")
_UNIT_ROLES = ("respondent", "approver")  # bound to units (services/policy.py UNIT_BOUND_ROLES)


def _group_rules(raw: str) -> tuple[GroupRule, ...]:
    rules = []
    for part in raw.split(";"):
        part = part.strip()
        if not part:
            continue
        group, sep, target = part.partition("=")
        role, _, units = target.strip().partition(":")
        role = role.strip().lower()
        if not sep or not group.strip() or role not in _ROLES:
            raise SettingsError(
                f"OIDC_GROUP_ROLES: {part!r} ska vara grupp=roll (roll: {', '.join(_ROLES)}) / "
                f"must be group=role (role: {', '.join(_ROLES)})")
        codes = tuple(u.strip() for u in units.split(",") if u.strip())
        if role in _UNIT_ROLES and not codes:
            raise SettingsError(f"OIDC_GROUP_ROLES: {part!r}: en {role} behöver enheter, {role}:KOD,KOD / "
                                f"a {role} needs units, {role}:CODE,CODE")
        if role not in _UNIT_ROLES and codes:
            raise SettingsError(f"OIDC_GROUP_ROLES: {part!r}: bara respondenter och godkännare knyts till enheter / "
                                "only respondents and approvers are bound to units")
        rules.append(GroupRule(group.strip(), role, codes))
    return tuple(rules)


def oidc_settings(environ: dict[str, str] | None = None) -> OidcSettings:
    env = os.environ if environ is None else environ
    issuer = env.get("OIDC_ISSUER", "").strip()
    local_login = _bool_env(env, "LOCAL_LOGIN", True)
    if not issuer:
        if not local_login:
            raise SettingsError("LOCAL_LOGIN=false utan OIDC_ISSUER: ingen skulle kunna logga in / "
                                "LOCAL_LOGIN=false without OIDC_ISSUER: nobody could log in")
        return OidcSettings()
    parsed = urlparse(issuer)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
        raise SettingsError(f"OIDC_ISSUER={issuer!r}: en https://-adress krävs / an https:// URL is required")
    client_id = env.get("OIDC_CLIENT_ID", "").strip()
    if not client_id:
        raise SettingsError("OIDC_ISSUER är satt men inte OIDC_CLIENT_ID / OIDC_ISSUER is set but not OIDC_CLIENT_ID")
    return OidcSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=env.get("OIDC_CLIENT_SECRET", ""),
        username_claim=env.get("OIDC_USERNAME_CLAIM", "").strip() or "preferred_username",
        groups_claim=env.get("OIDC_GROUPS_CLAIM", "").strip() or "groups",
        group_roles=_group_rules(env.get("OIDC_GROUP_ROLES", "")),
        scopes=env.get("OIDC_SCOPES", "").strip() or "openid profile email",
        local_login=local_login,
    )


# ---------------------------------------------------------------- e-mail


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server for reminders (docs/operations.md, "E-mail reminders")."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = ""
    starttls: bool = True
    timeout: int = 20
    days_before: tuple[int, ...] = (7, 1)

    @property
    def configured(self) -> bool:
        return bool(self.host)


def smtp_settings(environ: dict[str, str] | None = None) -> SmtpSettings:
    env = os.environ if environ is None else environ
    host = env.get("SMTP_HOST", "").strip()
    sender = env.get("SMTP_FROM", "").strip()
    if host and not sender:
        raise SettingsError("SMTP_FROM saknas: avsändaradress krävs med SMTP_HOST / "
                            "SMTP_FROM is missing: a sender address is required with SMTP_HOST")
    if sender and ("@" not in sender or any(c in sender for c in "\r\n")):
        raise SettingsError(f"SMTP_FROM={sender!r}: ingen e-postadress / not an e-mail address")
    raw_days = env.get("REMINDER_DAYS_BEFORE", "").strip() or "7,1"
    days: list[int] = []
    for part in raw_days.split(","):
        part = part.strip()
        if not part.isdigit() or not 0 <= int(part) <= 365:
            raise SettingsError(f"REMINDER_DAYS_BEFORE={raw_days!r}: heltal 0–365 med komma emellan / "
                                "whole numbers 0-365 separated by commas")
        days.append(int(part))
    return SmtpSettings(
        host=host,
        port=_int_env(env, "SMTP_PORT", 587, 1, 65535),
        user=env.get("SMTP_USER", "").strip(),
        password=env.get("SMTP_PASSWORD", ""),
        sender=sender,
        starttls=_bool_env(env, "SMTP_STARTTLS", True),
        timeout=_int_env(env, "SMTP_TIMEOUT", 20, 1, 600),
        days_before=tuple(sorted(set(days), reverse=True)),
    )


# ---------------------------------------------------------------- evidence files

def evidence_dir(environ: dict[str, str] | None = None) -> Path | None:
    """The folder of SURVEY_ENGINE_EVIDENCE_DIR, or None: evidence files are kept in the
    database (docs/evidence.md, "Storage")."""
    env = os.environ if environ is None else environ
    raw = env.get("SURVEY_ENGINE_EVIDENCE_DIR", "").strip()
    return Path(raw) if raw else None
