"""The local history: real SQLite files in tmp_path, no mocks."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from posture.history import (
    LATEST_VERSION,
    UNCHANGED_TOLERANCE,
    AssessmentNotFoundError,
    HistoryError,
    HistoryStore,
    HistoryVersionError,
    MeasureDelta,
    Summary,
    compare_records,
    default_database_path,
    unchanged_tolerance,
)
from posture.history.compare import DIFFERENT_VIEW
from posture.measures import typical_error

pytestmark = pytest.mark.model_free

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
# Not valid images on purpose: the store keeps bytes, it does not decode them. All 256 byte
# values and a NUL catch any text conversion on the way.
JPEG_A = b"\xff\xd8\xff\xe0" + bytes(range(256)) + b"\x00end\xff\xd9"
JPEG_B = b"\xff\xd8" + bytes(reversed(range(256))) * 40 + b"\xff\xd9"
INJECTION = "Robert'); DROP TABLE assessments;--"


def measurement(value, unit="deg", normal_range=(None, None), status="normal"):
    return {
        "value": value,
        "unit": unit,
        "confidence": 0.8,
        "normal_range": list(normal_range),
        "status": status,
        "source": "test",
    }


def record(cva=46.2, ear=6.0, tilt=1.0, findings=("upper_crossed",), side_view="left"):
    """A two-photo assessment in the engine's JSON contract."""
    side = {"image": "side.jpg", "ok": True, "view": side_view, "not_assessed": {}, "measurements": {}}
    if cva is not None:
        side["measurements"]["craniovertebral_angle_deg"] = measurement(cva, "deg", (50, None), "deviation")
    if ear is not None:
        side["measurements"]["ear_ahead_of_shoulder_cm"] = measurement(ear, "cm", (None, 5))
    front = {
        "image": "front.jpg",
        "ok": True,
        "view": "front",
        "not_assessed": {"x": "hidden"},
        "measurements": {"shoulder_tilt_deg": measurement(tilt, "deg", (-2, 2))},
    }
    return {
        "photos": [side, front],
        "findings": [{"imbalance": f, "likelihood": "likely", "evidence": []} for f in findings],
        "stage": None,
        "plan": {"strengthen": ["face pulls"], "mobility": [], "cross_train": ["jump rope"]},
    }


def dump(path: Path) -> tuple[int, list[str]]:
    """The logical content of a database file: schema version and every row as SQL."""
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0], list(conn.iterdump())


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(db) -> HistoryStore:
    return HistoryStore(db)


# -- save / list / get ---------------------------------------------------------------------------


def test_round_trip(store):
    rec = record()
    new_id = store.save(rec, [JPEG_A, JPEG_B], label="Anna, week 0", taken_at=T0, engine_version="1.2.3")

    [summary] = store.list()
    assert summary == Summary(
        id=new_id,
        taken_at=T0,
        label="Anna, week 0",
        views=("left", "front"),
        photo_count=2,
        headline_findings=("upper_crossed",),
        engine_version="1.2.3",
    )

    saved = store.get(new_id)
    assert saved.record == rec
    assert saved.label == "Anna, week 0"
    assert saved.taken_at == T0
    assert saved.taken_at.tzinfo is not None
    assert saved.thumbnails == (JPEG_A, JPEG_B)
    assert saved.annotated_thumbnails == (None, None)
    assert saved.engine_version == "1.2.3"


def test_thumbnails_byte_exact_with_annotated(store):
    big = bytes(range(256)) * 4000  # ~1 MB: spans many overflow pages
    new_id = store.save(record(), [big, JPEG_A], annotated_thumbnails=[JPEG_B])
    saved = store.get(new_id)
    assert saved.thumbnails == (big, JPEG_A)
    assert all(type(t) is bytes for t in saved.thumbnails)
    assert saved.annotated_thumbnails == (JPEG_B, None)


def test_first_thumbnails_give_each_assessment_its_first_picture_or_none(store):
    assert store.first_thumbnails() == {}, "no file yet: nothing to show"
    both = store.save(record(), [JPEG_A, JPEG_B], annotated_thumbnails=[JPEG_B, JPEG_A])
    none = store.save(record())
    one = store.save(record(), [JPEG_B])
    assert store.first_thumbnails() == {both: JPEG_A, one: JPEG_B}
    assert none not in store.first_thumbnails()
    store.delete(both)
    assert store.first_thumbnails() == {one: JPEG_B}


def test_list_newest_first_and_taken_at_normalised_to_utc(store):
    paris = timezone(timedelta(hours=1))
    old = store.save(record(), taken_at=datetime(2024, 1, 1, 12, 0, tzinfo=paris))
    new = store.save(record(), taken_at=datetime(2024, 1, 1, 11, 30, tzinfo=UTC))
    listed = store.list()
    assert [s.id for s in listed] == [new, old]
    assert listed[1].taken_at == datetime(2024, 1, 1, 11, 0, tzinfo=UTC)
    assert listed[1].taken_at.utcoffset() == timedelta(0)


def test_default_taken_at_is_now_utc(store):
    before = datetime.now(UTC)
    new_id = store.save(record())
    assert before - timedelta(seconds=1) <= store.get(new_id).taken_at <= datetime.now(UTC)


def test_summary_of_a_sparse_record(store):
    new_id = store.save({"photos": [{"image": "x.jpg", "ok": False, "view": None}]})
    [summary] = store.list()
    assert (summary.id, summary.views, summary.photo_count, summary.headline_findings) == (new_id, (), 1, ())


def test_headline_findings_capped_and_deduplicated(store):
    store.save(record(findings=("upper_crossed", "upper_crossed", "lower_crossed", "a", "b")))
    assert store.list()[0].headline_findings == ("upper_crossed", "lower_crossed", "a")


def test_get_missing_raises(store):
    with pytest.raises(AssessmentNotFoundError):
        store.get(1)
    store.save(record())
    with pytest.raises(AssessmentNotFoundError):
        store.get(999)


# -- labels are data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        INJECTION,
        "Zoë 🏋️‍♀️ née Ødegård — 田中さん",
        "tab\there\nnew line \"quoted\" 'single' %s ? :name \\ ;",
        "nul\x00inside",
        "",
        "   spaces kept   ",
    ],
)
def test_label_round_trips_verbatim(store, db, label):
    new_id = store.save(record(), [JPEG_A], label=label)
    assert store.get(new_id).label == label
    assert store.list()[0].label == label
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"assessments", "thumbnails"} <= tables
    assert count(db, "assessments") == 1


def test_injection_label_in_export(store, tmp_path):
    store.save(record(), label=INJECTION)
    with zipfile.ZipFile(store.export(tmp_path / "out.zip")) as archive:
        assert json.loads(archive.read("assessments.json"))["assessments"][0]["label"] == INJECTION


def test_bad_arguments_are_refused_before_anything_is_written(store, db):
    with pytest.raises(TypeError):
        store.save(record(), ["not bytes"])
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        store.save({"value": float("nan")})
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        store.save({"value": object()})
    with pytest.raises(TypeError):
        store.save(record(), label=None)
    with pytest.raises(UnicodeEncodeError):
        store.save(record(), label="lone \ud800 surrogate")
    with pytest.raises(ValueError, match="more annotated thumbnails than thumbnails"):
        store.save(record(), [JPEG_A], annotated_thumbnails=[JPEG_A, JPEG_B])
    assert not db.exists()


# -- delete --------------------------------------------------------------------------------------


def test_delete_one(store, db):
    keep = store.save(record(), [JPEG_A], taken_at=T0)
    gone = store.save(record(), [JPEG_A, JPEG_B], taken_at=T0 + timedelta(days=1))
    assert store.delete(gone) is True
    assert [s.id for s in store.list()] == [keep]
    assert store.get(keep).thumbnails == (JPEG_A,)
    # Foreign keys are on: the thumbnails went with their assessment.
    assert count(db, "thumbnails") == 1
    assert store.delete(gone) is False
    with pytest.raises(AssessmentNotFoundError):
        store.get(gone)


def test_delete_all_and_ids_not_reused(store, db):
    ids = [store.save(record(), [JPEG_A]) for _ in range(3)]
    assert store.delete_all() == 3
    assert store.list() == []
    assert count(db, "thumbnails") == 0
    # An id that once meant one assessment never comes to mean another.
    assert store.save(record()) > max(ids)


def test_deleted_thumbnail_bytes_are_overwritten_in_the_file(store, db):
    secret = b"\xff\xd8" + b"FACE-OF-A-CLIENT" * 500 + b"\xff\xd9"
    keep = store.save(record(), [JPEG_A])
    gone = store.save(record(), [secret], label="secret-label-text")
    assert b"FACE-OF-A-CLIENT" in db.read_bytes()
    store.delete(gone)
    assert b"FACE-OF-A-CLIENT" not in db.read_bytes()
    assert b"secret-label-text" not in db.read_bytes()
    assert store.get(keep).thumbnails == (JPEG_A,)


def test_delete_on_missing_file_creates_nothing(store, db):
    assert store.delete(1) is False
    assert store.delete_all() == 0
    assert not db.exists()
    assert not db.parent.exists()


# -- nothing created until the first save ------------------------------------------------------


def test_reading_a_missing_history_creates_nothing(store, db, tmp_path):
    assert store.list() == []
    assert store.trend("craniovertebral_angle_deg") == []
    with pytest.raises(AssessmentNotFoundError):
        store.get(1)
    with zipfile.ZipFile(store.export(tmp_path / "empty.zip")) as archive:
        assert json.loads(archive.read("assessments.json"))["assessments"] == []
    assert not db.exists()
    assert not db.parent.exists()
    store.save(record())
    assert db.exists()


# -- export --------------------------------------------------------------------------------------


def test_export_zip_contents(store, tmp_path):
    first = store.save(
        record(cva=44),
        [JPEG_A, JPEG_B],
        label="Zoë 🏋️",
        taken_at=T0,
        annotated_thumbnails=[None, JPEG_A],
        engine_version="0.1",
    )
    second = store.save(record(cva=48), [JPEG_B], taken_at=T0 + timedelta(days=42))

    out = store.export(tmp_path / "export.zip")
    assert out == tmp_path / "export.zip"
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(
            [
                "assessments.json",
                f"thumbnails/{first}_0.jpg",
                f"thumbnails/{first}_1.jpg",
                f"thumbnails/{first}_1_annotated.jpg",
                f"thumbnails/{second}_0.jpg",
            ]
        )
        assert archive.read(f"thumbnails/{first}_0.jpg") == JPEG_A
        assert archive.read(f"thumbnails/{first}_1.jpg") == JPEG_B
        assert archive.read(f"thumbnails/{first}_1_annotated.jpg") == JPEG_A
        assert archive.read(f"thumbnails/{second}_0.jpg") == JPEG_B
        document = json.loads(archive.read("assessments.json").decode("utf-8"))
    entries = document["assessments"]
    assert [e["id"] for e in entries] == [first, second]
    assert entries[0]["record"] == record(cva=44)
    assert entries[0]["label"] == "Zoë 🏋️"
    assert entries[0]["engine_version"] == "0.1"
    assert datetime.fromisoformat(entries[0]["taken_at"]) == T0
    assert entries[0]["thumbnails"] == [f"thumbnails/{first}_0.jpg", f"thumbnails/{first}_1.jpg"]
    assert entries[0]["annotated_thumbnails"] == [None, f"thumbnails/{first}_1_annotated.jpg"]
    assert document["schema_version"] == LATEST_VERSION
    assert list(tmp_path.glob("*.part")) == []


def test_export_into_a_directory_and_as_bytes(store, tmp_path):
    store.save(record(), [JPEG_A])
    out = store.export(tmp_path)
    assert out.parent == tmp_path
    assert out.suffix == ".zip"
    with zipfile.ZipFile(out) as a, zipfile.ZipFile(io.BytesIO(store.export_bytes())) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())


def test_exports_into_one_directory_never_replace_each_other(store, tmp_path):
    # Within one second the dated names are equal: an export made after a delete replaced the one before.
    first_id = store.save(record(), [JPEG_A])
    store.save(record(cva=40.0), [JPEG_A])
    exports = [store.export(tmp_path) for _ in range(3)]
    store.delete(first_id)
    exports.append(store.export(tmp_path))
    assert len(set(exports)) == 4
    assert all(path.exists() for path in exports)
    with zipfile.ZipFile(exports[0]) as before_delete:
        assert len(json.loads(before_delete.read("assessments.json"))["assessments"]) == 2


# -- trend ---------------------------------------------------------------------------------------


def test_trend_is_ordered_by_time_not_by_save_order(store):
    store.save(record(cva=48.0), taken_at=T0 + timedelta(days=60))
    store.save(record(cva=44.0), taken_at=T0)
    store.save(record(cva=None), taken_at=T0 + timedelta(days=10))  # not measured that time
    store.save(record(cva=46.5), taken_at=T0 + timedelta(days=30))
    points = store.trend("craniovertebral_angle_deg")
    assert [(p.value, p.unit) for p in points] == [(44.0, "deg"), (46.5, "deg"), (48.0, "deg")]
    assert [p.taken_at for p in points] == sorted(p.taken_at for p in points)
    taken_at, value, unit, view, hand_moved = points[0]
    assert (taken_at, value, unit, view, hand_moved) == (T0, 44.0, "deg", "left", False)


def test_trend_by_view(store):
    store.save(record(cva=44.0, side_view="left"), taken_at=T0)
    store.save(record(cva=45.0, side_view="right"), taken_at=T0 + timedelta(days=1))
    assert [p.value for p in store.trend("craniovertebral_angle_deg", view="right")] == [45.0]
    assert [p.value for p in store.trend("craniovertebral_angle_deg", view="left")] == [44.0]
    assert store.trend("craniovertebral_angle_deg", view="front") == []
    assert store.trend("no_such_measure") == []


# -- compare -------------------------------------------------------------------------------------


def by_key(deltas: list[MeasureDelta]) -> dict[str, MeasureDelta]:
    return {d.key: d for d in deltas}


def test_compare_directions(store):
    # CVA normal [50, null]: 44 -> 48 moved toward the range. Ear ahead normal [null, 5]:
    # 6 -> 8 moved away. Shoulder tilt [-2, 2]: 1.0 -> 1.3 is within the 0.5 deg tolerance.
    a = store.save(record(cva=44.0, ear=6.0, tilt=1.0), taken_at=T0)
    b = store.save(record(cva=48.0, ear=8.0, tilt=1.3), taken_at=T0 + timedelta(days=42))
    deltas = by_key(store.compare(a, b))
    cva = deltas["craniovertebral_angle_deg"]
    assert (cva.view, cva.unit, cva.before, cva.after, cva.direction) == ("left", "deg", 44.0, 48.0, "improved")
    assert cva.delta == pytest.approx(4.0)
    assert cva.normal_range == (50.0, None)
    assert deltas["ear_ahead_of_shoulder_cm"].direction == "worsened"
    assert deltas["ear_ahead_of_shoulder_cm"].delta == pytest.approx(2.0)
    assert deltas["shoulder_tilt_deg"].direction == "unchanged"
    # Backwards is the mirror image.
    back = by_key(store.compare(b, a))
    assert back["craniovertebral_angle_deg"].direction == "worsened"
    assert back["ear_ahead_of_shoulder_cm"].direction == "improved"


def direction(before, after, unit="deg", normal_range=(None, None)):
    old = {"photos": [{"view": "left", "measurements": {"m": measurement(before, unit, normal_range)}}]}
    new = {"photos": [{"view": "left", "measurements": {"m": measurement(after, unit, normal_range)}}]}
    [delta] = compare_records(old, new)
    return delta.direction


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (44.0, 48.0, "improved"),  # toward the lower bound
        (44.0, 52.0, "improved"),  # into the range
        (48.0, 44.0, "worsened"),  # away from it
        (52.0, 47.0, "worsened"),  # out of it
        (52.0, 60.0, "unchanged"),  # normal both times: a one-sided range does not rank normals
        (60.0, 52.0, "unchanged"),
        (44.0, 44.4, "unchanged"),  # below the 0.5 deg tolerance
        (49.8, 50.2, "unchanged"),  # crossing the bound by less than the tolerance is still noise
        (44.0, 44.6, "improved"),  # just above it
    ],
)
def test_compare_lower_bound_only_like_cva(before, after, expected):
    assert direction(before, after, "deg", (50, None)) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (3.0, 2.4, "improved"),
        (-3.0, -1.0, "improved"),
        (2.5, 4.0, "worsened"),
        (-3.0, 3.0, "unchanged"),  # as far outside, on the other side
        (1.5, -1.5, "unchanged"),  # normal both times
        (2.6, 2.4, "unchanged"),  # 0.2 < 0.3 cm tolerance
        (2.6, 2.2, "improved"),  # 0.4 >= 0.3 cm
    ],
)
def test_compare_two_sided_range_in_cm(before, after, expected):
    assert direction(before, after, "cm", (-2, 2)) == expected


def test_tolerances_are_documented_values():
    assert UNCHANGED_TOLERANCE == {"deg": 0.5, "cm": 0.3}


def test_a_change_within_the_measures_typical_error_is_unchanged(store):
    """CVA's benchmarked typical error (about 2 deg) is the smallest change the photos can show; a
    measure without one keeps the unit's tolerance."""
    assert unchanged_tolerance("craniovertebral_angle_deg", "deg") == typical_error("craniovertebral_angle_deg")
    knee_error = typical_error("knee_ahead_of_ankle_cm")
    assert knee_error is not None
    assert unchanged_tolerance("knee_ahead_of_ankle_cm", "cm") == max(knee_error, 0.3)  # never below the unit's
    assert unchanged_tolerance("profile_difference.trunk_lean_deg", "deg") == 0.5
    a = store.save(record(cva=44.0, ear=6.0), taken_at=T0)
    within = store.save(record(cva=45.5, ear=6.5), taken_at=T0 + timedelta(days=21))
    beyond = store.save(record(cva=47.0, ear=7.0), taken_at=T0 + timedelta(days=42))
    for later, expected in ((within, ("unchanged", "unchanged")), (beyond, ("improved", "worsened"))):
        deltas = by_key(store.compare(a, later))
        assert (deltas["craniovertebral_angle_deg"].direction, deltas["ear_ahead_of_shoulder_cm"].direction) == expected


def test_compare_missing_on_one_side_is_na(store):
    a = store.save(record(cva=None, ear=6.0))
    b = store.save(record(cva=47.0, ear=None))
    deltas = by_key(store.compare(a, b))
    cva, ear = deltas["craniovertebral_angle_deg"], deltas["ear_ahead_of_shoulder_cm"]
    assert (cva.before, cva.after, cva.delta, cva.direction) == (None, 47.0, None, "n/a")
    assert (ear.before, ear.after, ear.delta, ear.direction) == (6.0, None, None, "n/a")
    assert cva.unit == "deg"
    assert ear.unit == "cm"


def test_compare_without_a_range_or_with_other_units_is_na():
    assert direction(10.0, 20.0) == "n/a"
    assert direction(10.0, 10.1) == "unchanged"  # no range needed to see it did not move
    old = {"photos": [{"view": "front", "measurements": {"m": measurement(1.0, "deg", (-2, 2))}}]}
    new = {"photos": [{"view": "front", "measurements": {"m": measurement(1.0, "cm", (-2, 2))}}]}
    assert compare_records(old, new)[0].direction == "n/a"


def test_compare_puts_left_profile_next_to_later_right_profile_without_judging(store):
    """Values from two different views sit side by side but are never called improved or worsened."""
    a = store.save(record(cva=44.0, ear=8.0, side_view="left"))
    b = store.save(record(cva=49.0, ear=3.0, side_view="right"))
    deltas = by_key(store.compare(a, b))
    cva, ear = deltas["craniovertebral_angle_deg"], deltas["ear_ahead_of_shoulder_cm"]
    assert (cva.view, cva.before, cva.after, cva.delta, cva.direction) == (
        "left→right",
        44.0,
        49.0,
        None,
        "different view",
    )
    assert (ear.view, ear.before, ear.after, ear.delta, ear.direction) == ("left→right", 8.0, 3.0, None, DIFFERENT_VIEW)
    assert deltas["shoulder_tilt_deg"].view == "front"  # the front photo pairs with the front photo as before
    assert len(store.compare(a, b)) == 3  # cva, ear, tilt: no unpaired leftovers


def test_front_then_back_is_a_different_view_too():
    old = {"photos": [{"view": "front", "measurements": {"shoulder_tilt_deg": measurement(3.0, "deg", (-2, 2))}}]}
    new = {"photos": [{"view": "back", "measurements": {"shoulder_tilt_deg": measurement(0.5, "deg", (-2, 2))}}]}
    [delta] = compare_records(old, new)
    assert (delta.view, delta.direction, delta.delta) == ("front→back", DIFFERENT_VIEW, None)
    # the same pair in one view is judged
    [same] = compare_records(old, {"photos": [{**new["photos"][0], "view": "front"}]})
    assert (same.view, same.direction) == ("front", "improved")


def test_compare_missing_id_raises(store):
    a = store.save(record())
    with pytest.raises(AssessmentNotFoundError):
        store.compare(a, a + 1)


# -- schema versions -----------------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE assessments (
 id INTEGER PRIMARY KEY AUTOINCREMENT, taken_at TEXT NOT NULL,
 label TEXT NOT NULL DEFAULT '', record_json TEXT NOT NULL);
CREATE TABLE thumbnails (
 assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
 position INTEGER NOT NULL, jpeg BLOB NOT NULL, PRIMARY KEY (assessment_id, position));
PRAGMA user_version = 1;
"""


def make_v1(path: Path) -> None:
    """A version-1 file as the first release wrote it, built with raw SQL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA)
        rows = [
            (1, "2024-02-01T10:00:00Z", INJECTION, json.dumps(record(cva=47.0))),
            (2, "2024-01-01T10:00:00+00:00", "Zoë 🏋️", json.dumps(record(cva=44.0))),
            (3, "2024-02-01T10:00:00.500000+00:00", "", json.dumps(record(cva=49.0))),
        ]
        conn.executemany("INSERT INTO assessments VALUES (?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO thumbnails VALUES (?, ?, ?)", [(1, 0, JPEG_A), (1, 1, JPEG_B), (2, 0, JPEG_B)])
    conn.close()


def test_migrates_a_v1_file_without_losing_rows(store, db):
    make_v1(db)
    assert dump(db)[0] == 1
    listed = store.list()
    assert dump(db)[0] == LATEST_VERSION == 3
    assert {s.kind for s in listed} == {"photos"}
    # Newest first, and the "Z" row now sorts by its time, not by its text.
    assert [s.id for s in listed] == [3, 1, 2]
    assert [s.label for s in listed] == ["", INJECTION, "Zoë 🏋️"]
    assert store.get(1).thumbnails == (JPEG_A, JPEG_B)
    assert store.get(1).annotated_thumbnails == (None, None)
    assert store.get(2).record == record(cva=44.0)
    assert store.get(1).taken_at == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert store.get(1).engine_version == ""
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT taken_at FROM assessments WHERE id = 1").fetchone()[0] == (
            "2024-02-01T10:00:00.000000+00:00"
        )
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "assessments_by_time" in indexes
    # The upgraded file works as a new one: ids continue, cascades hold.
    assert store.save(record(), [JPEG_A], engine_version="2.0") == 4
    assert store.delete(1)
    assert count(db, "thumbnails") == 2
    assert [p.value for p in store.trend("craniovertebral_angle_deg")] == [44.0, 49.0, 46.2]


def test_newer_version_is_refused_and_left_alone(store, db):
    make_v1(db)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    for call in (store.list, lambda: store.save(record()), lambda: store.get(1), store.delete_all):
        with pytest.raises(HistoryVersionError, match="newer version"):
            call()
    assert db.read_bytes() == before


def test_foreign_files_are_refused(tmp_path):
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_bytes(b"just some text, not a database" * 100)
    with pytest.raises(HistoryError):
        HistoryStore(not_sqlite).list()
    other_app = tmp_path / "other.sqlite3"
    with sqlite3.connect(other_app) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.close()
    with pytest.raises(HistoryError, match="other program"):
        HistoryStore(other_app).save(record())
    assert dump(other_app)[1] == ["BEGIN TRANSACTION;", "CREATE TABLE contacts (name TEXT);", "COMMIT;"]


# -- interrupted saves ---------------------------------------------------------------------------


def test_save_failing_between_assessment_row_and_thumbnails_changes_nothing(store, db):
    store.save(record(cva=44.0), [JPEG_A], label="existing")
    # A real database failure at the second thumbnail, after the assessment row and the first
    # thumbnail are inserted: what a full disk or an I/O error would do.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER fail_second_thumbnail BEFORE INSERT ON thumbnails"
            " WHEN NEW.position = 1 BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"
        )
    conn.close()
    before_bytes, before = db.read_bytes(), dump(db)

    with pytest.raises(HistoryError, match="simulated write failure") as failure:
        store.save(record(cva=48.0), [JPEG_A, JPEG_B], label="half-saved")

    assert isinstance(failure.value.__cause__, sqlite3.IntegrityError)
    assert db.read_bytes() == before_bytes
    assert dump(db) == before
    assert [s.label for s in store.list()] == ["existing"]
    # The next save gets the id the failed one would have had: even the id counter rolled back.
    assert store.save(record(), [JPEG_A]) == 2


CRASHING_CHILD = textwrap.dedent("""
    import os, sys
    from posture.history import HistoryStore

    class CrashingStore(HistoryStore):
        # The process dies (no exception, no cleanup) as the third thumbnail is about to go in,
        # after the assessment row and two thumbnails were inserted in the same transaction. A
        # tiny page cache makes SQLite spill those pages into the file before the crash.
        def _connect(self, *, create):
            conn = super()._connect(create=create)
            conn.execute("PRAGMA cache_size = 2")
            inserts = []
            def die(statement):
                if statement.startswith("INSERT INTO thumbnails"):
                    inserts.append(statement)
                    if len(inserts) == 3:
                        os._exit(17)
            conn.set_trace_callback(die)
            return conn

    CrashingStore(sys.argv[1]).save({"photos": []}, [b"x" * 100_000] * 3, label="never")
""")


def test_process_crash_midway_through_save_leaves_history_as_before(store, db):
    store.save(record(), [JPEG_A], label="existing")
    before_bytes, before = db.read_bytes(), dump(db)
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_CHILD, str(db)],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 17, child.stderr
    # The crash really happened mid-write: the file holds half a save and a hot journal.
    assert db.read_bytes() != before_bytes
    assert db.with_name(db.name + "-journal").stat().st_size > 0
    # Opening again rolls back what the dead process left half-written.
    assert [s.label for s in store.list()] == ["existing"]
    assert db.read_bytes() == before_bytes
    assert dump(db) == before


# -- threads -------------------------------------------------------------------------------------


def test_saves_from_many_threads(store):
    def work(n: int) -> None:
        for i in range(5):
            new_id = store.save(record(cva=40.0 + n), [JPEG_A], label=f"thread {n} #{i}")
            assert store.get(new_id).label == f"thread {n} #{i}"
            store.list()

    with ThreadPoolExecutor(max_workers=6) as pool:
        for future in [pool.submit(work, n) for n in range(6)]:
            future.result()  # re-raises anything that failed in a worker
    listed = store.list()
    assert len(listed) == 30
    assert len({s.id for s in listed}) == 30


# -- default location ----------------------------------------------------------------------------


def test_default_path_honours_posture_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path / "mine"))
    assert default_database_path() == tmp_path / "mine" / "history.sqlite3"
    store = HistoryStore()
    assert store.path == tmp_path / "mine" / "history.sqlite3"
    assert store.list() == []
    assert not (tmp_path / "mine").exists()
    store.save(record())
    assert (tmp_path / "mine" / "history.sqlite3").exists()


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", "/home/u/.local/share/posture-checker/history.sqlite3"),
        ({"XDG_DATA_HOME": "/xdg"}, "linux", "/xdg/posture-checker/history.sqlite3"),
        ({"XDG_DATA_HOME": "relative/ignored"}, "linux", "/home/u/.local/share/posture-checker/history.sqlite3"),
        ({}, "darwin", "/home/u/Library/Application Support/posture-checker/history.sqlite3"),
        ({"APPDATA": "/appdata"}, "win32", "/appdata/posture-checker/history.sqlite3"),
        ({"POSTURE_DATA_DIR": "/custom", "XDG_DATA_HOME": "/xdg"}, "linux", "/custom/history.sqlite3"),
    ],
)
def test_default_path_per_platform(environ, platform, expected):
    assert default_database_path(environ, platform, Path("/home/u")) == Path(expected)


def test_headline_lists_only_possible_and_likely_findings(tmp_path):
    record = {
        "photos": [],
        "findings": [
            {"imbalance": "unilateral", "likelihood": "unlikely"},
            {"imbalance": "upper_crossed", "likelihood": "likely"},
            {"imbalance": "erectors_over_core", "likelihood": "not_assessed"},
            {"imbalance": "quads_over_hamstrings", "likelihood": "possible"},
        ],
    }
    store = HistoryStore(tmp_path / "h.sqlite3")
    store.save(record)
    assert store.list()[0].headline_findings == ("upper_crossed", "quads_over_hamstrings")
