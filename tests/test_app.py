"""The Streamlit app driven headless with ``streamlit.testing.v1.AppTest``.

Real engine, real sample photos, real SQLite history in ``tmp_path`` (POSTURE_DATA_DIR). Every test
asserts that no exception reached the page. Uploads go through AppTest's file_uploader support.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import tomllib
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from posture import report
from posture.assessment import SignEvidence, assess
from posture.catalog import load_catalog
from posture.errors import ERROR_CODES, TOO_FEW_PIXELS, VIDEO_ERROR_CODES
from posture.history import DB_FILENAME, HistoryStore
from posture.measures import NO_CLEAR_SIDE, SPECS
from posture.report import typical_error_text
from posture.wording import measure_name
from posture_app import present, session
from posture_app.session import PhotoInput
from tests.app_harness import (
    ABOUT_PAGE,
    APP,
    HISTORY_PAGE,
    JUMP_PAGE,
    PHOTO_PAGE,
    TIMEOUT_S,
    assert_clean,
    open_app,
    texts,
)
from tests.conftest import ROOT, SAMPLES, apple_maker_note, png_with_header_size, rolled_gravity, with_maker_note

# --- helpers ---------------------------------------------------------------------------------------


def sample(view: str) -> bytes:
    return next(SAMPLES.glob(f"{view}_*.jpg")).read_bytes()


def sid(data: bytes) -> str:
    return PhotoInput.of("x", data).short_id


def encode(image: Image.Image | np.ndarray, fmt: str = "JPEG", **options) -> bytes:
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


@pytest.fixture
def app(data_dir) -> AppTest:
    return open_app()


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="uploads").set_value([(name, data, "application/octet-stream") for name, data in files])
    at.run()
    assert_clean(at)
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert_clean(at)
    return at


def metric(at: AppTest, title: str) -> str:
    values = [m.value for m in at.metric if m.label == title]
    assert values, f"no measure card {title!r}; cards: {[m.label for m in at.metric]}"
    return values[0]


def finding_order(at: AppTest) -> list[str]:
    names = [imbalance.name for imbalance in load_catalog().imbalances]
    order = []
    for element in at.markdown:
        value = str(element.value)
        for name in names:
            if value == f"**{name}**" and name not in order:
                order.append(name)
    return order


def answer(at: AppTest, **answers) -> AppTest:
    for question_id, value in answers.items():
        widget = (
            at.selectbox(key=f"q_{question_id}")
            if not isinstance(value, float)
            else at.number_input(key=f"q_{question_id}")
        )
        widget.set_value(value)
    at.button(key="answers_submit").click()
    at.run()
    assert_clean(at)
    return at


# --- start page, configuration -------------------------------------------------------------------


def test_start_page_shows_the_photo_guide_and_writes_nothing(app, data_dir):
    page = texts(app)
    assert "How to take a usable photo" in page
    assert "2.5-4 m" in page
    assert app.get("image"), "the guide diagram is drawn"
    assert app.file_uploader(key="uploads").accept_multiple_files
    assert {"jpg", "png", "webp", "bmp", "tiff", "heic", "heif"} <= {
        t.lstrip(".") for t in app.file_uploader(key="uploads").allowed_type
    }
    assert not data_dir.exists()


def test_streamlit_config_keeps_the_app_private():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"
    assert config["server"]["maxUploadSize"] == 50
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"


# --- results ---------------------------------------------------------------------------------------


def test_upload_shows_measures_findings_plan_and_downloads(app, data_dir):
    upload(app, ("side.jpg", sample("left")), ("front.jpg", sample("front")))
    page = texts(app)
    assert metric(app, "Craniovertebral angle").endswith("°")
    assert metric(app, "Shoulder tilt").endswith("°")
    assert metric(app, "Ear ahead of shoulder").endswith("cm")
    # every card carries its normal range and confidence; the definition is in the tooltip
    assert "normal ≥ 50°" in page
    assert "confidence" in page
    cva = next(m for m in app.metric if m.label == "Craniovertebral angle")
    assert "C7" in cva.help
    assert "Lau 2009" in cva.help
    assert {"What the photos point to", "A few questions", "Your corrective plan", "Report"} <= {
        h.value for h in app.header
    }
    assert "commonly associated with" in page
    assert "you have " not in texts(app, widgets=False).lower()  # results never say "you have"
    assert "detected left profile" in page
    assert "detected front" in page
    # The two sample photos show two different people: the findings say so, and so do the combined values.
    different = [str(warning.value) for warning in app.warning if "do not look like one person" in str(warning.value)]
    assert len(different) == 2
    assert any("The values below still combine all the photos" in warning for warning in different)
    labels = {button.label for button in app.get("download_button")}
    assert {"Download PDF", "Download Markdown", "Download JSON"} <= labels
    assert not data_dir.exists(), "nothing is written before Save"


def test_file_names_are_shown_as_text_not_markup(app):
    upload(app, ("<img src=x onerror=alert(1)> *side*.jpg", sample("left")))
    names = [h.value for h in app.subheader if "img" in h.value]
    assert names == ["\\<img src=x onerror=alert\\(1\\)\\> \\*side\\*\\.jpg"]


def test_every_upload_format_is_accepted(app):
    front = Image.open(io.BytesIO(sample("front")))
    pillow_heif.register_heif_opener()
    files = [
        ("front.png", encode(front, "PNG")),
        ("front.webp", encode(front, "WEBP", quality=90)),
        ("front.bmp", encode(front, "BMP")),
        ("front.tiff", encode(front, "TIFF")),
        ("front.heic", encode(front, "HEIF", quality=80)),
    ]
    upload(app, *files)
    assert not app.error
    # each photo's card, and first the card of all photos together
    assert sum(1 for m in app.metric if m.label == "Shoulder tilt") == len(files) + 1


def test_webcam_snapshot_is_analysed(app):
    app.toggle(key="use_webcam").set_value(True).run()
    app.camera_input(key="webcam").upload("image.jpg", sample("left")).run()
    assert_clean(app)
    assert "webcam snapshot.jpg" in texts(app).replace("\\", "")
    assert metric(app, "Craniovertebral angle")


def test_the_webcam_snapshot_survives_another_page_until_cleared_or_removed(app):
    upload(app, ("front.jpg", sample("front")))
    app.toggle(key="use_webcam").set_value(True).run()
    app.camera_input(key="webcam").upload("image.jpg", sample("left")).run()
    assert_clean(app)
    photos = [s.value for s in app.subheader]
    assert "webcam snapshot\\.jpg" in photos
    profile = metric(app, "Craniovertebral angle")
    open_page(app, ABOUT_PAGE)
    open_page(app, PHOTO_PAGE)
    assert app.toggle(key="use_webcam").value
    assert [s.value for s in app.subheader] == photos, "the same photos, so the same assessment"
    assert metric(app, "Craniovertebral angle") == profile
    note = "Still here from earlier in this session: front\\.jpg and webcam snapshot\\.jpg."
    assert any(c.value.startswith(note) for c in app.caption)
    # Cleared in the camera, the snapshot is gone for good; the upload stays.
    app.camera_input(key="webcam").upload("image.jpg", sample("left")).run()
    app.camera_input(key="webcam").clear().run()
    assert_clean(app)
    open_page(app, ABOUT_PAGE)
    open_page(app, PHOTO_PAGE)
    assert "webcam snapshot\\.jpg" not in [s.value for s in app.subheader]
    assert "front\\.jpg" in [s.value for s in app.subheader]
    app.button(key="forget_uploads").click().run()
    assert not app.metric
    # A snapshot alone, kept from earlier, is removed with the button beside its note.
    app.camera_input(key="webcam").upload("image.jpg", sample("left")).run()
    open_page(app, ABOUT_PAGE)
    open_page(app, PHOTO_PAGE)
    assert app.subheader[0].value == "webcam snapshot\\.jpg"
    assert any(c.value.startswith("Still here from earlier in this session: webcam snapshot") for c in app.caption)
    app.button(key="forget_uploads").click().run()
    assert_clean(app)
    assert not app.metric


def test_a_rerun_that_changes_nothing_does_not_analyse_again(app, monkeypatch):
    import posture.analysis

    calls = []
    real = posture.analysis.analyze_photo

    def counting(*args, **kwargs):
        calls.append(kwargs.get("view"))
        return real(*args, **kwargs)

    monkeypatch.setattr(posture.analysis, "analyze_photo", counting)
    upload(app, ("side.jpg", sample("left")))
    assert calls == ["auto"]
    app.run()
    app.checkbox(key="layer_labels").uncheck().run()  # overlay changes redraw, they do not re-analyse
    assert calls == ["auto"]
    app.selectbox(key=f"view_{sid(sample('left'))}").set_value("left").run()
    assert calls == ["auto", "left"]
    app.selectbox(key=f"view_{sid(sample('left'))}").set_value("auto").run()
    assert calls == ["auto", "left"], "going back to a view already analysed is served from the cache"
    assert_clean(app)


def test_changing_the_view_reanalyses_and_a_wrong_view_is_explained(app):
    upload(app, ("front.jpg", sample("front")))
    app.selectbox(key=f"view_{sid(sample('front'))}").set_value("left").run()
    assert_clean(app)
    assert any(present.ERROR_TITLES["unsupported_view"] in e.value for e in app.error)
    assert not app.metric
    app.selectbox(key=f"view_{sid(sample('front'))}").set_value("auto").run()
    assert not app.error
    assert metric(app, "Shoulder tilt")


def test_measure_cards_give_the_typical_error(app):
    upload(app, ("front.jpg", sample("front")))
    captions = [str(c.value) for c in app.caption]
    expected = f"typical error {typical_error_text('shoulder_tilt_deg', 'deg', 'front')}"
    assert expected.startswith("typical error ±")
    assert any(expected in c for c in captions), captions


def test_height_makes_distances_exact(app):
    upload(app, ("side.jpg", sample("left")))
    assert "estimate" in texts(app)
    before = metric(app, "Ear ahead of shoulder")
    app.number_input(key="height_cm").set_value(190.0).run()
    assert_clean(app)
    assert metric(app, "Ear ahead of shoulder") != before
    assert not any("No height was given" in w.value for w in app.warning)


def test_the_phone_sensors_level_reading_is_shown(app):
    level = with_maker_note(sample("front"), apple_maker_note(rolled_gravity(0.6)))
    crooked = with_maker_note(sample("back"), apple_maker_note(rolled_gravity(2.8)))
    upload(app, ("level.jpg", level), ("crooked.jpg", crooked), ("plain.jpg", sample("left")))
    captions = [str(c.value) for c in app.caption if "Camera level checked" in str(c.value)]
    assert captions == [present.level_text(0.6)]
    assert "0.6° off level" in captions[0]
    assert [w.value for w in app.warning if "held 2.8° off level" in w.value]


# --- errors ----------------------------------------------------------------------------------------


def _error_cases() -> dict[str, bytes]:
    front, left = sample("front"), sample("left")
    person = rgb(front)
    tiny = Image.fromarray(person).resize((person.shape[1] // 5, person.shape[0] // 5), Image.Resampling.LANCZOS)
    return {
        "not_an_image": b"name,height\nAda,170\n",
        "corrupt_image": front[: len(front) // 2],
        "image_too_large": png_with_header_size(20_000, 20_000),
        "no_person": encode(np.random.default_rng(1).integers(0, 255, (1280, 720, 3), dtype=np.uint8)),
        "multiple_people": encode(np.ascontiguousarray(np.hstack([person, person]))),
        "body_cut_off": encode(np.ascontiguousarray(person[: person.shape[0] // 2])),
        "person_too_small": encode(tiny),
        "not_standing": encode(np.ascontiguousarray(np.rot90(rgb(left)))),
    }


CASES = _error_cases()


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_error_code_shows_a_friendly_message(app, code):
    upload(app, (f"{code}.jpg", CASES[code]))
    errors = [e.value for e in app.error]
    assert len(errors) == 1, errors
    # The person_too_small case is a shrunk copy: its cause has words of its own (tests/test_too_small_next_step.py).
    cause = TOO_FEW_PIXELS if code == "person_too_small" else None
    assert present.error_heading(code, cause) in errors[0]
    assert "What to do next" in errors[0]
    assert present.error_next_step(code, cause) in errors[0]
    assert not app.metric
    assert "None of the photos could be measured yet" in texts(app)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [("photo.mp4", encode(np.full((64, 48, 3), 128, np.uint8)), "not_a_video"), ("empty.mov", b"", "not_a_video")],
)
def test_a_bad_clip_given_as_a_photo_is_named_a_clip_with_a_next_step(app, name, data, code):
    upload(app, (name, data))
    errors = [e.value for e in app.error]
    assert len(errors) == 1, errors
    assert present.ERROR_TITLES[code] in errors[0]
    assert f"What to do next:* {present.ERROR_NEXT_STEPS[code]}" in errors[0]
    assert "_pipe" not in errors[0]


@pytest.mark.parametrize("code", ["body_cut_off", "multiple_people"])
def test_a_refused_photo_shows_who_was_found_and_offers_no_false_rescue(app, code):
    upload(app, (f"{code}.jpg", CASES[code]))
    captions = [caption for image in app.image for caption in image.captions]
    assert any("not measured; the skeleton shows who was found" in caption for caption in captions), captions
    assert not [toggle for toggle in app.toggle if toggle.label == "Correct a landmark"], (
        "moving a point cannot fix the framing: only a new photo can"
    )
    assert "Correct a landmark" not in app.error[0].value


def test_a_refusal_caused_by_a_misplaced_knee_is_rescued_by_moving_it_back(app):
    data = sample("front")
    photo = sid(data)
    upload(app, ("front.jpg", data))
    before = metric(app, "Shoulder tilt")
    app.toggle(key=f"correct_{photo}").set_value(True).run()
    app.selectbox(key=f"landmark_{photo}").set_value("left_knee").run()
    x = app.number_input(key=f"move_x_{photo}_left_knee")
    knee_x = x.value
    x.set_value(knee_x + 200)
    app.button(key=f"move_{photo}").click().run()
    assert_clean(app)
    assert present.ERROR_TITLES["not_standing"] in app.error[0].value
    assert "Correct a landmark" in app.error[0].value, "moving the point back is offered"
    assert not app.metric
    app.number_input(key=f"move_x_{photo}_left_knee").set_value(knee_x)
    app.button(key=f"move_{photo}").click().run()
    assert_clean(app)
    assert not app.error
    assert metric(app, "Shoulder tilt") == before


def test_evidence_keeps_a_value_apart_from_its_threshold():
    item = SignEvidence(
        measure="ear_ahead_of_shoulder_cm",
        label="forward head",
        value=5.04,
        unit="cm",
        confidence=0.8,
        direction="above",
        threshold=5.0,
        strong_threshold=7.0,
        strength=0.5,
        contribution=0.2,
        views=("left",),
    )
    assert "Ear ahead of shoulder 5.04 cm (above 5 cm; left profile photo" in present.evidence_line(item)
    assert "5.3 cm (above 5 cm;" in present.evidence_line(dataclasses.replace(item, value=5.3))


def test_counts_read_as_words():
    assert present.count_text(1, "photo") == "1 photo"
    assert present.count_text(2, "saved assessment") == "2 saved assessments"
    assert present.count_text(0, "landmark") == "0 landmarks"


def test_a_value_by_a_range_limit_shows_the_decimal_that_sets_it_apart():
    # +2.04 deg is borderline (normal -2 to 2 deg): "+2.0°" beside "borderline" read as a contradiction.
    assert present.measure_value_text("shoulder_tilt_deg", 2.04, "deg") == "+2.04°"
    assert present.measure_value_text("shoulder_tilt_deg", 2.4, "deg") == "+2.4°"
    assert present.measure_value_text("craniovertebral_angle_deg", 45.46, "deg") == "45.46°"
    assert present.measure_value_text("shoulder_tilt_deg", 2.0, "deg") == "+2.0°"  # on the limit: one decimal
    assert present.value_text(2.04, "deg", True) == "+2.0°"


def test_every_error_code_has_a_title_and_a_test():
    # The photo page also takes a stand-still clip: the video codes it can meet have a heading of their own.
    assert set(ERROR_CODES) <= set(present.ERROR_TITLES) <= set(ERROR_CODES) | set(VIDEO_ERROR_CODES)
    assert set(present.ERROR_TITLES) == set(present.ERROR_NEXT_STEPS)
    # unsupported_view comes from forcing a view: test_changing_the_view_reanalyses_...
    assert set(CASES) | {"unsupported_view"} == set(ERROR_CODES)


def test_a_signed_card_says_which_side_its_sign_names(app):
    # "Shoulder tilt +5.6°" said which side only in its definition ("+ when the left is higher").
    upload(app, ("front.jpg", sample("front")))
    captions = [str(c.value) for c in app.caption]
    for key in ("shoulder_tilt_deg", "head_tilt_deg", "trunk_lateral_shift_cm"):
        shown = metric(app, measure_name(key))
        assert shown[0] in "+-", shown
        side = SPECS[key].sides[0 if shown[0] == "+" else 1]
        assert any(caption.startswith(f"{side} · ") for caption in captions), (key, shown)
    # -0.7° of pelvic obliquity is within its typical error (±1.4°) of level: no side is named for it.
    assert metric(app, measure_name("pelvic_obliquity_deg")).startswith("-0.7")
    assert not any(caption.startswith("right hip higher") for caption in captions)
    assert any(caption.startswith(f"{NO_CLEAR_SIDE} · ") for caption in captions)
    assert SPECS["shoulder_tilt_deg"].side_text(0.04) is None, "a value printed as 0.0 names no side"
    assert SPECS["craniovertebral_angle_deg"].side_text(48.0) is None


def test_one_bad_photo_does_not_hide_the_good_ones(app):
    upload(app, ("side.jpg", sample("left")), ("noise.jpg", CASES["no_person"]))
    assert len(app.error) == 1
    assert metric(app, "Craniovertebral angle")
    assert "Your corrective plan" in {h.value for h in app.header}
    # The status names the file it could not measure (it said "Analysed 2 photos", as if all were fine).
    (status,) = app.get("status")
    assert status.label == "Analysed 2 files, 1 not measured"


def test_an_unexpected_engine_failure_shows_an_apology_not_a_traceback(app, monkeypatch, caplog):
    import posture.analysis

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(posture.analysis, "analyze_photo", broken)
    upload(app, ("side.jpg", sample("left")))
    page = texts(app)
    assert present.UNEXPECTED_TITLE in page
    assert "secret internal detail" not in page
    assert "secret internal detail" in caplog.text, "the traceback goes to the server log"


def test_an_unexpected_failure_later_on_the_page_is_contained(app, monkeypatch):
    import posture.assessment
    import posture.history

    def broken(*args, **kwargs):
        raise ValueError("assessment exploded")

    monkeypatch.setattr(posture.assessment, "assess", broken)
    monkeypatch.setattr(posture.history.HistoryStore, "list", broken)
    upload(app, ("side.jpg", sample("left")))
    page = texts(app)
    assert page.count(present.UNEXPECTED_TITLE) == 1  # the check (the history is on its own page, below)
    assert "exploded" not in page
    assert metric(app, "Craniovertebral angle"), "what worked before the failure is still shown"
    history = texts(open_page(app, HISTORY_PAGE))
    assert history.count(present.UNEXPECTED_TITLE) == 1
    assert "exploded" not in history


def test_the_top_level_guard_catches_what_the_sections_do_not(data_dir, monkeypatch, caplog):
    import streamlit

    def broken(*args, **kwargs):
        raise KeyError("layout exploded")

    monkeypatch.setattr(streamlit, "navigation", broken)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert_clean(at)
    assert any(present.UNEXPECTED_TITLE in e.value and "the page" in e.value for e in at.error)
    assert "layout exploded" not in texts(at)
    assert "layout exploded" in caplog.text


def test_safe_download_turns_a_failure_into_an_apology(caplog):
    from posture_app import guards  # the pages' guards; importing draws nothing

    def broken():
        raise OSError("disk on fire")

    produced = guards.safe_download(broken, "PDF report")()
    assert "could not be produced" in produced
    assert "disk on fire" not in produced
    assert "disk on fire" in caplog.text


# --- questionnaire -----------------------------------------------------------------------------------


def test_answers_change_the_ranking(app):
    upload(app, ("side.jpg", sample("left")), ("front.jpg", sample("front")))
    lookalikes = [
        "Strong quadriceps, weak hamstrings",
        "Tight hip flexors, weak glutes",
        "Dominant lower-back muscles, weak deep core",
    ]
    before = [name for name in finding_order(app) if name in lookalikes]
    assert before == lookalikes, "without answers the three look-alikes keep catalog order"
    answer(app, back_without_core=True)
    after = [name for name in finding_order(app) if name in lookalikes]
    assert after[0] == "Dominant lower-back muscles, weak deep core"
    assert after != before


def test_symptoms_give_the_stage(app):
    upload(app, ("side.jpg", sample("left")))
    assert "Answer the symptom questions" in texts(app)
    answer(app, back_pain=True)
    assert "Stage 4 of 4: Pain" in texts(app)


def test_a_red_flag_replaces_the_plan_with_advice(app):
    upload(app, ("side.jpg", sample("left")))
    answer(app, leg_symptoms=True)
    headers = {h.value for h in app.header}
    assert "See a clinician first" in headers
    assert "Your corrective plan" not in headers
    flag = load_catalog().question("leg_symptoms").flag
    assert any(flag in e.value for e in app.error)
    app.button(key="answers_clear").click().run()
    assert_clean(app)
    assert "Your corrective plan" in {h.value for h in app.header}


# --- landmark correction -------------------------------------------------------------------------------


def move_left_ear(app, photo: str) -> None:
    """Move the left ear 40 px to the left with the typed-in coordinates, as a person would."""
    app.toggle(key=f"correct_{photo}").set_value(True).run()
    assert_clean(app)
    app.selectbox(key=f"landmark_{photo}").set_value("left_ear").run()
    x = app.number_input(key=f"move_x_{photo}_left_ear")
    x.set_value(x.value - 40)
    app.button(key=f"move_{photo}").click().run()
    assert_clean(app)


def test_moving_a_landmark_changes_the_measures_and_reset_restores_them(app):
    data = sample("left")
    photo = sid(data)
    upload(app, ("side.jpg", data))
    before = metric(app, "Craniovertebral angle")
    move_left_ear(app, photo)
    moved = metric(app, "Craniovertebral angle")
    assert moved != before
    assert "You moved 1 landmark: left ear" in texts(app)
    app.button(key=f"reset_{photo}").click().run()
    assert_clean(app)
    assert metric(app, "Craniovertebral angle") == before


def test_a_photo_uploaded_again_under_another_name_is_reported_under_the_new_name(app):
    data = sample("left")
    photo = sid(data)
    upload(app, ("monday.jpg", data))
    move_left_ear(app, photo)
    moved = metric(app, "Craniovertebral angle")

    upload(app, ("anna_side.jpg", data))
    assert metric(app, "Craniovertebral angle") == moved, "the same photo, its moved landmark kept"
    [measured] = session.measured_photos(app.session_state)
    assert measured.image == "anna_side.jpg"
    assert measured.hand_moves is not None
    # What the downloads and a save are made from names the photo as it is uploaded now.
    assessment = assess([measured])
    assert [photo["image"] for photo in report.contract_json(assessment)] == ["anna_side.jpg"]
    assert "monday" not in report.render_markdown(assessment)
    assert "monday" not in texts(app)
    # Put back without the landmark, the untouched analysis carries the new name too.
    app.button(key=f"reset_{photo}").click().run()
    assert_clean(app)
    assert [p.image for p in session.measured_photos(app.session_state)] == ["anna_side.jpg"]


# --- history -------------------------------------------------------------------------------------------


def save(at: AppTest, note: str = "") -> None:
    if note:  # the note is in before Save is pressed, as a browser sends it when the text area loses focus
        at.text_area(key="save_note").set_value(note).run()
    at.button(key="save").click().run()
    assert_clean(at)
    assert any("Saved as assessment #" in s.value for s in at.success)


def test_history_save_list_compare_trend_export_delete(app, data_dir):
    label = "Client <b>A</b> *bold* [x](javascript:alert(1))"
    app.text_input(key="person_label").set_value(label).run()
    upload(app, ("side.jpg", sample("left")), ("front.jpg", sample("front")))
    assert not data_dir.exists()
    save(app, note="first visit <script>")
    assert (data_dir / DB_FILENAME).exists()
    app.number_input(key="height_cm").set_value(185.0).run()  # a second, different assessment
    save(app)
    open_page(app, HISTORY_PAGE)

    tables = [t.value for t in app.dataframe]
    listing = next(t for t in tables if "Top patterns" in t.columns)
    assert len(listing) == 2
    assert set(listing["Label"]) == {label}  # dataframes show text as text
    # the label shown as Markdown is escaped: no live HTML, link or emphasis
    shown = [m.value for m in app.markdown if "Client" in m.value]
    assert shown
    assert all("\\<b\\>" in value and "\\*bold\\*" in value and "\\[x\\]" in value for value in shown)
    assert any(t.value == "Notes: first visit <script>" for t in app.text)

    compare = next(t for t in tables if "Direction" in t.columns)
    assert set(compare["Direction"]) <= set(present.DIRECTION_ARROWS.values())
    assert "Craniovertebral angle" in set(compare["Measure"])
    assert app.get("vega_lite_chart"), "the trend chart is drawn"
    assert "Export everything (zip)" in {b.label for b in app.get("download_button")}

    newest = max(int(i) for i in listing["#"])
    app.selectbox(key="history_open").set_value(newest).run()
    app.button(key="delete_ask").click().run()
    assert any(f"Delete assessment #{newest}" in w.value for w in app.warning)
    app.button(key="delete_cancel").click().run()
    assert len(next(t.value for t in app.dataframe if "Top patterns" in t.value.columns)) == 2
    app.button(key="delete_ask").click().run()
    app.button(key="delete_confirm").click().run()
    assert_clean(app)
    assert any(f"Deleted assessment #{newest}" in s.value for s in app.success)
    assert len(next(t.value for t in app.dataframe if "Top patterns" in t.value.columns)) == 1
    assert "Save at least two assessments to compare them." in texts(app)

    app.button(key="delete_all_ask").click().run()
    app.button(key="delete_all_confirm").click().run()
    assert_clean(app)
    assert "Nothing saved yet" in texts(app)


def saved_notice(at: AppTest) -> list[str]:
    return [s.value for s in at.success if "Saved as assessment #" in s.value]


def test_compared_values_are_printed_as_on_the_cards(app, data_dir):
    # +2.04 deg is borderline (normal -2 to 2 deg): the card prints "+2.04°", the comparison printed "+2.0°".
    def record(tilt: float) -> dict:
        item = {"value": tilt, "unit": "deg", "normal_range": [-2.0, 2.0], "status": "borderline", "confidence": 0.9}
        return {"photos": [{"image": "front.jpg", "view": "front", "measurements": {"shoulder_tilt_deg": item}}]}

    HistoryStore().save(record(2.04))
    HistoryStore().save(record(2.6))
    open_page(app, HISTORY_PAGE)
    assert_clean(app)
    compare = next(t.value for t in app.dataframe if "Direction" in t.value.columns).set_index("Measure")
    assert {compare.loc["Shoulder tilt", "Before"], compare.loc["Shoulder tilt", "After"]} == {"+2.04°", "+2.6°"}


def test_saved_as_is_shown_only_while_a_save_would_store_the_same(app, data_dir):
    upload(app, ("side.jpg", sample("left")))
    save(app, note="first visit")
    assert saved_notice(app) == ["Saved as assessment #1. Open the History page to compare it with earlier ones."]
    assert app.button(key="save").disabled, "the same assessment again would be a second, identical row"
    app.text_area(key="save_note").set_value("first visit, left knee sore").run()
    assert not saved_notice(app), "the edited note is not in the saved copy"
    assert not app.button(key="save").disabled
    app.text_area(key="save_note").set_value("first visit").run()
    assert saved_notice(app), "the same note, photos and details again: the saved copy matches"
    app.number_input(key="height_cm").set_value(182.0).run()
    assert not saved_notice(app), "another height measures differently"
    app.number_input(key="height_cm").set_value(None).run()
    assert saved_notice(app)
    app.text_input(key="person_label").set_value("Visit 1").run()
    assert not saved_notice(app), "the history lists it under another label"
    assert_clean(app)


def test_a_failing_button_callback_is_contained(app, monkeypatch, caplog):
    import posture.history

    upload(app, ("side.jpg", sample("left")))
    save(app)
    open_page(app, HISTORY_PAGE)

    def broken(*args, **kwargs):
        raise OSError("disk unplugged")

    monkeypatch.setattr(posture.history.HistoryStore, "delete", broken)
    app.button(key="delete_ask").click().run()
    app.button(key="delete_confirm").click().run()
    assert_clean(app)
    assert any(present.UNEXPECTED_TITLE in e.value and "deleting an assessment" in e.value for e in app.error)
    assert "disk unplugged" not in texts(app)
    assert "disk unplugged" in caplog.text


# --- pages -------------------------------------------------------------------------------------------------


def test_the_router_lists_the_pages(app):
    # What st.navigation registered for the browser: AppTest keeps it (there is no public accessor).
    registered = list(app._registered_pages.values())
    assert [page["page_name"] for page in registered] == ["Photo check", "Jump-rope check", "History", "About / guide"]
    assert [Path(page["script_path"]).relative_to(ROOT).as_posix() for page in registered] == [
        PHOTO_PAGE,
        JUMP_PAGE,
        HISTORY_PAGE,
        ABOUT_PAGE,
    ]
    assert registered[0]["url_pathname"] == "", "Photo check opens at the app's address"


@pytest.mark.parametrize(
    ("page", "heading", "text"),
    [
        (PHOTO_PAGE, "About you (optional)", "How to take a usable photo"),
        (HISTORY_PAGE, "History", "Nothing saved yet"),
        (ABOUT_PAGE, "About this app", "How to take a usable photo"),
    ],
)
def test_each_page_opens_alone(data_dir, page, heading, text):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    if page != PHOTO_PAGE:
        at.switch_page(page)  # the first run opens this page directly, as its address in the browser would
    at.run()
    assert_clean(at)
    assert not at.error
    assert heading in {h.value for h in at.header}
    assert text in texts(at)
    others = {PHOTO_PAGE: "History", HISTORY_PAGE: "About you (optional)", ABOUT_PAGE: "About you (optional)"}
    assert others[page] not in {h.value for h in at.header}, "no other page was drawn"
    assert not data_dir.exists()


def test_the_measure_table_wraps_its_text_and_names_each_borderline_zone(data_dir):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.switch_page(ABOUT_PAGE).run()
    assert_clean(at)
    table = at.table[0].value
    assert len(table) == len(SPECS)
    cva = table.loc[measure_name("craniovertebral_angle_deg")]
    assert (cva["Normal"], cva["Borderline"]) == ("≥ 50°", "45.5 to 50°")  # not "≥ 45.5°" beside "≥ 50°"
    assert table.loc[measure_name("shoulder_tilt_deg")]["Borderline"] == "-3.5 to -2° or 2 to 3.5°"
    assert all(table["Definition"].str.len() > 20)


def test_the_guide_covers_the_jump_rope_check_and_its_filming(data_dir):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.switch_page(ABOUT_PAGE).run()
    assert_clean(at)
    assert "Filming a jump-rope clip" in {h.value for h in at.subheader}
    assert "How to film a usable jump-rope clip" in [e.label for e in at.expander]
    assert "**Jump-rope check**" in texts(at)


def test_only_the_open_page_reads_the_history(app, data_dir, monkeypatch):
    import sqlite3

    upload(app, ("side.jpg", sample("left")))
    save(app)
    database = data_dir / DB_FILENAME
    assert database.exists()
    opened = []
    real_connect = sqlite3.connect

    def counting_connect(target, *args, **kwargs):
        opened.append(str(target))
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    app.checkbox(key="layer_labels").uncheck().run()  # reruns of the photo page
    app.run()
    assert_clean(app)
    assert metric(app, "Craniovertebral angle")
    assert opened == [], "the photo page does not open the history file"
    open_page(app, HISTORY_PAGE)
    assert any(DB_FILENAME in target for target in opened)
    listing = next(t.value for t in app.dataframe if "Top patterns" in t.value.columns)
    assert len(listing) == 1, "the saved assessment is listed"
    assert not app.metric, "the photo page is not drawn on the history page"


def test_details_photos_answers_and_the_save_survive_another_page(app):
    app.text_input(key="person_label").set_value("Visit 1").run()
    app.number_input(key="height_cm").set_value(182.0).run()
    upload(app, ("side.jpg", sample("left")))
    answer(app, back_pain=True)
    save(app)
    before = metric(app, "Ear ahead of shoulder")
    open_page(app, ABOUT_PAGE)
    assert not app.metric
    open_page(app, PHOTO_PAGE)
    assert app.number_input(key="height_cm").value == 182.0
    assert app.text_input(key="person_label").value == "Visit 1"
    assert app.selectbox(key="q_back_pain").value is True
    assert metric(app, "Ear ahead of shoulder") == before, "the same photo, height and answers"
    assert "Stage 4 of 4: Pain" in texts(app)
    assert "side.jpg" in texts(app).replace("\\", "")
    assert "Still here from earlier" in texts(app)
    assert any("Saved as assessment #1" in s.value for s in app.success)
    app.button(key="forget_uploads").click().run()
    assert_clean(app)
    assert not app.metric
    assert "How to take a usable photo" in texts(app)


def test_emptying_the_uploader_removes_the_photos(app):
    upload(app, ("side.jpg", sample("left")))
    assert metric(app, "Craniovertebral angle")
    app.file_uploader(key="uploads").set_value([]).run()
    assert_clean(app)
    assert not app.metric
    assert "Still here from earlier" not in texts(app)


def test_the_history_list_picture_is_a_small_jpeg_data_url_or_none():
    jpeg = next(SAMPLES.glob("*.jpg")).read_bytes()
    url = present.list_picture(jpeg)
    assert url is not None
    assert url.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as small:
        assert small.format == "JPEG"
        assert small.height == present.LIST_PICTURE_HEIGHT_PX or small.width == 4 * present.LIST_PICTURE_HEIGHT_PX
    assert present.list_picture(None) is None
    assert present.list_picture(b"") is None
    assert present.list_picture(b"not a picture at all") is None, "damaged bytes drop the picture, not the line"
    with Image.open(io.BytesIO(base64.b64decode(present.NO_LIST_PICTURE.split(",", 1)[1]))) as blank:
        assert blank.size == (1, 1)
        assert blank.getpixel((0, 0))[3] == 0, "transparent: a line without a picture shows nothing"
