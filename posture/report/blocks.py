"""Everything the report says, in order, as plain blocks (headings, paragraphs, bullets, tables, figures).

The Markdown and the PDF renderers both draw these blocks, so they say the same things. Block text is
plain text: each renderer only decides how a block looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from posture.annotate import draw, encode_jpeg
from posture.assessment import Assessment, Finding, Plan, PlanItem, SignEvidence
from posture.catalog import load_catalog, measure_unit
from posture.measures import SPECS, Measurement, typical_error
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.vocabulary import Likelihood, View
from posture.wording import (
    MOVED_BY_HAND,
    PLAN_ORDER,
    PLAN_ORDER_REASON,
    SESSION_LEAD,
    TIGHT_LEAD,
    WEAK_LEAD,
    block_title,
    bound,
    dose_line,
    evidence_decimals,
    format_range,
    format_value,
    measure_name,
    moved_by_hand_text,
    moved_landmark_text,
    past_threshold,
    percent,
    plan_summary,
    plus_minus,
    session_line,
    status_label,
    verdict,
    view_name,
    views_text,
)

DEFAULT_TITLE = "Posture assessment"
IMAGE_MAX_SIDE_PX = 900


def one_line(text: str) -> str:
    """Collapse all whitespace: block text is inline text, so it can never start a new Markdown block."""
    return " ".join(str(text).split())


def typical_error_text(key: str, unit: str) -> str | None:
    """``±0.9°``: the benchmarked typical error of a measure, None when it was not measured."""
    error = typical_error(key)
    return None if error is None else plus_minus(error, unit)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Text:
    """A paragraph; ``lead`` is shown in bold before it. ``kind``: plain, note (small print) or alert."""

    text: str
    lead: str = ""
    kind: str = "plain"


@dataclass(frozen=True)
class Bullets:
    """A bullet list; each item is (bold lead, text)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are relative column widths for the PDF.

    Cells of ``status_column`` are coloured by measure status in the PDF.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    status_column: int | None = None


@dataclass(frozen=True)
class Figure:
    """An annotated photo as JPEG bytes, with its pixel size and a caption."""

    jpeg: bytes
    width: int
    height: int
    caption: str


Block = Heading | Text | Bullets | Table | Figure


def report_blocks(
    assessment: Assessment,
    *,
    title: str = DEFAULT_TITLE,
    person_label: str = "",
    generated_at: datetime | None = None,
    images: bool = True,
) -> list[Block]:
    """Everything the report says, in order, as plain blocks (``images``: include annotated photos)."""
    generated_at = generated_at or datetime.now().astimezone()
    blocks: list[Block] = [*_header(assessment, title, person_label, generated_at)]
    if assessment.red_flags:
        blocks += _red_flag_blocks(assessment, "See a clinician first")
    blocks += _photo_section(assessment, images)
    blocks += _profile_section(assessment)
    blocks += _findings_section(assessment)
    blocks += _stage_section(assessment)
    blocks += _plan_section(assessment)
    blocks += _closing_section(assessment)
    return blocks


def _header(assessment: Assessment, title: str, person_label: str, generated_at: datetime) -> list[Block]:
    measured = sum(photo.ok for photo in assessment.photos)
    blocks: list[Block] = [Heading(1, one_line(title) or DEFAULT_TITLE)]
    if one_line(person_label):
        blocks.append(Text(one_line(person_label), lead="Person:"))
    blocks.append(Text(generated_at.strftime("%Y-%m-%d %H:%M"), lead="Generated:"))
    blocks.append(Text(f"{len(assessment.photos)} ({measured} measured)", lead="Photos:"))
    blocks.append(Text("An educational screening from photos, not a diagnosis. Read the note at the end.", kind="note"))
    return blocks


def _red_flag_blocks(assessment: Assessment, heading: str) -> list[Block]:
    """The clinician advice and the warning signs that triggered it."""
    return [
        Heading(2, heading),
        Text(assessment.advice, kind="alert"),
        Bullets(tuple(("", flag) for flag in assessment.red_flags)),
    ]


# Photos and measures ------------------------------------------------------------------------------


def _photo_section(assessment: Assessment, images: bool) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Photos and measures")]
    for number, photo in enumerate(assessment.photos, start=1):
        blocks += _photo_blocks(number, photo, images)
    shown = {
        key
        for photo in assessment.photos
        if isinstance(photo, MeasuredPhoto)
        for key in (*photo.measurements, *photo.not_assessed)
    }
    if shown:
        blocks += _glossary(shown)
    return blocks


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
    rows = [_measure_row(measurement, measurement.key in moved) for measurement in photo.measurements.values()]
    for key, reason in photo.not_assessed.items():
        spec = SPECS.get(key)
        normal = format_range(spec.normal, spec.unit) if spec else "—"
        rows.append((measure_name(key), "—", normal, f"not assessed: {one_line(reason)}", "—", "—"))
    return Table(
        ("Measure", "Value", "Normal range", "Status", "Confidence", "Typical error"),
        tuple(rows),
        (29, 11, 15, 17, 14, 14),
        status_column=3,
    )


def _measure_row(measurement: Measurement, hand_moved: bool = False) -> tuple[str, ...]:
    marks = [mark for mark, shown in (("estimate", measurement.estimate), (MOVED_BY_HAND, hand_moved)) if shown]
    name = measure_name(measurement.key) + (f" ({', '.join(marks)})" if marks else "")
    return (
        name,
        format_value(measurement.value, measurement.unit),
        format_range(measurement.normal_range, measurement.unit),
        status_label(measurement.status),
        percent(measurement.confidence),
        typical_error_text(measurement.key, measurement.unit) or "—",
    )


def _glossary(keys: set[str]) -> list[Block]:
    """What each shown measure means and where its normal range comes from, in SPECS order."""
    rows = tuple((measure_name(key), spec.definition, spec.source) for key, spec in SPECS.items() if key in keys)
    return [
        Heading(3, "What the measures mean"),
        Table(("Measure", "Definition", "Normal range from"), rows, (22, 50, 28)),
    ]


def _profile_section(assessment: Assessment) -> list[Block]:
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
                format_value(left[key].value, unit),
                format_value(right[key].value, unit),
                format_value(difference, unit),
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


# Findings -----------------------------------------------------------------------------------------


def _findings_section(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Findings"),
        Text(
            "Each score (0-100) says how strongly the photos, and your answers if given, point to a pattern "
            "that is commonly associated with these posture signs. Associations, not causes.",
            kind="note",
        ),
        Bullets(tuple((f"{finding.name}:", verdict(finding)) for finding in assessment.findings)),
    ]
    moved = _hand_moved_measures(assessment)
    for finding in assessment.findings:
        blocks += _finding_blocks(finding, moved)
    return blocks


def _hand_moved_measures(assessment: Assessment) -> set[tuple[str, str]]:
    """(view, measure key) of every value resting on a landmark moved by hand."""
    return {
        (photo.view, key)
        for photo in assessment.photos
        if isinstance(photo, MeasuredPhoto) and photo.hand_moves
        for key in photo.hand_moves.measures
    }


def _finding_blocks(finding: Finding, moved: set[tuple[str, str]]) -> list[Block]:
    """One finding: verdict, explanation, the evidence table and what could not be read."""
    blocks: list[Block] = [Heading(3, f"{finding.name}: {verdict(finding)}")]
    blocks.append(Text(finding.explanation))
    if finding.evidence:
        rows = tuple(
            _evidence_row(item, any((view, item.measure) in moved for view in item.views)) for item in finding.evidence
        )
        blocks.append(
            Table(("Sign", "Measure", "Value", "Threshold", "Photos", "Confidence"), rows, (17, 26, 10, 21, 14, 12))
        )
    if finding.checked:
        names = ", ".join(measure_name(key) for key in finding.checked)
        blocks.append(Text(names, lead="Measured and inside the thresholds:"))
    if finding.not_assessed:
        blocks.append(
            Bullets(
                tuple((f"Not assessed, {measure_name(key)}:", reason) for key, reason in finding.not_assessed.items())
            )
        )
    if finding.missing_views_note:
        blocks.append(Text(finding.missing_views_note, lead="Missing views:"))
    if finding.note:
        blocks.append(Text(finding.note, lead="Note:"))
    if finding.likelihood in (Likelihood.POSSIBLE, Likelihood.LIKELY):
        blocks.append(Text(", ".join(finding.muscles_tight), lead=TIGHT_LEAD))
        blocks.append(Text(", ".join(finding.muscles_weak), lead=WEAK_LEAD))
    if finding.caveat:
        blocks.append(Text(finding.caveat, kind="note"))
    return blocks


def _evidence_row(item: SignEvidence, hand_moved: bool = False) -> tuple[str, ...]:
    threshold = (
        f"{past_threshold(item.direction, bound(item.threshold, item.unit))} "
        f"(strong {past_threshold(item.direction, bound(item.strong_threshold, item.unit))})"
    )
    value = format_value(item.value, item.unit, evidence_decimals(item.value, item.threshold))
    name = measure_name(item.measure) + (f" ({MOVED_BY_HAND})" if hand_moved else "")
    return (item.label, name, value, threshold, views_text(item.views), percent(item.confidence))


# Stage and plan -----------------------------------------------------------------------------------


def _stage_section(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Progression stage")]
    stage = assessment.stage
    if stage is None:
        blocks.append(
            Text(
                "The symptom questions were not (all) answered, so the stage is unknown. Photos cannot show it.",
                lead="Not answered.",
            )
        )
        return blocks
    total = len(load_catalog().stages)
    blocks.append(Text(stage.description, lead=f"Stage {stage.number} of {total}: {stage.name}."))
    blocks.append(Text(stage.advice))
    return blocks


def _plan_section(assessment: Assessment) -> list[Block]:
    """The plan block by block, or the clinician advice instead when a red flag was raised."""
    if assessment.plan is None:
        return _red_flag_blocks(assessment, "Corrective plan: not suggested")
    plan = assessment.plan
    names = {finding.imbalance: finding.name for finding in assessment.findings}
    rules = load_catalog().plan
    summary = plan_summary(plan, rules.max_exercises, rules.max_minutes)
    blocks: list[Block] = [
        Heading(2, "Corrective plan"),
        Text(summary, kind="note"),
        Text(PLAN_ORDER_REASON, kind="note"),
    ]
    if plan.note:
        blocks.append(Text(plan.note))
    for block in PLAN_ORDER:
        items = plan.block(block)
        if items:
            blocks.append(Heading(3, block_title(block)))
            for item in items:
                blocks += _plan_item_blocks(item, names)
    return blocks + _session_blocks(plan)


def _plan_item_blocks(item: PlanItem, names: dict[str, str]) -> list[Block]:
    """Name, dose, how-to and the findings served; the rope adds its phases and what to watch."""
    blocks: list[Block] = [
        Text(dose_line(item.dose, item.per_week, item.minutes), lead=f"{item.name}:"),
        Text(item.how_to),
    ]
    if item.serves:
        blocks.append(Text(", ".join(names.get(i, i) for i in item.serves), lead="For:", kind="note"))
    if item.phases:
        rows = tuple((phase.name, phase.rope, phase.dose, phase.goal) for phase in item.phases)
        blocks.append(Table(("Phase", "Rope", "Dose", "Goal"), rows, (14, 16, 26, 44)))
    if item.watch:
        blocks.append(Text("What to watch while skipping (film a round from the front):"))
        blocks.append(Bullets(tuple((f"{point.what}:", point.suggests) for point in item.watch)))
    return blocks


def _session_blocks(plan: Plan) -> list[Block]:
    names = [item.name for item in plan.session_order()]
    blocks: list[Block] = [Text(session_line(names, plan.total_minutes), lead=SESSION_LEAD)]
    if plan.deferred:
        deferred = ", ".join(item.name for item in plan.deferred)
        blocks.append(Text(deferred, lead="Also useful, left out to keep the session short:", kind="note"))
    return blocks


def _closing_section(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = []
    if assessment.notes:
        blocks += [Heading(2, "Notes"), Bullets(tuple(("", note) for note in assessment.notes))]
    blocks += [Heading(2, "About this report"), Text(assessment.disclaimer)]
    return blocks
