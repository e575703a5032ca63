"""The history file's format: errors, the time format, the transaction helper and the ordered migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

KIND_PHOTOS = "photos"
"""A saved row holding a photo assessment (the record of :mod:`posture.history.record`)."""
KIND_JUMP = "jump"
"""A saved row holding a jump-rope session (the record of :mod:`posture.history.jump_record`)."""
KINDS = (KIND_PHOTOS, KIND_JUMP)


class HistoryError(Exception):
    """The history file cannot be used (not a history database, unreadable, ...)."""


class HistoryVersionError(HistoryError):
    """The history file was written by a newer version of the app than this one."""


class HistoryBusyError(HistoryError):
    """Another program or save held the history file's lock longer than the wait: the file is fine and was not
    changed, trying again later works (it must not be advised away as a damaged file)."""


def history_error(error: sqlite3.Error, what: str) -> HistoryError:
    """``error`` as the :class:`HistoryError` to raise: a :class:`HistoryBusyError` when it is a lock held too
    long (SQLite says "database is locked" for that too, whatever the step), else "``what``: ``error``"."""
    if getattr(error, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return HistoryBusyError(
            f"the history file is in use by another program or save, which held it too long ({error}); "
            "it was not changed: try again in a moment"
        )
    return HistoryError(f"{what}: {error}")


class AssessmentNotFoundError(HistoryError, LookupError):
    """No saved assessment has this id (it may have been deleted)."""


def _utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"taken_at must be a datetime, not {type(moment).__name__}")
    # A naive datetime is taken as local time (what datetime.now() gives), then made UTC.
    return moment.astimezone(UTC)


def format_time(moment: datetime) -> str:
    # One fixed shape (microseconds, +00:00) so that text order is time order.
    return _utc(moment).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@contextmanager
def transaction(conn: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """Run the block in one transaction: COMMIT on success, ROLLBACK on any exception.

    SQLite's own failures (disk full, locked too long, a damaged file) come out as
    :class:`HistoryError`, so callers handle one exception type for "the history failed".
    """
    try:
        conn.execute(begin)
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            # SQLite rolls back by itself on some errors (e.g. disk full); rolling back twice fails.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as error:
        raise history_error(error, "the history database failed") from error


# ----------------------------------------------------------------------------------------------
# Schema and migrations. MIGRATIONS[n] upgrades a version-n file to version n + 1. Never edit a
# released step: files in the wild were made by it. Append a new one instead.


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    """Create the tables."""
    # AUTOINCREMENT so an id is never reused after a delete: an id remembered by the app or
    # written in an export never comes to mean a different person's assessment.
    conn.execute(
        "CREATE TABLE assessments ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " taken_at TEXT NOT NULL,"
        " label TEXT NOT NULL DEFAULT '',"
        " record_json TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE thumbnails ("
        " assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,"
        " position INTEGER NOT NULL,"
        " jpeg BLOB NOT NULL,"
        " PRIMARY KEY (assessment_id, position))"
    )


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Add the engine version, annotated thumbnails and a time index; normalise ``taken_at``."""
    conn.execute("ALTER TABLE assessments ADD COLUMN engine_version TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE thumbnails ADD COLUMN annotated_jpeg BLOB")
    # Listing and trends sort by time; the index makes that order come straight off the b-tree.
    # It is only right if every taken_at has the same text shape, hence the rewrite below
    # (version 1 accepted any ISO-8601, e.g. a "Z" suffix that sorts after "+00:00").
    rows = conn.execute("SELECT id, taken_at FROM assessments").fetchall()
    for row_id, taken_at in rows:
        conn.execute(
            "UPDATE assessments SET taken_at = ? WHERE id = ?",
            (format_time(parse_time(taken_at)), row_id),
        )
    conn.execute("CREATE INDEX assessments_by_time ON assessments (taken_at, id)")


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Add ``kind``: what a row holds, a photo assessment (every older row) or a jump-rope session.

    A column rather than a table of its own: one id sequence, so "#7" names one saved thing whatever
    its kind, and deleting, the cascade to thumbnails, listing by time and the zip export keep working
    for both kinds unchanged. ``ADD COLUMN`` with a constant default rewrites no row: every older row
    reads as a photo assessment, byte for byte as it was saved.
    """
    conn.execute(f"ALTER TABLE assessments ADD COLUMN kind TEXT NOT NULL DEFAULT '{KIND_PHOTOS}'")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_0_to_1, _migrate_1_to_2, _migrate_2_to_3)
LATEST_VERSION = len(MIGRATIONS)
