"""Someone reporting back pain gets no plan until every warning-sign question is answered: the app, the
report and the JSON say so and keep the findings (the project's sample photo, the real model)."""

from __future__ import annotations

import json

import pytest

from posture.analysis import analyze_photo
from posture.assessment import assess
from posture.catalog import load_catalog
from posture.questionnaire import PLAN_WAITS_ADVICE
from posture.report import render_markdown, render_pdf
from posture.wording import SESSION_LEAD
from posture_app import results
from tests.app_harness import open_app, texts
from tests.conftest import SAMPLES
from tests.test_app import answer, sample, upload
from tests.test_report import md_plain, pdf_plain

WARNING_SIGNS = tuple(question.id for question in load_catalog().questions_in("red_flag"))
ALL_NO = dict.fromkeys(WARNING_SIGNS, False)
WAITS_HEADING = "Corrective plan: answer the warning-sign questions first"


@pytest.fixture(scope="module")
def side_photo():
    return analyze_photo(next(SAMPLES.glob("left_*.jpg")))


def test_pain_without_the_warning_signs_holds_the_plan_back(side_photo):
    held = assess([side_photo], {"back_pain": True})
    assert held.plan is None
    assert held.plan_waits_for == WARNING_SIGNS
    assert held.stage is not None
    assert held.stage.id == "pain"
    assert held.findings, "the findings stay"
    assert not any("assumes none of them applies" in note for note in held.notes)
    data = json.loads(results.report_json(held))
    (photo,) = data
    assert photo["plan"] is None
    # Some answered "no", one left open: still held, for that one.
    open_one = {**ALL_NO, WARNING_SIGNS[-1]: None, "back_pain": True}
    assert assess([side_photo], open_one).plan_waits_for == WARNING_SIGNS[-1:]
    answered = assess([side_photo], {**ALL_NO, "back_pain": True})
    assert answered.plan is not None
    assert answered.plan_waits_for == ()
    # Without pain the plan stays, as before, with its note that the warning signs were not asked.
    no_pain = assess([side_photo], {"back_pain": False})
    assert no_pain.plan is not None
    assert any("assumes none of them applies" in note for note in no_pain.notes)


def test_the_report_asks_for_the_warning_signs_instead_of_a_plan(side_photo):
    held = assess([side_photo], {"back_pain": True})
    catalog = load_catalog()
    for plain in (md_plain(render_markdown(held)), pdf_plain(render_pdf(held))):
        assert WAITS_HEADING in plain
        assert " ".join(PLAN_WAITS_ADVICE.split()) in plain
        assert " ".join(catalog.question("night_pain").text.split()) in plain
        assert SESSION_LEAD not in plain
        assert "Findings" in plain


def test_the_app_holds_the_plan_until_the_warning_signs_are_answered(data_dir):
    at = upload(open_app(), ("side.jpg", sample("left")))
    assert "Your corrective plan" in {h.value for h in at.header}
    answer(at, back_pain=True)
    headers = {h.value for h in at.header}
    assert "Your corrective plan: answer the warning-sign questions first" in headers
    assert "Your corrective plan" not in headers
    page = texts(at)
    assert "Stage 4 of 4: Pain" in page
    assert PLAN_WAITS_ADVICE in page
    assert "What the photos point to" in headers, "the findings stay"
    answer(at, **ALL_NO)
    headers = {h.value for h in at.header}
    assert "Your corrective plan" in headers
    assert PLAN_WAITS_ADVICE not in texts(at)
