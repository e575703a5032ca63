"""The report's jump-rope part: the clip's facts, the left/right summary, every measure of the session
(value with unit, 95 % band, verdict, typical error) and a left-vs-right chart per measure over the jumps.

The charts are drawn with matplotlib (:mod:`posture.jump.charts`) as PNG; the words come from
:mod:`posture.wording_jump`, the same the app's jump page shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from posture.jump.charts import CHART_MEASURES, left_right_png
from posture.jump.summary import SYMMETRY_INDEX_PARTS, Measurement, count_accuracy, errors_vs_truth, typical_errors
from posture.report.blocks import PNG, Block, Bullets, Figure, Heading, Table, Text
from posture.wording import jump_measure_name, percent, view_name
from posture.wording_jump import (
    CHART_READING,
    NO_NORMAL_RANGE,
    change_over_clip,
    count_accuracy_text,
    jump_band,
    jump_status_label,
    jump_value,
    signed_measure,
    threshold_text,
    warning_sentence,
)
from posture.wording_jump_summary import jump_symmetry_summary

if TYPE_CHECKING:
    from posture.jump.engine import JumpAnalysis

JUMP_HEADING = "Jump-rope clip"
MEASURES_HEADING = "Jump-rope measures"
CHARTS_HEADING = "Left and right over the jumps"


def jump_section(analysis: JumpAnalysis, charts: bool = True) -> list[Block]:
    """The clip's blocks; ``charts``: include the left-vs-right charts as PNG figures."""
    session, video = analysis.session, analysis.video
    count = session.measurements.get("jump_count")
    jumps = f"{count.value:.0f} jumps counted" if count is not None and count.value is not None else "no jump counted"
    blocks: list[Block] = [
        Heading(2, JUMP_HEADING),
        Text(
            f"{analysis.file}: {view_name(analysis.view.view)} view ({percent(analysis.view.confidence)} sure), "
            f"{video.duration_s:.1f} s at {video.fps:.0f} fps, {jumps}, the person seen in "
            f"{session.frames_with_person} of {video.frames} frames.",
            kind="note",
        ),
    ]
    if session.warnings:
        blocks.append(Bullets(tuple(("Warning:", warning_sentence(warning)) for warning in session.warnings)))
    blocks += [
        Heading(3, "Left and right at a glance"),
        Bullets(
            tuple(
                (f"{topic}:", f"{sentence} {sureness}".strip())
                for topic, sentence, sureness in jump_symmetry_summary(session.measurements)
            )
        ),
        Heading(3, MEASURES_HEADING),
        Text(
            "Each value is the median over the jumps, with the 95 % band of that median. A left-right measure's "
            "band also holds three times the tracker's typical error; it reads 'uneven' when it is past its "
            "threshold and its band does not reach zero, 'even' when its whole band lies within the threshold, "
            "and 'can't tell yet' otherwise. The other measures' band is that of the jumps' median only: the "
            f"tracker's typical error comes on top; {NO_NORMAL_RANGE}. The typical error is how far the tracker "
            "was off on average on rendered clips of known motion.",
            kind="note",
        ),
        measures_table(session.measurements, analysis.track.model, video.duration_s),
        *measure_notes(session.measurements),
    ]
    if charts:
        blocks += chart_blocks(analysis)
    return blocks


def jump_typical_error_text(key: str, unit: str, model: str, clip_error: float | None = None) -> str | None:
    """How far landmarker ``model`` was off for a measure on the bench's rendered clips: "±0.4 cm" (its mean
    absolute error, in ``unit``); for the jump count how often it was exact (:func:`count_accuracy_text`).
    For the measures whose band carries the camera roll apart, the error against the 3D truth first and the
    tracker's own after it: "±1.1 cm (±0.6 cm with a level camera)", once when they read the same.
    ``clip_error``: the measurement's own typical error (``Measurement.typical_error``); a symmetry index of
    small movements has a larger one than the bench's, and then both are given: "±21 % at this clip's size
    (±12.6 % on the test clips)". None where the bench has not measured it."""
    accuracy = count_accuracy(model) if unit == "count" else None
    if accuracy is not None:
        return count_accuracy_text(accuracy.exact, accuracy.clips, accuracy.most_off)
    error = typical_errors(model).get(key)
    if error is None:
        return None
    bench_text = jump_value(float(error), unit)
    if key in SYMMETRY_INDEX_PARTS and clip_error is not None and jump_value(clip_error, unit) != bench_text:
        return f"±{jump_value(clip_error, unit)} at this clip's size (±{bench_text} on the test clips)"
    with_roll = errors_vs_truth(model).get(key)
    if with_roll is None or jump_value(float(with_roll), unit) == bench_text:
        return f"±{bench_text}"
    return f"±{jump_value(float(with_roll), unit)} (±{bench_text} with a level camera)"


def jump_accuracy_label(key: str, unit: str, model: str, clip_error: float | None = None) -> str | None:
    """:func:`jump_typical_error_text` with what it is: "typical error ±0.4 cm", or for the count "count exact
    in all 8 test clips". None where the bench has not measured it."""
    text = jump_typical_error_text(key, unit, model, clip_error)
    if text is None:
        return None
    return f"count {text}" if unit == "count" else f"typical error {text}"


def measures_table(measurements: dict[str, Measurement], model: str, duration_s: float | None = None) -> Table:
    """Every measure of the session (tracked with landmarker ``model``), in the engine's order; one it could
    not take says why. With the clip's ``duration_s``, a trend also gives its change over the clip."""
    rows = []
    for key, measurement in measurements.items():
        name = jump_measure_name(key)
        if measurement.value is None or measurement.status == "not_assessed":
            why = measurement.reason or "not measured in this clip"
            rows.append((name, "—", "—", f"{jump_status_label('not_assessed')}: {why}", "—", "—"))
            continue
        verdict = jump_status_label(measurement.status, key)
        if measurement.threshold is not None:
            verdict += f" (threshold {threshold_text(key, measurement.threshold, measurement.unit)})"
        error = jump_typical_error_text(key, measurement.unit, model, measurement.typical_error)
        value = jump_value(measurement.value, measurement.unit, signed=signed_measure(key, measurement.unit))
        if measurement.unit == "%/min" and duration_s:
            value += f" ({change_over_clip(measurement.value, duration_s)})"
        rows.append(
            (
                name,
                value,
                jump_band(measurement.band, measurement.unit, spread_only=measurement.threshold is None),
                verdict,
                percent(measurement.confidence),
                error or "—",
            )
        )
    return Table(
        ("Measure", "Value", "Noise band", "Verdict", "Confidence", "Typical error"),
        tuple(rows),
        (25, 12, 21, 18, 12, 12),
        status_column=3,
        statuses=tuple("not_assessed" if m.value is None else m.status for m in measurements.values()),
    )


def measure_notes(measurements: dict[str, Measurement]) -> list[Block]:
    """What qualifies a measured value (the app's card says it under the value): a rough value, a band that
    holds a frame interval or a camera tilt, contacts read from the heels. Not-assessed rows carry their own."""
    notes = tuple(
        (f"{jump_measure_name(key)}:", measurement.reason.rstrip(".") + ".")
        for key, measurement in measurements.items()
        if measurement.reason and measurement.value is not None and measurement.status != "not_assessed"
    )
    return [Text("Notes on these values:"), Bullets(notes)] if notes else []


def chart_blocks(analysis: JumpAnalysis) -> list[Block]:
    """A left-vs-right chart (PNG) per measure that some jump shows, after how to read them."""
    session = analysis.session
    figures: list[Block] = []
    for stem, title, axis in CHART_MEASURES:
        png = left_right_png(session.jumps, session.measurements, stem, title, axis)
        if png is not None:
            width, height = png_size(png)
            figures.append(Figure(png, width, height, f"{title}, left and right per jump", mime=PNG))
    if not figures:
        return [Heading(3, CHARTS_HEADING), Text("No jump of this clip shows the per-jump measures.", kind="note")]
    # The reading note after the charts: the heading then keeps its first chart on its page.
    return [Heading(3, CHARTS_HEADING), *figures, Text(CHART_READING, kind="note")]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height (px) from a PNG's header chunk (IHDR: bytes 16-24, big-endian)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
