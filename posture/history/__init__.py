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
    * Every failure is a :class:`HistoryError`, reaching the file included (a folder that cannot be
      made, a read-only drive). A lock held by someone else past the busy timeout is its subclass
      :class:`HistoryBusyError`: the file is fine, so the pages say "try again", never "move it away".
    * Nothing is created until the first save: reading a history that does not exist yet returns
      empty results and opens the file read-write-but-not-create.

Two kinds of rows
    A row is a photo assessment (``kind`` "photos", every row of a file older than format 3) or a
    jump-rope session (``kind`` "jump": the clip's JSON contract, ``JumpAnalysis.to_dict()``, with the
    ``person`` details; one still of the clip as its thumbnail, plain and drawn, or none for sessions
    saved before stills were kept). Format 3 added the ``kind`` column rather than a second
    table: one id sequence names every saved thing, and delete, export and listing by time serve both
    kinds unchanged. Photo trends and photo comparisons read photo rows only; jump rows are compared,
    charted and checked for persistent asymmetries by :mod:`posture.history.jump_sessions`.

Modules, each depending only on those above it: ``paths`` (where the file lives), ``schema``
(errors, time format, transactions, migrations, kinds), ``compare`` (how two photo records differ),
``jump_sessions`` (how jump sessions differ, persist and trend), ``listing`` (one list line per row),
``export`` (the zip) and ``store`` (:class:`HistoryStore`). ``record`` and ``jump_record`` build what a
save stores (kept out of the package exports: they need the imaging and jump engines).
"""

from posture.history.compare import (
    UNCHANGED_TOLERANCE,
    MeasureDelta,
    compare_records,
    unchanged_tolerance,
)
from posture.history.export import ANNOTATED_SUFFIX
from posture.history.jump_sessions import (
    Asymmetry,
    JumpMeasureChange,
    JumpSessionRecord,
    JumpTrendPoint,
    PersistentAsymmetry,
    asymmetry_change,
    compare_jump_records,
    jump_trend,
    persistent_asymmetries,
)
from posture.history.listing import Summary
from posture.history.paths import DB_FILENAME, default_database_path
from posture.history.schema import (
    KIND_JUMP,
    KIND_PHOTOS,
    LATEST_VERSION,
    MIGRATIONS,
    AssessmentNotFoundError,
    HistoryBusyError,
    HistoryError,
    HistoryVersionError,
)
from posture.history.store import HistoryStore, SavedAssessment, TrendPoint

__all__ = [
    "ANNOTATED_SUFFIX",
    "DB_FILENAME",
    "KIND_JUMP",
    "KIND_PHOTOS",
    "LATEST_VERSION",
    "MIGRATIONS",
    "UNCHANGED_TOLERANCE",
    "AssessmentNotFoundError",
    "Asymmetry",
    "HistoryBusyError",
    "HistoryError",
    "HistoryStore",
    "HistoryVersionError",
    "JumpMeasureChange",
    "JumpSessionRecord",
    "JumpTrendPoint",
    "MeasureDelta",
    "PersistentAsymmetry",
    "SavedAssessment",
    "Summary",
    "TrendPoint",
    "asymmetry_change",
    "compare_jump_records",
    "compare_records",
    "default_database_path",
    "jump_trend",
    "persistent_asymmetries",
    "unchanged_tolerance",
]
