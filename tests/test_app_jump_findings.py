"""The jump page's findings, plan and report downloads, driven headless with ``streamlit.testing.v1.AppTest``:
a real photo measured on the photo page, the public rendered clip on the jump page, the real engine and
landmarker; what the page shows is compared with the library's own assessment of the same inputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posture.assessment import Assessment
from posture.jump.engine import JumpAnalysis
from posture.jump.findings import assess_with_jump
from posture.photo_result import MeasuredPhoto
from posture.wording import likelihood_label

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # app.py and posture_app/ live at the top of the repository
    sys.path.insert(0, str(ROOT))

from posture_app import jump_assessment, jump_session, present, results, session  # noqa: E402
from tests.test_app import JUMP_PAGE, PHOTO_PAGE, TIMEOUT_S, answer, assert_clean, open_page, texts  # noqa: E402
from tests.test_app_jump import ANALYSIS_TIMEOUT_S, JUMP_CLIP  # noqa: E402
from tests.test_report_jump import exact_clip  # noqa: E402

SAMPLE = ROOT / "sample_images" / "front_s000.jpg"
RED_FLAGS = {"night_pain": True}


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "history"
    monkeypatch.setenv("POSTURE_DATA_DIR", str(folder))
    return folder


def assert_shows(at: AppTest, assessment: Assessment) -> None:
    """The page shows every finding with its likelihood and evidence, the plan item by item, and the downloads."""
    values = [str(element.value) for element in at.markdown]
    for finding in assessment.findings:
        at_name = values.index(f"**{finding.name}**")
        assert values[at_name + 1].endswith(f"-badge[{likelihood_label(finding.likelihood)}]"), finding.name
    page = texts(at)
    for item in (item for finding in assessment.findings for item in finding.evidence):
        assert present.evidence_line(item) in page
    assert assessment.plan is not None
    assert "Your corrective plan" in {h.value for h in at.header}
    for plan_item in assessment.plan.items:
        assert f"**{plan_item.name}**" in page
    labels = {button.label for button in at.get("download_button")}
    assert {"Download PDF", "Download Markdown", "Download JSON"} <= labels


def evidence_lines(assessment: Assessment) -> list[str]:
    return [present.evidence_line(item) for finding in assessment.findings for item in finding.evidence]


def test_the_clip_gives_findings_and_a_plan_and_joins_the_photos_when_told(data_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    open_page(at, PHOTO_PAGE)
    at.file_uploader(key="uploads").set_value([(SAMPLE.name, SAMPLE.read_bytes(), "image/jpeg")])
    at.run()
    assert_clean(at)
    [photo] = session.measured_photos(at.session_state)
    assert isinstance(photo, MeasuredPhoto)

    open_page(at, JUMP_PAGE)
    at.file_uploader(key="jump_upload").set_value((JUMP_CLIP.name, JUMP_CLIP.read_bytes(), "video/mp4"))
    at.run(timeout=ANALYSIS_TIMEOUT_S)
    assert_clean(at)
    analysis = next(iter(at.session_state[jump_session.ANALYSES_KEY].values()))
    assert isinstance(analysis, JumpAnalysis)

    # The clip alone, until the person says the photo shows them too.
    headers = [h.value for h in at.header]
    assert headers.index("Each measure") < headers.index(jump_assessment.CLIP_WORDS.title)
    assert jump_assessment.included_line([], {}) in [i.value for i in at.info]
    assert not at.toggle(key=jump_assessment.INCLUDE_PHOTOS_KEY).value
    assert_shows(at, assess_with_jump([], analysis))
    together = assess_with_jump([photo], analysis)
    photo_signs = [line for line in evidence_lines(together) if "photo," in line]
    assert photo_signs, "the photo adds signs a front clip cannot show"
    assert not any(line in texts(at) for line in photo_signs)

    # Together: one assessment of the photo and the clip, the photo named.
    at.toggle(key=jump_assessment.INCLUDE_PHOTOS_KEY).set_value(True).run()
    assert_clean(at)
    assert jump_assessment.CLIP_AND_PHOTO_WORDS.title in [h.value for h in at.header]
    line = "This assessment combines the jump-rope clip with 1 photo from the photo check: front\\_s000\\.jpg (front)."
    assert line in [i.value for i in at.info]
    assert_shows(at, together)
    data = json.loads(results.report_json(together, analysis))
    assert set(data) == {"photos", "combined", "jump"}
    assert data["jump"]["findings"] == data["combined"]["findings"] == data["photos"][0]["findings"]
    assert jump_session.ANALYSES_KEY in at.session_state, "the clip was not analysed again"
    assert len(at.session_state[jump_session.ANALYSES_KEY]) == 1

    # A warning sign answered on the photo page replaces the plan on the jump page too.
    open_page(at, PHOTO_PAGE)
    answer(at, **RED_FLAGS)
    open_page(at, JUMP_PAGE)
    assert "See a clinician first" in [h.value for h in at.header]
    assert "Your corrective plan" not in [h.value for h in at.header]
    assert any("Your answers to the questions below count too." in i.value for i in at.info)
    # The jump page asks the same questions, with the answers given on the photo page: cleared here, the
    # plan comes back on both pages.
    assert "A few questions" in [h.value for h in at.header]
    assert all(at.selectbox(key=f"q_{question}").value == value for question, value in RED_FLAGS.items())
    at.button(key="answers_clear").click().run()
    assert_clean(at)
    assert "Your corrective plan" in [h.value for h in at.header]
    assert "See a clinician first" not in [h.value for h in at.header]
    assert "Your corrective plan" in [h.value for h in open_page(at, PHOTO_PAGE).header]
    assert not data_dir.exists(), "nothing is written to disk"


def test_photos_measured_for_another_height_are_left_out_until_measured_again(data_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    open_page(at, PHOTO_PAGE)
    at.number_input(key="height_cm").set_value(160.0)
    at.file_uploader(key="uploads").set_value([(SAMPLE.name, SAMPLE.read_bytes(), "image/jpeg")])
    at.run()
    assert_clean(at)
    assert [photo.height_cm for photo in session.measured_photos(at.session_state)] == [160.0]

    # The height corrected in the sidebar (shared by both pages) on the jump page.
    open_page(at, JUMP_PAGE)
    at.number_input(key="height_cm").set_value(190.0)
    at.file_uploader(key="jump_upload").set_value((JUMP_CLIP.name, JUMP_CLIP.read_bytes(), "video/mp4"))
    at.run(timeout=ANALYSIS_TIMEOUT_S)
    assert_clean(at)
    analysis = next(iter(at.session_state[jump_session.ANALYSES_KEY].values()))
    assert isinstance(analysis, JumpAnalysis)
    assert analysis.height_cm == 190.0
    assert not [t for t in at.toggle if t.key == jump_assessment.INCLUDE_PHOTOS_KEY], "nothing stale is offered"
    assert jump_assessment.included_line([], {}) in [i.value for i in at.info]
    said = [c.value for c in at.caption if c.value.startswith("The measured photo from the photo check is left out")]
    assert said == [
        "The measured photo from the photo check is left out: it was measured for a height of 160 cm and the "
        "height is now 190 cm, so its sizes in cm would not match. Open the Photo check page once: it measures "
        "it again with this height, and it can then join this assessment."
    ]
    assert_shows(at, assess_with_jump([], analysis))

    # Measured again on the photo page, the photo joins with the new height.
    open_page(at, PHOTO_PAGE)
    [photo] = session.measured_photos(at.session_state)
    assert photo.height_cm == 190.0
    open_page(at, JUMP_PAGE)
    at.toggle(key=jump_assessment.INCLUDE_PHOTOS_KEY).set_value(True).run()
    assert_clean(at)
    assert not [c for c in at.caption if "left out" in c.value]
    assert_shows(at, assess_with_jump([photo], analysis))
    assert len(at.session_state[jump_session.ANALYSES_KEY]) == 1, "the clip was not analysed again"


def weaker_side_plan() -> None:
    """The plan of the public clip's exact-keypoint session, whose skipper lands heavier on the right
    (AppTest runs this function's source alone: it imports what it uses)."""
    from posture.jump.findings import assess_with_jump
    from posture_app import results
    from tests.test_report_jump import exact_clip

    analysis = exact_clip()
    plan = assess_with_jump([], analysis).plan
    assert plan is not None
    results.plan_section(plan)


def test_the_plan_on_the_page_says_which_side_to_start_with():
    at = AppTest.from_function(weaker_side_plan, default_timeout=TIMEOUT_S)
    at.run()
    assert_clean(at)
    notes = [info.value for info in at.info if "Start each set with your right side" in info.value]
    one_sided = [item for item in assess_with_jump([], exact_clip()).plan.items if item.first_side == "right"]
    assert one_sided
    assert len(notes) == len(one_sided), "one note per one-sided exercise"
