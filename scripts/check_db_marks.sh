#!/usr/bin/env bash
# Proof that the `db` marker is complete (docs/architecture.md, "Test suite"): every test
# NOT marked `db` passes while DATABASE_URL points at a PostgreSQL server that cannot be
# reached. A test that touched the database without the marker would fail here, and would
# be missing from the PostgreSQL pass of scripts/test.sh, which runs only `-m db`.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
# Port 9 (discard) on localhost: nothing listens there, so a connection is refused at once.
UNREACHABLE=${UNREACHABLE_PG_URL:-postgresql://nobody@127.0.0.1:9/nowhere}

echo "=== pytest -m 'not db' with DATABASE_URL=$UNREACHABLE ==="
DATABASE_URL="$UNREACHABLE" "$BIN/python" -m pytest -q -p no:cacheprovider -m "not db" "$@"
rc=$?
if [ $rc -eq 0 ]; then
    echo "OK: every test not marked db passed without a database."
else
    echo "FAILED (pytest exit $rc): a test above uses the database but is not marked db;"
    echo "give it the db fixture or add its path to DB_PATHS in tests/conftest.py."
fi
exit $rc
