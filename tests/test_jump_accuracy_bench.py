"""The jump-rope accuracy bench on the truth fixtures: the engine beats the naive baseline on timing."""

from __future__ import annotations

import numpy as np

from bench.jump_accuracy import DEFAULT_CLIPS, Tally, baseline, report, rows
from bench.jump_truth import load_clip, track_from_clip
from posture.jump import analyze_track


def test_engine_meets_the_targets_and_beats_whole_frame_timing() -> None:
    engine, naive = Tally(), Tally()
    for path in sorted(DEFAULT_CLIPS.glob("jump*.json")):
        clip = load_clip(path)
        track = track_from_clip(clip)
        height = float(clip["subject"]["stature_cm"])
        engine.add(path.stem, clip, analyze_track(track, clip["view"], height))
        naive.add(path.stem, clip, baseline(track, clip["view"], height))
    mae = {key: m for key, _, _, m, _, _ in rows(engine)}
    naive_mae = {key: m for key, _, _, m, _, _ in rows(naive)}
    assert engine.counts_exact == engine.clips >= 5
    assert not engine.false_asymmetric
    assert engine.asymmetries_found >= 0.9 * engine.asymmetries_total
    assert engine.trend_right == engine.trend_total
    # jump01's fatigue shrinks the right hand's circle and foot's lift by 18-29 % over its 8 s.
    assert engine.clip_trend_right == engine.clip_trend_total >= 2
    assert mae["cadence_jpm"] <= 1.0
    assert mae["landing_lead_ms"] <= 5.0
    assert mae["hand_phase_lead_ms"] < naive_mae["hand_phase_lead_ms"]
    assert mae["cadence_jpm"] < naive_mae["cadence_jpm"]
    text = report("engine", engine, markdown=True)
    assert "| landing_lead_ms |" in text
    assert f"% over the clip: {engine.clip_trend_right}/{engine.clip_trend_total}" in text
    assert np.isfinite(mae["trunk_twist_deg"])
