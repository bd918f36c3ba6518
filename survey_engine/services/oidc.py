"""Single sign-on with OpenID Connect: the authorization code flow with PKCE, `state`
and `nonce`, the ID token's signature checked against the provider's published keys
and its claims (iss, aud, exp, iat, nonce, azp, at_hash) validated. The rules are in
docs/security.md, "Inloggning med OpenID Connect".

Authlib builds the OAuth 2.0 requests (the authorization URL, the S256 PKCE challenge,
the token request) and checks the claims (`authlib.oidc.core.CodeIDToken`); joserfc,
Authlib's own JOSE library, verifies the signature; httpx sends the requests (Authlib's
httpx client is deprecated in favour of a package we do not use). Nothing here parses a
JWT by hand.

The flow:
1. `begin()` makes a challenge (random state, nonce, PKCE verifier and a browser value),
   stores it (table auth_sso_challenge, SHA-256 of state and browser value) and returns
   the provider's authorization URL and the browser value, which the web layer puts in
   a short-lived cookie.
2. The provider sends the person back with `code` and `state`; `complete()` takes the
   challenge out of the table (once: a replayed state finds nothing), checks that the
   same browser came back, exchanges the code (with the verifier), validates the ID
   token and returns the principal of the matching account.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from survey_engine import clock
from survey_engine.errors import SsoFailed, SsoNotConfigured, SsoUnavailable
from survey_engine.services import audit
from survey_engine.services.policy import Principal, Role
from survey_engine.services import users
from survey_engine.services.users import _units_of, normalize_username
from survey_engine.settings import OidcSettings, oidc_settings
from survey_engine.store.auth_tables import User, UserUnit
from survey_engine.store.db import engine, writing
from survey_engine.store.sso_tables import SsoChallenge, SsoIdentity
from survey_engine.text import Text

log = logging.getLogger(__name__)

CHALLENGE_LIFETIME = dt.timedelta(minutes=10)
# Unfinished logins held at once; more means someone is filling the table on purpose
# (starting a login needs no account), so new ones wait until old ones expire.
MAX_PENDING = 10_000
# Clock difference allowed between this server and the provider for exp/iat/nbf.
LEEWAY_SECONDS = 60
HTTP_TIMEOUT = 10.0
METADATA_MAX_AGE = 3600.0  # seconds; keys are fetched again at once for an unknown key id
# Asymmetric signatures only: "none" and the HMAC family (keyed with the client secret)
# are never accepted for an ID token here.
_ALLOWED_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


def settings() -> OidcSettings:
    return oidc_settings()


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _refused(sv: str, en: str, reason: str) -> SsoFailed:
    return SsoFailed(Text(sv, en), reason=reason)


# ---------------------------------------------------------------- provider metadata


@dataclass
class _Provider:
    metadata: dict[str, Any]
    fetched: float
    jwks: dict[str, Any] | None = None
    jwks_fetched: float = 0.0


_providers: dict[str, _Provider] = {}
_lock = asyncio.Lock()


def forget_provider_metadata() -> None:
    """Drop the cached discovery documents and keys (tests; a provider that moved)."""
    _providers.clear()


async def _get_json(url: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("oidc: cannot read %s: %s", url, exc)
        raise SsoUnavailable(Text(
            "Organisationens inloggningstjänst svarar inte. Försök igen om en stund eller kontakta en administratör.",
            "The organisation's login service does not answer. Try again later or contact an administrator.",
        )) from exc
    if not isinstance(body, dict):
        raise SsoUnavailable(Text("Inloggningstjänsten svarade med något oväntat.",
                                  "The login service answered with something unexpected."))
    return body


async def _provider(conf: OidcSettings) -> _Provider:
    async with _lock:
        cached = _providers.get(conf.issuer)
        if cached and time.monotonic() - cached.fetched < METADATA_MAX_AGE:
            return cached
        metadata = await _get_json(conf.issuer.rstrip("/") + "/.well-known/openid-configuration")
        # The document must be the issuer's own (OpenID Connect Discovery 1.0, 4.3).
        if metadata.get("issuer") != conf.issuer:
            log.error("oidc: discovery names issuer %r, configured %r", metadata.get("issuer"), conf.issuer)
            raise SsoUnavailable(Text(
                "Inloggningstjänsten uppger ett annat namn (issuer) än det som är inställt (OIDC_ISSUER).",
                "The login service gives another issuer than the configured one (OIDC_ISSUER).",
            ))
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(key), str):
                raise SsoUnavailable(Text(f"Inloggningstjänstens beskrivning saknar {key}.",
                                          f"The login service's metadata has no {key}."))
        provider = _Provider(metadata, time.monotonic())
        _providers[conf.issuer] = provider
        return provider


async def _keys(provider: _Provider, refresh: bool = False) -> KeySet:
    if refresh or provider.jwks is None or time.monotonic() - provider.jwks_fetched > METADATA_MAX_AGE:
        provider.jwks = await _get_json(provider.metadata["jwks_uri"])
        provider.jwks_fetched = time.monotonic()
    try:
        return KeySet.import_key_set(provider.jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise SsoUnavailable(Text("Inloggningstjänstens nycklar går inte att läsa.",
                                  "The login service's keys cannot be read.")) from exc


async def _exchange_code(conf: OidcSettings, provider: _Provider, code: str, verifier: str,
                         redirect_uri: str) -> dict[str, Any]:
    """The token endpoint's answer for `code` (RFC 6749 4.1.3, RFC 7636 4.5): client
    authentication with HTTP Basic when there is a client secret."""
    body = prepare_token_request("authorization_code", code=code, redirect_uri=redirect_uri,
                                 code_verifier=verifier, **({} if conf.client_secret else {"client_id": conf.client_id}))
    auth = httpx.BasicAuth(conf.client_id, conf.client_secret) if conf.client_secret else None
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False) as client:
            response = await client.post(
                provider.metadata["token_endpoint"], content=body, auth=auth,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            )
    except httpx.HTTPError as exc:
        log.warning("oidc: token endpoint unreachable: %s", exc)
        raise SsoUnavailable(Text("Organisationens inloggningstjänst svarar inte. Försök igen om en stund.",
                                  "The organisation's login service does not answer. Try again later.")) from exc
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code != 200 or not isinstance(answer, dict) or "error" in answer:
        log.warning("oidc: code exchange refused: %s %s", response.status_code, response.text[:300])
        raise _refused("Inloggningstjänsten godtog inte inloggningen. Börja om från inloggningssidan.",
                       "The login service did not accept the login. Start again from the login page.",
                       "code_refused")
    return answer


# ---------------------------------------------------------------- the flow


@dataclass(frozen=True)
class Started:
    authorization_url: str
    browser_value: str  # for the short-lived cookie of the browser that started the login
    state: str


async def begin(redirect_uri: str, next_path: str = "/", conf: OidcSettings | None = None) -> Started:
    """Start a login: store a challenge and give the provider's authorization URL."""
    conf = conf or settings()
    if not conf.enabled:
        raise SsoNotConfigured(Text("Inloggning med organisationens konto är inte inställd här.",
                                  "Single sign-on is not configured here."))
    provider = await _provider(conf)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, browser = secrets.token_urlsafe(64), secrets.token_urlsafe(32)
    url = prepare_grant_uri(
        provider.metadata["authorization_endpoint"], conf.client_id, "code", redirect_uri=redirect_uri,
        scope=conf.scopes, state=state, nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256",
    )
    now = clock.now()
    async with writing():
        # Old unfinished logins go as new ones come (nobody else prunes this table).
        await SsoChallenge.delete().where(SsoChallenge.expires_at < now)
        if await SsoChallenge.count() >= MAX_PENDING:
            log.warning("oidc: %d unfinished logins; refusing new ones until some expire", MAX_PENDING)
            raise SsoUnavailable(Text("För många påbörjade inloggningar just nu. Försök igen om några minuter.",
                                      "Too many logins in progress right now. Try again in a few minutes."))
        await SsoChallenge.insert(SsoChallenge(
            state_hash=_sha256(state), browser_hash=_sha256(browser), nonce=nonce, code_verifier=verifier,
            redirect_uri=redirect_uri[:500], next_path=(next_path or "/")[:500], created_at=now,
            expires_at=now + CHALLENGE_LIFETIME,
        ))
    return Started(url, browser, state)


@dataclass(frozen=True)
class Completed:
    principal: Principal
    next_path: str
    claims: dict[str, Any] = field(default_factory=dict)


async def _take_challenge(state: str) -> dict | None:
    """The challenge of `state`, deleted in the same transaction: a second use of the
    same state (a replay, a double submit) finds nothing."""
    async with writing():
        query = SsoChallenge.select().where(SsoChallenge.state_hash == _sha256(state))
        if engine().engine_type == "postgres":
            query = query.lock_rows("UPDATE")
        row = await query.first()
        if row is not None:
            await SsoChallenge.delete().where(SsoChallenge.id == row["id"])
    return row


async def complete(state: str, code: str, browser_value: str, error: str = "", iss: str = "",
                   conf: OidcSettings | None = None) -> Completed:
    """Finish a login the provider sent back. Raises SsoFailed (401) for anything that
    must not log someone in, SsoUnavailable (503) when the provider cannot be reached."""
    conf = conf or settings()
    if not conf.enabled:
        raise SsoNotConfigured(Text("Inloggning med organisationens konto är inte inställd här.",
                                  "Single sign-on is not configured here."))
    if not state or len(state) > 200:
        raise _refused("Svaret från inloggningstjänsten saknar giltigt state. Börja om inloggningen.",
                       "The login service's answer has no valid state. Start the login again.", "state_missing")
    row = await _take_challenge(state)
    if row is None or row["expires_at"] <= clock.now():
        await audit.record("-", "login.sso_failed", "sso", "", details={"reason": "state_unknown_or_used"})
        raise _refused(
            "Inloggningen är okänd, redan använd eller för gammal. Börja om från inloggningssidan.",
            "The login is unknown, already used or too old. Start again from the login page.", "state_unknown",
        )
    if not browser_value or not hmac.compare_digest(_sha256(browser_value), row["browser_hash"]):
        await audit.record("-", "login.sso_failed", "sso", "", details={"reason": "other_browser"})
        raise _refused(
            "Inloggningen startades i en annan webbläsare. Börja om från inloggningssidan i den här.",
            "The login was started in another browser. Start again from the login page in this one.",
            "browser_mismatch",
        )
    if iss and iss != conf.issuer:
        # RFC 9207: the answer names the provider that sent it; another one is a mix-up attack.
        await audit.record("-", "login.sso_failed", "sso", "", details={"reason": "iss_parameter"})
        raise _refused("Svaret kommer från en annan inloggningstjänst än den inställda; inloggningen avbröts.",
                       "The answer comes from another login service than the configured one; the login was stopped.",
                       "iss_mismatch")
    if error:
        raise _refused(f"Inloggningstjänsten avbröt inloggningen ({error[:100]}).",
                       f"The login service stopped the login ({error[:100]}).", "provider_error")
    if not code or len(code) > 2000:
        raise _refused("Svaret från inloggningstjänsten saknar kod. Börja om inloggningen.",
                       "The login service's answer has no code. Start the login again.", "code_missing")
    provider = await _provider(conf)
    token = await _exchange_code(conf, provider, code, row["code_verifier"], row["redirect_uri"])
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str):
        raise _refused("Inloggningstjänsten skickade ingen ID-token.", "The login service sent no ID token.",
                       "no_id_token")
    claims = await _validated_claims(conf, provider, id_token, row["nonce"], token.get("access_token"))
    if conf.username_claim not in claims or (conf.group_roles and conf.groups_claim not in claims):
        claims = await _with_userinfo(provider, claims, token.get("access_token"))
    principal = await _account_for(conf, claims)
    return Completed(principal, row["next_path"] or "/", dict(claims))


async def _validated_claims(conf: OidcSettings, provider: _Provider, id_token: str, nonce: str,
                            access_token: str | None) -> dict[str, Any]:
    algs = [a for a in provider.metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
            if a in _ALLOWED_ALGS] or ["RS256"]
    decoded = None
    for refresh in (False, True):  # keys rotate: on failure read them once more
        keys = await _keys(provider, refresh=refresh)
        try:
            decoded = jwt.decode(id_token, keys, algorithms=algs)
            break
        except (JoseError, ValueError) as exc:
            last = exc
    if decoded is None:
        log.warning("oidc: ID token signature refused: %s", last)
        await audit.record("-", "login.sso_failed", "sso", "", details={"reason": "signature"})
        raise _refused("ID-token från inloggningstjänsten har ingen giltig signatur; inloggningen avbröts.",
                       "The ID token from the login service has no valid signature; the login was stopped.",
                       "bad_signature")
    claims = CodeIDToken(
        decoded.claims, decoded.header,
        options={"iss": {"essential": True, "value": conf.issuer},
                 "aud": {"essential": True, "value": conf.client_id},
                 "sub": {"essential": True}},
        params={"nonce": nonce, "client_id": conf.client_id, "access_token": access_token},
    )
    try:
        claims.validate(now=int(clock.now().timestamp()), leeway=LEEWAY_SECONDS)
    except JoseError as exc:
        name = getattr(exc, "claim", "") or getattr(exc, "error", "") or type(exc).__name__
        log.warning("oidc: ID token claims refused: %s", exc)
        await audit.record("-", "login.sso_failed", "sso", str(decoded.claims.get("sub", ""))[:200],
                           details={"reason": "claims", "claim": str(name)[:50]})
        raise _refused(
            f"ID-token från inloggningstjänsten godtas inte ({name}: {exc.description or exc}); inloggningen avbröts.",
            f"The ID token from the login service is not accepted ({name}: {exc.description or exc}); "
            "the login was stopped.", "bad_claims",
        ) from exc
    return dict(claims)


async def _with_userinfo(provider: _Provider, claims: dict[str, Any], access_token: Any) -> dict[str, Any]:
    """Claims the ID token left out (many providers give the username and groups only at
    the UserInfo endpoint), added from there. Only for the same subject (OpenID Connect
    Core 5.3.2); the ID token's own claims win."""
    endpoint = provider.metadata.get("userinfo_endpoint")
    if not isinstance(endpoint, str) or not isinstance(access_token, str):
        return claims
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False) as client:
            response = await client.get(endpoint, headers={"Authorization": f"Bearer {access_token}",
                                                           "Accept": "application/json"})
        info = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("oidc: userinfo unreachable: %s", exc)
        info = None
    if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
        if info is not None:
            log.warning("oidc: userinfo for another subject or unreadable; ignored")
        return claims
    return {**info, **claims}


# ---------------------------------------------------------------- accounts


def _rule_for(conf: OidcSettings, claims: dict[str, Any]):
    groups = claims.get(conf.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    names = {str(g) for g in groups} if isinstance(groups, list) else set()
    for rule in conf.group_roles:
        if rule.group in names:
            return rule
    return None


async def _account_for(conf: OidcSettings, claims: dict[str, Any]) -> Principal:
    """The account the validated `claims` log in to (docs/security.md): bound to the
    provider's subject at the first login; created or given its role by the group rules
    when there are any; else it must already exist here."""
    raw_name = claims.get(conf.username_claim)
    try:
        username = normalize_username(str(raw_name)) if isinstance(raw_name, str) else None
    except Exception:  # not a username this system accepts (characters, length)
        username = None
    if not username:
        await audit.record("-", "login.sso_failed", "sso", str(claims.get("sub"))[:200],
                           details={"reason": "username_claim", "claim": conf.username_claim})
        raise _refused(
            f"Inloggningstjänsten skickade inget användbart användarnamn ({conf.username_claim}). "
            "Kontakta en administratör.",
            f"The login service sent no usable username ({conf.username_claim}). Contact an administrator.",
            "username_claim")
    subject = str(claims["sub"])
    key = _sha256(f"{conf.issuer}\n{subject}")
    rule = _rule_for(conf, claims)
    now = clock.now()
    async with writing():
        identity = await SsoIdentity.select().where(SsoIdentity.subject_key == key).first()
        row = await User.select().where(User.username == username).first()
        if identity is not None and (row is None or row["id"] != identity["user"]):
            await audit.record(username, "login.sso_failed", "user", username,
                               details={"reason": "username_moved", "subject": subject[:200]})
            raise _refused("Kontot hos inloggningstjänsten hör till en annan användare här. Kontakta en administratör.",
                           "The account at the login service belongs to another user here. Contact an administrator.",
                           "username_moved")
        if row is not None and identity is None:
            bound = await SsoIdentity.count().where(SsoIdentity.user == row["id"])
            if bound:  # the username is already bound to another person of the provider
                await audit.record(username, "login.sso_failed", "user", username,
                                   details={"reason": "bound_to_other_subject"})
                raise _refused("Användarnamnet hör redan till en annan person hos inloggningstjänsten.",
                               "The username already belongs to another person at the login service.",
                               "bound_to_other_subject")
        if row is None and rule is None:
            await audit.record(username, "login.sso_failed", "user", username, details={"reason": "no_account"})
            raise _refused(
                "Du har inget konto här ännu. Be en administratör lägga upp det (samma användarnamn som i "
                "organisationens konto) eller ge dig rätt grupp.",
                "You have no account here yet. Ask an administrator to create it (the same username as in your "
                "organisation's account) or to give you the right group.", "no_account")
        if row is not None and not row["active"]:
            await audit.record(username, "login.sso_failed", "user", username, details={"reason": "disabled"})
            raise _refused("Kontot är avstängt. Kontakta en administratör.",
                           "The account is disabled. Contact an administrator.", "disabled")
        display = str(claims.get("name") or "")[:200]
        email = str(claims.get("email") or "")[:254]
        if row is None:
            await User.insert(User(username=username, display_name=display, email=email, password_hash="",
                                   role=rule.role, active=True, created_at=now, updated_at=now))
            row = await User.select().where(User.username == username).first()
            await audit.record(f"sso:{conf.issuer}"[:150], "user.create", "user", username,
                               details={"role": rule.role, "units": list(rule.units), "via": "sso", "group": rule.group})
        elif rule is not None and row["role"] != rule.role:
            await User.update({User.role: rule.role, User.updated_at: now}).where(User.id == row["id"])
            # A role change ends the account's other sessions, as when an administrator makes it.
            await users._end_credentials(row["id"], tokens=False)
            await audit.record(f"sso:{conf.issuer}"[:150], "user.set_role", "user", username,
                               details={"from": row["role"], "to": rule.role, "via": "sso", "group": rule.group})
        if rule is not None:
            old_units = tuple(sorted(await _units_of(row["id"])))
            if old_units != tuple(sorted(rule.units)):
                await UserUnit.delete().where(UserUnit.user == row["id"])
                for code in rule.units:
                    await UserUnit.insert(UserUnit(user=row["id"], unit_code=code))
                await audit.record(f"sso:{conf.issuer}"[:150], "user.set_units", "user", username,
                                   details={"from": list(old_units), "to": list(rule.units), "via": "sso"})
        if identity is None:
            await SsoIdentity.insert(SsoIdentity(subject_key=key, issuer=conf.issuer[:300], subject=subject[:255],
                                                 user=row["id"], created_at=now, last_login_at=now))
        else:
            await SsoIdentity.update({SsoIdentity.last_login_at: now}).where(SsoIdentity.id == identity["id"])
        await User.update({User.last_login_at: now}).where(User.id == row["id"])
        await audit.record(username, "login.sso", "user", username, details={"issuer": conf.issuer})
    fresh = await User.select().where(User.id == row["id"]).first()
    return Principal(username, Role(fresh["role"]), frozenset(await _units_of(row["id"])), "session", row["id"])


async def check(conf: OidcSettings | None = None) -> dict[str, Any]:
    """What an operator wants to know before people log in (`survey-engine sso check`):
    the provider answers discovery for the configured issuer and publishes keys.
    Raises SsoUnavailable with the reason otherwise."""
    conf = conf or settings()
    if not conf.enabled:
        raise SsoUnavailable(Text("OIDC_ISSUER är inte satt: ingen inloggning med organisationens konto.",
                                  "OIDC_ISSUER is not set: no single sign-on."))
    forget_provider_metadata()
    provider = await _provider(conf)
    keys = await _keys(provider, refresh=True)
    return {
        "issuer": conf.issuer,
        "client_id": conf.client_id,
        "authorization_endpoint": provider.metadata["authorization_endpoint"],
        "token_endpoint": provider.metadata["token_endpoint"],
        "keys": len(keys.keys),
        "pkce_s256": "S256" in (provider.metadata.get("code_challenge_methods_supported") or []),
        "local_login": conf.local_login,
        "group_rules": len(conf.group_roles),
    }
