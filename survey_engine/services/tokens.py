"""API tokens: made for a user, shown once, stored as a SHA-256 hash (docs/security.md)."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from survey_engine import clock
from survey_engine.errors import Invalid, InvalidCredentials, NotFound
from survey_engine.services import audit, principals
from survey_engine.services.policy import Action, Principal, Role, decide, require
from survey_engine.services.users import _text, _units_of, _user_row
from survey_engine.store.auth_tables import ApiToken
from survey_engine.store.db import writing
from survey_engine.text import Text

TOKEN_PATTERN = re.compile(r"^se_[A-Za-z0-9_-]{43}$")
TOKEN_PREFIX_LENGTH = 10  # "se_" and 7 characters of the secret: enough to tell tokens apart
# last_used_at is written at most this often per token, so that a busy script does not
# turn every read into a write.
TOKEN_TOUCH_INTERVAL = dt.timedelta(seconds=60)
DEFAULT_LIFETIME = dt.timedelta(days=90)
MAX_LIFETIME = dt.timedelta(days=365)

@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    prefix: str
    created_at: dt.datetime
    created_by: str
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > clock.now())

def _token_hash(plain: str) -> str:
    # SHA-256, not argon2: the secret is 32 random bytes (256 bits), so it cannot be
    # guessed or brute-forced from its hash, and a slow hash would only make every API
    # request slow. An unsalted hash also lets us find the token by an indexed lookup.
    return hashlib.sha256(plain.encode("ascii")).hexdigest()


def _token_info(row: dict, username: str) -> TokenInfo:
    return TokenInfo(
        id=row["id"], username=username, name=row["name"], prefix=row["prefix"], created_at=row["created_at"],
        created_by=row["created_by"], last_used_at=row["last_used_at"], expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )


def _authorize_token(actor: Principal | str, owner: str) -> None:
    if isinstance(actor, Principal):
        if actor.username == owner and decide(actor, Action.TOKEN_MANAGE_OWN):
            return
        require(actor, Action.USER_MANAGE)


async def create_token(
    actor: Principal | str, username: str, name: str, expires_in: dt.timedelta | None = None
) -> tuple[str, TokenInfo]:
    """Make an API token for `username`. Returns the plain token, to be shown once, and
    its record; only a hash of it is stored."""
    row = await _user_row(username)
    _authorize_token(actor, row["username"])
    name = _text(name, "Tokenets namn/The token name", 100)
    if not name:
        raise Invalid(Text("Ge tokenet ett namn (--name).", "Give the token a name (--name)."))
    if not row["active"]:
        raise Invalid(
            Text(f"Användaren {row['username']!r} är avstängd och kan inte få nya token.",
            f"The user {row['username']!r} is disabled and cannot get new tokens."),
        )
    # Every token expires (docs/security.md, "API tokens"): 90 days unless asked
    # otherwise, at most a year, so a forgotten or leaked token dies on its own.
    if expires_in is None:
        expires_in = DEFAULT_LIFETIME
    if expires_in <= dt.timedelta(0) or expires_in > MAX_LIFETIME:
        raise Invalid(Text(f"Giltighetstiden ska vara 1–{MAX_LIFETIME.days} dagar.",
                           f"The lifetime must be 1 to {MAX_LIFETIME.days} days."),
                      [{"field": "days", "message": f"1–{MAX_LIFETIME.days}"}])
    plain = "se_" + secrets.token_urlsafe(32)
    now = clock.now()
    async with writing():
        record = ApiToken(
            user=row["id"], name=name, token_hash=_token_hash(plain), prefix=plain[:TOKEN_PREFIX_LENGTH],
            created_at=now, created_by=audit.actor_name(actor)[:64],
            expires_at=now + expires_in if expires_in else None,
        )
        token_id = (await ApiToken.insert(record).returning(ApiToken.id))[0]["id"]
        await audit.record(
            actor, "token.create", "token", token_id,
            details={"user": row["username"], "name": name, "prefix": record.prefix,
                     "expires_at": record.expires_at.isoformat() if record.expires_at else None},
        )
        stored = await ApiToken.select().where(ApiToken.id == token_id).first()
    return plain, _token_info(stored, row["username"])


async def authenticate_token(plain: str) -> Principal:
    """The principal for a bearer token; InvalidCredentials for an unknown, revoked or
    expired token or a disabled user."""
    plain = (plain or "").strip()
    if not TOKEN_PATTERN.match(plain):
        raise InvalidCredentials(Text("Ogiltigt API-token.", "Invalid API token."))
    row = (
        await ApiToken.select(
            ApiToken.id, ApiToken.user, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at,
            ApiToken.user.username, ApiToken.user.role, ApiToken.user.active,
        )
        .where(ApiToken.token_hash == _token_hash(plain))
        .first()
    )
    now = clock.now()
    if (
        row is None
        or row["revoked_at"] is not None
        or (row["expires_at"] is not None and row["expires_at"] <= now)
        or not row["user.active"]
    ):
        raise InvalidCredentials(Text("Ogiltigt API-token.", "Invalid API token."))
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOKEN_TOUCH_INTERVAL:
        async with writing():
            await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    units = await _units_of(row["user"])
    return Principal(row["user.username"], Role(row["user.role"]), frozenset(units), "token", row["user"], row["id"])


async def revoke_token(actor: Principal | str, token_id: int) -> TokenInfo:
    """Revoke a token (idempotent). It is refused from then on; the record stays."""
    async with writing():
        row = (
            await ApiToken.select(ApiToken.all_columns(), ApiToken.user.username.as_alias("username"))
            .where(ApiToken.id == token_id)
            .first()
        )
        if row is None:
            raise NotFound(Text(f"Det finns inget token med id {token_id}.", f"There is no token with id {token_id}."))
        _authorize_token(actor, row["username"])
        if row["revoked_at"] is None:
            now = clock.now()
            await ApiToken.update({ApiToken.revoked_at: now}).where(ApiToken.id == token_id)
            principals.forget_all()  # refused at once in this process, elsewhere within the bound
            await audit.record(
                actor, "token.revoke", "token", token_id, details={"user": row["username"], "name": row["name"]}
            )
            row["revoked_at"] = now
    return _token_info(row, row["username"])


async def list_tokens(actor: Principal | str, username: str | None = None) -> list[TokenInfo]:
    """Tokens (never their secrets), newest first; of one user, or of everyone."""
    if isinstance(actor, Principal) and (username is None or username.strip().lower() != actor.username):
        require(actor, Action.USER_MANAGE)
    query = ApiToken.select(ApiToken.all_columns(), ApiToken.user.username.as_alias("username")).order_by(
        ApiToken.id, ascending=False
    )
    if username is not None:
        row = await _user_row(username)
        query = query.where(ApiToken.user == row["id"])
    return [_token_info(r, r["username"]) for r in await query]


