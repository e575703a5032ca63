"""Words and numbers as the app shows them: measure titles, units, ranges, error titles, arrows.

Pure functions over the library's results, no Streamlit: the page (``app.py``) decides where
things go, this module decides how they read. Everything a person typed is passed through
:func:`plain` before it reaches Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from posture import report
from posture.errors import ERROR_CODES
from posture.measures import SPECS, Measurement
from posture.report import evidence_decimals, measure_name, past_threshold, typical_error_text

STATUS_LABELS = {"normal": "normal", "borderline": "borderline", "deviation": "outside normal"}
BadgeColour = Literal["green", "orange", "red", "gray"]
STATUS_COLOURS: dict[str, BadgeColour] = {"normal": "green", "borderline": "orange", "deviation": "red"}
VIEW_LABELS = {"auto": "detect automatically", "front": "front", "back": "back",
               "left": "left profile (left side to the camera)",
               "right": "right profile (right side to the camera)"}
LIKELIHOOD_LABELS = {"likely": "Likely", "possible": "Possible", "unlikely": "Unlikely",
                     "not_assessed": "Not assessed"}
LIKELIHOOD_COLOURS: dict[str, BadgeColour] = {"likely": "red", "possible": "orange", "unlikely": "green",
                                               "not_assessed": "gray"}
# What a measure's confidence is made of (posture.measures.measure_body multiplies these).
CONFIDENCE_MEANING = ("Confidence (0-100 %) starts from how visible the points behind the measure were and is "
                      "lowered when a distance rests on an assumed height, when the body is turned away from a "
                      "straight view, and for values that are estimates.")
TYPICAL_ERROR_MEANING = ("Typical error {error}: how far the app's value was from the true one on average, "
                         "measured on rendered people of known posture it was not tuned on, with their height "
                         "given (docs/accuracy.md). Real photos can do worse; an assumed height adds to the "
                         "error of distances.")
BLOCK_TITLES = {"strengthen": "1. Strengthen", "mobility": "2. Mobility", "cross_train": "3. Cross-training"}

# A heading for every engine error code; the engine's own message says what to do next.
ERROR_TITLES: dict[str, str] = {
    "not_an_image": "This file is not a photo",
    "corrupt_image": "This photo is damaged or incomplete",
    "image_too_large": "This photo is too large to open safely",
    "no_person": "No person found in this photo",
    "multiple_people": "More than one person in this photo",
    "body_cut_off": "Part of the body is outside the photo",
    "person_too_small": "The person is too small in this photo",
    "not_standing": "The person does not seem to be standing upright",
    "unsupported_view": "This view cannot be measured",
}
# One extra hint per code, pointing at the part of the app that helps.
ERROR_NEXT_STEPS: dict[str, str] = {
    "not_an_image": "Choose a JPEG, PNG, WebP, BMP, TIFF or HEIC file.",
    "corrupt_image": "Copy or export the photo again from your phone or camera, then upload the new file.",
    "image_too_large": "Export a smaller copy (12 megapixels is plenty) and upload that.",
    "no_person": "See 'How to take a usable photo' above: whole body in frame, good light, plain background.",
    "multiple_people": "Retake the photo with only the person to assess in frame, or crop the others out.",
    "body_cut_off": "Step back or lower the camera to hip height so head and feet are both in the picture.",
    "person_too_small": "Move the camera closer (about 2.5-4 m) so the body fills most of the picture's height.",
    "not_standing": "Stand relaxed on both feet, knees straight, arms hanging by your sides, and retake it.",
    "unsupported_view": "Set 'View' back to 'detect automatically', or retake the photo straight from the "
                        "front, back or side.",
}
UNEXPECTED_TITLE = "Sorry, something went wrong"
UNEXPECTED_MESSAGE = ("An unexpected problem stopped this part of the page. Your photos were not sent "
                      "anywhere. Try again, or reload the page; if it keeps happening, please report it "
                      "(the details are in the app's log on this computer).")
DIRECTION_ARROWS = {"improved": "⬆ improved", "worsened": "⬇ worsened", "unchanged": "→ unchanged", "n/a": "–"}

assert set(ERROR_TITLES) == set(ERROR_CODES) == set(ERROR_NEXT_STEPS)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(text: object) -> str:
    """``text`` made inert for Markdown: every character Markdown or HTML could act on is escaped.

    For text a person typed (labels, notes) and file names, wherever they go through st.markdown.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\n", " ").replace("\r", " ")


def count_text(count: int, noun: str) -> str:
    """``1 photo``, ``2 photos``: a count with its noun in the right number (regular English plurals)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def level_text(camera_roll_deg: float) -> str:
    """What the phone's motion sensor says about a photo it recorded as held level."""
    return (f"Camera level checked: the phone's motion sensor recorded it {camera_roll_deg:.1f}° off level, "
            "too little to shift the tilts and leans noticeably.")


def signed(key: str) -> bool:
    """Whether a measure's value is shown with its sign (+/-): as its spec says; derived keys (differences) are."""
    return SPECS[key].signed if key in SPECS else True


def format_value(value: float | None, unit: str, signed: bool = False, decimals: int = 1) -> str:
    """``46.2°``, ``+3.1 cm``, ``−0.4°``: the report's wording with a true minus sign; a value that
    rounds to zero has no sign."""
    if value is None:
        return "–"
    if round(value, decimals) == 0:
        value = 0.0
    text = report.format_value(value, unit, decimals)
    return ("+" + text if signed and value > 0 else text).replace("-", "−")


def format_range(normal_range: Sequence[float | None] | None, unit: str) -> str:
    """``(50, None)`` -> "≥ 50°", ``(-4, 4)`` -> "−4 to 4 cm", ``None`` -> "no range"."""
    if not normal_range or (normal_range[0] is None and normal_range[1] is None):
        return "no range"
    return report.format_range(normal_range, unit).replace("-", "−")


def confidence_text(confidence: float) -> str:
    return f"{round(100 * confidence)}\u00a0%"


def measure_caption(measurement: Measurement) -> str:
    """The line under a measure's value and status badge: normal range, confidence, typical error, estimate flag."""
    parts = [f"normal {format_range(measurement.normal_range, measurement.unit)}",
             f"confidence {confidence_text(measurement.confidence)}"]
    error = typical_error_text(measurement.key, measurement.unit)
    if error:
        parts.append(f"typical error {error}")
    if measurement.estimate:
        parts.append("estimate")
    return " · ".join(parts)


def measure_help(key: str, measurement: Measurement | None = None) -> str:
    """The tooltip: definition, normal range with its source, and what 'estimate' means here."""
    spec = SPECS.get(key)
    lines = [spec.definition if spec else measure_name(key)]
    if spec:
        lines.append(f"Normal: {format_range(spec.normal, spec.unit)}; borderline up to "
                     f"{format_range(spec.borderline, spec.unit)}. Source: {spec.source}.")
    if measurement is not None and measurement.estimate:
        if key == "pelvic_tilt_deg":
            lines.append("Estimate: inferred from the body outline, not from a landmark.")
        else:
            lines.append("Estimate: centimetres rest on an assumed stature; enter your height for exact values.")
    error = typical_error_text(key, spec.unit) if spec else None
    if error:
        lines.append(TYPICAL_ERROR_MEANING.format(error=error))
    lines.append(CONFIDENCE_MEANING)
    return "\n\n".join(lines)


def error_heading(code: str) -> str:
    return ERROR_TITLES.get(code, "This photo could not be measured")


def error_next_step(code: str) -> str:
    return ERROR_NEXT_STEPS.get(code, "")


def view_text(view: str | None, confidence: float | None = None) -> str:
    label = VIEW_LABELS.get(view or "", view or "unknown")
    return label if confidence is None else f"{label}, {confidence:.0%} sure"


def direction_text(direction: str) -> str:
    return DIRECTION_ARROWS.get(direction, direction)


def evidence_line(item) -> str:
    """One fired sign of a finding, e.g. 'forward head: Craniovertebral angle 44.1° (past 50°) ...'."""
    threshold = format_value(abs(item.threshold) if item.direction == "abs_above" else item.threshold, item.unit)
    past = past_threshold(item.direction, threshold)
    value = format_value(item.value, item.unit, signed=item.direction == "abs_above" or item.value < 0,
                         decimals=evidence_decimals(item.value, item.threshold))
    views = " and ".join(item.views)
    return (f"{item.label}: {measure_name(item.measure)} {value} ({past}; "
            f"{views} photo, confidence {confidence_text(item.confidence)})")


