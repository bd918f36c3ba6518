"""The evidence files attached to answers (docs/evidence.md).

One row per uploaded file: which response and question it belongs to, its cleaned
name, the type found in its content, its size and SHA-256, and where its bytes are:
in `content` (storage "db", the default) or in a file named `blob_key` in the folder
of SURVEY_ENGINE_EVIDENCE_DIR (storage "dir"; store/evidence_blobs.py). Listing
selects the columns without `content`, so a list never reads the files.

Kept beside tables.py so that the app's table_finder picks it up (see piccolo_app.py).
Keep migrations to add-table / add-column.
"""
from piccolo.columns import Bytea, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from survey_engine.store.tables import Response


class EvidenceFile(Table, tablename="evidence_file"):
    """A file that supports the answer to one question of one response."""

    response = ForeignKey(Response, null=False, index=True, on_delete=OnDelete.cascade)
    question_id = Varchar(length=200)
    name = Varchar(length=200)  # cleaned: no path, no control characters (services/evidence.py)
    kind = Varchar(length=10)  # pdf | docx | xlsx | odt | png | jpeg | txt, from the content
    media_type = Varchar(length=100)
    size = Integer(default=0)  # bytes
    sha256 = Varchar(length=64)
    storage = Varchar(length=10, default="db")  # db | dir
    blob_key = Varchar(length=80, default="")  # the file's name in the evidence folder (storage dir)
    content = Bytea(null=True, default=None)  # the bytes (storage db); NULL for storage dir
    uploaded_by = Varchar(length=200, default="")
    uploaded_at = Timestamptz(default=TimestamptzNow())
