"""What a save stores (posture_app.saving), built from real analyses of the sample photos."""

from __future__ import annotations

import io

from PIL import Image

from posture.analysis import analyze_photo
from posture.assessment import assess
from posture_app.saving import THUMBNAIL_MAX_PX, Profile, fingerprint, history_record


def test_record_keeps_measured_photos_with_thumbnails_and_the_person(analysed):
    assessment = assess([analysed["left"], analyze_photo(b"not a photo", name="bad.jpg"), analysed["front"]])
    profile = Profile(label="A", height_cm=176.0, sex="female", age=41)
    record, thumbnails, annotated = history_record(assessment, profile, "first visit", {"back_pain": True})
    assert [photo["view"] for photo in record["photos"]] == ["left", "front"], "the unmeasured photo is left out"
    assert len(thumbnails) == len(annotated) == 2
    for plain, drawn in zip(thumbnails, annotated, strict=True):
        assert plain != drawn
        assert max(Image.open(io.BytesIO(plain)).size) == THUMBNAIL_MAX_PX
    assert record["answers"] == {"back_pain": True}
    assert record["person"] == {"height_cm": 176.0, "sex": "female", "age": 41, "note": "first visit"}


def test_fingerprint_follows_what_a_save_would_store(analysed):
    assessment = assess([analysed["left"]])
    profile = Profile(height_cm=176.0)
    same = fingerprint(assessment, profile, None)
    assert same == fingerprint(assess([analysed["left"]]), Profile(height_cm=176.0), None)
    assert same != fingerprint(assessment, Profile(height_cm=180.0), None)
    assert same != fingerprint(assessment, profile, {"back_pain": True})
