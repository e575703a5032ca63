"""What a save stores for one assessment: the record, the photo thumbnails and the annotated thumbnails.

The app and the CLI (``posture analyze --save``) both build it here, so a saved assessment looks the
same whichever saved it. The record is ``Assessment.to_dict()`` with the measured photos' contract
objects (docs/design.md) under ``photos``, the questionnaire ``answers`` and the ``person`` details;
failed photos are left out (nothing of them can be compared later).

Kept out of ``posture.history``'s package exports: it draws the overlays, so it needs the imaging
stack that the store itself does not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from posture.annotate import LAYERS, downscaled, draw, encode_jpeg
from posture.assessment import Assessment
from posture.photo_result import MeasuredPhoto, PhotoResult
from posture.report.contract import contract_json, finite_json

# Long side of a stored thumbnail: enough to recognise the photo and read the overlay in the history.
THUMBNAIL_MAX_PX = 480
THUMBNAIL_JPEG_QUALITY = 80


@dataclass(frozen=True)
class Person:
    """What a person told about themselves; None where they said nothing (height in cm, age in years)."""

    height_cm: float | None = None
    sex: str | None = None
    age: int | None = None


def record_of(
    assessment: Assessment, *, person: Person | None = None, note: str = "", answers: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON record a save stores (no images): cheap enough to build just to compare with a saved one."""
    person = person or Person()
    record = assessment.to_dict()
    record["photos"] = [
        entry for analysis, entry in zip(assessment.photos, contract_json(assessment), strict=True) if _stored(analysis)
    ]
    record["answers"] = dict(answers or {})
    record["person"] = {"height_cm": person.height_cm, "sex": person.sex, "age": person.age, "note": note}
    # The store takes strict JSON only: a value a photo could not give (NaN) is saved as null.
    return dict(finite_json(record))


def thumbnails_of(assessment: Assessment) -> tuple[list[bytes], list[bytes]]:
    """JPEG thumbnails of the stored photos and the same photos with the overlay drawn, in record order."""
    stored = [analysis for analysis in assessment.photos if _stored(analysis)]
    plain = [
        encode_jpeg(downscaled(analysis.photo.rgb, THUMBNAIL_MAX_PX), THUMBNAIL_JPEG_QUALITY)
        for analysis in stored
        if analysis.photo is not None
    ]
    annotated = [
        encode_jpeg(draw(analysis, layers=LAYERS, max_side_px=THUMBNAIL_MAX_PX), THUMBNAIL_JPEG_QUALITY)
        for analysis in stored
    ]
    return plain, annotated


def build_record(
    assessment: Assessment, *, person: Person | None = None, note: str = "", answers: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], list[bytes], list[bytes]]:
    """(record, thumbnails, annotated thumbnails): the arguments of :meth:`HistoryStore.save`."""
    return (record_of(assessment, person=person, note=note, answers=answers), *thumbnails_of(assessment))


def fingerprint(record: Mapping[str, Any], label: str = "") -> str:
    """A hash of what a save stores, so a page can tell whether a saved copy still matches what it shows."""
    content = json.dumps([record, label], sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def thumbnail_sized(analysis: PhotoResult) -> PhotoResult:
    """The analysis with its photo shrunk to thumbnail size (overlay scale kept), for batches that save later.

    Thumbnails drawn from it are the same as from the full photo: both shrink the image to
    :data:`THUMBNAIL_MAX_PX` once and draw on that.
    """
    if analysis.photo is None:
        return analysis
    rgb = analysis.photo.rgb
    small = downscaled(rgb, THUMBNAIL_MAX_PX)
    # The factor draw() itself applies when it shrinks a photo, so the overlay lands on the same pixels.
    factor = 1.0 if small is rgb else THUMBNAIL_MAX_PX / max(rgb.shape[:2])
    photo = dataclasses.replace(analysis.photo, rgb=small, scale=analysis.photo.scale * factor)
    return dataclasses.replace(analysis, photo=photo)


def _stored(analysis: PhotoResult) -> TypeGuard[MeasuredPhoto]:
    return isinstance(analysis, MeasuredPhoto) and analysis.photo is not None
