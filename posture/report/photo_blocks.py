"""The report's photo part: each photo with its annotated image and measures table, what the measures
mean, and the left profile against the right."""

from __future__ import annotations

from posture.annotate import draw, encode_jpeg
from posture.assessment import Assessment
from posture.catalog import measure_unit
from posture.measures import SPECS, Measurement
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.report.blocks import (
    IMAGE_MAX_SIDE_PX,
    Block,
    Bullets,
    Figure,
    Heading,
    Table,
    Text,
    measure_value_text,
    one_line,
    typical_error_text,
)
from posture.vocabulary import View
from posture.wording import (
    MOVED_BY_HAND,
    format_range,
    format_value,
    measure_name,
    moved_by_hand_text,
    moved_landmark_text,
    percent,
    plus_minus,
    status_label,
    view_name,
    views_text,
)

COMBINED_HEADING = "Your measures, all photos together"
COMBINED_NOTE = (
    "Each value combines every photo that shows it, the more reliable view counting more; each photo's own value "
    "is listed with that photo. A front and a back photo together go through a model fitted on rendered people of "
    "known posture: the landmarks read a frontal tilt at about half its size in either view, and the model also "
    "reads the body's outline (head, shoulders, knees, the folds under the buttocks), so the value of both can lie "
    "beyond each photo's own, even on the other side of zero. Its typical error is that of the photos together: "
    "smaller than one photo's when two views show the measure."
)
"""What a combined value is (the app's cards and the report's table); the findings rest on these values."""
COMBINED_DESPITE_WARNING = "The values below still combine all the photos: read each photo's own value instead."
"""Said after a person-level warning (photos that do not look like one person) above the combined values."""


def photo_section(assessment: Assessment, images: bool) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Photos and measures")]
    for number, photo in enumerate(assessment.photos, start=1):
        blocks += _photo_blocks(number, photo, images)
    if sum(photo.ok for photo in assessment.photos) > 1 and assessment.measurements:
        blocks += _combined_blocks(assessment)
    shown = {
        key
        for photo in assessment.photos
        if isinstance(photo, MeasuredPhoto)
        for key in (*photo.measurements, *photo.not_assessed)
    }
    if shown:
        blocks += _glossary(shown)
    return blocks


def _combined_blocks(assessment: Assessment) -> list[Block]:
    """The person-level values the findings rest on, as the app shows them above the findings."""
    blocks: list[Block] = [Heading(3, COMBINED_HEADING)]
    blocks += [Text(f"{warning.message} {COMBINED_DESPITE_WARNING}", kind="alert") for warning in assessment.warnings]
    blocks.append(Text(COMBINED_NOTE, kind="note"))
    rows = []
    for person in assessment.measurements.values():
        measurement = person.measurement
        name, value, normal, status, confidence, _ = _measure_row(measurement)
        error = "—" if person.typical_error is None else plus_minus(person.typical_error, measurement.unit)
        rows.append((name, value, normal, status, confidence, error, views_text([str(v) for v in person.views])))
    return [
        *blocks,
        Table(
            ("Measure", "Value", "Normal range", "Status", "Confidence", "Typical error (photos together)", "From"),
            tuple(rows),
            (25, 10, 14, 14, 11, 11, 15),
            status_column=3,
            statuses=tuple(str(person.measurement.status) for person in assessment.measurements.values()),
        ),
    ]


def _photo_blocks(number: int, photo: PhotoResult, images: bool) -> list[Block]:
    """Heading, annotated image, warnings and measures table of one photo (or why it failed)."""
    if isinstance(photo, RefusedPhoto):
        message = f"{photo.error.message} ({photo.error.code})"
        return [Heading(3, f"Photo {number}: {photo.image} (not measured)"), Text(message, kind="alert")]
    blocks: list[Block] = [Heading(3, f"Photo {number}: {photo.image}, {view_name(photo.view)}")]
    figure = _figure(photo) if images else None
    if figure:
        blocks.append(figure)
    height = f"{photo.height_cm:.0f} cm ({photo.height_source})" if photo.height_cm else "unknown"
    blocks.append(
        Text(
            f"View: {view_name(photo.view)}, confidence {percent(photo.view_confidence)}. Height: {height}.",
            kind="note",
        )
    )
    if photo.warnings:
        blocks.append(Bullets(tuple(("Warning:", warning.message) for warning in photo.warnings)))
    if photo.hand_moves:
        moves = [
            moved_landmark_text(move.landmark, move.distance_px, move.distance_cm)
            for move in photo.hand_moves.landmarks
        ]
        blocks.append(Text(moved_by_hand_text(moves), kind="alert"))
    blocks.append(_measures_table(photo))
    return blocks


def _figure(photo: MeasuredPhoto) -> Figure | None:
    """The photo with landmarks, plumb line and measures drawn, at most IMAGE_MAX_SIDE_PX on its long side."""
    if photo.photo is None or photo.pose is None:
        return None
    rgb = draw(photo, max_side_px=IMAGE_MAX_SIDE_PX)
    caption = f"{photo.image}: landmarks, plumb line and each measure where it was taken"
    return Figure(encode_jpeg(rgb, quality=85), rgb.shape[1], rgb.shape[0], caption)


def _measures_table(photo: MeasuredPhoto) -> Table:
    moved = set(photo.hand_moves.measures) if photo.hand_moves else set()
    rows = [
        _measure_row(measurement, measurement.key in moved, photo.view) for measurement in photo.measurements.values()
    ]
    for key, reason in photo.not_assessed.items():
        spec = SPECS.get(key)
        normal = format_range(spec.normal, spec.unit) if spec else "—"
        rows.append((measure_name(key), "—", normal, f"not assessed: {one_line(reason)}", "—", "—"))
    return Table(
        ("Measure", "Value", "Normal range", "Status", "Confidence", "Typical error (this photo)"),
        tuple(rows),
        (29, 11, 15, 17, 14, 14),
        status_column=3,
        statuses=tuple(str(m.status) for m in photo.measurements.values()),
    )


def _measure_row(measurement: Measurement, hand_moved: bool = False, view: str | None = None) -> tuple[str, ...]:
    """One measure's row; ``view``: the photo's, whose own typical error the row shows (the app's card does too)."""
    marks = [mark for mark, shown in (("estimate", measurement.estimate), (MOVED_BY_HAND, hand_moved)) if shown]
    name = measure_name(measurement.key) + (f" ({', '.join(marks)})" if marks else "")
    return (
        name,
        measure_value_text(measurement.key, measurement.value, measurement.unit),
        format_range(measurement.normal_range, measurement.unit),
        status_label(measurement.status),
        percent(measurement.confidence),
        typical_error_text(measurement.key, measurement.unit, view) or "—",
    )


def _glossary(keys: set[str]) -> list[Block]:
    """What each shown measure means and where its normal range comes from, in SPECS order."""
    rows = tuple((measure_name(key), spec.definition, spec.source) for key, spec in SPECS.items() if key in keys)
    return [
        Heading(3, "What the measures mean"),
        Table(("Measure", "Definition", "Normal range from"), rows, (22, 50, 28)),
    ]


def profile_section(assessment: Assessment) -> list[Block]:
    """Left-profile against right-profile values, when both profiles were measured."""
    if not assessment.profile_differences:
        return []
    left = assessment.measurements_by_view.get(View.LEFT) or {}
    right = assessment.measurements_by_view.get(View.RIGHT) or {}
    rows = []
    for key, difference in assessment.profile_differences.items():
        unit = measure_unit(key)
        rows.append(
            (
                measure_name(key),
                measure_value_text(key, left[key].value, unit),
                measure_value_text(key, right[key].value, unit),
                format_value(difference, unit, signed=True),
            )
        )
    return [
        Heading(2, "Left and right profile compared"),
        Text(
            "Large differences between the two sides can point to a one-sided pattern; small ones are normal "
            "and partly measurement error.",
            kind="note",
        ),
        Table(("Measure", "Left profile", "Right profile", "Left minus right"), tuple(rows), (40, 20, 20, 20)),
    ]
