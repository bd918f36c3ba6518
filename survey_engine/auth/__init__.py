"""Users, roles, sessions, API tokens, the audit log and login throttling (issue 5).

Pure parts: `roles` (the permission policy), `passwords` (hashing and policy).
Database parts: `service` (users, logins, tokens), `audit`, `sessions` (Litestar store),
`demo` (demo logins). Web: `web` (middleware, guards, error handlers). See docs/security.md.
"""
