"""The person-level values through the real model: ``posture analyze --one-person --json`` and the app.

The front and back renders of one person (s002); the expected values come from their stored
landmarks (tests/pose_fixtures.py), which tests/test_pose_fixtures.py ties to today's model.
"""

from __future__ import annotations

import json

import pytest

from posture.assessment import assess
from posture.assessment.view_weights import shipped_view_errors
from posture.cli import main
from posture.wording import percent
from posture_app import present, results
from tests.app_harness import open_app
from tests.pose_fixtures import FIXTURE_IMAGES
from tests.test_view_weights import HEIGHT_CM, measured


def test_cli_one_person_json_prints_one_object_with_the_combined_values(capsys):
    photos = [str(FIXTURE_IMAGES["s002_front"]), str(FIXTURE_IMAGES["s002_back"])]
    code = main(["analyze", *photos, "--one-person", "--json", "--height-cm", str(HEIGHT_CM)])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert [photo["view"] for photo in data["photos"]] == ["front", "back"]
    sigmas = shipped_view_errors().per_view["pelvic_obliquity_deg"]
    values = [photo["measurements"]["pelvic_obliquity_deg"]["value"] for photo in data["photos"]]
    weights = [sigmas["front"] ** -2, sigmas["back"] ** -2]
    item = data["combined"]["measurements"]["pelvic_obliquity_deg"]
    assert item["value"] == pytest.approx(
        sum(w * v for w, v in zip(weights, values, strict=True)) / sum(weights), abs=0.01
    )
    assert item["typical_error"] == shipped_view_errors().combined["pelvic_obliquity_deg"]["back+front"]


def test_the_app_shows_the_combined_value_first_and_each_photos_under_it(data_dir):
    at = open_app()
    files = [(f"{name}.jpg", FIXTURE_IMAGES[name].read_bytes(), "image/jpeg") for name in ("s002_front", "s002_back")]
    at.file_uploader(key="uploads").set_value(files)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    headers = [h.value for h in at.header]
    assert headers.index("Your measures, all photos together") < headers.index("Your photos")
    front, back = measured("s002_front", None), measured("s002_back", None)
    person = assess([front, back]).measurements["shoulder_tilt_deg"]

    def shown(value: float) -> str:
        return present.measure_value_text("shoulder_tilt_deg", value, "deg")

    tilts = [m.value for m in at.metric if m.label == "Shoulder tilt"]
    assert tilts[0] == shown(person.measurement.value)  # the combined value comes first
    assert len(tilts) == 3  # then each photo's own card
    per_photo = (
        f"Per photo: {present.plain('s002_front.jpg')} (front): "
        f"{shown(front.measurements['shoulder_tilt_deg'].value)} · "
        f"{present.plain('s002_back.jpg')} (back): {shown(back.measurements['shoulder_tilt_deg'].value)}"
    )
    assert per_photo in [str(c.value) for c in at.caption]
    captions = "\n".join(str(c.value) for c in at.caption)
    assert f"typical error together ±{person.typical_error:.1f}°" in captions
    assert f"confidence {percent(person.measurement.confidence)}" in captions


def test_the_json_download_of_several_photos_holds_their_combined_values():
    # The findings rest on the combined values; the download held only each photo's own.
    front, back = measured("s002_front", None), measured("s002_back", None)
    assessment = assess([front, back])
    data = json.loads(results.report_json(assessment))
    assert [photo["image"] for photo in data["photos"]] == [front.image, back.image]
    combined = data["combined"]["measurements"]
    assert set(combined) == set(assessment.measurements)
    for key, person in assessment.measurements.items():
        assert combined[key]["value"] == pytest.approx(person.measurement.value, abs=0.01)  # JSON keeps 2 decimals
    (single,) = json.loads(results.report_json(assess([front])))
    assert single["ok"], "one photo keeps the photo contract: a list of photo objects"
