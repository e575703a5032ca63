"""The ``posture`` command: output formats, exit statuses, annotation and parallel batches."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import cv2
import pytest

from posture.assessment import assess
from posture.cli import main
from posture.findings_text import format_findings
from posture.measures import typical_error
from tests.conftest import EVAL_IMAGES, SAMPLES
from tests.test_assessment import front, held_photo, side


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_is_one_array_in_input_order(capsys):
    photos = [str(SAMPLES / "left_s006.jpg"), str(SAMPLES / "front_s000.jpg")]
    code, out, _ = run_cli(capsys, "analyze", *photos, "--json", "--height-cm", "175")
    data = json.loads(out)
    assert code == 0
    assert [d["image"] for d in data] == ["left_s006.jpg", "front_s000.jpg"]
    assert [d["view"] for d in data] == ["left", "front"]
    assert data[0]["person"] == {"height_cm": 175.0, "height_source": "given"}


def test_text_output_names_measures_ranges_and_statuses(capsys):
    code, out, _ = run_cli(capsys, "analyze", str(SAMPLES / "right_s012.jpg"))
    assert code == 0
    assert "Craniovertebral angle" in out
    assert "normal ≥ 50°" in out
    assert "confidence" in out
    assert "No height was given" in out
    cva_line = next(line for line in out.splitlines() if "Craniovertebral angle" in line)
    # its typical error, of one right-profile photo (±1.8°; the left profile's is ±2.1°)
    assert f"±{typical_error('craniovertebral_angle_deg', 'right'):.1f}°" in cva_line


def test_a_failed_photo_gives_exit_1_and_a_clean_error(capsys, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    code, out, err = run_cli(capsys, "analyze", str(SAMPLES / "front_s000.jpg"), str(bad), "--json")
    data = json.loads(out)
    assert code == 1
    assert data[1] == {
        "image": "notes.jpg",
        "ok": False,
        "error": {"code": "not_an_image", "message": data[1]["error"]["message"]},
    }
    assert "Traceback" not in err


def test_annotate_writes_a_refused_photo_with_the_person_found_and_the_reason(capsys, tmp_path):
    photo = cv2.imread(str(SAMPLES / "front_s000.jpg"))
    cropped = tmp_path / "no_feet.jpg"
    cv2.imwrite(str(cropped), photo[: int(photo.shape[0] * 0.72)])  # cut at the knees
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    annotated = tmp_path / "annotated"
    code, out, _ = run_cli(capsys, "analyze", str(cropped), str(bad), "--model", "lite", "--annotate", str(annotated))
    assert code == 1
    assert "NOT ANALYSED (body_cut_off)" in out
    assert [p.name for p in annotated.iterdir()] == ["no_feet_annotated.jpg"], "nothing to draw for a non-photo"
    drawn = cv2.imread(str(annotated / "no_feet_annotated.jpg"))
    assert drawn.shape[1] == photo.shape[1]
    assert drawn.shape[0] > int(photo.shape[0] * 0.72), "the reason is in a band below the photo"


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "missing.jpg"],
        ["analyze", str(SAMPLES), "--height-cm", "20"],
        ["analyze"],
        ["analyze", str(SAMPLES), "--model", "huge"],
        ["analyze", str(SAMPLES), "--workers", "0"],
    ],
)
def test_usage_errors_exit_2(capsys, args):
    # argparse exits by itself; the checks after parsing return the status.
    try:
        code = main(args)
    except SystemExit as exit_info:
        code = exit_info.code
    assert code == 2


def test_empty_folder_is_a_usage_error(capsys, tmp_path):
    code, _, err = run_cli(capsys, "analyze", str(tmp_path))
    assert code == 2
    assert "no photos" in err


def test_a_folder_of_clips_says_how_to_analyse_them(capsys, tmp_path):
    for name in ("monday.mp4", "tuesday.MOV"):
        (tmp_path / name).write_bytes(b"")
    code, _, err = run_cli(capsys, "analyze", str(tmp_path))
    assert code == 2
    assert "no photos" in err
    assert "its 2 videos are not read from a folder: name a stand-still clip itself" in err
    assert "posture jump" in err


def test_two_photos_of_one_name_get_two_drawings_and_an_unwritable_folder_stops_before_any_work(capsys, tmp_path):
    first, second = tmp_path / "monday", tmp_path / "tuesday"
    for folder, sample in ((first, "front_s000.jpg"), (second, "back_s003.jpg")):
        folder.mkdir()
        shutil.copy(SAMPLES / sample, folder / "me.jpg")
    annotated = tmp_path / "annotated"
    code, out, err = run_cli(
        capsys, "analyze", str(first / "me.jpg"), str(second / "me.jpg"), "--json", "--annotate", str(annotated)
    )
    assert (code, err) == (0, "")
    assert [d["view"] for d in json.loads(out)] == ["front", "back"]
    # The second drawing replaced the first under one name before.
    assert sorted(p.name for p in annotated.iterdir()) == ["me-2_annotated.jpg", "me_annotated.jpg"]
    code, out, err = run_cli(capsys, "analyze", str(first / "me.jpg"), "--json", "--annotate", "/proc")
    assert (code, out) == (2, "")  # it failed after the analysis, with a traceback and no results
    assert err.startswith("posture: error: cannot write into /proc")


def test_folder_batch_with_workers_and_annotation(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the progress bar is drawn on terminals only
    folder = tmp_path / "photos"
    shutil.copytree(SAMPLES, folder)
    annotated = tmp_path / "annotated"
    code, out, err = run_cli(capsys, "analyze", str(folder), "--json", "--workers", "2", "--annotate", str(annotated))
    parallel = json.loads(out)
    assert code == 0
    assert [d["image"] for d in parallel] == sorted(p.name for p in SAMPLES.glob("*.jpg"))
    expected = sorted(f"{p.stem}_annotated.jpg" for p in SAMPLES.glob("*.jpg"))
    assert sorted(p.name for p in annotated.iterdir()) == expected
    assert "4/4" in err  # the progress bar reached the end
    _, out_serial, _ = run_cli(capsys, "analyze", str(folder), "--json")
    serial = json.loads(out_serial)
    for a, b in zip(parallel, serial, strict=True):
        assert a["measurements"] == b["measurements"]


@pytest.mark.parametrize(
    ("paths", "extra", "views"),
    [
        ([SAMPLES / "left_s006.jpg"], [], ["left"]),
        ([SAMPLES], ["--workers", "2"], ["back", "front", "left", "right"]),
    ],
)
def test_console_script_runs_as_a_module_with_an_empty_stderr(paths, extra, views):
    result = subprocess.run(
        [sys.executable, "-m", "posture.cli", "analyze", *map(str, paths), "--json", *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [d["view"] for d in json.loads(result.stdout)] == views
    # No native log line, no complaint at exit, and no progress bar when stderr is not a terminal.
    assert result.stderr == ""


def test_one_person_combines_profiles_into_one_assessment(capsys):
    # One render subject's two profiles (the sample photos are four different people).
    photos = [str(EVAL_IMAGES / "s003_left.jpg"), str(EVAL_IMAGES / "s003_right.jpg")]
    code, out, _ = run_cli(capsys, "analyze", *photos, "--one-person")
    assert code == 0
    assert "Craniovertebral angle, left minus right profile" in out
    assert "All photos together" in out
    _, out_json, _ = run_cli(capsys, "analyze", *photos, "--one-person", "--json")
    person = json.loads(out_json)
    together = person["photos"]
    assert together[0]["findings"] == together[1]["findings"] == person["combined"]["findings"]  # one assessment
    _, out_apart, _ = run_cli(capsys, "analyze", *photos, "--json")
    apart = json.loads(out_apart)
    unilateral = {d["image"]: next(f for f in d["findings"] if f["imbalance"] == "unilateral") for d in apart}
    # Alone, neither profile can show a left-right difference; together they do.
    assert all("profile_difference" not in " ".join(f["evidence"]) for f in unilateral.values())
    combined = next(f for f in together[0]["findings"] if f["imbalance"] == "unilateral")
    assert any(e.startswith("profile_difference.") for e in combined["evidence"])


@pytest.mark.parametrize("code", ["turned_view", "camera_off_level"])
def test_findings_text_gives_the_note_of_a_finding_held_back_by_its_photo(code):
    asymmetric = front(
        shoulder_tilt_deg=-4.0, shoulder_height_diff_cm=-2.6, pelvic_obliquity_deg=3.0, trunk_lateral_shift_cm=2.5
    )
    assessment = assess([held_photo(asymmetric, code), side()])
    held = assessment.finding("unilateral")
    assert held.note
    assert held.note in format_findings(assessment)
