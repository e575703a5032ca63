"""The held-out widening study: typical errors from the other clips only, verdicts per factor."""

from __future__ import annotations

import pytest

from bench.jump_bands import ClipResult, held_out_errors, study
from posture.jump.session import JumpSession
from posture.jump.summary import compared


def _clip(name: str, value: float, truth: float, band: tuple[float, float], symmetric: bool) -> ClipResult:
    lead = compared("landing_lead_ms", value, "ms", band, 0.9)
    session = JumpSession("front", "two_foot", 240, {"landing_lead_ms": lead}, [], [], {})
    return ClipResult(name, symmetric, {"landing_lead_ms": truth}, {"landing_lead_ms": truth}, session)


CLIPS = [
    _clip("even_a", 18.0, 0.0, (17.0, 19.0), symmetric=True),  # the tracker's error: 18 ms
    _clip("lead_b", 30.0, 26.0, (28.0, 32.0), symmetric=False),  # error 4 ms
    _clip("lead_c", -40.0, -32.0, (-42.0, -38.0), symmetric=False),  # error 8 ms
]


def test_each_clips_typical_error_comes_from_the_other_clips_only() -> None:
    assert held_out_errors(CLIPS, "even_a") == {"landing_lead_ms": pytest.approx(6.0)}
    assert held_out_errors(CLIPS, "lead_b") == {"landing_lead_ms": pytest.approx(13.0)}
    assert held_out_errors(CLIPS, "lead_c") == {"landing_lead_ms": pytest.approx(11.0)}


def test_wider_bands_trade_false_calls_for_missed_asymmetries() -> None:
    rows, ratios, per_measure = study(CLIPS)
    by_factor = {factor: (false, within, found, total) for factor, false, within, found, total in rows}
    # Factor 1: the symmetric clip's 18 ms (band 17-19 widened by 6 -> 11-25) is past 15 ms and excludes 0.
    assert by_factor[1.0] == (1, 1, 2, 2)
    # Factor 3: 17-19 widened by 18 reaches below 0; lead_b (28-32 widened by 39) is no longer found.
    assert by_factor[3.0][0] == 0
    assert by_factor[3.0][2] < 2
    founds = [found for _, _, _, found, _ in rows]
    assert founds == sorted(founds, reverse=True)
    assert sorted(ratios) == pytest.approx(sorted([18.0 / 6.0, 4.0 / 13.0, 8.0 / 11.0]))
    assert set(per_measure) == {"landing_lead_ms"}
