"""The saved assessments in one SQLite file: save, list, get, trend, compare, delete and export."""

from __future__ import annotations

import builtins
import io
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from posture.hand_moves import moved_measures
from posture.history.compare import MeasureDelta, compare_records, finite_number, record_photos
from posture.history.export import write_atomically, write_zip
from posture.history.jump_sessions import JumpSessionRecord
from posture.history.listing import Summary, summary_of
from posture.history.paths import default_database_path
from posture.history.schema import (
    KIND_JUMP,
    KIND_PHOTOS,
    KINDS,
    LATEST_VERSION,
    MIGRATIONS,
    AssessmentNotFoundError,
    HistoryError,
    HistoryVersionError,
    format_time,
    history_error,
    parse_time,
    transaction,
)

# Long enough to ride out another thread's save (thumbnails are small), short enough that a
# stuck lock surfaces as an error instead of a frozen page.
BUSY_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SavedAssessment:
    """A saved assessment as it was given to :meth:`HistoryStore.save`.

    ``annotated_thumbnails`` is aligned with ``thumbnails``; an entry is ``None`` where no
    annotated version was saved.
    """

    id: int
    taken_at: datetime
    label: str
    record: dict[str, Any]
    thumbnails: tuple[bytes, ...]
    annotated_thumbnails: tuple[bytes | None, ...] = ()
    engine_version: str = ""
    kind: str = KIND_PHOTOS


class TrendPoint(NamedTuple):
    """One value of a measure at the time its assessment was taken, from a photo of ``view``;
    ``hand_moved`` when the value rests on a landmark the person moved by hand."""

    taken_at: datetime
    value: float
    unit: str
    view: str = ""
    hand_moved: bool = False


def _engine_version() -> str:
    import posture  # the package this module belongs to; imported here only to read its version

    return str(getattr(posture, "__version__", ""))


def _blob(value: Any, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes (JPEG), not {type(value).__name__}")
    return bytes(value)


class HistoryStore:
    """The saved assessments in one SQLite file (default: :func:`default_database_path`).

    Safe to share between threads: every method opens its own connection and closes it.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else default_database_path()

    # -- connections ----------------------------------------------------------------------------

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        """A ready connection (schema at the latest version), or None when reading a history not saved yet.

        Not reaching the file at all (a folder that cannot be made, a path that is a folder, a read-only
        drive) is a :class:`HistoryError` like any other failure of the history: the one error the app's
        pages and the command line catch and explain.
        """
        try:
            conn = self._open(create=create)
        except (OSError, sqlite3.Error) as error:
            raise HistoryError(f"{self.path} cannot be opened: {error}") from error
        if conn is None:
            return None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            if not create and self._not_created_yet(conn):
                # An empty file: the first save is creating it right now (or was stopped before its first
                # commit). Nothing is saved in it yet, and a read writes nothing: that save makes the tables.
                conn.close()
                return None
            self._upgrade(conn)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise history_error(error, f"{self.path} is not a usable history file") from error
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self, *, create: bool) -> sqlite3.Connection | None:
        """The SQLite connection to the file (creating the folder and the file when ``create``), or None when
        reading a file that does not exist."""
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # mode=rw never creates the file, so a read of a history not saved yet leaves no trace.
        uri = f"{self.path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
        # isolation_level=None: the module opens no implicit transactions; _transaction does.
        try:
            return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.OperationalError:
            if create:
                raise
            if not self.path.exists():
                return None
        # The file appeared between SQLite's attempt to open it and the look above: the first save made it.
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)

    @staticmethod
    def _not_created_yet(conn: sqlite3.Connection) -> bool:
        """Whether the file holds nothing at all (format 0, no table): what a first save's open leaves."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return version == 0 and not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == LATEST_VERSION:
            return
        self._refuse_newer(version)
        with transaction(conn):
            # Read again under the write lock: another thread or process may have upgraded it.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            self._refuse_newer(version)
            if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise HistoryError(f"{self.path} is a SQLite file of some other program; not touching it")
            for migrate in MIGRATIONS[version:]:
                migrate(conn)
            # PRAGMA takes no bound parameters; the value is this module's own integer constant.
            conn.execute(f"PRAGMA user_version = {LATEST_VERSION:d}")

    def _refuse_newer(self, version: int) -> None:
        if version > LATEST_VERSION:
            raise HistoryVersionError(
                f"{self.path} was written by a newer version of the app (history format {version}, "
                f"this version knows up to {LATEST_VERSION}). Update the app to open it; the file "
                "was not changed."
            )

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A connection inside one read transaction (a consistent snapshot), or None if no file."""
        conn = self._connect(create=False)
        if conn is None:
            yield None
            return
        with closing(conn), transaction(conn, "BEGIN"):
            yield conn

    # -- writing --------------------------------------------------------------------------------

    def save(
        self,
        record: Mapping[str, Any],
        thumbnails: Sequence[bytes] = (),
        label: str = "",
        taken_at: datetime | None = None,
        *,
        annotated_thumbnails: Sequence[bytes | None] = (),
        engine_version: str | None = None,
        kind: str = KIND_PHOTOS,
    ) -> int:
        """Save one assessment (``kind`` "photos") or jump-rope session (``kind`` "jump") and return its id.

        ``record`` must be JSON-serialisable (strict JSON: no NaN). ``thumbnails`` are JPEG
        bytes kept byte-exact; ``annotated_thumbnails`` (optional) line up with them. ``label``
        is stored verbatim. ``taken_at`` defaults to now; a naive datetime is read as local
        time. ``engine_version`` defaults to ``posture.__version__``. Everything is written in
        one transaction: on any error nothing is saved.
        """
        # Validate and serialise everything before touching the file, so a bad argument never
        # creates an empty history or holds the write lock.
        if not isinstance(record, Mapping):
            raise TypeError(f"record must be a dict, not {type(record).__name__}")
        try:
            # ensure_ascii=False keeps labels and notes readable in the file and the export;
            # the encode check rejects lone surrogates here rather than at the database.
            record_json = json.dumps(record, ensure_ascii=False, allow_nan=False)
            record_json.encode("utf-8")
        except (TypeError, ValueError) as error:
            raise ValueError(f"record is not JSON-serialisable: {error}") from error
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, not {type(label).__name__}")
        label.encode("utf-8")  # a lone surrogate cannot be stored as text; fail before writing
        jpegs = [_blob(t, f"thumbnail {n}") for n, t in enumerate(thumbnails)]
        annotated = [
            None if a is None else _blob(a, f"annotated thumbnail {n}") for n, a in enumerate(annotated_thumbnails)
        ]
        if len(annotated) > len(jpegs):
            raise ValueError("more annotated thumbnails than thumbnails")
        annotated += [None] * (len(jpegs) - len(annotated))
        when = format_time(taken_at if taken_at is not None else datetime.now(UTC))
        version = _engine_version() if engine_version is None else str(engine_version)

        conn = self._connect(create=True)
        assert conn is not None
        with closing(conn), transaction(conn):
            row_id = conn.execute(
                "INSERT INTO assessments (taken_at, label, record_json, engine_version, kind) VALUES (?, ?, ?, ?, ?)",
                (when, label, record_json, version, kind),
            ).lastrowid
            conn.executemany(
                "INSERT INTO thumbnails (assessment_id, position, jpeg, annotated_jpeg) VALUES (?, ?, ?, ?)",
                [(row_id, n, jpeg, ann) for n, (jpeg, ann) in enumerate(zip(jpegs, annotated, strict=True))],
            )
        assert row_id is not None  # an INSERT into a rowid table always gives one
        return row_id

    def delete(self, assessment_id: int) -> bool:
        """Delete one assessment and its thumbnails; False if there was none with this id."""
        conn = self._connect(create=False)
        if conn is None:
            return False
        with closing(conn), transaction(conn):
            # Thumbnails go with it through ON DELETE CASCADE (foreign keys are on).
            deleted = conn.execute("DELETE FROM assessments WHERE id = ?", (int(assessment_id),)).rowcount
        return deleted > 0

    def delete_all(self) -> int:
        """Delete every saved assessment; returns how many there were. The file stays, empty."""
        conn = self._connect(create=False)
        if conn is None:
            return 0
        with closing(conn):
            with transaction(conn):
                deleted = conn.execute("DELETE FROM assessments").rowcount
            # secure_delete already zeroed the freed pages; VACUUM gives the space back. If another connection
            # is reading it fails: the data is gone all the same, only the file stays big.
            with suppress(sqlite3.OperationalError):
                conn.execute("VACUUM")
        return deleted

    # -- reading --------------------------------------------------------------------------------

    def list(self) -> builtins.list[Summary]:
        """Every saved assessment, newest first; empty (and nothing created) if none saved yet."""
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT id, taken_at, label, engine_version, record_json, kind FROM assessments"
                " ORDER BY taken_at DESC, id DESC"
            ).fetchall()
        return [summary_of(*row) for row in rows]

    def get(self, assessment_id: int) -> SavedAssessment:
        """One saved assessment with its record and thumbnails; AssessmentNotFoundError if none."""
        with self._reading() as conn:
            row = (
                None
                if conn is None
                else conn.execute(
                    "SELECT id, taken_at, label, engine_version, record_json, kind FROM assessments WHERE id = ?",
                    (int(assessment_id),),
                ).fetchone()
            )
            if conn is None or row is None:
                raise AssessmentNotFoundError(f"no saved assessment with id {assessment_id}")
            thumbs = conn.execute(
                "SELECT jpeg, annotated_jpeg FROM thumbnails WHERE assessment_id = ? ORDER BY position",
                (row[0],),
            ).fetchall()
        return SavedAssessment(
            id=row[0],
            taken_at=parse_time(row[1]),
            label=row[2],
            record=json.loads(row[4]),
            thumbnails=tuple(t[0] for t in thumbs),
            annotated_thumbnails=tuple(t[1] for t in thumbs),
            engine_version=row[3],
            kind=row[5],
        )

    def first_thumbnails(self) -> dict[int, bytes]:
        """Each saved assessment's first thumbnail (plain JPEG bytes), by id: what the history list
        shows beside each line. Assessments saved without one are absent."""
        with self._reading() as conn:
            if conn is None:
                return {}
            rows = conn.execute("SELECT assessment_id, jpeg FROM thumbnails WHERE position = 0").fetchall()
        return {int(assessment_id): bytes(jpeg) for assessment_id, jpeg in rows}

    def jump_sessions(self) -> builtins.list[JumpSessionRecord]:
        """Every saved jump-rope session (no thumbnails), oldest first: what the jump trends and checks read."""
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT id, taken_at, label, record_json FROM assessments WHERE kind = ? ORDER BY taken_at, id",
                (KIND_JUMP,),
            ).fetchall()
        return [JumpSessionRecord(i, parse_time(when), label, json.loads(text)) for i, when, label, text in rows]

    def trend(self, measure_key: str, view: str | None = None) -> builtins.list[TrendPoint]:
        """Values of one measure over time, oldest first.

        ``view`` keeps only photos of that view ("front", "back", "left", "right"); with None
        every photo that has the measure contributes a point, so two views of one assessment
        give two points at the same time. Each point names its view: values from different views
        are separate series, not one line.
        """
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT taken_at, record_json FROM assessments WHERE kind = ? ORDER BY taken_at, id", (KIND_PHOTOS,)
            ).fetchall()
        points = []
        for taken_at, record_json in rows:
            for photo in record_photos(json.loads(record_json)):
                if view is not None and photo.get("view") != view:
                    continue
                measurement = (photo.get("measurements") or {}).get(measure_key) or {}
                value = finite_number(measurement.get("value"))
                if value is not None:
                    points.append(
                        TrendPoint(
                            parse_time(taken_at),
                            value,
                            str(measurement.get("unit", "")),
                            str(photo.get("view", "")),
                            measure_key in moved_measures(photo),
                        )
                    )
        return points

    def compare(self, id_a: int, id_b: int) -> builtins.list[MeasureDelta]:
        """How each measure changed from assessment ``id_a`` (before) to ``id_b`` (after).

        The order is the caller's: pass the earlier one first for "since then" (it is not
        inferred from the dates). See :func:`compare_records` and :class:`MeasureDelta`.
        """
        return compare_records(self.get(id_a).record, self.get(id_b).record)

    # -- export ---------------------------------------------------------------------------------

    def export(self, dest: Path) -> Path:
        """Write every saved assessment to one zip and return its path.

        The zip holds ``assessments.json`` (every record with its id, time, label and engine
        version, and the names of its thumbnails) and ``thumbnails/<id>_<n>.jpg`` (annotated
        ones as ``<id>_<n>_annotated.jpg``). If ``dest`` is a directory a dated file name is
        chosen in it. The zip is written beside ``dest`` and renamed into place, so a failed
        export never leaves a truncated file under that name.
        """
        return write_atomically(Path(dest), self._write_export)

    def export_bytes(self) -> bytes:
        """The same zip as :meth:`export`, in memory (for a download button)."""
        buffer = io.BytesIO()
        self._write_export(buffer)
        return buffer.getvalue()

    def _write_export(self, out: Any) -> None:
        with self._reading() as conn:
            write_zip(out, conn)
