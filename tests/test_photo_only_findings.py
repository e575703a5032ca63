"""A photo-only check does not list every jump-rope sign as not assessed under each pattern: one note says
what a clip would add (the project's sample photos, the real model)."""

from __future__ import annotations

import pytest

from posture.analysis import analyze_photo
from posture.assessment import JumpSession, assess
from posture.assessment.result import NO_CLIP_NOTE
from posture.catalog import JUMP_PREFIX
from posture.report import render_markdown
from posture.vocabulary import View
from posture.wording import measure_name
from tests.app_harness import open_app, texts
from tests.conftest import SAMPLES
from tests.test_app import sample, upload
from tests.test_report import md_plain

JUMP_NAME = measure_name(f"{JUMP_PREFIX}hand_circle_si_pct")


@pytest.fixture(scope="module")
def photos():
    return [analyze_photo(next(SAMPLES.glob(f"{view}_*.jpg"))) for view in ("front", "left")]


def test_photo_only_findings_name_no_jump_rope_sign(photos):
    assert "(jump rope)" in JUMP_NAME, "the name the walkthrough saw listed"
    assessment = assess(photos)
    for finding in assessment.findings:
        assert not [key for key in finding.not_assessed if key.startswith(JUMP_PREFIX)], finding.imbalance
    assert assessment.notes.count(NO_CLIP_NOTE) == 1
    markdown = md_plain(render_markdown(assessment))
    assert "(jump rope)" not in markdown
    assert markdown.count(NO_CLIP_NOTE) == 1


def test_a_clip_filmed_from_the_side_still_says_which_front_signs_it_could_not_read(photos):
    side_clip = JumpSession(view=View.LEFT, values={})
    assessment = assess(photos, jump=side_clip)
    assert NO_CLIP_NOTE not in assessment.notes
    reasons = {key: reason for f in assessment.findings for key, reason in f.not_assessed.items()}
    assert reasons[f"{JUMP_PREFIX}hand_circle_si_pct"] == "no jump-rope video filmed from the front or back was given"


def test_the_photo_page_lists_no_jump_rope_sign(data_dir):
    at = upload(open_app(), ("front.jpg", sample("front")), ("side.jpg", sample("left")))
    page = texts(at)
    assert "What the photos point to" in page
    assert "(jump rope)" not in page
    assert page.count(NO_CLIP_NOTE) == 1
