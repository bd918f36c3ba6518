"""Tables of single sign-on with OpenID Connect (docs/security.md, "Inloggning med
OpenID Connect"). Part of the auth app (store/auth_app.py)."""
from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from survey_engine.store.auth_tables import User


class SsoChallenge(Table, tablename="auth_sso_challenge"):
    """One login started at the identity provider and not yet finished. Deleted when
    the provider sends the person back (used once) or when it expires. Not in backups
    (store/backup.py, EXCLUDED_TABLES): it is worthless after ten minutes and holds the flow's secrets."""

    # SHA-256 of the `state` sent to the provider, and of the random value in the
    # short-lived cookie of the browser that started the login.
    state_hash = Varchar(length=64, unique=True)
    browser_hash = Varchar(length=64, secret=True)
    nonce = Varchar(length=128, secret=True)
    code_verifier = Varchar(length=128, secret=True)  # PKCE (RFC 7636)
    redirect_uri = Varchar(length=500)
    next_path = Varchar(length=500, default="/")
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)


class SsoIdentity(Table, tablename="auth_sso_identity"):
    """Which account a person of the identity provider (issuer + subject) logs in to.
    Bound at the first login, so that a later change of the username claim at the
    provider cannot move someone into another person's account."""

    # SHA-256 of "issuer\nsubject": one column to be unique on both engines.
    subject_key = Varchar(length=64, unique=True)
    issuer = Varchar(length=300)
    subject = Varchar(length=255)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)
