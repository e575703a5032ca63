"""Catalog signs read from a jump-rope video ("jump.<key>"): they load, and without a video they are not read.

These tests add one more sign to a copy of the shipped catalog (whose own jump signs are checked in
tests/test_jump_findings.py). Its thresholds are made up for the test, not proposed values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from posture.assessment import JumpSession, assess
from posture.catalog import DEFAULT_CATALOG_PATH, CatalogError, SignInput, load_catalog, measure_input, measure_unit
from posture.vocabulary import Likelihood, View
from tests.test_assessment import front, neutral_photos, side

pytestmark = pytest.mark.model_free

JUMP_KEY = "jump.landing_depth_diff_cm"
JUMP_SIGN = f"""
  [[imbalances.signs]]
  measure = "{JUMP_KEY}"
  direction = "abs_above"
  threshold = 1.0
  strong_threshold = 2.0
  weight = 0.6
  views = ["front", "back"]
  label = "one leg landing deeper"
  source = "test only"
  why = "A made-up threshold for the tests."
"""
UNILATERAL_SIGNS = 'id = "unilateral"'


def catalog_text(replace_signs: bool = False, sign: str = JUMP_SIGN) -> str:
    """The shipped catalog with ``sign`` added first to the unilateral imbalance, or as its only sign."""
    text = DEFAULT_CATALOG_PATH.read_text(encoding="utf-8")
    start = text.index("  [[imbalances.signs]]", text.index(UNILATERAL_SIGNS))
    end = text.index("  [imbalances.muscles]", start) if replace_signs else start
    return text[:start] + sign.lstrip("\n") + "\n" + text[end:]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def with_jump_sign(tmp_path):
    return load_catalog(write(tmp_path, catalog_text()))


@pytest.fixture
def jump_sign_only(tmp_path):
    return load_catalog(write(tmp_path, catalog_text(replace_signs=True)))


def lopsided_photos():
    """Photos with a clearly lower right shoulder and hip: a likely left-right imbalance."""
    return [front(shoulder_tilt_deg=4.5, shoulder_height_diff_cm=3.0, pelvic_obliquity_deg=4.5), side("left")]


# --- loading -------------------------------------------------------------------------------------


def test_a_catalog_with_a_jump_sign_loads(with_jump_sign):
    sign = with_jump_sign.imbalance("unilateral").signs[0]
    assert sign.measure == JUMP_KEY
    assert sign.views == (View.FRONT, View.BACK)
    assert sign.group == JUMP_KEY  # its own group unless it says otherwise
    assert measure_input(sign.measure) == SignInput.JUMP
    assert measure_unit(sign.measure) == "cm"
    assert measure_input("pelvic_tilt_deg") == SignInput.PHOTO
    assert measure_unit("jump.foot_clearance_si_pct") == "%"
    assert measure_unit("jump.landing_lead_ms") == "ms"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            JUMP_KEY,
            "jump.landing_depth_diff",
            "signs[0].measure: jump-rope measure 'jump.landing_depth_diff' must end in its unit",
        ),
        (JUMP_KEY, "video.landing_depth_diff_cm", "signs[0]: unknown measure 'video.landing_depth_diff_cm'"),
        (
            'views = ["front", "back"]',
            'views = ["front", "top"]',
            "signs[0].views: 'jump.landing_depth_diff_cm' can only be read in views ['front', 'back', 'left', 'right']",
        ),
        ('views = ["front", "back"]', "views = []", "signs[0].views: 'jump.landing_depth_diff_cm' can only be read"),
    ],
)
def test_a_broken_jump_sign_names_the_entry(tmp_path, old, new, message):
    path = write(tmp_path, catalog_text(sign=JUMP_SIGN.replace(old, new)))
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert f"imbalances[4] (unilateral).{message}" in str(raised.value)


# --- scoring without a jump-rope video -----------------------------------------------------------


def test_without_a_video_the_jump_sign_is_not_read_and_changes_no_score(with_jump_sign):
    shipped = assess(lopsided_photos()).finding("unilateral")
    extended = assess(lopsided_photos(), catalog=with_jump_sign).finding("unilateral")
    assert shipped.likelihood == Likelihood.LIKELY
    assert (extended.likelihood, extended.score, extended.photo_score) == (
        shipped.likelihood,
        shipped.score,
        shipped.photo_score,
    )
    assert extended.evidence == shipped.evidence
    assert extended.checked == shipped.checked
    assert JUMP_KEY not in extended.evidence_keys
    assert JUMP_KEY not in extended.checked
    assert extended.coverage < shipped.coverage, "an unread sign lowers the share of the signs read"
    # Not listed under each pattern of a photo check: the assessment's notes say once what a clip would add.
    assert JUMP_KEY not in extended.not_assessed
    assert extended.missing_views == shipped.missing_views, "a video is not a photo view to ask for"
    assert extended.missing_views_note == shipped.missing_views_note


def test_a_finding_read_only_from_a_video_is_not_assessed_without_one(jump_sign_only):
    finding = assess(neutral_photos(), catalog=jump_sign_only).finding("unilateral")
    assert finding.likelihood == Likelihood.NOT_ASSESSED, "never 'unlikely': nothing was read"
    assert (finding.score, finding.coverage, finding.evidence, finding.checked) == (0, 0.0, (), ())
    assert JUMP_KEY not in finding.not_assessed


def test_a_video_filmed_from_the_side_does_not_read_a_front_sign(jump_sign_only):
    video = JumpSession(view=View.LEFT, values={"landing_depth_diff_cm": (-2.5, 0.9)})
    finding = assess(neutral_photos(), catalog=jump_sign_only, jump=video).finding("unilateral")
    assert finding.likelihood == Likelihood.NOT_ASSESSED
    assert finding.not_assessed[JUMP_KEY] == "no jump-rope video filmed from the front or back was given"


def test_a_video_that_could_not_give_the_measure_says_why(jump_sign_only):
    video = JumpSession(view=View.FRONT, values={}, not_assessed={"landing_depth_diff_cm": "too few jumps"})
    finding = assess(neutral_photos(), catalog=jump_sign_only, jump=video).finding("unilateral")
    assert finding.likelihood == Likelihood.NOT_ASSESSED
    assert finding.not_assessed[JUMP_KEY] == "too few jumps (front jump-rope video)"


def test_a_video_that_lacks_the_measure_without_a_reason_is_still_not_read(jump_sign_only):
    video = JumpSession(view=View.FRONT, values={"landing_lead_ms": (12.0, 0.8)})
    finding = assess(neutral_photos(), catalog=jump_sign_only, jump=video).finding("unilateral")
    assert finding.likelihood == Likelihood.NOT_ASSESSED
    assert finding.not_assessed[JUMP_KEY] == "not measured in the jump-rope video given"


# --- scoring with a jump-rope video --------------------------------------------------------------


def test_a_symmetric_video_reads_the_sign_as_inside_its_threshold(jump_sign_only):
    # 0.02 cm: the landing-depth difference of a symmetric rendered clip (eval-public-video jump02).
    video = JumpSession(view=View.FRONT, values={"landing_depth_diff_cm": (0.02, 0.9)})
    finding = assess(neutral_photos(), catalog=jump_sign_only, jump=video).finding("unilateral")
    assert finding.likelihood == Likelihood.UNLIKELY
    assert finding.checked == (JUMP_KEY,)
    assert finding.coverage == 1.0
    assert JUMP_KEY not in finding.not_assessed


def test_a_lopsided_landing_in_the_video_is_evidence(with_jump_sign):
    video = JumpSession(view=View.BACK, values={"landing_depth_diff_cm": (-2.5, 0.8)})
    without = assess(neutral_photos(), catalog=with_jump_sign).finding("unilateral")
    finding = assess(neutral_photos(), catalog=with_jump_sign, jump=video).finding("unilateral")
    item = next(e for e in finding.evidence if e.measure == JUMP_KEY and e.label == "one leg landing deeper")
    assert (item.value, item.unit, item.views, item.strength) == (-2.5, "cm", (View.BACK,), 1.0)
    assert item.contribution == pytest.approx(0.6 * 0.8)
    assert finding.score > without.score
    detail = json.loads(json.dumps(finding.to_dict()))["evidence_detail"]
    assert {"measure": JUMP_KEY, "views": ["back"], "unit": "cm"}.items() <= detail[0].items()
