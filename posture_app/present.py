"""How the app shows the library's results: badge colours, the view picker, error titles, arrows, captions.

Every word and number format the report and the CLI also use (measure names, units, status and
likelihood words, view names, block titles, plan sentences) comes from :mod:`posture.wording`; this
module only adds what is the app's own. Pure functions, no Streamlit: the pages decide where things
go. Everything a person typed is passed through :func:`plain` before it reaches Markdown.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from PIL import Image, UnidentifiedImageError

from posture.assessment import CombinedMeasurement, SignEvidence
from posture.errors import ERROR_CODES, TOO_FEW_PIXELS, VIDEO_ERROR_CODES
from posture.history import HistoryBusyError
from posture.history.compare import DIFFERENT_VIEW
from posture.measures import SPECS, Measurement, MeasureSpec, typical_error
from posture.report import measure_decimals, typical_error_text
from posture.report import measure_value_text as report_value_text
from posture.video.isolated import CRASHED
from posture.vocabulary import Likelihood, Status, View
from posture.wording import (
    MOVED_BY_HAND,
    borderline_text,
    bound,
    evidence_source,
    evidence_value_text,
    format_range,
    format_value,
    measure_name,
    past_threshold,
    percent,
    plus_minus,
    view_name,
    views_text,
)

BadgeColour = Literal["green", "orange", "red", "gray"]
STATUS_COLOURS: dict[str, BadgeColour] = {Status.NORMAL: "green", Status.BORDERLINE: "orange", Status.DEVIATION: "red"}
LIKELIHOOD_COLOURS: dict[str, BadgeColour] = {
    Likelihood.LIKELY: "red",
    Likelihood.POSSIBLE: "orange",
    Likelihood.UNLIKELY: "green",
    Likelihood.NOT_ASSESSED: "gray",
}
# The view picker's choices: "auto" and each view by its name, the profiles with how to tell them apart.
AUTO_VIEW = "auto"
VIEW_CHOICE_LABELS: dict[str, str] = {
    AUTO_VIEW: "detect automatically",
    View.FRONT: view_name(View.FRONT),
    View.BACK: view_name(View.BACK),
    View.LEFT: f"{view_name(View.LEFT)} (left side to the camera)",
    View.RIGHT: f"{view_name(View.RIGHT)} (right side to the camera)",
}
# What a measure's confidence is made of (posture.measuring.measure_body multiplies these).
CONFIDENCE_MEANING = (
    "Confidence (0-100 %) starts from how visible the points behind the measure were and is "
    "lowered when a distance rests on an assumed height, when the body is turned away from a "
    "straight view, and for values that are estimates."
)
TYPICAL_ERROR_MEANING = (
    "Typical error {error}: how far the app's value was from the true one on average, "
    "measured on rendered people of known posture it was not tuned on, with their height "
    "given (docs/accuracy.md). Real photos can do worse; an assumed height adds to the "
    "error of distances."
)
NO_VALUE = "\N{EN DASH}"

# Headings of a clip's refusals that do not depend on what the clip was for (a stand-still or a jump-rope clip).
VIDEO_FILE_TITLES: dict[str, str] = {
    "not_a_video": "This file is not a video",
    "corrupt_video": "This video is damaged or incomplete",
    "unsupported_codec": "This video's compression cannot be read here",
    "video_too_short": "This clip is too short",
    "video_too_long": "This clip is too long",
    "video_too_large": "This video is too large to open safely",
    "camera_moving": "The camera moved while filming",
}
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
    **VIDEO_FILE_TITLES,  # a stand-still clip given in place of a photo
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
    "not_a_video": "Upload the photo itself (JPEG, PNG, WebP or HEIC) or a 3-10 s clip of standing still "
    "(MP4, MOV, WebM or AVI) as your phone saved it.",
    "corrupt_video": "Copy or share the clip again from your phone (the whole file), then upload the new copy.",
    "unsupported_codec": "Export or share the clip as H.264 MP4 (phones call it 'most compatible'), or upload a photo.",
    "video_too_short": "Film 3-10 s of standing still, or upload a photo.",
    "video_too_long": "Trim the clip to 3-10 s of standing still (any phone's editor can), or upload a photo.",
    "video_too_large": "Film or export the 3-10 s clip at 1080p, or upload a photo.",
    "camera_moving": "Stand the phone on a shelf, chair or tripod, or take a photo with the self-timer.",
}
UNEXPECTED_TITLE = "Sorry, something went wrong"
UNEXPECTED_MESSAGE = (
    "An unexpected problem stopped this part of the page. Your photos were not sent "
    "anywhere. Try again, or reload the page; if it keeps happening, please report it "
    "(the details are in the app's log on this computer)."
)
DIRECTION_ARROWS = {
    "improved": "⬆ improved",
    "worsened": "⬇ worsened",
    "unchanged": "→ unchanged",
    DIFFERENT_VIEW: "≠ different view, not compared",
    "n/a": NO_VALUE,
}

assert set(ERROR_CODES) <= set(ERROR_TITLES) == set(ERROR_NEXT_STEPS) <= set(ERROR_CODES) | set(VIDEO_ERROR_CODES)

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
    return (
        f"Camera level checked: the phone's motion sensor recorded it {camera_roll_deg:.1f}° off level, "
        "too little to shift the tilts and leans noticeably."
    )


def value_text(value: float | None, unit: str, signed: bool = False) -> str:
    """A value as :func:`posture.wording.format_value` writes it, or a dash where a saved record has none."""
    return NO_VALUE if value is None else format_value(value, unit, signed=signed)


def measure_value_text(key: str, value: float | None, unit: str) -> str:
    """:func:`posture.report.measure_value_text`, or a dash where a saved record has no value."""
    return NO_VALUE if value is None else report_value_text(key, value, unit)


def range_text(normal_range: Sequence[float | None] | None, unit: str) -> str:
    """A normal range as :func:`posture.wording.format_range` writes it; "no range" where there is none."""
    if not normal_range or (normal_range[0] is None and normal_range[1] is None):
        return "no range"
    return format_range(normal_range, unit)


def borderline_zone_text(spec: MeasureSpec) -> str:
    """Where a measure reads borderline: between the normal range's ends and the borderline range's, on each
    side that has one ("45.5 to 50°"; "-3.5 to -2° or 2 to 3.5°"); the borderline range itself contains the
    normal one, so "≥ 45.5°" beside "normal ≥ 50°" read as an overlap."""
    (low, high), (outer_low, outer_high) = spec.normal, spec.borderline
    zones = []
    if low is not None and outer_low is not None and outer_low < low:
        zones.append(f"{outer_low:g} to {bound(low, spec.unit)}")
    if high is not None and outer_high is not None and outer_high > high:
        zones.append(f"{high:g} to {bound(outer_high, spec.unit)}")
    return " or ".join(zones) or "none"


def measure_caption(measurement: Measurement, hand_moved: bool = False, view: str | None = None) -> str:
    """The line under a measure's value and status badge: the side its sign names, the borderline limit it
    passed, normal range, confidence, typical error (of one photo in ``view``, the photo's), estimate flag,
    and whether it rests on a landmark moved by hand."""
    spec = SPECS.get(measurement.key)
    passed = borderline_text(measurement.value, measurement.unit, spec.normal, spec.borderline) if spec else None
    parts = [
        *_side_words(measurement, typical_error(measurement.key, view)),
        *([passed] if passed else []),
        f"normal {range_text(measurement.normal_range, measurement.unit)}",
        f"confidence {percent(measurement.confidence)}",
    ]
    error = typical_error_text(measurement.key, measurement.unit, view)
    if error:
        parts.append(f"typical error {error}")
    if measurement.estimate:
        parts.append("estimate")
    if hand_moved:
        parts.append(MOVED_BY_HAND)
    return " · ".join(parts)


def _side_words(measurement: Measurement, error: float | None) -> list[str]:
    """The side a measure's sign names, as printed ("left shoulder higher"), "no clear side" within ``error``
    (the typical error shown beside it) of zero, or nothing."""
    spec = SPECS.get(measurement.key)
    if spec is None:
        return []
    side = spec.side_text(measurement.value, measure_decimals(measurement.key, measurement.value), error)
    return [side] if side else []


# Why a front + back value can lie outside both photos' values (posture.assessment.joint_views).
JOINT_CAPTION = "read from both photos and the body's outline, not their average"


def combined_caption(person: CombinedMeasurement) -> str:
    """The line under a person-level value: normal range, the views it combines, confidence and typical error."""
    measurement = person.measurement
    parts = [
        *_side_words(measurement, person.typical_error),
        f"normal {range_text(measurement.normal_range, measurement.unit)}",
        f"from {views_text([str(view) for view in person.views])}",
        *([JOINT_CAPTION] if person.joint else []),
        f"confidence {percent(measurement.confidence)}",
    ]
    if person.typical_error is not None:
        together = " together" if len(person.views) > 1 else ""
        parts.append(f"typical error{together} {plus_minus(person.typical_error, measurement.unit)}")
    if measurement.estimate:
        parts.append("estimate")
    return " · ".join(parts)


def measure_help(key: str, measurement: Measurement | None = None, error: float | None = None) -> str:
    """The tooltip: definition, normal range with its source, what 'estimate' means here, and the typical
    error: ``error`` (the one the card shows) when given, else the largest over the views."""
    spec = SPECS.get(key)
    lines = [spec.definition if spec else measure_name(key)]
    if spec:
        lines.append(
            f"Normal: {range_text(spec.normal, spec.unit)}; borderline up to "
            f"{range_text(spec.borderline, spec.unit)}. Source: {spec.source}."
        )
    if measurement is not None and measurement.estimate:
        if key == "pelvic_tilt_deg":
            lines.append("Estimate: inferred from the body outline, not from a landmark.")
        else:
            lines.append("Estimate: centimetres rest on an assumed stature; enter your height for exact values.")
    error_text = None
    if spec:
        error_text = typical_error_text(key, spec.unit) if error is None else plus_minus(error, spec.unit)
    if error_text:
        lines.append(TYPICAL_ERROR_MEANING.format(error=error_text))
    lines.append(CONFIDENCE_MEANING)
    return "\n\n".join(lines)


# A refusal whose cause needs other words than its code's (posture.errors: PostureError.cause).
CAUSE_TITLES: dict[str, str] = {
    TOO_FEW_PIXELS: "This photo has too few pixels",
    CRASHED: "The analysis stopped on this clip",
}
CAUSE_NEXT_STEPS: dict[str, str] = {
    TOO_FEW_PIXELS: "Upload the photo as your phone or camera saved it, not a thumbnail, a screenshot or a copy "
    "a messaging app made smaller. If it is the original, take it again at the camera's full size.",
    CRASHED: "Export the clip again as an H.264 MP4 at 1080p or lower, or trim it to the part you need, and "
    "upload the new file. Everything else in the app is as you left it.",
}


def error_heading(code: str, cause: str | None = None) -> str:
    return CAUSE_TITLES.get(cause or "") or ERROR_TITLES.get(code, "This photo could not be measured")


def error_next_step(code: str, cause: str | None = None) -> str:
    return CAUSE_NEXT_STEPS.get(cause or "") or ERROR_NEXT_STEPS.get(code, "")


def view_text(view: str | None, confidence: float | None = None) -> str:
    """A shown view by its name ("left profile"), with how sure the detection was when given."""
    return view_name(view) if confidence is None else f"{view_name(view)}, {percent(confidence)} sure"


def direction_text(direction: str) -> str:
    return DIRECTION_ARROWS.get(direction, direction)


def hand_moved_text(sides: Sequence[str]) -> str:
    """Which side of a comparison rests on a hand-moved landmark: "moved by hand (after)"; empty for none."""
    return f"{MOVED_BY_HAND} ({' and '.join(sides)})" if sides else ""


def evidence_line(item: SignEvidence) -> str:
    """One fired sign of a finding, e.g. 'forward head: Craniovertebral angle 44.1° (below 50°; left profile
    photo, confidence 81 %)': the report's words, in a sentence."""
    past = past_threshold(item.direction, bound(item.threshold, item.unit))
    value = evidence_value_text(item.value, item.unit, item.threshold, item.direction)
    source = evidence_source(item.measure, item.views)
    return (
        f"{item.label}: {measure_name(item.measure)} {value} ({past}; {source}, confidence {percent(item.confidence)})"
    )


# --- jump rope -------------------------------------------------------------------------------------------

# A heading and what to film differently, for every code a jump-rope clip can be refused with.
JUMP_ERROR_TITLES: dict[str, str] = {
    **VIDEO_FILE_TITLES,
    "no_person": "No person found in this clip",
    "multiple_people": "More than one person in this clip",
    "body_cut_off": "Part of the body leaves the picture",
    "person_too_small": "The person is too small in this clip",
    "no_jumping_found": "No rope jumps found in this clip",
    "frame_rate_too_low": "Too few frames per second to see the jumps",
    "unsupported_view": "This view cannot be measured",
}
JUMP_ERROR_NEXT_STEPS: dict[str, str] = {
    "not_a_video": "Choose the clip itself (MP4, MOV, WebM, AVI or M4V) as your phone saved it.",
    "corrupt_video": "Copy or share the clip again from your phone (the whole file), then upload the new copy.",
    "unsupported_codec": "Export or share the clip as H.264 MP4 (phones call it 'most compatible') and upload that.",
    "video_too_short": "Film 20-60 seconds of steady skipping; the first and last jumps are not counted.",
    "video_too_long": "Trim the clip to the best 20-60 seconds of skipping (any phone's editor can) and upload that.",
    "video_too_large": "Film or export at 1080p; 4K adds nothing to the measures.",
    "no_person": "See 'How to film' above: whole body in frame, good light, the phone facing you.",
    "multiple_people": "Film with only the skipper in the picture; ask others to stand behind the phone.",
    "body_cut_off": "Move the phone back or lower it to hip height so head, hands and feet stay in frame "
    "even at the top of each jump.",
    "person_too_small": "Move the phone closer (about 3 m) so the body fills most of the picture's height.",
    "camera_moving": "Stand the phone on a shelf, chair or tripod and start recording before you pick up the rope.",
    "no_jumping_found": "Skip with both feet together (a basic bounce) for at least 20 seconds, whole body in view.",
    "frame_rate_too_low": "Film in your phone's normal video mode at 30 or 60 fps (not time-lapse); "
    "each jump is over in a fifth of a second.",
    "unsupported_view": "Film from straight in front (best), from behind, or from the side.",
}


def save_failure_advice(error: Exception) -> str:
    """What to do after a failed save to the history. A busy file (another program or save holds it) is fine:
    moving it away would hide everything saved in it from the History page."""
    if isinstance(error, HistoryBusyError):
        return "press Save again in a moment"
    return "move that file away or set POSTURE_DATA_DIR to another folder, then press Save again"


def jump_error_heading(code: str, cause: str | None = None) -> str:
    return CAUSE_TITLES.get(cause or "") or JUMP_ERROR_TITLES.get(code, "This clip could not be measured")


def jump_error_next_step(code: str, cause: str | None = None) -> str:
    return CAUSE_NEXT_STEPS.get(cause or "") or JUMP_ERROR_NEXT_STEPS.get(code, "")


LIST_PICTURE_HEIGHT_PX = 64
"""Height of the small picture beside each line of the history list (its table rows are about this tall)."""
NO_LIST_PICTURE = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
)
"""A transparent pixel for a line without a picture (the table would print "None" in its place)."""


@lru_cache(maxsize=512)
def list_picture(jpeg: bytes | None) -> str | None:
    """A saved thumbnail shrunk for the history list, as a ``data:`` URL a table's image column shows;
    None without one (or if the stored bytes no longer read as a picture: the line stays, without it).

    Cached by the bytes: Streamlit reruns the History page on every click, and the saved pictures
    do not change."""
    if not jpeg:
        return None
    try:
        with Image.open(io.BytesIO(jpeg)) as picture:
            small = picture.convert("RGB")
            small.thumbnail((4 * LIST_PICTURE_HEIGHT_PX, LIST_PICTURE_HEIGHT_PX))
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=80)
    except (OSError, UnidentifiedImageError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
