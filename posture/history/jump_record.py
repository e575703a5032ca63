"""What a save stores for one jump-rope session, built in one place for the app and ``posture jump --save``.

The record is the clip's JSON contract (``JumpAnalysis.to_dict()``: view, video, every measurement with
value, unit, 95 % band and status, the per-jump series, findings and warnings) plus the ``person`` details,
so a saved session reads like the JSON download. Of the video only one still is kept, as the thumbnail the
History shows to recognise the session by: the clip's typical frame, plain and with the skeleton drawn,
at the size of a photo's thumbnail. Sessions saved before stills were kept have none.

Kept out of ``posture.history``'s package exports: it reads the jump engine's types.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from posture.annotate import encode_jpeg
from posture.history.record import THUMBNAIL_JPEG_QUALITY, THUMBNAIL_MAX_PX, Person
from posture.history.schema import KIND_JUMP
from posture.history.store import HistoryStore
from posture.jump.annotate_video import draw_frame
from posture.jump.engine import JumpAnalysis, middle_seen_frame
from posture.report.contract import finite_json
from posture.video.decode import VideoSource, still_frame


def jump_record_of(analysis: JumpAnalysis, *, person: Person | None = None, note: str = "") -> dict[str, Any]:
    """The JSON record a save stores for ``analysis`` (cheap: a dict, no drawing)."""
    person = person or Person(height_cm=analysis.height_cm)
    record: dict[str, Any] = finite_json(analysis.to_dict())
    record["person"] = {"height_cm": person.height_cm, "sex": person.sex, "age": person.age, "note": note}
    return record


def jump_thumbnails(source: VideoSource, analysis: JumpAnalysis) -> tuple[bytes, bytes]:
    """JPEG thumbnails of the clip's still: the middle frame that shows the person, long side
    ``THUMBNAIL_MAX_PX`` as a photo's, plainly and with the drawn clip's skeleton and latest jump on it.

    ``source`` must be the clip ``analysis`` was measured from (PostureError if it is not a video)."""
    track = analysis.track
    index = middle_seen_frame(track)
    time_s = float(track.times_s[index])
    rgb = still_frame(source, time_s, max_side_px=THUMBNAIL_MAX_PX)
    # The track's landmarks are in the displayed frame's full-size pixels (x, y).
    scale_xy = np.array([rgb.shape[1] / track.image_size[0], rgb.shape[0] / track.image_size[1]])
    drawn = draw_frame(rgb, track.xy_px[index] * scale_xy, time_s, analysis.session.jumps)
    return encode_jpeg(rgb, THUMBNAIL_JPEG_QUALITY), encode_jpeg(drawn, THUMBNAIL_JPEG_QUALITY)


def save_jump_session(
    store: HistoryStore,
    analysis: JumpAnalysis,
    *,
    source: VideoSource | None = None,
    label: str = "",
    person: Person | None = None,
    note: str = "",
    taken_at: datetime | None = None,
) -> int:
    """Save ``analysis`` as a jump-rope session in ``store`` and return its id (HistoryError if the file fails).

    ``source``: the clip it was measured from, for the still the history shows (:func:`jump_thumbnails`);
    without it the session is saved without one. ``taken_at`` defaults to now (a clip filmed earlier can be
    given its own date).
    """
    record = jump_record_of(analysis, person=person, note=note)
    stills = [] if source is None else [jump_thumbnails(source, analysis)]
    return store.save(
        record,
        [plain for plain, _ in stills],
        label=label,
        taken_at=taken_at,
        annotated_thumbnails=[drawn for _, drawn in stills],
        kind=KIND_JUMP,
    )
