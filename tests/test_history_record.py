"""What a save stores (posture.history.record) and ``posture analyze --save`` into a real SQLite history."""

from __future__ import annotations

import dataclasses
import json

import cv2
import numpy as np
import pytest

from posture.analysis import analyze_photo
from posture.assessment import assess
from posture.cli import main
from posture.history import DB_FILENAME, HistoryStore
from posture.history.record import THUMBNAIL_MAX_PX, Person, build_record, fingerprint, record_of
from tests.conftest import SAMPLES

PROFILES = [SAMPLES / "left_s006.jpg", SAMPLES / "right_s012.jpg"]
HEIGHT_CM = 175.0
RECORD_KEYS = {
    "findings",
    "stage",
    "red_flags",
    "plan",
    "advice",
    "plan_waits_for",
    "disclaimer",
    "notes",
    "profile_differences",
    "measurements_by_view",
    "photos",
    "answers",
    "person",
}


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path))
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def untimed(photos: list[dict]) -> list[dict]:
    """Photo objects without ``timings_ms``, the one field two runs of the same photos do not share."""
    return [{key: value for key, value in photo.items() if key != "timings_ms"} for photo in photos]


def decoded(jpeg: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


@pytest.fixture(scope="module")
def profiles_assessment():
    """The same photos the CLI test saves, analysed and assessed here in full size."""
    return assess([analyze_photo(path, height_cm=HEIGHT_CM) for path in PROFILES])


def test_the_record_holds_the_measured_photos_answers_and_person(profiles_assessment):
    failed = analyze_photo(b"not a photo", name="bad.txt")
    assessment = assess([*profiles_assessment.photos, failed])
    answers = {"back_pain": "no"}
    record, thumbnails, annotated = build_record(
        assessment, person=Person(HEIGHT_CM, "female", 41), note="morning", answers=answers
    )
    assert set(record) == RECORD_KEYS
    assert [photo["image"] for photo in record["photos"]] == ["left_s006.jpg", "right_s012.jpg"]  # bad.txt left out
    assert record["answers"] == answers
    assert record["person"] == {"height_cm": HEIGHT_CM, "sex": "female", "age": 41, "note": "morning"}
    assert json.loads(json.dumps(record, allow_nan=False)) == record
    assert len(thumbnails) == len(annotated) == 2
    for plain, drawn in zip(thumbnails, annotated, strict=True):
        assert max(decoded(plain).shape[:2]) == THUMBNAIL_MAX_PX == max(decoded(drawn).shape[:2])
        assert plain != drawn
    assert fingerprint(record, "a") == fingerprint(json.loads(json.dumps(record)), "a") != fingerprint(record, "b")


def test_cli_save_keeps_one_person_in_the_history_the_app_reads(capsys, data_dir, profiles_assessment):
    code, out, _ = run(
        capsys, *map(str, PROFILES), "--one-person", "--height-cm", str(HEIGHT_CM), "--save", "--label", "Zoë, week 1"
    )
    assert code == 0
    database = data_dir / DB_FILENAME
    assert database.is_file()
    store = HistoryStore(database)
    (summary,) = store.list()
    assert f"as #{summary.id}" in out.splitlines()[-1]
    assert str(database) in out.splitlines()[-1]
    assert summary.label == "Zoë, week 1"
    assert summary.photo_count == 2
    assert set(summary.views) == {"left", "right"}
    saved = store.get(summary.id)
    # The record read back is what the library builds for the same assessment made here from full-size photos,
    # and so are the thumbnails: the CLI kept only thumbnail-sized images, which draw the same pixels.
    record, thumbnails, annotated = build_record(profiles_assessment, person=Person(height_cm=HEIGHT_CM))
    expected = json.loads(json.dumps(record))
    assert untimed(saved.record.pop("photos")) == untimed(expected.pop("photos"))
    assert saved.record == expected
    assert list(saved.thumbnails) == thumbnails
    assert list(saved.annotated_thumbnails) == annotated
    assert saved.record["person"] == {"height_cm": HEIGHT_CM, "sex": None, "age": None, "note": ""}
    assert saved.record["answers"] == {}

    run(capsys, *map(str, PROFILES), "--one-person", "--height-cm", str(HEIGHT_CM), "--save")
    first, second = sorted(summary.id for summary in store.list())
    deltas = store.compare(first, second)
    assert deltas
    assert {delta.direction for delta in deltas} == {"unchanged"}
    assert {delta.key for delta in deltas} == {key for photo in record["photos"] for key in photo["measurements"]}
    assert all(photo["timings_ms"] for photo in store.get(second).record["photos"])


def test_cli_save_without_one_person_keeps_each_measured_photo(capsys, data_dir, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    code, out, _ = run(capsys, *map(str, PROFILES), str(bad), "--save")
    assert code == 1  # one photo was refused; the others are saved
    summaries = sorted(HistoryStore().list(), key=lambda summary: summary.id)
    assert [summary.label for summary in summaries] == ["left_s006.jpg", "right_s012.jpg"]
    assert [summary.photo_count for summary in summaries] == [1, 1]
    assert out.splitlines()[-1].endswith(", ".join(f"#{summary.id}" for summary in summaries))


def test_cli_save_in_json_mode_prints_the_contract_alone(capsys, data_dir):
    _, plain_json, _ = run(capsys, str(PROFILES[0]), "--json")
    code, saved_json, _ = run(capsys, str(PROFILES[0]), "--json", "--save")
    assert code == 0
    assert untimed(json.loads(saved_json)) == untimed(json.loads(plain_json))
    assert len(HistoryStore().list()) == 1


def test_label_without_save_is_a_usage_error(capsys, data_dir):
    code, _, err = run(capsys, str(PROFILES[0]), "--label", "x")
    assert code == 2
    assert "--save" in err
    assert not (data_dir / DB_FILENAME).exists()


def test_a_history_that_cannot_be_written_is_a_clean_error(capsys, data_dir):
    (data_dir / DB_FILENAME).write_bytes(b"this is not a database, but it is in the way" * 100)
    code, out, err = run(capsys, str(PROFILES[0]), "--save")
    assert code == 1
    assert "saving to the history failed after 0 saved" in err
    assert "Traceback" not in err
    assert "Saved to the history" not in out


def test_record_of_matches_build_record_without_images(profiles_assessment):
    assert record_of(profiles_assessment) == build_record(profiles_assessment)[0]


def test_a_value_that_is_not_a_number_is_saved_as_null(data_dir, profiles_assessment):
    # The store takes strict JSON only; a NaN anywhere in the record made the save fail.
    photo = profiles_assessment.photos[0]
    key = next(iter(photo.measurements))
    broken = dataclasses.replace(
        photo, measurements={**photo.measurements, key: dataclasses.replace(photo.measurements[key], confidence=np.nan)}
    )
    record, thumbnails, annotated = build_record(assess([broken]))
    (saved,) = [entry for entry in record["photos"] if entry["image"] == photo.image]
    assert saved["measurements"][key]["confidence"] is None
    saved_id = HistoryStore().save(record, thumbnails, annotated_thumbnails=annotated)
    assert HistoryStore().get(saved_id).record == record


def test_a_history_folder_that_cannot_be_made_is_a_clean_error(capsys, tmp_path, monkeypatch):
    # POSTURE_DATA_DIR naming a file: the folder cannot be made. Was a FileExistsError traceback.
    (tmp_path / "data").write_text("a file where the folder should be")
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path / "data"))
    code, out, err = run(capsys, str(PROFILES[0]), "--save")
    assert code == 1
    assert "saving to the history failed after 0 saved" in err
    assert "cannot be opened" in err
    assert "Traceback" not in err
    assert "Saved to the history" not in out
    assert (tmp_path / "data").read_text() == "a file where the folder should be"
