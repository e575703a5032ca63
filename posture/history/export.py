"""The history as one zip: every record with its thumbnails, written beside the target and renamed in."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from posture.history.schema import LATEST_VERSION, format_time

ANNOTATED_SUFFIX = "_annotated"


def write_atomically(dest: Path, write: Callable[[Any], None]) -> Path:
    """Let ``write`` fill a temporary file beside ``dest``, then rename it into place and return the path.

    A directory ``dest`` gets a dated file name in it. A failed write never leaves a truncated file
    under the final name.
    """
    dest = Path(dest)
    if dest.is_dir():
        stem = f"posture-history-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        # Two exports within one second (a delete between them) must not replace each other.
        dest = next(
            candidate
            for candidate in (dest / f"{stem}{f'-{n}' if n else ''}.zip" for n in itertools.count())
            if not candidate.exists()
        )
    handle, partial = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(partial, dest)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return dest


def write_zip(out: Any, conn: sqlite3.Connection | None) -> None:
    """The export zip of every assessment readable through ``conn`` (None: no history yet, an empty export)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [] if conn is None else _write_assessments(archive, conn)
        document = {
            "format": "posture-checker history",
            "schema_version": LATEST_VERSION,
            "exported_at": format_time(datetime.now(UTC)),
            "assessments": entries,
        }
        archive.writestr("assessments.json", json.dumps(document, ensure_ascii=False, indent=2))


def _write_assessments(archive: zipfile.ZipFile, conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Write every assessment's thumbnails into ``archive``; returns the assessments' JSON entries."""
    entries = []
    rows = conn.execute(
        "SELECT id, taken_at, label, engine_version, record_json, kind FROM assessments ORDER BY taken_at, id"
    )
    for row_id, taken_at, label, engine_version, record_json, kind in rows:
        names: list[str] = []
        annotated_names: list[str | None] = []
        thumbs = conn.execute(
            "SELECT position, jpeg, annotated_jpeg FROM thumbnails WHERE assessment_id = ? ORDER BY position",
            (row_id,),
        )
        for position, jpeg, annotated in thumbs:
            name = f"thumbnails/{row_id}_{position}.jpg"
            # JPEG is already compressed: store it rather than spend time deflating it.
            archive.writestr(name, jpeg, compress_type=zipfile.ZIP_STORED)
            names.append(name)
            annotated_name = None
            if annotated is not None:
                annotated_name = f"thumbnails/{row_id}_{position}{ANNOTATED_SUFFIX}.jpg"
                archive.writestr(annotated_name, annotated, compress_type=zipfile.ZIP_STORED)
            annotated_names.append(annotated_name)
        entries.append(
            {
                "id": row_id,
                "kind": kind,
                "taken_at": taken_at,
                "label": label,
                "engine_version": engine_version,
                "record": json.loads(record_json),
                "thumbnails": names,
                "annotated_thumbnails": annotated_names,
            }
        )
    return entries
