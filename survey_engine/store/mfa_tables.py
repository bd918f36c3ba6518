"""The second factor of local accounts: a TOTP secret (RFC 6238) per user
(docs/security.md, "Tvåstegsverifiering"). Part of the auth app (store/auth_app.py)."""
from piccolo.columns import ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from survey_engine.store.auth_tables import User


class TotpSecret(Table, tablename="auth_totp"):
    """One per user. Unconfirmed (confirmed_at None) until the person has typed a code
    from their app; only a confirmed secret is asked for at login."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True, index=True)
    seed = Varchar(length=64, secret=True)  # the shared TOTP key, base32
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True, default=None)
    # The 30-second step of the last accepted code: a code is accepted once.
    last_step = Integer(default=0)
    # Wrong codes in a row; at MAX_FAILURES the second step is closed until locked_until.
    failures = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
