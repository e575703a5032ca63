"""What "Save to history" stores: the record built from an assessment, and a fingerprint of it.

No Streamlit here: these belong with the library's history and will move there; callers import
them from this one module so that the move changes one import line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from posture import report
from posture.annotate import LAYERS, downscaled, draw, encode_jpeg
from posture.assessment import Assessment
from posture.photo_result import MeasuredPhoto

THUMBNAIL_MAX_PX = 480
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class Profile:
    """The person as they described themselves (all optional): a label, height (cm), sex and age (years)."""

    label: str = ""
    height_cm: float | None = None
    sex: str | None = None
    age: int | None = None


def history_record(assessment: Assessment, profile: Profile, note: str,
                   answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[bytes], list[bytes]]:
    """What a save stores: the record (measured photos only), their thumbnails and annotated thumbnails
    (JPEG, long side :data:`THUMBNAIL_MAX_PX` px)."""
    entries = report.contract_json(assessment)
    record = assessment.to_dict()
    photos, thumbnails, annotated = [], [], []
    for analysis, entry in zip(assessment.photos, entries, strict=True):
        if not isinstance(analysis, MeasuredPhoto) or analysis.photo is None:
            continue
        photos.append(entry)
        thumbnails.append(encode_jpeg(downscaled(analysis.photo.rgb, THUMBNAIL_MAX_PX), THUMBNAIL_QUALITY))
        annotated.append(encode_jpeg(draw(analysis, layers=LAYERS, max_side_px=THUMBNAIL_MAX_PX), THUMBNAIL_QUALITY))
    record["photos"] = photos
    record["answers"] = dict(answers)
    record["person"] = {"height_cm": profile.height_cm, "sex": profile.sex, "age": profile.age, "note": note}
    return record, thumbnails, annotated


def fingerprint(assessment: Assessment, profile: Profile, answers: Mapping[str, Any] | None) -> str:
    """Identifies what a save would store (SHA-256 hex), so "Saved as #n" is only shown while it is still true."""
    content = json.dumps([assessment.to_dict(), dataclasses.asdict(profile), answers], sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()
