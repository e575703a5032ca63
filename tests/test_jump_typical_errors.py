"""The tracker's typical error widens the left/right bands of tracked sessions before the verdicts."""

from __future__ import annotations

import pytest

from bench.jump_accuracy import DEFAULT_CLIPS, Tally, rows
from bench.jump_truth import load_clip, track_from_clip
from posture.jump import analyze_track
from posture.jump.summary import compared, settings, typical_errors, with_typical_error
from posture.wording_jump import jump_value
from posture_app.jump_results import typical_error


@pytest.mark.parametrize(
    ("value", "band", "error"),
    [
        (12.0, (11.0, 13.0), 12.5),  # past the 10 % threshold, a tight band, but within the tracker's error
        (-15.0, (-16.0, -14.0), 15.0),
        (10.5, (10.2, 10.8), 11.0),
    ],
)
def test_a_difference_inside_the_typical_error_is_never_asymmetric(value, band, error) -> None:
    alone = compared("hand_circle_si_pct", value, "%", band, 0.9)
    assert alone.status == "asymmetric"  # the jump-to-jump spread alone would call it
    tracked = with_typical_error(alone, error)
    assert tracked.status != "asymmetric"
    factor = float(settings()["bands"]["typical_error_factor"])
    assert tracked.band == pytest.approx((band[0] - factor * error, band[1] + factor * error))
    assert tracked.to_dict()["typical_error"] == error
    assert tracked.value == alone.value


def test_a_difference_well_past_the_typical_error_stays_asymmetric() -> None:
    measured = with_typical_error(compared("hand_circle_si_pct", 20.0, "%", (17.0, 23.0), 0.9), 4.0)
    assert measured.status == "asymmetric"


def test_tracked_sessions_widen_only_the_left_right_bands() -> None:
    """The same clips' keypoints run as truth (no tracker error) and as if tracked: values stay,
    left/right bands grow by the shipped typical error and no difference inside it is called uneven."""
    errors = typical_errors()
    factor = float(settings()["bands"]["typical_error_factor"])
    checked = 0
    for path in sorted(DEFAULT_CLIPS.glob("jump*.json")):
        clip = load_clip(path)
        track = track_from_clip(clip)
        height = float(clip["subject"]["stature_cm"])
        exact = analyze_track(track, clip["view"], height)
        tracked = analyze_track(track, clip["view"], height, errors)
        for key, m in tracked.measurements.items():
            before = exact.measurements[key]
            assert m.value == before.value
            assert before.typical_error is None
            if m.status == "not_assessed" or key not in errors:
                continue
            assert m.to_dict()["typical_error"] == errors[key]
            if m.threshold is None:
                assert m.band == before.band
                continue
            checked += 1
            if before.band is not None and m.band is not None:
                assert m.band == pytest.approx(
                    (before.band[0] - factor * errors[key], before.band[1] + factor * errors[key])
                )
            if m.value is not None and abs(m.value) <= errors[key]:
                assert m.status != "asymmetric", f"{path.stem}:{key}"
    assert checked >= 20


def test_the_shipped_typical_errors_cover_the_bench_and_reach_the_cards() -> None:
    engine = Tally()
    for path in sorted(DEFAULT_CLIPS.glob("jump*.json")):
        clip = load_clip(path)
        engine.add(
            path.stem, clip, analyze_track(track_from_clip(clip), clip["view"], float(clip["subject"]["stature_cm"]))
        )
    errors = typical_errors()
    assert {key for key, *_ in rows(engine)} <= set(errors)
    assert all(error >= 0 for error in errors.values())
    assert typical_error("hand_circle_si_pct", "%") == f"typical error ±{jump_value(errors['hand_circle_si_pct'], '%')}"
