"""Jump-rope measures as catalog evidence: hand-built skippers with a known asymmetry through the real
engine (analyze_track) and the real catalog, alone and together with photos."""

from __future__ import annotations

import dataclasses
import json

import pytest

from posture.assessment import assess, findings_json
from posture.catalog import JUMP_PREFIX, load_catalog
from posture.imaging import decode_image
from posture.jump import analyze_track, engine
from posture.jump.engine import JumpAnalysis
from posture.jump.findings import (
    WeakerSide,
    assess_with_jump,
    assessment_input,
    clip_assessment,
    weaker_side,
)
from posture.jump.summary import MAGNITUDE_KEYS, Measurement, plain, settings
from posture.measuring import measure_subject
from posture.video.track import VideoInfo
from posture.views import ViewEstimate
from posture.vocabulary import Likelihood
from posture.wording_jump import INCONCLUSIVE_REASON, jump_side_sentences
from tests.conftest import turned
from tests.jump_motion import Skipper, frame_times, mirrored, skipper_track, steady_turns
from tests.pose_fixtures import FIXTURE_IMAGES, load_people
from tests.public_jumps import public_analysis
from tests.test_assessment import front, neutral_photos, side

DURATION_S = 12.0
# Left leg sinks 26 px vs 10 px and lifts 14 px vs 24 px (lands heavier, lifts lower); left hand circles wider.
LOPSIDED = dict(landing_depth_px=(26.0, 10.0), clearance_px=(14.0, 24.0), hand_circle_px=(90.0, 60.0))


def session_of(**knobs):
    skipper = Skipper(turn_times_s=steady_turns(120.0, DURATION_S), variation=0.05, **knobs)
    return analyze_track(skipper_track(skipper, frame_times(60.0, DURATION_S)), "front", 170.0)


def analysis_of(session) -> JumpAnalysis:
    video = VideoInfo(fps=60.0, frames=720, duration_s=DURATION_S, rotation_deg=0, width=720, height=1280, codec="h264")
    return JumpAnalysis(
        file="skipper.mp4",
        video=video,
        view=ViewEstimate("front", 0.9, 0.0),
        height_cm=170.0,
        session=session,
        track=None,
    )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def lopsided():
    return session_of(**LOPSIDED)


@pytest.fixture(scope="module")
def even():
    return session_of()


def test_every_jump_sign_uses_the_engine_threshold_and_a_left_right_verdict():
    thresholds = settings()["thresholds"]
    signs = [
        (imbalance.id, sign)
        for imbalance in load_catalog().imbalances
        for sign in imbalance.signs
        if sign.measure.startswith(JUMP_PREFIX)
    ]
    assert {imbalance for imbalance, _ in signs} == {"unilateral", "upper_crossed", "erectors_over_core"}
    for _, sign in signs:
        key = sign.measure[len(JUMP_PREFIX) :]
        assert sign.threshold == thresholds[key]["value"], key
        assert sign.direction == ("above" if key in MAGNITUDE_KEYS else "abs_above"), key
        assert sign.source


def test_a_lopsided_skipper_is_evidence_for_both_imbalances(lopsided):
    statuses = {
        key: lopsided.measurements[key].status
        for key in ("landing_depth_diff_cm", "foot_clearance_si_pct", "hand_circle_si_pct")
    }
    assert set(statuses.values()) == {"asymmetric"}, statuses
    findings = {f["imbalance"]: f for f in findings_json(clip_assessment(lopsided))}
    # Every uneven side counts for the left-right pattern, the hands as well (the seed article's "one hand
    # turns faster or wider"); the hand's circle also counts for the chest and upper-back pattern.
    assert set(findings["unilateral"]["evidence"]) == {
        "jump.landing_depth_diff_cm",
        "jump.foot_clearance_si_pct",
        "jump.hand_circle_si_pct",
    }
    assert findings["unilateral"]["likelihood"] in ("possible", "likely")
    assert findings["upper_crossed"]["evidence"] == ["jump.hand_circle_si_pct"]
    assert findings["quads_over_hamstrings"]["likelihood"] == "not_assessed", "a clip has no sign of it"
    assert list(findings["unilateral"]) == ["imbalance", "likelihood", "score", "evidence"]


def test_an_even_skipper_reads_the_signs_as_inside_their_thresholds(even):
    findings = {f["imbalance"]: f for f in findings_json(clip_assessment(even))}
    assert findings["unilateral"]["likelihood"] == "unlikely"
    assert findings["unilateral"]["evidence"] == []
    assert findings["upper_crossed"]["likelihood"] == "unlikely"
    assert weaker_side(even.measurements) is None


def test_one_sure_uneven_landing_alone_makes_the_left_right_pattern_possible(even):
    # A clear landing lead (past 15 ms, under the 30 ms that counts in full) with no other sign: the seed
    # article's honest test of left-right balance read "Sure" on the page while the pattern stayed unlikely.
    lead = dataclasses.replace(even.measurements["landing_lead_ms"], value=26.8, band=(20.0, 33.0), status="asymmetric")
    read = assessment_input("front", {**even.measurements, "landing_lead_ms": lead})
    finding = assess([], jump=read).finding("unilateral")
    assert finding.evidence_keys == ("jump.landing_lead_ms",)
    assert finding.likelihood == Likelihood.POSSIBLE


@pytest.mark.parametrize(
    ("twist_deg", "status", "likelihood"), [(5.0, "asymmetric", "possible"), (0.8, "symmetric", "unlikely")]
)
def test_the_torso_twisting_with_each_jump_is_evidence_of_a_weak_core(even, twist_deg, status, likelihood):
    # The seed article's sign of core weakness; a photo cannot show it, so the clip tells this pattern apart
    # from its two anterior-tilt lookalikes.
    twist = Measurement(twist_deg, "deg", (max(0.0, twist_deg - 2.5), twist_deg + 2.5), status, 0.8, threshold=2.0)
    read = assessment_input("front", {**even.measurements, "trunk_twist_deg": twist})
    assessment = assess([], jump=read)
    core = assessment.finding("erectors_over_core")
    assert core.likelihood == likelihood
    assert core.evidence_keys == (("jump.trunk_twist_deg",) if status == "asymmetric" else ())
    assert assessment.finding("quads_over_hamstrings").likelihood == Likelihood.NOT_ASSESSED


def test_an_inconclusive_verdict_is_not_evidence(lopsided):
    depth = lopsided.measurements["landing_depth_diff_cm"]
    unsure = dict(lopsided.measurements)
    unsure["landing_depth_diff_cm"] = dataclasses.replace(depth, status="inconclusive", band=(-1.0, 7.0))
    read = assessment_input("front", unsure)
    assert "landing_depth_diff_cm" not in read.values
    assert read.not_assessed["landing_depth_diff_cm"] == INCONCLUSIVE_REASON
    finding = assess([], jump=read).finding("unilateral")
    assert "jump.landing_depth_diff_cm" not in finding.evidence_keys
    assert "jump.landing_depth_diff_cm" not in finding.checked
    assert finding.not_assessed["jump.landing_depth_diff_cm"].startswith(INCONCLUSIVE_REASON)


def test_the_weaker_side_follows_the_skipper_and_its_mirror(lopsided):
    assert weaker_side(lopsided.measurements) == WeakerSide("left", ("landing_depth_diff_cm", "foot_clearance_si_pct"))
    skipper = Skipper(turn_times_s=steady_turns(120.0, DURATION_S), variation=0.05, **LOPSIDED)
    flipped = analyze_track(mirrored(skipper_track(skipper, frame_times(60.0, DURATION_S))), "front", 170.0)
    assert weaker_side(flipped.measurements) == WeakerSide("right", ("landing_depth_diff_cm", "foot_clearance_si_pct"))


def test_measures_that_disagree_name_no_side(lopsided):
    clearance = lopsided.measurements["foot_clearance_si_pct"]
    disagreeing = dict(lopsided.measurements)
    disagreeing["foot_clearance_si_pct"] = dataclasses.replace(clearance, value=-clearance.value)
    assert weaker_side(disagreeing) is None


def test_the_plan_starts_one_sided_work_with_the_weaker_side(lopsided):
    plan = assess_with_jump([], analysis_of(lopsided)).plan
    assert plan is not None
    one_sided = [item for item in plan.items if "unilateral" in item.serves and not item.phases]
    assert one_sided, "the left-right finding brings one-sided exercises"
    assert {item.first_side for item in one_sided} == {"left"}
    rope = next(item for item in plan.items if item.phases)
    assert rope.first_side is None
    others = [item for item in plan.items if "unilateral" not in item.serves]
    assert all(item.first_side is None for item in others)
    entry = json.loads(json.dumps(one_sided[0].to_dict()))
    assert entry["first_side"] == "left"
    assert "your left side" in entry["first_side_note"]
    assert "lands heavier" in entry["first_side_note"]


def test_photos_and_a_clip_give_one_assessment(lopsided):
    photos = [front(shoulder_tilt_deg=4.5, shoulder_height_diff_cm=3.0, pelvic_obliquity_deg=4.5), side("left")]
    alone = assess(photos).finding("unilateral")
    together = assess_with_jump(photos, analysis_of(lopsided))
    finding = together.finding("unilateral")
    assert {"shoulder_tilt_deg", "jump.landing_depth_diff_cm"} <= set(finding.evidence_keys)
    assert finding.score > alone.score
    assert finding.likelihood == Likelihood.LIKELY
    assert len(together.photos) == 2
    neutral = assess_with_jump(neutral_photos(), analysis_of(lopsided)).finding("unilateral")
    assert set(neutral.evidence_keys) == {
        "jump.landing_depth_diff_cm",
        "jump.foot_clearance_si_pct",
        "jump.hand_circle_si_pct",
    }


def test_plain_words_name_the_sides(lopsided, even):
    sentences = jump_side_sentences(lopsided.measurements)
    text = " ".join(sentences)
    assert "The left leg lands heavier" in text
    assert "The right foot lifts higher" in text
    assert "The left hand turns a wider circle" in text
    quiet = jump_side_sentences(even.measurements)
    assert quiet[0] == "No left-right difference passed its threshold with confidence."


def test_a_side_hand_that_shrinks_faster_tires_first():
    def trends(left: float, right: float, bands=(None, None)) -> dict[str, Measurement]:
        return {
            "hand_circle_trend_pct_per_min_left": plain(left, "%/min", bands[0], 0.9),
            "hand_circle_trend_pct_per_min_right": plain(right, "%/min", bands[1], 0.9),
        }

    sentences = jump_side_sentences(trends(-12.0, -3.0))
    assert any(s.startswith("The left hand may tire first") and "a hint, not a verdict" in s for s in sentences)
    assert not any("tire" in s for s in jump_side_sentences(trends(2.0, 1.0)))
    # jump01's hands: the bands lie apart, so the sentence says so (still no threshold, no finding).
    apart = jump_side_sentences(trends(-29.0, -206.0, ((-61.0, 7.0), (-230.0, -182.0))))
    assert any(s.startswith("The right hand may tire first") and "bands do not overlap" in s for s in apart)


def test_a_side_view_reads_no_front_sign():
    skipper = Skipper(turn_times_s=steady_turns(120.0, DURATION_S), variation=0.05, **LOPSIDED)
    session = analyze_track(skipper_track(skipper, frame_times(60.0, DURATION_S)), "left", 170.0)
    assessment = assess([], jump=assessment_input(session.view, session.measurements))
    finding = assessment.finding("unilateral")
    assert finding.likelihood == Likelihood.NOT_ASSESSED
    assert "from the front or the back" in finding.not_assessed["jump.landing_depth_diff_cm"]
    assert assessment.plan is not None
    assert "photo" not in assessment.plan.note, "a clip alone: its note does not speak of photos"


def test_the_text_output_says_which_side_to_start_with(lopsided, even):
    from posture.findings_text import format_findings

    text = format_findings(assess_with_jump([], analysis_of(lopsided)))
    assert "Start each set with your left side" in text
    assert "Landing depth, left minus right (jump rope)" in text
    assert "Start each set" not in format_findings(assess_with_jump([], analysis_of(even)))


def test_the_clip_findings_are_assessed_once_and_every_dict_is_the_same(monkeypatch):
    """to_dict() runs the catalog for the clip's findings once per analysis, and each call still gives the
    same contract: equal to the findings assessed afresh, and a caller's change to one dict reaches no other."""
    analysis = dataclasses.replace(public_analysis("jump04_front"))  # a new instance: nothing cached on it yet
    assessed = []

    def counted(session):
        assessed.append(session)
        return clip_assessment(session)

    monkeypatch.setattr(engine, "clip_assessment", counted)
    first = analysis.to_dict()
    expected = json.loads(json.dumps(first))
    first["findings"].clear()
    first["measurements"].clear()
    second, third = analysis.to_dict(), analysis.to_dict()
    assert len(assessed) == 1
    assert second == third == expected
    assert second["findings"], "the clip's uneven landing gives a finding"
    assert second["findings"] == findings_json(clip_assessment(analysis.session))


def test_a_clip_filmed_from_the_front_is_not_held_with_a_turned_front_photo():
    """A turned photo holds the findings read from it at "possible" (its points err together), but a clip
    filmed from the same side is not that photo: its signs were held with it, so the same clip said
    "likely" filmed from the back and "possible" from the front, with a note blaming the turned photo."""
    people = load_people("s001_front")
    turned_photo = measure_subject(
        "s001_front", decode_image(FIXTURE_IMAGES["s001_front"]), turned(people["first"][0], 20), [], "auto", None, None
    )
    assert "turned_view" in [warning.code for warning in turned_photo.warnings]
    measurements = public_analysis("jump04_front").session.measurements
    clip_alone = assess([], jump=assessment_input("front", measurements)).finding("unilateral")
    assert clip_alone.likelihood == Likelihood.LIKELY
    for view in ("front", "back"):
        finding = assess([turned_photo], jump=assessment_input(view, measurements)).finding("unilateral")
        assert all(key.startswith(JUMP_PREFIX) for key in finding.evidence_keys), "the photo shows no asymmetry"
        assert finding.likelihood == Likelihood.LIKELY, view
        assert "turned away" not in finding.note


@pytest.mark.parametrize("imbalance", ["upper_crossed", "unilateral"])
def test_one_lagging_arm_counts_once_for_each_pattern(imbalance):
    """jump01's left hand leads the turn and its elbow flares: two faces of one arm. The left-right pattern
    counted them once (the rope_hands group) while the chest and upper-back pattern added them up, scoring
    the same arm 48 against the left-right pattern's 45."""
    finding = clip_assessment(public_analysis("jump01_front").session).finding(imbalance)
    assert set(finding.evidence_keys) == {"jump.hand_phase_lead_ms", "jump.hand_spread_diff_cm"}
    assert finding.photo_score == round(100 * max(item.contribution for item in finding.evidence))
