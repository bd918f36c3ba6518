"""A portable copy of the whole database (`survey-engine backup FILE` and
`survey-engine restore FILE` are the commands).

The backup is JSON lines (UTF-8), readable by any tool and independent of the
database engine, so an SQLite installation can move to PostgreSQL and back:
    {"format": "survey-engine-backup", "format_version": 1, "created_at": …, "source": "sqlite",
     "app_version": …, "migrations": {"survey_engine": [ids…], "auth": [ids…]},
     "tables": [{"name": "unit", "columns": ["id", "code", …]}, …]}     <- header
    {"t": "unit", "r": [1, "MALMO", …]}                                  <- one line per row
    …
    {"end": true, "rows": {"unit": 15, …}}                               <- trailer

Every table of every Piccolo app in the registry is written, parents before children
(foreign keys), rows in primary-key order, ids kept. Timestamps and dates are ISO 8601
text, binary columns base64, JSON columns their JSON text. A file without its trailer
(a backup that was cut short) is refused by restore.

Integrity (docs/security.md, "Backups"): the trailer also holds the SHA-256 of the
header line and of each table's row lines, and an HMAC-SHA256 signature over them
with the key of BACKUP_SIGNING_KEY; restore recomputes every digest and checks the
signature before touching the database, so a changed, added or deleted row (a
respondent made admin, a history row removed, counts fixed) is refused. Sessions
(`auth_session`) are never written: a backup must not hold live credentials.

Evidence files (docs/evidence.md, "Backup") are always in the backup with their bytes,
in the `content` column of `evidence_file`, also when this installation keeps them in a
folder (SURVEY_ENGINE_EVIDENCE_DIR): the backup reads each folder file, checks its
SHA-256 and refuses to finish without it. Restore puts the bytes where the target keeps
them (its folder, written completely before the rows, or the database). Tables with
binary columns are read a few rows at a time.

Restore migrates the target database, refuses one that already holds data unless
--force (which empties every table first), inserts every row in one transaction and,
on PostgreSQL, moves each id sequence past the highest id restored. After a --force
restore has committed (never before), the evidence folder's files that no restored row
refers to, and that are older than the restore, are removed (`evidence_blobs.sweep`):
the replaced database's files do not stay behind.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import hmac
import json
import logging
import os
import time
import uuid
from typing import IO, Any, Iterator

from survey_engine.store.db import known_migrations
from survey_engine import __version__
from survey_engine.store.db import engine, write_transaction
from survey_engine.store import evidence_blobs
from survey_engine.store.evidence_tables import EvidenceFile
from survey_engine.settings import evidence_dir

log = logging.getLogger("survey_engine.backup")

FORMAT = "survey-engine-backup"
FORMAT_VERSION = 1
PAGE = 2000
BINARY_PAGE = 4  # rows per read of a table with a binary column (evidence files: up to 10 MB each)
EVIDENCE_TABLE = "evidence_file"
# Never in a backup: session ids and CSRF tokens are live credentials (a backup
# that held them let whoever read it log in as the people with a session).
# auth_sso_challenge: unfinished single sign-on logins, short-lived secrets (store/sso_tables.py).
EXCLUDED_TABLES = frozenset({"auth_session", "auth_sso_challenge"})
KEY_VARIABLE = "BACKUP_SIGNING_KEY"
MIN_KEY_LENGTH = 32


class BackupError(Exception):
    """A backup file that cannot be restored here; the message says why and what to do."""


def signing_key(environ: dict[str, str] | None = None) -> bytes:
    """The HMAC key of backups, from BACKUP_SIGNING_KEY (at least 32 characters)."""
    env = os.environ if environ is None else environ
    key = env.get(KEY_VARIABLE, "")
    if len(key) < MIN_KEY_LENGTH:
        raise BackupError(
            f"{KEY_VARIABLE} saknas eller är kortare än {MIN_KEY_LENGTH} tecken: sätt en slumpad nyckel (t.ex. "
            f"`openssl rand -hex 32`) och förvara den skild från säkerhetskopiorna / {KEY_VARIABLE} is missing or "
            f"shorter than {MIN_KEY_LENGTH} characters: set a random key (e.g. `openssl rand -hex 32`) and keep "
            "it apart from the backups")
    return key.encode("utf-8")


def _signed_part(trailer: dict) -> bytes:
    return json.dumps({"header_sha256": trailer.get("header_sha256"), "rows": trailer.get("rows"),
                       "digests": trailer.get("digests")}, sort_keys=True).encode("utf-8")


def _signature(key: bytes, trailer: dict) -> str:
    return hmac.new(key, _signed_part(trailer), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- tables and values

def ordered_tables() -> list:
    """Every table of every app in the Piccolo registry, parents before children."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    return sort_table_classes(Finder().get_table_classes())


def backed_up_tables() -> list:
    """The tables a backup holds: all but EXCLUDED_TABLES."""
    return [t for t in ordered_tables() if t._meta.tablename not in EXCLUDED_TABLES]


def _kind(column) -> str:
    return type(column).__name__


def encode(column, value: Any) -> Any:
    """A column value as JSON-safe data (the inverse of `decode`)."""
    if value is None:
        return None
    kind = _kind(column)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if kind in ("JSON", "JSONB") and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


def decode(column, value: Any) -> Any:
    if value is None:
        return None
    kind = _kind(column)
    if kind in ("Timestamptz", "Timestamp"):
        parsed = dt.datetime.fromisoformat(value)
        if kind == "Timestamptz" and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed
    if kind == "Date":
        return dt.date.fromisoformat(value)
    if kind == "Time":
        return dt.time.fromisoformat(value)
    if kind == "Interval":
        return dt.timedelta(seconds=value)
    if kind == "Bytea":
        return base64.b64decode(value)
    if kind in ("Numeric", "Decimal"):
        return decimal.Decimal(value)
    if kind == "UUID":
        return uuid.UUID(value)
    if kind == "Boolean":
        return bool(value)
    return value


def _pk(table):
    return table._meta.primary_key


# ---------------------------------------------------------------- backup

async def applied_migrations() -> dict[str, list[str]]:
    from piccolo.apps.migrations.tables import Migration

    out: dict[str, list[str]] = {}
    if await Migration.table_exists():
        for row in await Migration.select(Migration.app_name, Migration.name).order_by(Migration.name):
            out.setdefault(row["app_name"], []).append(row["name"])
    return out


async def write_backup(out: IO[str], key: bytes | None = None) -> dict[str, int]:
    """Write the whole database to `out` as backup lines; returns rows per table.
    Runs in one transaction on PostgreSQL (REPEATABLE READ snapshot), in a read
    transaction on SQLite, so the copy is consistent while the app keeps running.
    `key` signs the digests (default: BACKUP_SIGNING_KEY)."""

    key = signing_key() if key is None else key
    db = engine()
    tables = backed_up_tables()
    header = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "source": db.engine_type, "app_version": __version__,
        "migrations": await applied_migrations(),
        "tables": [{"name": t._meta.tablename, "columns": [c._meta.name for c in t._meta.columns]} for t in tables],
    }
    counts: dict[str, int] = {}
    digests = {t._meta.tablename: hashlib.sha256() for t in tables}
    line = json.dumps(header, ensure_ascii=False)
    header_sha256 = hashlib.sha256(line.encode("utf-8")).hexdigest()
    out.write(line + "\n")
    async with db.transaction():
        if db.engine_type == "postgres":
            # the first statement of the transaction: every table is read from one snapshot
            await tables[0].raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for table in tables:
            columns = table._meta.columns
            pk = _pk(table)
            name = table._meta.tablename
            counts[name] = 0
            last = None
            page = BINARY_PAGE if any(_kind(c) == "Bytea" for c in columns) else PAGE
            while True:
                query = table.select(*columns).order_by(pk).limit(page)
                if last is not None:
                    query = query.where(pk > last)
                rows = await query
                for row in rows:
                    if name == EVIDENCE_TABLE:
                        row = _evidence_out(row)
                    values = [encode(c, row[c._meta.name]) for c in columns]
                    line = json.dumps({"t": name, "r": values}, ensure_ascii=False)
                    digests[name].update(line.encode("utf-8") + b"\n")
                    out.write(line + "\n")
                counts[name] += len(rows)
                if len(rows) < page:
                    break
                last = rows[-1][pk._meta.name]
    trailer = {"end": True, "rows": counts, "header_sha256": header_sha256,
               "digests": {name: d.hexdigest() for name, d in digests.items()}}
    trailer["signature"] = _signature(key, trailer)
    out.write(json.dumps(trailer) + "\n")
    return counts


# ---------------------------------------------------------------- evidence files

def _evidence_out(row: dict) -> dict:
    """An evidence row with its bytes: a folder file is read into `content` and checked."""
    if row.get("storage") != "dir":
        return row
    folder = evidence_dir()
    try:
        if folder is None:
            raise evidence_blobs.BlobError("SURVEY_ENGINE_EVIDENCE_DIR is not set")
        data = evidence_blobs.read(folder, row["blob_key"])
    except evidence_blobs.BlobError as exc:
        raise BackupError(f"evidence file {row['id']} ({row.get('name')}): its file cannot be read ({exc}); set "
                          "SURVEY_ENGINE_EVIDENCE_DIR to the folder of the files / filen kan inte läsas") from None
    if hashlib.sha256(data).hexdigest() != row.get("sha256"):
        raise BackupError(f"evidence file {row['id']} ({row.get('name')}): the file does not match its SHA-256 / "
                          "filen stämmer inte med sin kontrollsumma")
    return {**row, "content": data}


def _evidence_in(names: list[str], data: list[list], written: list[str]) -> list[list]:
    """Restored evidence rows, their bytes checked against the SHA-256 and kept where
    this installation keeps them: the database, or (SURVEY_ENGINE_EVIDENCE_DIR) the
    folder, each file written completely (its key appended to `written`)."""
    at = {n: names.index(n) for n in ("id", "content", "sha256", "storage", "blob_key") if n in names}
    if "content" not in at:
        return data
    folder = evidence_dir()
    out = []
    for values in data:
        values = list(values)
        content = base64.b64decode(values[at["content"]]) if values[at["content"]] is not None else None
        if content is None or hashlib.sha256(content).hexdigest() != values[at["sha256"]]:
            raise BackupError(f"evidence file {values[at['id']]}: its bytes are missing or do not match its SHA-256 "
                              "/ filens innehåll saknas eller stämmer inte med kontrollsumman")
        if folder is not None:
            key = evidence_blobs.new_key()
            evidence_blobs.write(folder, key, content)
            written.append(key)
            values[at["storage"]], values[at["blob_key"]], values[at["content"]] = "dir", key, None
        else:
            values[at["storage"]], values[at["blob_key"]] = "db", ""
        out.append(values)
    return out


# ---------------------------------------------------------------- restore

def read_backup(lines: Iterator[str], source: str = "<backup>",
                key: bytes | None = None) -> tuple[dict, dict[str, list[list]]]:
    """Parse and check a backup: (header, rows per table). BackupError on anything
    that is not a complete backup of this format, or whose digests or signature (made
    with `key`, default BACKUP_SIGNING_KEY) do not match."""
    key = signing_key() if key is None else key
    digests: dict[str, Any] = {}
    header_sha256 = None
    header = None
    rows: dict[str, list[list]] = {}
    trailer = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if trailer is not None:
            raise BackupError(f"{source}:{number}: data after the end line / data efter slutraden")
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BackupError(f"{source}:{number}: not JSON ({exc.msg}) / inte JSON") from None
        if header is None:
            if not isinstance(item, dict) or item.get("format") != FORMAT:
                raise BackupError(f"{source}:1: not a survey-engine backup (no \"format\": \"{FORMAT}\") / "
                                  "inte en säkerhetskopia från survey-engine")
            if item.get("format_version") != FORMAT_VERSION:
                raise BackupError(f"{source}:1: format_version {item.get('format_version')!r} is not supported "
                                  f"(this version reads {FORMAT_VERSION}) / formatversionen stöds inte")
            header = item
            header_sha256 = hashlib.sha256(line.rstrip("\r\n").encode("utf-8")).hexdigest()
            columns = {t["name"]: len(t["columns"]) for t in header["tables"]}
            digests = {name: hashlib.sha256() for name in columns}
            rows = {name: [] for name in columns}
            continue
        if isinstance(item, dict) and item.get("end") is True:
            trailer = item
            continue
        if not isinstance(item, dict) or item.get("t") not in rows or not isinstance(item.get("r"), list):
            raise BackupError(f"{source}:{number}: expected {{\"t\": table, \"r\": [values]}} of a table in the header")
        if len(item["r"]) != columns[item["t"]]:
            raise BackupError(f"{source}:{number}: {len(item['r'])} values, table {item['t']} has "
                              f"{columns[item['t']]} columns in the header")
        rows[item["t"]].append(item["r"])
        digests[item["t"]].update(line.rstrip("\r\n").encode("utf-8") + b"\n")
    if header is None:
        raise BackupError(f"{source}: empty file / tom fil")
    if trailer is None:
        raise BackupError(f"{source}: the end line is missing: the backup was cut short / slutraden saknas: "
                          "säkerhetskopian är ofullständig")
    for name, count in (trailer.get("rows") or {}).items():
        if len(rows.get(name, [])) != count:
            raise BackupError(f"{source}: table {name}: {len(rows.get(name, []))} rows, the end line says {count}")
    _verify(trailer, header_sha256, digests, key, source)
    return header, rows


def _verify(trailer: dict, header_sha256: str | None, digests: dict[str, Any], key: bytes, source: str) -> None:
    """The trailer's signature first (it covers the digests), then every digest."""
    signature = trailer.get("signature")
    if not isinstance(signature, str) or not isinstance(trailer.get("digests"), dict):
        raise BackupError(f"{source}: the backup is not signed (no digests or signature); it cannot be trusted / "
                          "säkerhetskopian är inte signerad")
    if not hmac.compare_digest(signature, _signature(key, trailer)):
        raise BackupError(f"{source}: the signature does not match: the file was changed, or it was signed with "
                          f"another {KEY_VARIABLE} / signaturen stämmer inte: filen är ändrad eller signerad med en "
                          "annan nyckel")
    if trailer.get("header_sha256") != header_sha256:
        raise BackupError(f"{source}: the header's digest does not match: the file was changed / "
                          "huvudradens kontrollsumma stämmer inte")
    expected = trailer["digests"]
    for name in sorted(set(digests) | set(expected)):
        got = digests[name].hexdigest() if name in digests else None
        if expected.get(name) != got:
            raise BackupError(f"{source}: table {name}: the SHA-256 digest does not match: rows were changed, "
                              f"added or deleted / tabellen {name}: kontrollsumman stämmer inte")


async def database_is_empty() -> bool:
    for table in ordered_tables():
        if await table.count():
            return False
    return True


def _self_order(table, names: list[str], rows: list[list]) -> list[list]:
    """Rows of a table with a foreign key to itself (a unit's parent): parents first."""
    selfs = [names.index(fk._meta.name) for fk in table._meta.foreign_key_columns
             if fk._foreign_key_meta.resolved_references is table and fk._meta.name in names]
    if not selfs:
        return rows
    pk = names.index(_pk(table)._meta.name)
    pending, done, ordered = list(rows), set(), []
    while pending:
        ready = [r for r in pending if all(r[i] is None or r[i] in done or r[i] == r[pk] for i in selfs)]
        if not ready:
            raise BackupError(f"table {table._meta.tablename}: rows refer to each other in a cycle")
        ordered += ready
        done |= {r[pk] for r in ready}
        ready_ids = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in ready_ids]
    return ordered


async def restore_backup(header: dict, rows: dict[str, list[list]], force: bool = False,
                         report: dict[str, Any] | None = None) -> dict[str, int]:
    """Load a parsed backup into the current (migrated) database. `report`, when
    given, gets `evidence_files_removed` and `evidence_files_not_removed` (the folder
    files of the replaced data, after a --force restore)."""
    started = time.time()  # folder files from before the restore may be swept after it

    known = known_migrations()
    newer = {app: sorted(set(ids) - set(known.get(app, []))) for app, ids in (header.get("migrations") or {}).items()}
    newer = {app: ids for app, ids in newer.items() if ids}
    if newer:
        raise BackupError(f"the backup comes from a newer version (migrations {newer} are unknown here): "
                          "upgrade survey-engine first / säkerhetskopian kommer från en nyare version")
    tables = {t._meta.tablename: t for t in ordered_tables()}
    for spec in header["tables"]:
        table = tables.get(spec["name"])
        if table is None:
            if rows.get(spec["name"]):
                raise BackupError(f"table {spec['name']} of the backup does not exist in this version")
            continue
        unknown = set(spec["columns"]) - {c._meta.name for c in table._meta.columns}
        if unknown:
            raise BackupError(f"table {spec['name']}: columns {sorted(unknown)} do not exist in this version")
    if not force and not await database_is_empty():
        raise BackupError("the target database already holds data; restore into a new database, or add --force "
                          "to replace everything in it / måldatabasen innehåller redan data: använd en ny databas "
                          "eller --force för att ersätta allt")
    db = engine()
    specs = {t["name"]: t["columns"] for t in header["tables"]}
    counts: dict[str, int] = {}
    order = list(tables.values())
    written: list[str] = []  # evidence files written to the folder, removed again if the restore fails
    try:
        counts = await _restore_rows(db, order, specs, rows, counts, written)
    except BaseException:
        folder = evidence_dir()
        for key in written if folder is not None else ():
            evidence_blobs.remove(folder, key)
        raise
    if force:
        removed, failed = await _sweep_evidence_folder(started)
        if report is not None:
            report["evidence_files_removed"], report["evidence_files_not_removed"] = removed, failed
    return counts


async def _sweep_evidence_folder(started: float) -> tuple[int, list[str]]:
    """After a committed --force restore: remove the folder files of the replaced data
    (those no evidence row refers to now and older than the restore). A file that
    cannot be removed is logged and left (it harms nobody); the restore stands."""
    folder = evidence_dir()
    if folder is None:
        return 0, []
    keep = {r["blob_key"] for r in await EvidenceFile.select(EvidenceFile.blob_key).where(
        EvidenceFile.storage == "dir")}
    try:
        removed, failed = evidence_blobs.sweep(folder, keep, started)
    except evidence_blobs.BlobError as exc:
        log.warning("restore: the evidence folder was not cleaned: %s", exc)
        return 0, [str(exc)]
    for problem in failed:
        log.warning("restore: an old evidence file was not removed: %s", problem)
    return removed, failed


async def _restore_rows(db, order: list, specs: dict, rows: dict, counts: dict, written: list[str]) -> dict[str, int]:
    async with write_transaction():
        for table in reversed(order):
            await table.delete(force=True)
        for table in order:
            name = table._meta.tablename
            names = specs.get(name)
            if not names or not rows.get(name):
                counts[name] = 0
                continue
            columns = [table._meta.get_column_by_name(n) for n in names]
            data = _self_order(table, names, rows[name])
            if name == EVIDENCE_TABLE:
                data = _evidence_in(names, data, written)
            chunk = max(1, 900 // len(columns))  # SQLite: at most 999 bound values per statement
            if any(_kind(c) == "Bytea" for c in columns):
                chunk = BINARY_PAGE
            for start in range(0, len(data), chunk):
                instances = []
                for values in data[start:start + chunk]:
                    instance = table(_ignore_missing=True)
                    for column, value in zip(columns, values):
                        setattr(instance, column._meta.name, decode(column, value))
                    instances.append(instance)
                await table.insert(*instances)
            counts[name] = len(data)
        if db.engine_type == "postgres":
            for table in order:
                pk = _pk(table)
                if _kind(pk) not in ("Serial", "BigSerial"):
                    continue
                tn, pn = table._meta.tablename, pk._meta.name
                await table.raw(
                    f"SELECT setval(pg_get_serial_sequence('\"{tn}\"', '{pn}'), "
                    f"COALESCE((SELECT MAX(\"{pn}\") FROM \"{tn}\"), 1), "
                    f"(SELECT MAX(\"{pn}\") FROM \"{tn}\") IS NOT NULL)"
                )
    return counts
