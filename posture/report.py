"""Presentation of one assessment: the JSON contract, a Markdown report and a PDF report.

No Streamlit here. The Markdown and the PDF say the same things because both are rendered from one
list of plain blocks (headings, paragraphs, bullet lists, tables, figures) built by
:func:`report_blocks`; each renderer only decides how a block looks. Block text is plain text:
the Markdown renderer escapes all of it, the PDF renderer never interprets markup, so user text
(the person's label, photo file names) cannot inject formatting.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from posture.analysis import PhotoAnalysis
from posture.annotate import STATUS_RGB, draw, encode_jpeg
from posture.assessment import Assessment, Finding, Plan, PlanItem, SignEvidence
from posture.catalog import BLOCKS, KNEE_VALGUS_DIFFERENCE, PROFILE_DIFFERENCE_PREFIX, load_catalog, measure_unit
from posture.measures import SPECS, Measurement, typical_error

DEFAULT_TITLE = "Posture assessment"
IMAGE_MAX_SIDE_PX = 900
# Design.md's per-photo "findings" entries: the first keys of Finding.to_dict().
FINDING_KEYS = ("imbalance", "likelihood", "score", "evidence")

MEASURE_NAMES = {
    "craniovertebral_angle_deg": "Craniovertebral angle",
    "ear_ahead_of_shoulder_cm": "Ear ahead of shoulder",
    "shoulder_ahead_of_plumb_cm": "Shoulder ahead of plumb line",
    "trunk_lean_deg": "Trunk forward lean",
    "pelvic_tilt_deg": "Pelvic tilt",
    "knee_ahead_of_ankle_cm": "Knee ahead of ankle",
    "shoulder_tilt_deg": "Shoulder tilt",
    "shoulder_height_diff_cm": "Shoulder height difference",
    "pelvic_obliquity_deg": "Pelvic obliquity",
    "hip_height_diff_cm": "Hip height difference",
    "head_tilt_deg": "Head tilt",
    "trunk_lateral_lean_deg": "Trunk sideways lean",
    "trunk_lateral_shift_cm": "Trunk sideways shift",
    "knee_valgus_left_deg": "Left knee valgus",
    "knee_valgus_right_deg": "Right knee valgus",
    KNEE_VALGUS_DIFFERENCE: "Knee valgus difference (left minus right)",
}
VIEW_NAMES = {"front": "front", "back": "back", "left": "left profile", "right": "right profile"}
BLOCK_TITLES = {"strengthen": "1. Strengthen first", "mobility": "2. Then mobility",
                "cross_train": "3. Then cross-training"}
DIRECTION_WORDS = {"below": "below", "above": "above", "abs_above": "beyond ±"}


def past_threshold(direction: str, threshold: str) -> str:
    """The threshold a sign passed, in words: "above 5 cm", "below 50°", "beyond ±2°"."""
    word = DIRECTION_WORDS.get(direction, direction)
    return f"{word}{'' if word.endswith('±') else ' '}{threshold}"


# --------------------------------------------------------------------------------------------------
# Words and numbers
# --------------------------------------------------------------------------------------------------


def measure_name(key: str) -> str:
    """The human name of a measure key, e.g. "Craniovertebral angle"; derived for unknown keys."""
    if key.startswith(PROFILE_DIFFERENCE_PREFIX):
        return f"{measure_name(key[len(PROFILE_DIFFERENCE_PREFIX):])}, left minus right profile"
    if key in MEASURE_NAMES:
        return MEASURE_NAMES[key]
    words = re.sub(r"_(deg|cm)$", "", key).replace("_", " ")
    return words[:1].upper() + words[1:]


UNIT_SYMBOLS = {"deg": "°", "cm": " cm"}


def unit_symbol(unit: str) -> str:
    """What follows a number of ``unit``: "°" for degrees, " cm" for centimetres."""
    return UNIT_SYMBOLS.get(unit, f" {unit}" if unit else "")


def format_value(value: float, unit: str, decimals: int = 1) -> str:
    """A value with its unit as people write it: 46.2° or 3.1 cm."""
    return f"{value:.{decimals}f}{unit_symbol(unit)}"


def evidence_decimals(value: float, threshold: float) -> int:
    """Decimals that keep a value apart from the threshold it passed: 1, or 2 where one decimal would
    print both alike ("5.0 cm, above 5.0 cm" reads as a contradiction; "5.04 cm" does not)."""
    return 2 if round(abs(value), 1) == round(abs(threshold), 1) else 1


def _bound(value: float, unit: str) -> str:
    return f"{value:g}{unit_symbol(unit)}"


def format_range(normal_range: Sequence[float | None], unit: str) -> str:
    """A normal range in words: "≥ 50°", "≤ 5 cm", "-4 to 4 cm" ("—" when both ends are open)."""
    low, high = normal_range
    if low is not None and high is not None:
        return f"{low:g} to {_bound(high, unit)}"
    if low is not None:
        return f"≥ {_bound(low, unit)}"
    if high is not None:
        return f"≤ {_bound(high, unit)}"
    return "—"


def _percent(fraction: float) -> str:
    return f"{round(100 * fraction)} %"


def verdict(finding: Finding) -> str:
    """"likely (72/100)"; a finding with nothing readable gets no score, since 0 would read as "fine"."""
    if finding.likelihood == "not_assessed":
        return "not assessed"
    return f"{finding.likelihood} ({finding.score}/100)"


def _views(views: Sequence[str]) -> str:
    return ", ".join(VIEW_NAMES.get(view, view) for view in views)


def _one_line(text: str) -> str:
    """Collapse all whitespace: block text is inline text, so it can never start a new Markdown block."""
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------------------
# JSON contract
# --------------------------------------------------------------------------------------------------


def contract_json(assessment: Assessment) -> list[dict[str, Any]]:
    """The CLI / download JSON of docs/design.md: one object per photo, in input order.

    Each ok photo carries its own ``PhotoAnalysis.to_dict()`` plus the person-level ``findings``,
    ``stage`` and ``plan`` (``None`` when a red flag stops the plan), repeated on every ok photo
    because the contract puts them on the photo object. A failed photo has only image, ok and error.
    """
    summary = assessment.to_dict()
    objects = []
    for photo in assessment.photos:
        data = photo.to_dict()
        if photo.ok:
            data = _with_person_level(data, summary)
        objects.append(data)
    return objects


def _with_person_level(photo: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """The photo object with findings, stage and plan inserted where design.md shows them (fresh copies)."""
    plan = summary["plan"]
    person_level = {
        "findings": [{key: finding[key] for key in FINDING_KEYS} for finding in summary["findings"]],
        "stage": dict(summary["stage"]) if summary["stage"] else None,
        "plan": {block: list(plan[block]) for block in BLOCKS} if plan else None,
    }
    ordered: dict[str, Any] = {}
    for key, value in photo.items():
        if key == "landmarks_px":
            ordered.update(person_level)
        ordered[key] = value
    ordered.update({key: value for key, value in person_level.items() if key not in ordered})
    return ordered


# --------------------------------------------------------------------------------------------------
# The report as plain blocks
# --------------------------------------------------------------------------------------------------


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


def report_blocks(assessment: Assessment, *, title: str = DEFAULT_TITLE, person_label: str = "",
                  generated_at: datetime | None = None, images: bool = True) -> list[Block]:
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
    blocks: list[Block] = [Heading(1, _one_line(title) or DEFAULT_TITLE)]
    if _one_line(person_label):
        blocks.append(Text(_one_line(person_label), lead="Person:"))
    blocks.append(Text(generated_at.strftime("%Y-%m-%d %H:%M"), lead="Generated:"))
    blocks.append(Text(f"{len(assessment.photos)} ({measured} measured)", lead="Photos:"))
    blocks.append(Text("An educational screening from photos, not a diagnosis. Read the note at the end.",
                       kind="note"))
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
    shown = {key for photo in assessment.photos for key in (*photo.measurements, *photo.not_assessed)}
    if shown:
        blocks += _glossary(shown)
    return blocks


def _photo_blocks(number: int, photo: PhotoAnalysis, images: bool) -> list[Block]:
    """Heading, annotated image, warnings and measures table of one photo (or why it failed)."""
    if not photo.ok:
        error = photo.error
        message = f"{error.message} ({error.code})" if error else "The photo could not be measured."
        return [Heading(3, f"Photo {number}: {photo.image} (not measured)"), Text(message, kind="alert")]
    blocks: list[Block] = [Heading(3, f"Photo {number}: {photo.image}, {VIEW_NAMES.get(photo.view, photo.view)}")]
    figure = _figure(photo) if images else None
    if figure:
        blocks.append(figure)
    height = f"{photo.height_cm:.0f} cm ({photo.height_source})" if photo.height_cm else "unknown"
    blocks.append(Text(f"View: {VIEW_NAMES.get(photo.view, photo.view)}, confidence "
                       f"{_percent(photo.view_confidence)}. Height: {height}.", kind="note"))
    if photo.warnings:
        blocks.append(Bullets(tuple(("Warning:", warning.message) for warning in photo.warnings)))
    blocks.append(_measures_table(photo))
    return blocks


def _figure(photo: PhotoAnalysis) -> Figure | None:
    """The photo with landmarks, plumb line and measures drawn, at most IMAGE_MAX_SIDE_PX on its long side."""
    if photo.photo is None or photo.pose is None:
        return None
    rgb = draw(photo, max_side_px=IMAGE_MAX_SIDE_PX)
    caption = f"{photo.image}: landmarks, plumb line and each measure where it was taken"
    return Figure(encode_jpeg(rgb, quality=85), rgb.shape[1], rgb.shape[0], caption)


def _measures_table(photo: PhotoAnalysis) -> Table:
    rows = [_measure_row(measurement) for measurement in photo.measurements.values()]
    for key, reason in photo.not_assessed.items():
        spec = SPECS.get(key)
        normal = format_range(spec.normal, spec.unit) if spec else "—"
        rows.append((measure_name(key), "—", normal, f"not assessed: {_one_line(reason)}", "—", "—"))
    return Table(("Measure", "Value", "Normal range", "Status", "Confidence", "Typical error"), tuple(rows),
                 (29, 11, 15, 17, 14, 14), status_column=3)


def typical_error_text(key: str, unit: str) -> str | None:
    """``±0.9°``: the benchmarked typical error of a measure, None when it was not measured."""
    error = typical_error(key)
    return None if error is None else f"±{format_value(error, unit)}"


def _measure_row(measurement: Measurement) -> tuple[str, ...]:
    name = measure_name(measurement.key) + (" (estimate)" if measurement.estimate else "")
    return (name, format_value(measurement.value, measurement.unit),
            format_range(measurement.normal_range, measurement.unit), measurement.status,
            _percent(measurement.confidence), typical_error_text(measurement.key, measurement.unit) or "—")


def _glossary(keys: set[str]) -> list[Block]:
    """What each shown measure means and where its normal range comes from, in SPECS order."""
    rows = tuple((measure_name(key), spec.definition, spec.source) for key, spec in SPECS.items() if key in keys)
    return [Heading(3, "What the measures mean"), Table(("Measure", "Definition", "Normal range from"), rows,
                                                        (22, 50, 28))]


def _profile_section(assessment: Assessment) -> list[Block]:
    """Left-profile against right-profile values, when both profiles were measured."""
    if not assessment.profile_differences:
        return []
    left = assessment.measurements_by_view.get("left", {})
    right = assessment.measurements_by_view.get("right", {})
    rows = []
    for key, difference in assessment.profile_differences.items():
        unit = measure_unit(key)
        rows.append((measure_name(key), format_value(left[key].value, unit), format_value(right[key].value, unit),
                     format_value(difference, unit)))
    return [
        Heading(2, "Left and right profile compared"),
        Text("Large differences between the two sides can point to a one-sided pattern; small ones are normal "
             "and partly measurement error.", kind="note"),
        Table(("Measure", "Left profile", "Right profile", "Left minus right"), tuple(rows), (40, 20, 20, 20)),
    ]


# Findings -----------------------------------------------------------------------------------------


def _findings_section(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Findings"),
        Text("Each score (0-100) says how strongly the photos, and your answers if given, point to a pattern "
             "that is commonly associated with these posture signs. Associations, not causes.", kind="note"),
        Bullets(tuple((f"{finding.name}:", verdict(finding)) for finding in assessment.findings)),
    ]
    for finding in assessment.findings:
        blocks += _finding_blocks(finding)
    return blocks


def _finding_blocks(finding: Finding) -> list[Block]:
    """One finding: verdict, explanation, the evidence table and what could not be read."""
    blocks: list[Block] = [Heading(3, f"{finding.name}: {verdict(finding)}")]
    blocks.append(Text(finding.explanation))
    if finding.evidence:
        rows = tuple(_evidence_row(item) for item in finding.evidence)
        blocks.append(Table(("Sign", "Measure", "Value", "Threshold", "Photos", "Confidence"), rows,
                            (17, 26, 10, 21, 14, 12)))
    if finding.checked:
        names = ", ".join(measure_name(key) for key in finding.checked)
        blocks.append(Text(names, lead="Measured and inside the thresholds:"))
    if finding.not_assessed:
        blocks.append(Bullets(tuple((f"Not assessed, {measure_name(key)}:", reason)
                                    for key, reason in finding.not_assessed.items())))
    if finding.missing_views_note:
        blocks.append(Text(finding.missing_views_note, lead="Missing views:"))
    if finding.note:
        blocks.append(Text(finding.note, lead="Note:"))
    if finding.likelihood in ("possible", "likely"):
        blocks.append(Text(", ".join(finding.muscles_tight), lead="Commonly tight:"))
        blocks.append(Text(", ".join(finding.muscles_weak), lead="Commonly weak:"))
    if finding.caveat:
        blocks.append(Text(finding.caveat, kind="note"))
    return blocks


def _evidence_row(item: SignEvidence) -> tuple[str, ...]:
    threshold = (f"{past_threshold(item.direction, _bound(item.threshold, item.unit))} "
                 f"(strong {past_threshold(item.direction, _bound(item.strong_threshold, item.unit))})")
    value = format_value(item.value, item.unit, evidence_decimals(item.value, item.threshold))
    return (item.label, measure_name(item.measure), value, threshold,
            _views(item.views), _percent(item.confidence))


# Stage and plan -----------------------------------------------------------------------------------


def _stage_section(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Progression stage")]
    stage = assessment.stage
    if stage is None:
        blocks.append(Text("The symptom questions were not (all) answered, so the stage is unknown. Photos "
                           "cannot show it.", lead="Not answered."))
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
    blocks: list[Block] = [Heading(2, "Corrective plan"), Text(plan.rationale, kind="note")]
    if plan.note:
        blocks.append(Text(plan.note))
    for block in BLOCKS:
        items = plan.block(block)
        if items:
            blocks.append(Heading(3, BLOCK_TITLES[block]))
            for item in items:
                blocks += _plan_item_blocks(item, names)
    return blocks + _session_blocks(plan)


def _plan_item_blocks(item: PlanItem, names: dict[str, str]) -> list[Block]:
    """Name, dose, how-to and the findings served; the rope adds its phases and what to watch."""
    blocks: list[Block] = [
        Text(f"{item.dose}, {item.per_week}× per week, about {item.minutes} min.", lead=f"{item.name}:"),
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
    order = " → ".join(item.name for item in plan.session_order())
    blocks: list[Block] = [Text(f"{order} (about {plan.total_minutes} min).", lead="One session, in this order:")]
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


# --------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------


_MD_BACKSLASHED = re.compile(r"([\\`*_\[\]|~])")
# A paragraph starting with these would open a heading, list or thematic break.
_MD_LINE_START = re.compile(r"^([#+-]|\d{1,9}[.)](?=\s|$))")


def md_escape(text: str) -> str:
    """Plain text made inert in Markdown: no emphasis, links, HTML, table breaks or block markers."""
    text = _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_BACKSLASHED.sub(r"\\\1", text)


def _md_paragraph(text: str) -> str:
    """Escaped text that starts a line: also defuse block markers (only a line start can open one)."""
    return _MD_LINE_START.sub(lambda match: match.group(0)[:-1] + "\\" + match.group(0)[-1], md_escape(text))


def render_markdown(assessment: Assessment, *, title: str = DEFAULT_TITLE, person_label: str = "",
                    generated_at: datetime | None = None, embed_images: bool = True) -> str:
    """The report as Markdown; annotated photos as base64 JPEG data URIs when ``embed_images``."""
    blocks = report_blocks(assessment, title=title, person_label=person_label, generated_at=generated_at,
                           images=embed_images)
    return "\n\n".join(_md_block(block) for block in blocks) + "\n"


def _md_lead(lead: str, text: str) -> str:
    return f"**{md_escape(lead)}** {md_escape(text)}" if lead else _md_paragraph(text)


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + md_escape(block.text)
    if isinstance(block, Text):
        line = _md_lead(block.lead, block.text)
        if block.kind == "alert":
            return f"> **Important:** {line}"
        return f"*{line}*" if block.kind == "note" and not block.lead else line
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_lead(lead, text)}" for lead, text in block.items)
    if isinstance(block, Table):
        lines = ["| " + " | ".join(md_escape(cell) for cell in block.header) + " |",
                 "|" + "|".join("---" for _ in block.header) + "|"]
        lines += ["| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in block.rows]
        return "\n".join(lines)
    data = base64.b64encode(block.jpeg).decode("ascii")
    return f"![{md_escape(block.caption)}](data:image/jpeg;base64,{data})"


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------


# fpdf2 and fontTools are imported inside the PDF functions: the JSON and Markdown need neither.
BODY_PT, NOTE_PT, TABLE_PT = 10, 8.5, 8
HEADING_PT = {1: 18, 2: 14, 3: 11.5}
TEXT_RGB, NOTE_RGB, ALERT_RGB, ALERT_FILL = (25, 25, 25), (95, 95, 95), (150, 20, 20), (253, 236, 234)
MM_PER_PT = 0.3528
A4_WIDTH_MM, SIDE_MARGIN_MM = 210.0, 18.0
# Tall enough to check the overlay by eye; a photo shrinks to no less than the minimum so that it and
# the start of its measures table share a page.
FIGURE_MAX_HEIGHT_MM, FIGURE_MIN_HEIGHT_MM = 115.0, 80.0
# Caption, view line and the measures table's header and first rows, kept on the photo's page.
AFTER_FIGURE_MM = 32.0


def font_paths() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold, shipped with matplotlib (a mediapipe dependency)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


@functools.lru_cache(maxsize=1)
def _font_coverage() -> frozenset[int]:
    """Code points both DejaVu faces can draw."""
    from fontTools.ttLib import TTFont

    regular, bold = (set(TTFont(path)["cmap"].getBestCmap()) for path in font_paths())
    return frozenset(regular & bold)


def pdf_text(text: str) -> str:
    """Text the PDF fonts can draw: unknown characters become U+FFFD, joiners and modifiers vanish.

    Emoji are not in DejaVu; without this the PDF would silently show nothing (or a tofu box that
    reads as a missing letter). Accented letters the font lacks precomposed fall back to their base.
    """
    covered = _font_coverage()
    out = []
    # NFC first: a letter typed as base + combining accent becomes the precomposed letter DejaVu has.
    for char in unicodedata.normalize("NFC", str(text)):
        if char == "\n" or (ord(char) in covered and not _invisible(char)):
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif _invisible(char) or unicodedata.category(char) in ("Mn", "Me", "Sk"):
            continue  # joiners, variation selectors, skin-tone modifiers, marks the font cannot place
        else:
            base = unicodedata.normalize("NFKD", char)
            kept = "".join(c for c in base if ord(c) in covered and unicodedata.category(c) != "Mn")
            out.append(kept or "\ufffd")
    return "".join(out)


def _invisible(char: str) -> bool:
    """Format and control characters and variation selectors: nothing to draw, only noise in copied text."""
    code = ord(char)
    return unicodedata.category(char) in ("Cf", "Cc") or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def render_pdf(assessment: Assessment, *, title: str = DEFAULT_TITLE, person_label: str = "",
               generated_at: datetime | None = None) -> bytes:
    """The report as an A4 PDF with the annotated photos embedded as JPEG.

    The creation date is ``generated_at`` (default: now), so the same inputs give the same bytes.
    """
    generated_at = generated_at or datetime.now().astimezone()
    blocks = report_blocks(assessment, title=title, person_label=person_label, generated_at=generated_at)
    pdf = _new_pdf(_one_line(title) or DEFAULT_TITLE, _one_line(person_label), generated_at)
    renderers: dict[type, Callable[[Any, Any], None]] = {
        Heading: _pdf_heading, Text: _pdf_text_block, Bullets: _pdf_bullets, Table: _pdf_table, Figure: _pdf_figure,
    }
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            _keep_room(pdf, _heading_mm(block) + _start_mm(following))
        renderers[type(block)](pdf, block)
    return bytes(pdf.output())


def _new_pdf(title: str, person: str, generated_at: datetime):
    """An A4 document with the DejaVu fonts, metadata and a footer on every page."""
    from fpdf import FPDF

    class _ReportPdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=7.5)
            self.set_text_color(*NOTE_RGB)
            self.cell(0, 5, pdf_text(f"{title} · educational screening, not a diagnosis · page {self.page_no()}"
                                     f"/{{nb}}"), align="C")

    pdf = _ReportPdf(format="A4", unit="mm")
    regular, bold = font_paths()
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_margins(SIDE_MARGIN_MM, 16, SIDE_MARGIN_MM)
    pdf.set_draw_color(190)
    pdf.set_line_width(0.2)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_creation_date(generated_at)
    pdf.set_title(pdf_text(title))
    pdf.set_subject(pdf_text(f"Posture assessment{' of ' + person if person else ''}"))
    pdf.set_creator("posture")
    pdf.set_lang("en")
    pdf.add_page()
    return pdf


def _line_mm(size_pt: float) -> float:
    return size_pt * MM_PER_PT * 1.45


def _keep_room(pdf, needed_mm: float) -> None:
    """Start a new page when less than ``needed_mm`` is left, so a heading never ends a page."""
    if pdf.get_y() + needed_mm > pdf.page_break_trigger:
        pdf.add_page()


def _heading_mm(block: Heading) -> float:
    return _line_mm(HEADING_PT.get(block.level, BODY_PT)) + 5


def _start_mm(block: Block | None) -> float:
    """Room the start of a block needs on the heading's page: a whole figure, else a few lines."""
    if isinstance(block, Figure):
        return FIGURE_MIN_HEIGHT_MM + AFTER_FIGURE_MM
    return 20 if isinstance(block, Table) else 12


def _pdf_heading(pdf, block: Heading) -> None:
    size = HEADING_PT.get(block.level, BODY_PT)
    pdf.ln(2 if block.level == 3 else 4 if block.level == 2 else 0)
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(*TEXT_RGB)
    pdf.multi_cell(0, _line_mm(size), pdf_text(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _pdf_text_block(pdf, block: Text) -> None:
    size = NOTE_PT if block.kind == "note" else BODY_PT
    height = _line_mm(size)
    if block.kind == "alert":
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(*ALERT_RGB)
        pdf.set_fill_color(*ALERT_FILL)
        text = f"{block.lead} {block.text}" if block.lead else block.text
        pdf.multi_cell(0, height, pdf_text(text), align="L", fill=True, padding=2, new_x="LMARGIN", new_y="NEXT")
        pdf.set_fill_color(255)  # tables fill their cells with the current colour
    else:
        pdf.set_text_color(*(NOTE_RGB if block.kind == "note" else TEXT_RGB))
        _write_lead(pdf, block.lead, block.text, size, height)
        pdf.ln(height)
    pdf.ln(2.5 if block.kind == "note" else 1.5)


def _write_lead(pdf, lead: str, text: str, size: float, height: float) -> None:
    """A bold lead followed by flowing regular text, wrapped between the current left margin and the right."""
    if lead:
        pdf.set_font("DejaVu", "B", size)
        pdf.write(height, pdf_text(lead) + " ")
    pdf.set_font("DejaVu", "", size)
    pdf.write(height, pdf_text(text))


def _pdf_bullets(pdf, block: Bullets) -> None:
    height = _line_mm(BODY_PT)
    margin = pdf.l_margin
    pdf.set_text_color(*TEXT_RGB)
    for lead, text in block.items:
        pdf.set_font("DejaVu", "", BODY_PT)
        pdf.set_x(margin + 2)
        pdf.cell(4, height, "•")
        # write() wraps to the left margin: indent it for the item so wrapped lines align with the text.
        pdf.set_left_margin(margin + 6)
        _write_lead(pdf, lead, text, BODY_PT, height)
        pdf.set_left_margin(margin)
        pdf.ln(height + 0.8)
    pdf.ln(1)


def _pdf_table(pdf, block: Table) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font("DejaVu", "", TABLE_PT)
    pdf.set_text_color(*TEXT_RGB)
    _keep_room(pdf, 18)
    heading = FontFace(emphasis="BOLD", fill_color=(236, 238, 241))
    with pdf.table(col_widths=block.widths, width=pdf.epw, text_align="LEFT", line_height=_line_mm(TABLE_PT),
                   headings_style=heading, borders_layout="HORIZONTAL_LINES", padding=(1, 1.2),
                   v_align="TOP") as table:
        table.row([pdf_text(cell) for cell in block.header])
        for cells in block.rows:
            row = table.row()
            for index, cell in enumerate(cells):
                row.cell(pdf_text(cell), style=_status_style(cell) if index == block.status_column else None)
    pdf.ln(3)


def _status_style(cell: str):
    from fpdf.fonts import FontFace

    rgb = STATUS_RGB.get(cell)
    return FontFace(color=rgb, emphasis="BOLD") if rgb else FontFace(color=NOTE_RGB)


def _figure_size(block: Figure, max_height_mm: float = FIGURE_MAX_HEIGHT_MM) -> tuple[float, float]:
    """Width and height in mm: as large as the text width and ``max_height_mm`` allow, aspect kept."""
    scale = min((A4_WIDTH_MM - 2 * SIDE_MARGIN_MM) / block.width, max_height_mm / block.height)
    return block.width * scale, block.height * scale


def _pdf_figure(pdf, block: Figure) -> None:
    """The photo centred with its caption, shrunk to keep the start of its table on the same page."""
    room = pdf.page_break_trigger - pdf.get_y() - AFTER_FIGURE_MM
    if room < FIGURE_MIN_HEIGHT_MM:
        pdf.add_page()
        room = pdf.page_break_trigger - pdf.get_y() - AFTER_FIGURE_MM
    width, height = _figure_size(block, min(FIGURE_MAX_HEIGHT_MM, room))
    pdf.image(io.BytesIO(block.jpeg), x=(pdf.w - width) / 2, y=pdf.get_y(), w=width, h=height,
              alt_text=pdf_text(block.caption))
    pdf.set_y(pdf.get_y() + height + 1)
    pdf.set_font("DejaVu", "", NOTE_PT - 1)
    pdf.set_text_color(*NOTE_RGB)
    pdf.multi_cell(0, _line_mm(NOTE_PT - 1), pdf_text(block.caption), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
