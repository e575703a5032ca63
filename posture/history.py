"""Local history of saved assessments: one SQLite file in the user's data directory.

A person chooses to save an assessment; it is kept with its thumbnails, an optional label and the
time it was taken, and can be listed, reopened, compared with another, charted over time,
exported as one zip, and deleted (one or all). Nothing leaves the machine.

What is stored
    ``record`` is the assessment as the engine's JSON contract (docs/design.md): a dict with the
    per-photo objects under ``"photos"`` (each with ``image``, ``view``, ``measurements``,
    ``not_assessed``...) and the assessment-level ``findings``, ``stage`` and ``plan``. It is kept
    as JSON text and given back as parsed (tuples come back as lists). Thumbnails are stored
    byte-exact. The label is the person's own text, stored as-is through bound parameters only.

Decisions
    * Schema versioning with ``PRAGMA user_version`` and the ordered :data:`MIGRATIONS`: opening an
      older file upgrades it in one transaction; a newer file is refused
      (:class:`HistoryVersionError`) rather than half-understood.
    * Default rollback journal, not WAL: a single person's occasional saves do not need WAL's
      concurrent readers, and the rollback journal keeps the history one file (no ``-wal`` /
      ``-shm`` companions) that can be copied or deleted whole and that works on network drives.
    * ``secure_delete`` is on, so deleted thumbnails are overwritten in the file, not just
      unlinked from the b-tree: deleting is a privacy action.
    * One connection per operation, opened and closed in the calling thread. Streamlit calls from
      several threads; short-lived connections need no lock and share no state, opening costs
      well under a millisecond, and SQLite's own file locking (with a busy timeout) serialises
      writers across threads and processes alike.
    * Every write runs in ``BEGIN IMMEDIATE`` ... ``COMMIT``: the write lock is taken up front (a
      deferred transaction that later needs to write can fail with "database is locked" without
      the busy timeout helping), and any exception rolls everything back, so a save interrupted
      between the assessment row and its thumbnails leaves the file as it was.
    * Nothing is created until the first save: reading a history that does not exist yet returns
      empty results and opens the file read-write-but-not-create.
"""

from __future__ import annotations

import io
import json
import math
import os
import sqlite3
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from posture.measures import typical_error

__all__ = [
    "ANNOTATED_SUFFIX",
    "DB_FILENAME",
    "LATEST_VERSION",
    "MIGRATIONS",
    "UNCHANGED_TOLERANCE",
    "AssessmentNotFoundError",
    "HistoryError",
    "HistoryStore",
    "HistoryVersionError",
    "MeasureDelta",
    "SavedAssessment",
    "Summary",
    "TrendPoint",
    "compare_records",
    "default_database_path",
    "unchanged_tolerance",
]

APP_DIRNAME = "posture-checker"
DB_FILENAME = "history.sqlite3"
PHOTOS_KEY = "photos"
ANNOTATED_SUFFIX = "_annotated"
# Long enough to ride out another thread's save (thumbnails are small), short enough that a
# stuck lock surfaces as an error instead of a frozen page.
BUSY_TIMEOUT_S = 10.0
MAX_HEADLINE_FINDINGS = 3

# A change smaller than this is within measurement noise and reported as "unchanged". The values
# are about a tenth of the per-photo minimal detectable change of the noisiest measures (CVA MDC
# ~5 deg, docs/measures.md), so only rounding-level jitter is hidden; a unit not listed here
# gets no tolerance. A measure with a benchmarked typical error (posture.measures.typical_error)
# uses that instead when it is larger: a change smaller than what one photo can be off by cannot
# be told from the photos' own error (CVA 2.4 deg, shoulder tilt 0.9 deg; still under the
# published test-retest MDCs, so real changes of clinical size still show).
UNCHANGED_TOLERANCE: Mapping[str, float] = {"deg": 0.5, "cm": 0.3}

# Side views are left/right profiles, frontal views front/back. The sign conventions of
# docs/measures.md are the subject's (anterior, subject's left), so a measure means the same in
# either view of a family: that lets compare() pair a left profile with a later right one.
_VIEW_FAMILY = {"left": "side", "right": "side", "front": "frontal", "back": "frontal"}


class HistoryError(Exception):
    """The history file cannot be used (not a history database, unreadable, ...)."""


class HistoryVersionError(HistoryError):
    """The history file was written by a newer version of the app than this one."""


class AssessmentNotFoundError(HistoryError, LookupError):
    """No saved assessment has this id (it may have been deleted)."""


@dataclass(frozen=True)
class Summary:
    """One line of the history list: enough to choose an assessment without loading it."""

    id: int
    taken_at: datetime
    label: str
    views: tuple[str, ...]
    photo_count: int
    headline_findings: tuple[str, ...]
    engine_version: str = ""


@dataclass(frozen=True)
class SavedAssessment:
    """A saved assessment as it was given to :meth:`HistoryStore.save`.

    ``annotated_thumbnails`` is aligned with ``thumbnails``; an entry is ``None`` where no
    annotated version was saved.
    """

    id: int
    taken_at: datetime
    label: str
    record: dict
    thumbnails: tuple[bytes, ...]
    annotated_thumbnails: tuple[bytes | None, ...] = ()
    engine_version: str = ""


@dataclass(frozen=True)
class MeasureDelta:
    """How one measure changed between two assessments.

    ``direction`` is "improved" (moved toward or into ``normal_range``), "worsened" (away from
    it), "unchanged" (change below :func:`unchanged_tolerance`, inside the range both times, or
    as far outside it as before), or
    "n/a" (missing on one side, units differ, or no normal range to judge by). ``view`` is
    "left→right" style when the two sides come from the two views of one family.
    """

    key: str
    view: str
    unit: str
    before: float | None
    after: float | None
    delta: float | None
    direction: str
    normal_range: tuple[float | None, float | None] | None = None


class TrendPoint(NamedTuple):
    """One value of a measure at the time its assessment was taken."""

    taken_at: datetime
    value: float
    unit: str


# ----------------------------------------------------------------------------------------------
# Where the file lives


def default_database_path(
    environ: Mapping[str, str] | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """Path of the history file in the user's data directory (nothing is created).

    ``POSTURE_DATA_DIR`` wins when set; otherwise ``$XDG_DATA_HOME/posture-checker`` (or
    ``~/.local/share/posture-checker``) on Linux and other Unixes, ``~/Library/Application
    Support/posture-checker`` on macOS, ``%APPDATA%\\posture-checker`` on Windows. The
    arguments exist for tests; callers pass none.
    """
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if env.get("POSTURE_DATA_DIR"):
        return Path(env["POSTURE_DATA_DIR"]).expanduser() / DB_FILENAME
    if platform.startswith("win"):
        base = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        # The XDG spec says relative values are invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIRNAME / DB_FILENAME


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
            (_format_time(_parse_time(taken_at)), row_id),
        )
    conn.execute("CREATE INDEX assessments_by_time ON assessments (taken_at, id)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_0_to_1, _migrate_1_to_2)
LATEST_VERSION = len(MIGRATIONS)


# ----------------------------------------------------------------------------------------------
# Small helpers


def _utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"taken_at must be a datetime, not {type(moment).__name__}")
    # A naive datetime is taken as local time (what datetime.now() gives), then made UTC.
    return moment.astimezone(UTC)


def _format_time(moment: datetime) -> str:
    # One fixed shape (microseconds, +00:00) so that text order is time order.
    return _utc(moment).isoformat(timespec="microseconds")


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _engine_version() -> str:
    import posture  # the package this module belongs to; imported here only to read its version

    return str(getattr(posture, "__version__", ""))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _photos(record: Any) -> list[dict]:
    photos = record.get(PHOTOS_KEY) if isinstance(record, Mapping) else None
    return [p for p in photos if isinstance(p, Mapping)] if isinstance(photos, list) else []


def _headline(record: dict) -> tuple[str, ...]:
    findings = record.get("findings")
    if not isinstance(findings, list):
        # docs/design.md also shows findings on each photo object: accept them there too.
        findings = [f for p in _photos(record) for f in (p.get("findings") or [])]
    names: list[str] = []
    for finding in findings:
        # A headline names what the photos point to, so "unlikely" and "not assessed" stay out.
        if isinstance(finding, Mapping) and finding.get("likelihood", "likely") not in ("possible", "likely"):
            continue
        name = finding.get("imbalance") if isinstance(finding, Mapping) else finding
        if isinstance(name, str) and name not in names:
            names.append(name)
    return tuple(names[:MAX_HEADLINE_FINDINGS])


def _summary(row_id: int, taken_at: str, label: str, engine_version: str, record_json: str) -> Summary:
    record = json.loads(record_json)
    photos = _photos(record)
    return Summary(
        id=row_id,
        taken_at=_parse_time(taken_at),
        label=label,
        views=tuple(p["view"] for p in photos if isinstance(p.get("view"), str)),
        photo_count=len(photos),
        headline_findings=_headline(record),
        engine_version=engine_version,
    )


def _blob(value: Any, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes (JPEG), not {type(value).__name__}")
    return bytes(value)


# ----------------------------------------------------------------------------------------------
# Comparing two assessments


def _measures(record: dict) -> dict[tuple[str, str], dict]:
    """(view, key) -> measurement dict; the first photo of a view wins when a view repeats."""
    found: dict[tuple[str, str], dict] = {}
    for photo in _photos(record):
        view = photo.get("view")
        measurements = photo.get("measurements")
        if not isinstance(view, str) or not isinstance(measurements, Mapping):
            continue
        for key, measurement in measurements.items():
            if isinstance(measurement, Mapping):
                found.setdefault((view, key), dict(measurement))
    return found


def _range(measurement: dict | None) -> tuple[float | None, float | None] | None:
    raw = (measurement or {}).get("normal_range")
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        return None
    low, high = (_number(end) for end in raw)
    return None if low is None and high is None else (low, high)


def _outside(value: float, low: float | None, high: float | None) -> float:
    """How far ``value`` lies outside [low, high]; 0 inside."""
    if low is not None and value < low:
        return low - value
    if high is not None and value > high:
        return value - high
    return 0.0


def unchanged_tolerance(key: str, unit: str) -> float:
    """The smallest change of ``key`` (in ``unit``) reported as a change: see :data:`UNCHANGED_TOLERANCE`."""
    return max(UNCHANGED_TOLERANCE.get(unit, 0.0), typical_error(key) or 0.0)


def _direction(
    key: str, before: float, after: float, unit: str, normal_range: tuple[float | None, float | None] | None
) -> str:
    if abs(after - before) < unchanged_tolerance(key, unit):
        return "unchanged"
    if normal_range is None:
        return "n/a"
    # Distance outside the range: 0 inside, so two values inside are not ranked (the range calls
    # both normal) and a jump from one side of it to the other at the same distance is no change.
    was, now = _outside(before, *normal_range), _outside(after, *normal_range)
    if abs(now - was) < 1e-9:
        return "unchanged"
    return "improved" if now < was else "worsened"


def _delta(key: str, view: str, before: dict | None, after: dict | None) -> MeasureDelta:
    b = _number((before or {}).get("value"))
    a = _number((after or {}).get("value"))
    unit_b = (before or {}).get("unit")
    unit_a = (after or {}).get("unit")
    unit = str(unit_a or unit_b or "")
    # The later assessment's range is the one the engine stands by now.
    normal_range = _range(after) or _range(before)
    if b is None or a is None or unit_a != unit_b:
        return MeasureDelta(key, view, unit, b, a, None, "n/a", normal_range)
    return MeasureDelta(key, view, unit, b, a, a - b, _direction(key, b, a, unit, normal_range), normal_range)


def compare_records(before: dict, after: dict) -> list[MeasureDelta]:
    """Every measure of either assessment record, with how it changed from ``before`` to ``after``.

    Measures pair on (view, key). A measure left unpaired because the person turned the other
    way (left profile, then right) pairs with the same key in the other view of its family when
    that is the only candidate on each side. Order: ``before``'s measures as they appear, then
    those only in ``after``.
    """
    old, new = _measures(before), _measures(after)
    only_old = [vk for vk in old if vk not in new]
    only_new = [vk for vk in new if vk not in old]
    swapped: dict[tuple[str, str], tuple[str, str]] = {}
    for view, key in only_old:
        family = _VIEW_FAMILY.get(view)
        olds = [v for v, k in only_old if k == key and _VIEW_FAMILY.get(v) == family]
        news = [v for v, k in only_new if k == key and _VIEW_FAMILY.get(v) == family]
        if family and len(olds) == 1 and len(news) == 1:
            swapped[(view, key)] = (news[0], key)
    result: list[MeasureDelta] = []
    for view, key in old:
        if (view, key) in swapped:
            other = swapped[(view, key)]
            result.append(_delta(key, f"{view}→{other[0]}", old[(view, key)], new[other]))
        else:
            result.append(_delta(key, view, old[(view, key)], new.get((view, key))))
    paired = set(swapped.values())
    result += [_delta(k, v, None, new[(v, k)]) for v, k in only_new if (v, k) not in paired]
    return result


# ----------------------------------------------------------------------------------------------
# The store


@contextmanager
def _transaction(conn: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
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
        raise HistoryError(f"the history database failed: {error}") from error


class HistoryStore:
    """The saved assessments in one SQLite file (default: :func:`default_database_path`).

    Safe to share between threads: every method opens its own connection and closes it.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else default_database_path()

    # -- connections ----------------------------------------------------------------------------

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        """A ready connection (schema at the latest version), or None when reading a missing file."""
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # mode=rw never creates the file, so a read of a history not saved yet leaves no trace.
        uri = f"{self.path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
        try:
            # isolation_level=None: the module opens no implicit transactions; _transaction does.
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.OperationalError:
            if not create and not self.path.exists():
                return None
            raise
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            self._upgrade(conn)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise HistoryError(f"{self.path} is not a usable history file: {error}") from error
        except BaseException:
            conn.close()
            raise
        return conn

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == LATEST_VERSION:
            return
        self._refuse_newer(version)
        with _transaction(conn):
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
        with closing(conn), _transaction(conn, "BEGIN"):
            yield conn

    # -- writing --------------------------------------------------------------------------------

    def save(
        self,
        record: dict,
        thumbnails: Sequence[bytes] = (),
        label: str = "",
        taken_at: datetime | None = None,
        *,
        annotated_thumbnails: Sequence[bytes | None] = (),
        engine_version: str | None = None,
    ) -> int:
        """Save one assessment and return its id.

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
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, not {type(label).__name__}")
        label.encode("utf-8")  # a lone surrogate cannot be stored as text; fail before writing
        jpegs = [_blob(t, f"thumbnail {n}") for n, t in enumerate(thumbnails)]
        annotated = [None if a is None else _blob(a, f"annotated thumbnail {n}")
                     for n, a in enumerate(annotated_thumbnails)]
        if len(annotated) > len(jpegs):
            raise ValueError("more annotated thumbnails than thumbnails")
        annotated += [None] * (len(jpegs) - len(annotated))
        when = _format_time(taken_at if taken_at is not None else datetime.now(UTC))
        version = _engine_version() if engine_version is None else str(engine_version)

        conn = self._connect(create=True)
        assert conn is not None
        with closing(conn), _transaction(conn):
            row_id = conn.execute(
                "INSERT INTO assessments (taken_at, label, record_json, engine_version) VALUES (?, ?, ?, ?)",
                (when, label, record_json, version),
            ).lastrowid
            conn.executemany(
                "INSERT INTO thumbnails (assessment_id, position, jpeg, annotated_jpeg) VALUES (?, ?, ?, ?)",
                [(row_id, n, jpeg, ann) for n, (jpeg, ann) in enumerate(zip(jpegs, annotated, strict=True))],
            )
        return int(row_id)

    def delete(self, assessment_id: int) -> bool:
        """Delete one assessment and its thumbnails; False if there was none with this id."""
        conn = self._connect(create=False)
        if conn is None:
            return False
        with closing(conn), _transaction(conn):
            # Thumbnails go with it through ON DELETE CASCADE (foreign keys are on).
            deleted = conn.execute("DELETE FROM assessments WHERE id = ?", (int(assessment_id),)).rowcount
        return deleted > 0

    def delete_all(self) -> int:
        """Delete every saved assessment; returns how many there were. The file stays, empty."""
        conn = self._connect(create=False)
        if conn is None:
            return 0
        with closing(conn):
            with _transaction(conn):
                deleted = conn.execute("DELETE FROM assessments").rowcount
            try:
                # secure_delete already zeroed the freed pages; VACUUM gives the space back.
                conn.execute("VACUUM")
            except sqlite3.OperationalError:
                pass  # another connection is reading: the data is gone, only the file stays big
        return deleted

    # -- reading --------------------------------------------------------------------------------

    def list(self) -> list[Summary]:
        """Every saved assessment, newest first; empty (and nothing created) if none saved yet."""
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT id, taken_at, label, engine_version, record_json FROM assessments"
                " ORDER BY taken_at DESC, id DESC"
            ).fetchall()
        return [_summary(*row) for row in rows]

    def get(self, assessment_id: int) -> SavedAssessment:
        """One saved assessment with its record and thumbnails; AssessmentNotFoundError if none."""
        with self._reading() as conn:
            row = None if conn is None else conn.execute(
                "SELECT id, taken_at, label, engine_version, record_json FROM assessments WHERE id = ?",
                (int(assessment_id),),
            ).fetchone()
            if row is None:
                raise AssessmentNotFoundError(f"no saved assessment with id {assessment_id}")
            thumbs = conn.execute(
                "SELECT jpeg, annotated_jpeg FROM thumbnails WHERE assessment_id = ? ORDER BY position",
                (row[0],),
            ).fetchall()
        return SavedAssessment(
            id=row[0],
            taken_at=_parse_time(row[1]),
            label=row[2],
            record=json.loads(row[4]),
            thumbnails=tuple(t[0] for t in thumbs),
            annotated_thumbnails=tuple(t[1] for t in thumbs),
            engine_version=row[3],
        )

    def trend(self, measure_key: str, view: str | None = None) -> list[TrendPoint]:
        """Values of one measure over time, oldest first.

        ``view`` keeps only photos of that view ("front", "back", "left", "right"); with None
        every photo that has the measure contributes a point, so two views of one assessment
        give two points at the same time.
        """
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT taken_at, record_json FROM assessments ORDER BY taken_at, id").fetchall()
        points = []
        for taken_at, record_json in rows:
            for photo in _photos(json.loads(record_json)):
                if view is not None and photo.get("view") != view:
                    continue
                measurement = (photo.get("measurements") or {}).get(measure_key)
                value = _number((measurement or {}).get("value"))
                if value is not None:
                    points.append(TrendPoint(_parse_time(taken_at), value, str(measurement.get("unit", ""))))
        return points

    def compare(self, id_a: int, id_b: int) -> list[MeasureDelta]:
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
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / f"posture-history-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.zip"
        handle, partial = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                self._write_export(out)
            os.replace(partial, dest)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return dest

    def export_bytes(self) -> bytes:
        """The same zip as :meth:`export`, in memory (for a download button)."""
        buffer = io.BytesIO()
        self._write_export(buffer)
        return buffer.getvalue()

    def _write_export(self, out: Any) -> None:
        entries = []
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive, self._reading() as conn:
            rows = [] if conn is None else conn.execute(
                "SELECT id, taken_at, label, engine_version, record_json FROM assessments ORDER BY taken_at, id"
            )
            for row_id, taken_at, label, engine_version, record_json in rows:
                names: list[str] = []
                annotated_names: list[str | None] = []
                thumbs = conn.execute(
                    "SELECT position, jpeg, annotated_jpeg FROM thumbnails WHERE assessment_id = ?"
                    " ORDER BY position",
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
                entries.append({
                    "id": row_id,
                    "taken_at": taken_at,
                    "label": label,
                    "engine_version": engine_version,
                    "record": json.loads(record_json),
                    "thumbnails": names,
                    "annotated_thumbnails": annotated_names,
                })
            document = {
                "format": "posture-checker history",
                "schema_version": LATEST_VERSION,
                "exported_at": _format_time(datetime.now(UTC)),
                "assessments": entries,
            }
            archive.writestr("assessments.json", json.dumps(document, ensure_ascii=False, indent=2))
