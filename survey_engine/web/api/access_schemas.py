"""API models of logins, tokens, users and the audit log (hand-written Pydantic)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from survey_engine.web.api.schemas import _Input as PlainTextInput

RoleName = Literal["admin", "analyst", "planner", "respondent", "auditor", "approver"]


class _Input(PlainTextInput):  # control characters refused (schemas._Input)
    pass


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LoginIn(_Input):
    username: str = Field(min_length=1, max_length=64, examples=["demo-admin"])
    password: str = Field(min_length=1, max_length=1024)
    totp: str | None = Field(None, max_length=12, description="the one-time code, for accounts with "
                             "two-step verification (else 401 with code mfa_required)")


class PasswordChangeIn(_Input):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024,
                              description="at least 12 characters, not a common password, not the username")


class PasswordChangedOut(_Model):
    detail: str
    csrf_token: str | None = Field(None, description="the new session's CSRF token (a session login only: every "
                                   "session of the account ended and this request got a new one)")


class TotpStartOut(_Model):
    secret: str = Field(description="base32 secret to type into an authenticator app")
    uri: str = Field(description="otpauth:// URI with the same secret (for a QR code)")


class TotpCodeIn(_Input):
    code: str = Field(min_length=6, max_length=12, examples=["123456"])


class MeOut(_Model):
    username: str
    display_name: str = ""
    role: RoleName
    units: list[str] = Field(description="the units a respondent is bound to (empty for other roles)")
    via: Literal["session", "token", "cli"] = Field(description="how this request was authenticated")


class LoginOut(_Model):
    csrf_token: str = Field(description="send it as X-CSRF-Token with every POST/PUT/PATCH/DELETE on this session")
    user: MeOut


class TokenIn(_Input):
    name: str = Field(min_length=1, max_length=100, examples=["rapportskript"])
    days: int | None = Field(None, ge=1, le=365, description="lifetime in days (1–365); omitted = 90")


class TokenOut(_Model):
    id: int
    username: str
    name: str
    prefix: str = Field(description="the token's first characters, to recognise it")
    created_at: dt.datetime
    created_by: str
    last_used_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    active: bool


class TokenCreatedOut(_Model):
    token: str = Field(description="the secret: shown only now, only a hash is stored")
    info: TokenOut


class UserIn(_Input):
    username: str = Field(min_length=2, max_length=64, examples=["anna.svensson"])
    role: RoleName
    password: str | None = Field(None, min_length=1, max_length=1024,
                                 description="omitted = a token-only account; at least 12 characters")
    display_name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    units: list[str] = Field(default_factory=list, max_length=500, description="respondents only: unit codes")


class RoleIn(_Input):
    role: RoleName
    units: list[str] | None = Field(None, max_length=500, description="for a respondent: the units (else kept)")


class UnitsIn(_Input):
    units: list[str] = Field(max_length=500)


class LanguageIn(_Input):
    language: Literal["sv", "en"] = Field(description="the language of the user's e-mails")


class UserOut(_Model):
    id: int
    username: str
    display_name: str
    email: str
    role: RoleName
    active: bool
    units: list[str]
    has_password: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    last_login_at: dt.datetime | None = None
    locked_until: dt.datetime | None = None
    language: Literal["sv", "en"] = Field("sv", description="the language of the user's e-mails")


class UserPage(_Model):
    items: list[UserOut]
    total: int


class AuditEventOut(_Model):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    unit: str | None = None
    details: dict[str, Any]


class AuditPage(_Model):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int
