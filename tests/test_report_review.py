"""The report says what the app says: a sign that names a side keeps its "+" in the findings' evidence, a jump
measure carries its confidence and the note the app's card shows under it, and a band never starts at "-0.0".
Real photos (stored poses of the sample renders) and real jump-rope analyses (the public rendered clips'
exact keypoints, tests/public_jumps.py); the jump half needs the engine module, which imports MediaPipe."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from posture.assessment import assess
from posture.jump import analyze_track
from posture.jump.engine import JumpAnalysis
from posture.jump.findings import assess_with_jump
from posture.report import render_markdown
from posture.report.jump_blocks import measures_table
from posture.video.track import VideoInfo
from posture.views import ViewEstimate
from posture.wording import format_value, measure_name
from posture.wording_jump import jump_band
from posture_app.present import evidence_line
from tests.jump_motion import Skipper, frame_times, skipper_track, steady_turns
from tests.public_jumps import public_analysis

GENERATED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def md_cells(row: str) -> list[str]:
    return [cell.strip().replace("\\", "") for cell in row.strip("|").split("|")]


def test_the_evidence_keeps_the_sign_that_names_the_side(measured):
    """The back render's left shoulder sits higher (+4.5°): the measures table, the app's finding card and
    the findings' evidence table all print "+4.5°"; the evidence printed "4.5°", and a negative value kept
    its "-", so the evidence alone could not tell which side was high."""
    assessment = assess([measured["back"]])
    fired = [item for finding in assessment.findings for item in finding.evidence if item.direction == "abs_above"]
    assert any(item.value > 0 for item in fired), "the premise: a positive left-right sign fired"
    markdown = render_markdown(assessment, generated_at=GENERATED, embed_images=False)
    for item in fired:
        value = format_value(item.value, item.unit, signed=True)
        assert f"{measure_name(item.measure)} {value} (" in evidence_line(item)  # the app's card
        rows = [
            md_cells(line)
            for line in markdown.splitlines()
            if line.startswith("| ") and md_cells(line)[1] == measure_name(item.measure)
        ]
        evidence_rows = [cells for cells in rows if len(cells) == 6 and cells[0] == item.label]
        assert evidence_rows
        assert all(cells[2] == value for cells in evidence_rows), (value, evidence_rows)


def test_each_jump_measure_has_its_confidence_and_the_note_the_app_shows():
    """A value whose typical error passes a quarter of it is 'rough', with a lowered confidence: the app's card
    says both; the report's table said neither, only 'measured' (tracked, jump01's time in the air read 116 ms
    with a typical error of 71 ms at confidence 35 %)."""
    clip = public_analysis("jump01_front")
    markdown = render_markdown(assess_with_jump([], clip), generated_at=GENERATED, jump=clip, embed_images=False)
    lines = markdown.splitlines()
    header = lines.index("| Measure | Value | Noise band | Verdict | Confidence | Typical error |")
    measurements = clip.session.measurements
    rows = [md_cells(line) for line in lines[header + 2 : header + 2 + len(measurements)]]
    for cells, measurement in zip(rows, measurements.values(), strict=True):
        expected = "—" if measurement.value is None else f"{round(100 * measurement.confidence)} %"
        assert cells[4] == expected, cells
    noted = {key: m for key, m in measurements.items() if m.reason and m.value is not None}
    assert noted, "the premise: some measured values carry a note"
    assert any(m.reason.startswith("rough") for m in noted.values())
    flat = " ".join(markdown.replace("\\", "").split())
    for measurement in noted.values():
        assert measurement.reason.rstrip(".") + "." in flat


def test_a_jump_band_never_starts_at_minus_zero():
    """An alternate-foot skipper of exactly even feet: a trend's band runs from a hair below zero to zero. It
    read "-0.0 to 0.0 %/min", a sign the band does not have; the app's card and the report share the words."""
    track = dataclasses.replace(
        skipper_track(Skipper(steady_turns(160.0, 8.0), alternate=True), frame_times(30.0, 8.0)), model="full"
    )
    session = analyze_track(track, "front", 170.0)
    assert session.style == "alternate_foot"
    video = VideoInfo(30.0, len(track.times_s), 8.0, 0, track.image_size[0], track.image_size[1], "h264")
    clip = JumpAnalysis("alternate.mp4", video, ViewEstimate("front", 1.0, 0.0), 170.0, session, track)
    bands = [m.band for m in session.measurements.values() if m.band is not None]
    assert any(round(low, 1) == 0 and low < 0 for low, _ in bands), "the premise: a band starts just below zero"
    assert jump_band((-0.01, 0.02), "%/min") == "95 % band 0.0 to 0.0 %/min"
    table = measures_table(session.measurements, "full", video.duration_s)
    assert not [row for row in table.rows if "-0.0 " in row[2]]
    markdown = render_markdown(assess_with_jump([], clip), generated_at=GENERATED, jump=clip, embed_images=False)
    assert "-0.0 " not in markdown


@pytest.mark.parametrize("name", ["jump07_left", "jump06_back"])
def test_a_not_assessed_row_keeps_its_reason_and_shows_no_confidence(name):
    """The side view's left-right measures (and any other clip's unmeasured ones) say why, with no number."""
    clip = public_analysis(name)
    table = measures_table(clip.session.measurements, "full", clip.video.duration_s)
    for row, measurement in zip(table.rows, clip.session.measurements.values(), strict=True):
        if measurement.value is None:
            assert row[3].startswith("not assessed: ")
            assert row[4] == "—"
