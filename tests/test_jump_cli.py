"""``posture jump`` and the videos of ``posture analyze`` through the real command, real clips and the real
model: the JSON contract (keys and signs), the annotated MP4 and chart, text, exit codes, empty stderr."""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from bench.video_clips import read_rgb, write_audio, write_video
from posture.assessment import assess
from posture.photo_result import MeasuredPhoto
from posture.report import contract_json
from posture.report.jump_blocks import jump_typical_error_text
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data" / "video"
CLIP = DATA / "jump04_front.mp4"
STAND = DATA / "stand01_front.mp4"
CONTRACT_KEYS = {
    "file",
    "ok",
    "view",
    "video",
    "frames_with_person",
    "measurements",
    "jumps",
    "findings",
    "warnings",
    "error",
}
ENGINE_EXTRAS = {"view_confidence", "style", "cadence_over_time"}  # the engine's additions (docs/design.md)
MEASUREMENT_KEYS = {"value", "unit", "band", "status", "confidence", "reason"}
JUMP_KEYS = {
    "touchdown_s",
    "touchdown_left_s",
    "touchdown_right_s",
    "takeoff_s",
    "foot_clearance_cm_left",
    "foot_clearance_cm_right",
    "landing_depth_cm_left",
    "landing_depth_cm_right",
    "hand_circle_cm_left",
    "hand_circle_cm_right",
    "trunk_twist_deg",
}
MEASURE_KEYS = {
    "jump_count",
    "cadence_jpm",
    "rhythm_variability_pct",
    "flight_time_ms",
    "contact_time_ms",
    "landing_lead_ms",
    "foot_clearance_cm_left",
    "foot_clearance_cm_right",
    "foot_clearance_si_pct",
    "landing_depth_cm_left",
    "landing_depth_cm_right",
    "landing_depth_diff_cm",
    "hand_circle_cm_left",
    "hand_circle_cm_right",
    "hand_circle_si_pct",
    "hand_phase_lead_ms",
    "hand_height_diff_cm",
    "hand_spread_diff_cm",
    "trunk_twist_deg",
    "lateral_shift_cm",
    "lateral_sway_cm",
    "trunk_lateral_lean_deg",
    "hand_circle_trend_pct_per_min_left",
    "hand_circle_trend_pct_per_min_right",
    "foot_clearance_trend_pct_per_min_left",
    "foot_clearance_trend_pct_per_min_right",
}


def posture(*args: object, timeout: float = 400) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posture.cli", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("annotated")
    result = posture("jump", CLIP, "--json", "--annotate", folder)
    assert result.returncode == 0, result.stderr
    return result, folder


def si(left: float, right: float) -> float:
    return 100.0 * (left - right) / ((left + right) / 2.0)


def test_json_is_one_array_with_the_contract_and_an_empty_stderr(annotated):
    result, _ = annotated
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert len(data) == 1
    clip = data[0]
    assert set(clip) == CONTRACT_KEYS | ENGINE_EXTRAS
    assert (clip["file"], clip["ok"], clip["view"], clip["error"]) == ("jump04_front.mp4", True, "front", None)
    assert clip["video"] == {
        "fps": 30.0,
        "frames": 240,
        "duration_s": 8.0,
        "rotation_deg": 90,
        "width": 720,
        "height": 1280,
    }
    assert set(clip["measurements"]) == MEASURE_KEYS
    for key, item in clip["measurements"].items():
        assert set(item) >= MEASUREMENT_KEYS, key
        assert item["status"] in ("measured", "symmetric", "asymmetric", "inconclusive", "not_assessed"), key
    assert clip["jumps"]
    assert all(set(jump) >= JUMP_KEYS for jump in clip["jumps"])
    for finding in clip["findings"]:
        assert list(finding) == ["imbalance", "likelihood", "score", "evidence"]


def test_json_signs_follow_the_contract(annotated):
    clip = json.loads(annotated[0].stdout)[0]
    m = {key: item["value"] for key, item in clip["measurements"].items()}
    # + = larger on the left / the left lands first, from the per-side values themselves.
    assert m["foot_clearance_si_pct"] == pytest.approx(
        si(m["foot_clearance_cm_left"], m["foot_clearance_cm_right"]), abs=0.01
    )
    assert m["hand_circle_si_pct"] == pytest.approx(si(m["hand_circle_cm_left"], m["hand_circle_cm_right"]), abs=0.01)
    assert m["landing_depth_diff_cm"] == pytest.approx(
        m["landing_depth_cm_left"] - m["landing_depth_cm_right"], abs=0.002
    )
    # The lead is read from the toes' descents (finer than the touchdown times): the session value is the
    # median of the per-jump leads, + where the left lands first.
    leads = [j["landing_lead_ms"] for j in clip["jumps"] if j["landing_lead_ms"] is not None]
    assert m["landing_lead_ms"] == pytest.approx(statistics.median(leads), abs=0.1)
    evidence = {key for finding in clip["findings"] for key in finding["evidence"]}
    asymmetric = {f"jump.{key}" for key, item in clip["measurements"].items() if item["status"] == "asymmetric"}
    assert evidence <= asymmetric, "only an asymmetric verdict can be evidence"


def test_annotated_video_keeps_every_frame_and_the_chart_is_written(annotated):
    result, folder = annotated
    frames = json.loads(result.stdout)[0]["video"]["frames"]
    with av.open(str(folder / "jump04_front_annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        decoded = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(decoded) == frames
    assert decoded[0].shape == (1280, 720, 3)
    original = next(iter(read_rgb(CLIP)))
    assert not np.array_equal(decoded[0][:40, :40], np.rot90(original, -1)[:40, :40]), "the values panel is drawn"
    chart = (folder / "jump04_front_series.png").read_bytes()
    assert chart.startswith(b"\x89PNG")


def test_text_summary_in_plain_words():
    result = posture("jump", CLIP, "--height-cm", "170")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("jump04_front.mp4: front view")
    for expected in (
        "Cadence",
        "jumps/min",
        "Landing depth, left minus right",
        "95 %",
        "In plain words:",
        "From this clip alone",
    ):
        assert expected in out
    assert "height_assumed" not in out
    # Each number says how far the model was off for it on the rendered clips, as in the app.
    flight = next(line for line in out.splitlines() if line.strip().startswith("Time in the air"))
    assert flight.endswith(f"typical error {jump_typical_error_text('flight_time_ms', 'ms', 'full')}")
    assert re.search(r"measured +confidence 0\.\d\d  typical error", flight), "how sure, as on the app's card"
    assert "ms" in flight.rsplit("typical error", 1)[1]
    count = next(line for line in out.splitlines() if line.strip().startswith("Jumps counted"))
    assert count.endswith(f"count {jump_typical_error_text('jump_count', 'count', 'full')}")
    assert "test clips" in count


def test_a_folder_or_an_unwritable_annotate_folder_is_a_usage_error_before_any_work(tmp_path):
    folder = posture("jump", CLIP.parent)
    assert folder.returncode == 2
    assert "is a folder: name the video files in it" in folder.stderr  # it said "no such file"
    unwritable = posture("jump", CLIP, "--annotate", "/proc")
    assert (unwritable.returncode, unwritable.stdout) == (2, "")
    assert unwritable.stderr.startswith("posture: error: cannot write into /proc")


def test_a_file_name_the_charts_font_cannot_draw_leaves_stderr_empty(tmp_path):
    # matplotlib warned once per missing glyph on stderr, which is kept for the progress bar alone.
    named = tmp_path / "跳绳 Montag.mp4"
    shutil.copy(CLIP, named)
    result = posture("jump", named, "--json", "--annotate", tmp_path / "out")
    assert (result.returncode, result.stderr) == (0, "")
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["跳绳 Montag_annotated.mp4", "跳绳 Montag_series.png"]


@pytest.fixture(scope="module")
def stand_small() -> list[np.ndarray]:
    return [frame[::4, ::4].copy() for frame in read_rgb(STAND)]


def test_every_refusal_comes_back_with_its_code(tmp_path, stand_small):
    (tmp_path / "photo.mp4").write_bytes((SAMPLES / "front_s000.jpg").read_bytes())
    write_audio(tmp_path / "sound.mp4")
    (tmp_path / "cut.mp4").write_bytes(CLIP.read_bytes()[: CLIP.stat().st_size // 2])
    write_video(tmp_path / "mpeg2.mp4", stand_small, codec="mpeg2video")
    write_video(tmp_path / "short.mp4", stand_small[:60])
    write_video(tmp_path / "long.mp4", [stand_small[0][:64, :64]] * 200, fps=1.0)
    write_video(tmp_path / "huge.mp4", [np.zeros((2400, 4200, 3), np.uint8)] * 4, options={"preset": "ultrafast"})
    names = ["photo.mp4", "sound.mp4", "cut.mp4", "mpeg2.mp4", "short.mp4", "long.mp4", "huge.mp4"]
    result = posture("jump", *[tmp_path / name for name in names], STAND, "--json")
    assert result.returncode == 1
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert [d["file"] for d in data] == [*names, STAND.name]
    assert [d["error"]["code"] for d in data] == [
        "not_a_video",
        "not_a_video",
        "corrupt_video",
        "unsupported_codec",
        "video_too_short",
        "video_too_long",
        "video_too_large",
        "no_jumping_found",
    ]
    assert all(d["ok"] is False and d["error"]["message"] for d in data)
    text = posture("jump", tmp_path / "short.mp4")
    assert text.returncode == 1
    assert text.stdout.startswith("short.mp4: NOT ANALYSED (video_too_short)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jump", "missing.mp4"], "no such file: missing.mp4"),
        (["jump", str(CLIP), "--height-cm", "20"], "--height-cm 20.0 is outside 50-250 cm"),
        (["jump", str(CLIP), "--workers", "0"], "--workers must be at least 1"),
        (["analyze", str(SAMPLES / "front_s000.jpg"), "--jump", str(CLIP)], "add --one-person"),
    ],
)
def test_usage_errors_exit_2(args, message):
    result = posture(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_stand_still_clip_is_analysed_like_a_photo():
    result = posture("analyze", STAND, "--json", "--height-cm", "170")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (clip,) = json.loads(result.stdout)
    photo_keys = set(
        contract_json(
            assess(
                [
                    MeasuredPhoto(
                        image="x.jpg", view="front", view_confidence=1.0, height_cm=170.0, height_source="given"
                    )
                ]
            )
        )[0]
    )
    assert set(clip) == photo_keys | {"frames_used"}
    assert (clip["image"], clip["ok"], clip["view"]) == ("stand01_front.mp4", True, "front")
    assert 5 <= clip["frames_used"] <= 90
    assert {"shoulder_tilt_deg", "pelvic_obliquity_deg", "trunk_lateral_lean_deg"} <= set(clip["measurements"])


def test_photos_and_a_jump_clip_give_one_assessment():
    result = posture("analyze", SAMPLES / "front_s000.jpg", "--one-person", "--jump", CLIP, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    person = json.loads(result.stdout)  # --one-person: the photos, the combined result and the clip
    [photo], clip = person["photos"], person["jump"]
    assert (photo["image"], clip["file"]) == ("front_s000.jpg", "jump04_front.mp4")
    assert clip["findings"] == photo["findings"], "one assessment, shown on the photo and on the clip"
    assert [f["imbalance"] for f in person["combined"]["findings"]] == [f["imbalance"] for f in photo["findings"]]
    likelihood = {f["imbalance"]: f["likelihood"] for f in photo["findings"]}
    # A front photo alone reads no sign of the chest/upper-back imbalance (its signs are profile ones): the
    # clip's hand measures make it readable.
    alone = {
        f.imbalance: str(f.likelihood)
        for f in assess(
            [MeasuredPhoto(image="x.jpg", view="front", view_confidence=1.0, height_cm=170.0, height_source="given")]
        ).findings
    }
    assert alone["upper_crossed"] == "not_assessed"
    assert likelihood["upper_crossed"] != "not_assessed"
    assert likelihood["unilateral"] != "not_assessed"
