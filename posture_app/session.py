"""Per-browser-session state of the app: the photos given, their analyses, landmark corrections, the
answers and the last save, and the widget values that must outlive a visit to another page.

Everything lives in memory, in the mapping Streamlit gives each browser session
(``st.session_state``); nothing is written to disk. Functions take that mapping as an argument
so they can be tested with a plain dict.

Analyses are cached by ``(sha256 of the bytes, view, height, model)``: a rerun that does not change
these does not run the landmarker again, and going back to a previous view is instant. The name is not
in the key; a cache hit is handed out under the name the photo is uploaded with now.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posture import analysis as engine
from posture.errors import PostureError
from posture.measuring import hand_moves_between, with_moved_landmarks
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.video import isolated
from posture.video.decode import FILE_SUFFIXES as VIDEO_SUFFIXES
from posture.video.stand import analyze_stand_video

LOG = logging.getLogger("posture_app")

ANALYSES_KEY = "_posture_analyses"
CORRECTED_KEY = "_posture_corrected"
MOVES_KEY = "_posture_moves"
UPLOADS_KEPT_KEY = "_posture_uploads"
SNAPSHOT_KEPT_KEY = "_posture_snapshot"
ANSWERS_KEY = "answers"  # the questionnaire answers in effect: question id -> answer
SAVED_KEY = "_saved_id"  # (assessment id, fingerprint) of the last save, for "Saved as #n"
MEASURED_KEY = "_posture_measured"  # the photos the photo page measured last, landmark corrections applied
# Widgets whose values are kept while another page is open: the person's details and overlay choice
# (photo page sidebar), the questionnaire (its answers stay in effect under ANSWERS_KEY), the views
# chosen for the kept photos (UPLOADS_KEPT_KEY), whether the webcam is on (its snapshot: SNAPSHOT_KEPT_KEY)
# and the note for the next save.
KEPT_WIDGETS = ("person_label", "height_cm", "sex", "age", "use_webcam", "save_note")
KEPT_WIDGET_PREFIXES = ("layer_", "q_", "view_")
# Analyses kept beyond the ones on screen (earlier views or heights), newest first. Each holds the
# decoded photo (<= 1280 px long side, a few MB), so the cache stays small.
SPARE_ANALYSES = 8
# Re-measurements kept per analysis after landmarks were moved by hand: each click or typed position makes a
# new set of moves, and one going back to an earlier spot finds it again; the oldest go beyond this.
SPARE_CORRECTIONS = 8

AnalysisKey = tuple[str, str, float | None, str]


@dataclass(frozen=True)
class PhotoInput:
    """One photo as given: its bytes, a display name and a stable id (the bytes' SHA-256)."""

    id: str
    name: str
    data: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> PhotoInput:
        return cls(hashlib.sha256(data).hexdigest(), name, data)

    @property
    def short_id(self) -> str:
        return short_id(self.id)


def short_id(photo_id: str) -> str:
    """The part of a photo's id its widget keys use."""
    return photo_id[:16]


class Unexpected:
    """Stands for an analysis that failed with an unexpected exception (logged, never shown)."""

    ok = False
    error = None

    def __init__(self, name: str):
        self.image = name


def unique_photos(photos: Iterable[PhotoInput]) -> tuple[list[PhotoInput], list[str]]:
    """The photos without byte-identical repeats, and the names of the repeats dropped."""
    seen: set[str] = set()
    kept, dropped = [], []
    for photo in photos:
        if photo.id in seen:
            dropped.append(photo.name)
            continue
        seen.add(photo.id)
        kept.append(photo)
    return kept, dropped


def analysis_key(photo: PhotoInput, view: str, height_cm: float | None, model: str) -> AnalysisKey:
    return (photo.id, view, height_key(height_cm), model)


def _cache(state: MutableMapping, key: str) -> OrderedDict:
    if not isinstance(state.get(key), OrderedDict):
        state[key] = OrderedDict()
    return state[key]


def cached_analysis(
    state: MutableMapping, key: AnalysisKey, name: str | None = None
) -> PhotoResult | Unexpected | None:
    """The cached analysis for ``key``, under the file name ``name`` when given.

    The key holds the bytes' hash, not the name: the same photo uploaded again under another name is
    not analysed again, but its report, JSON and save must carry the name it has now.
    """
    cache = _cache(state, ANALYSES_KEY)
    if key not in cache:
        return None
    cache.move_to_end(key)
    found = cache[key]
    if name is not None and found.image != name:
        found = cache[key] = renamed(found, name)
    return found


def renamed(result: PhotoResult | Unexpected, name: str) -> PhotoResult | Unexpected:
    """``result`` under the file name ``name``; every measured value unchanged."""
    if isinstance(result, Unexpected):
        return Unexpected(name)
    return dataclasses.replace(result, image=name)


def analyse(
    state: MutableMapping, photo: PhotoInput, view: str, height_cm: float | None, model: str
) -> PhotoResult | Unexpected:
    """The analysis of ``photo`` (cached). An unexpected exception is logged and becomes :class:`Unexpected`."""
    key = analysis_key(photo, view, height_cm, model)
    found = cached_analysis(state, key, photo.name)
    if found is not None:
        return found
    result: PhotoResult | Unexpected
    try:
        if Path(photo.name).suffix.lower().lstrip(".") in VIDEO_SUFFIXES:  # a stand-still clip, read as one photo
            result = _stand_clip(photo, view, key[2])
        else:
            result = engine.analyze_photo(photo.data, name=photo.name, view=view, height_cm=key[2], model=model)
    except Exception:
        LOG.exception("unexpected error analysing %r", photo.name)
        result = Unexpected(photo.name)
    _cache(state, ANALYSES_KEY)[key] = result
    return result


def _stand_clip(photo: PhotoInput, view: str, height_cm: float | None) -> PhotoResult:
    """A stand-still clip measured in a child process (posture.video.isolated), so a native crash on it
    refuses this file instead of stopping the server."""
    try:
        return isolated.run_in_child(analyze_stand_video, photo.data, name=photo.name, view=view, height_cm=height_cm)
    except PostureError as crash:
        return RefusedPhoto(image=photo.name, error=crash)


def prune(state: MutableMapping, keep: Iterable[AnalysisKey], spare: int = SPARE_ANALYSES) -> None:
    """Drop cached analyses no longer on screen, keeping the ``spare`` most recently used others."""
    keep = set(keep)
    cache = _cache(state, ANALYSES_KEY)
    others = [key for key in cache if key not in keep]
    for key in others[: max(0, len(others) - spare)]:
        del cache[key]
    corrected = _cache(state, CORRECTED_KEY)
    for key in [key for key in corrected if key[0] not in cache]:
        del corrected[key]


def keep_widget_values(
    state: MutableMapping[Any, Any],
    names: Iterable[str] = KEPT_WIDGETS,
    prefixes: tuple[str, ...] = KEPT_WIDGET_PREFIXES,
) -> None:
    """Write each named widget's value back under its key, before any page draws.

    Streamlit forgets a widget's value after a run that does not draw it (another page was open);
    a value written through the session state is kept, and the widget takes it up again when its
    page is opened.
    """
    names = set(names)
    for key in list(state.keys()):
        if isinstance(key, str) and (key in names or key.startswith(prefixes)):
            state[key] = state[key]


def keep_uploads(state: MutableMapping[Any, Any], photos: list[PhotoInput]) -> None:
    """Remember the photos the uploader holds now: a file uploader cannot be refilled through the session
    state, so these stand in for it when the person comes back from another page."""
    state[UPLOADS_KEPT_KEY] = list(photos)


def kept_uploads(state: MutableMapping[Any, Any]) -> list[PhotoInput]:
    return list(state.get(UPLOADS_KEPT_KEY, []))


def keep_snapshot(state: MutableMapping[Any, Any], photo: PhotoInput | None) -> None:
    """Remember the webcam snapshot taken (None: cleared): like the uploader, the camera cannot be refilled
    through the session state."""
    state[SNAPSHOT_KEPT_KEY] = photo


def kept_snapshot(state: MutableMapping[Any, Any]) -> PhotoInput | None:
    found = state.get(SNAPSHOT_KEPT_KEY)
    return found if isinstance(found, PhotoInput) else None


@dataclass(frozen=True)
class Measured:
    """The photos the photo page showed as measured, and the height (cm, None: not given) they were measured for."""

    height_cm: float | None
    photos: tuple[MeasuredPhoto, ...]


def height_key(height_cm: float | None) -> float | None:
    """The height as analyses are keyed by it: to a tenth of a centimetre."""
    return None if height_cm is None else round(float(height_cm), 1)


def keep_measured(state: MutableMapping[Any, Any], analyses: Iterable[PhotoResult], height_cm: float | None) -> None:
    """Remember the photos the photo page shows as measured now, and the height they were measured for, for
    the jump page to offer."""
    photos = tuple(analysis for analysis in analyses if isinstance(analysis, MeasuredPhoto))
    state[MEASURED_KEY] = Measured(height_key(height_cm), photos)


def measured(state: MutableMapping[Any, Any]) -> Measured | None:
    """What the photo page last showed as measured in this browser session (None before it ran)."""
    found = state.get(MEASURED_KEY)
    return found if isinstance(found, Measured) else None


def measured_photos(state: MutableMapping[Any, Any]) -> list[MeasuredPhoto]:
    """The photos the photo page last showed as measured in this browser session (none before it ran)."""
    found = measured(state)
    return [] if found is None else list(found.photos)


# --- landmark corrections ----------------------------------------------------------------------


def moves_of(state: MutableMapping, photo_id: str) -> dict[str, tuple[float, float]]:
    """The landmarks the person moved on one photo: name -> (x px, y px) in the full-resolution image."""
    return dict(state.get(MOVES_KEY, {}).get(photo_id, {}))


def move_landmark(state: MutableMapping, photo_id: str, landmark: str, x: float, y: float) -> None:
    moves = dict(state.get(MOVES_KEY, {}))
    moves[photo_id] = {**moves.get(photo_id, {}), landmark: (float(x), float(y))}
    state[MOVES_KEY] = moves


def reset_moves(state: MutableMapping, photo_id: str) -> None:
    """Put every landmark of the photo back where the landmarker found it, typed positions included."""
    moves = dict(state.get(MOVES_KEY, {}))
    moves.pop(photo_id, None)
    state[MOVES_KEY] = moves
    prefixes = tuple(f"move_{axis}_{short_id(photo_id)}_" for axis in "xy")
    for key in [key for key in state if isinstance(key, str) and key.startswith(prefixes)]:
        del state[key]


def typed_position_keys(photo_id: str, landmark: str) -> tuple[str, str]:
    """The widget keys of the typed x and y (px) of one landmark in the landmark editor."""
    return f"move_x_{short_id(photo_id)}_{landmark}", f"move_y_{short_id(photo_id)}_{landmark}"


def move_by_click(
    state: MutableMapping, photo_id: str, landmark: str, click: Mapping[str, Any], size_px: tuple[int, int]
) -> None:
    """Move ``landmark`` to a click on the shown photo and show the new position in the typed x/y fields.

    ``click`` is the image component's value: x, y and the shown width and height (display px);
    ``size_px`` the full-resolution photo's (width, height), which positions are kept in. A click
    without a shown size is ignored.
    """
    if not click.get("width") or not click.get("height"):
        return
    width, height = size_px
    x = min(max(float(click["x"]) * width / float(click["width"]), 0.0), float(width))
    y = min(max(float(click["y"]) * height / float(click["height"]), 0.0), float(height))
    move_landmark(state, photo_id, landmark, x, y)
    x_key, y_key = typed_position_keys(photo_id, landmark)
    state[x_key], state[y_key] = float(round(x)), float(round(y))


def corrected(
    state: MutableMapping, key: AnalysisKey, base: PhotoResult, moves: dict[str, tuple[float, float]]
) -> PhotoResult | Unexpected:
    """``base`` re-measured with the moved landmarks (cached); ``base`` itself when nothing moved.

    A measured result carries what the moves were and which values they changed
    (:class:`posture.hand_moves.HandMoves`), so a save, report or download says so.
    """
    if not moves or base.pose is None or base.photo is None:  # a refusal that kept its pose can be corrected too
        return base
    memo_key = (key, tuple(sorted(moves.items())))
    cache = _cache(state, CORRECTED_KEY)
    if memo_key in cache:
        cache.move_to_end(memo_key)
        if cache[memo_key].image != base.image:  # the photo was uploaded again under another name
            cache[memo_key] = renamed(cache[memo_key], base.image)
        return cache[memo_key]
    result: PhotoResult | Unexpected
    try:
        result = with_moved_landmarks(base, moves, view=key[1], height_cm=key[2])
        if isinstance(result, MeasuredPhoto):
            result = dataclasses.replace(result, hand_moves=hand_moves_between(base, result, moves))
    except Exception:
        LOG.exception("unexpected error re-measuring %r after moving %s", base.image, ", ".join(moves))
        result = Unexpected(base.image)
    cache[memo_key] = result
    for older in [memo for memo in cache if memo[0] == key][:-SPARE_CORRECTIONS]:
        del cache[older]
    return result
