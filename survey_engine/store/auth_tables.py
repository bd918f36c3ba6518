"""Tables of the auth layer. Keep migrations to add-table / add-column (SQLite cannot
alter columns).

Every timestamp is written as an aware UTC datetime; on SQLite, Piccolo stores them as
text in one UTC format, so comparisons in WHERE clauses order correctly on both engines.
"""
from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class User(Table, tablename="auth_user"):
    """A person (or a script's account) who signs in. Users are disabled, never deleted,
    so that the audit log's actors always name someone who existed."""

    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=200, default="")
    email = Varchar(length=254, default="")
    # Empty when the account can only use API tokens (no password login).
    password_hash = Varchar(length=255, default="", secret=True)
    role = Varchar(length=20)
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # Consecutive failed password logins since the last success, and the end of the
    # current lock (None when not locked); see auth.service.authenticate.
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    last_login_at = Timestamptz(null=True, default=None)
    # Sessions that began before this moment are refused: set when the password, the
    # role or the active flag changes, and by "log out everywhere" (docs/security.md).
    credentials_changed_at = Timestamptz(null=True, default=None)
    # The language of the e-mails the user gets (sv | en; docs/sign-off.md, docs/operations.md).
    language = Varchar(length=5, default="sv")


class UserUnit(Table, tablename="auth_user_unit"):
    """Binds a user (in practice a respondent) to a unit (förvaltning, bolag …).

    The unit is stored as its short code, a plain column, not a foreign key: the units
    table belongs to the survey app (survey_engine.store), whose migrations another
    part of the code owns and which may not even have a units table yet. A foreign key
    across the two apps would tie their migration orders together. Unit codes are
    stable identifiers (they appear in URLs and exports), and the service that binds a
    user checks the code against the units it knows when that wiring exists.
    """

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    unit_code = Varchar(length=64, index=True)


class SessionRecord(Table, tablename="auth_session"):
    """Server-side session data (Litestar's session middleware) shared by all workers."""

    # "<namespace>:<SHA-256 of the session id>", unique (the id itself, a live credential,
    # is never stored: web/session_store.py); the namespace alone is kept for bulk deletes.
    key = Varchar(length=300, unique=True)
    namespace = Varchar(length=100, index=True)
    data = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)


class ApiToken(Table, tablename="auth_api_token"):
    """A bearer token for scripts. Only its SHA-256 is stored; the plain token is shown
    once when it is made."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True, secret=True)
    prefix = Varchar(length=16)  # the first characters, to recognise a token in lists
    created_at = Timestamptz()
    created_by = Varchar(length=64, default="")
    last_used_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class AuditEvent(Table, tablename="auth_audit_event"):
    """Append-only log of state-changing actions. Code only inserts into this table
    (survey_engine.services.audit offers no update or delete)."""

    at = Timestamptz(index=True)
    actor = Varchar(length=150, index=True)
    action = Varchar(length=64, index=True)
    object_type = Varchar(length=64, default="")
    object_id = Varchar(length=200, default="")
    unit = Varchar(length=64, null=True, default=None, index=True)
    details = JSON(default="{}")
    # The hash chain (store/audit_chain.py): the previous event's hash, and this one's.
    prev_hash = Varchar(length=64, default="")
    hash = Varchar(length=64, default="")


class LoginAttempt(Table, tablename="auth_login_attempt"):
    """One password login attempt, kept for throttling per account and per address."""

    at = Timestamptz(index=True)
    username = Varchar(length=64, index=True)  # as typed (lower-cased), even if unknown
    address = Varchar(length=64, null=True, default=None, index=True)
    success = Boolean(default=False)
    # Why it failed: "password", "unknown_user", "locked", "disabled", "address".
    reason = Varchar(length=20, default="")
