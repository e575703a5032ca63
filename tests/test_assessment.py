"""From hand-built measured photos (and answers) to findings and a plan."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from posture.assessment import assess, build_plan, combine_measurements
from posture.catalog import SLOTS, load_catalog
from posture.errors import PostureError
from posture.measures import Measurement
from posture.photo_result import MeasuredPhoto, RefusedPhoto
from posture.views import Warning_

pytestmark = pytest.mark.model_free

ANTERIOR_TILT_GROUP = ("quads_over_hamstrings", "hip_flexors_over_glutes", "erectors_over_core")

# A person inside every normal range, with the small natural asymmetries most people have.
NEUTRAL_SIDE = {
    "craniovertebral_angle_deg": 52.0,
    "ear_ahead_of_shoulder_cm": 3.0,
    "shoulder_ahead_of_plumb_cm": 1.0,
    "trunk_lean_deg": 1.0,
    "pelvic_tilt_deg": 14.0,
    "knee_ahead_of_ankle_cm": 1.0,
}
NEUTRAL_FRONT = {
    "shoulder_tilt_deg": 1.0,
    "shoulder_height_diff_cm": 0.7,
    "pelvic_obliquity_deg": 0.8,
    "hip_height_diff_cm": 0.4,
    "head_tilt_deg": 1.5,
    "trunk_lateral_lean_deg": 0.6,
    "trunk_lateral_shift_cm": 0.8,
    "knee_valgus_left_deg": 3.0,
    "knee_valgus_right_deg": 1.0,
}


def measurement(key: str, value: float, confidence: float = 0.9) -> Measurement:
    return Measurement(
        key=key,
        value=value,
        unit="cm" if key.endswith("_cm") else "deg",
        confidence=confidence,
        normal_range=(None, None),
        status="normal",
        source="test",
        definition="hand-built for tests",
    )


def photo(
    view: str,
    values: dict[str, float],
    confidence: float = 0.9,
    confidences: dict[str, float] | None = None,
    not_assessed: dict[str, str] | None = None,
) -> MeasuredPhoto:
    """A measured photo of one view; ``confidences`` overrides the confidence of single measures."""
    confidences = confidences or {}
    measurements = {key: measurement(key, value, confidences.get(key, confidence)) for key, value in values.items()}
    return MeasuredPhoto(
        image=f"{view}.jpg",
        view=view,
        view_confidence=0.95,
        height_cm=170.0,
        height_source="given",
        measurements=measurements,
        not_assessed=not_assessed or {},
    )


def side(view: str = "left", **changes: float) -> MeasuredPhoto:
    return photo(view, {**NEUTRAL_SIDE, **changes})


def front(**changes: float) -> MeasuredPhoto:
    return photo("front", {**NEUTRAL_FRONT, **changes})


def neutral_photos() -> list[MeasuredPhoto]:
    right = side("right", craniovertebral_angle_deg=50.5, shoulder_ahead_of_plumb_cm=0.2)
    return [front(), side("left"), right]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --- one imbalance at a time ---------------------------------------------------------------------


def test_neutral_person_is_not_flagged():
    result = assess(neutral_photos())
    assert {f.likelihood for f in result.findings} == {"unlikely"}
    assert all(not f.evidence for f in result.findings)
    assert result.plan.block("strengthen") == ()
    assert result.plan.note


def test_forward_head_and_rounded_shoulders_point_to_upper_crossed():
    result = assess(
        [front(), side(craniovertebral_angle_deg=43.0, ear_ahead_of_shoulder_cm=7.5, shoulder_ahead_of_plumb_cm=7.0)]
    )
    top = result.findings[0]
    assert top.imbalance == "upper_crossed"
    assert top.likelihood == "likely"
    assert "craniovertebral_angle_deg" in top.evidence_keys
    cva = next(e for e in top.evidence if e.measure == "craniovertebral_angle_deg")
    assert cva.value == 43.0
    assert cva.unit == "deg"
    assert "commonly associated" in top.explanation


def test_forward_head_alone_is_only_possible():
    result = assess([front(), side(craniovertebral_angle_deg=48.0)])
    assert result.finding("upper_crossed").likelihood == "possible"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"leg_training": "quad_dominant"}, "quads_over_hamstrings"),
        ({"sitting_hours": 10, "glute_work": False}, "hip_flexors_over_glutes"),
        ({"back_without_core": True}, "erectors_over_core"),
    ],
)
def test_habits_rank_the_anterior_tilt_patterns(answers, expected):
    photos = [front(), side(pelvic_tilt_deg=26.0, knee_ahead_of_ankle_cm=-4.0)]
    result = assess(photos, answers)
    top = result.findings[0]
    assert top.imbalance == expected
    assert top.likelihood == "likely"
    assert top.evidence_keys[0] == "pelvic_tilt_deg"
    others = [result.finding(i) for i in ANTERIOR_TILT_GROUP if i != expected]
    assert all(other.score < top.score for other in others)
    assert top.note == ""  # the answers separated them


def test_habits_raise_a_photo_finding_without_changing_its_photo_score():
    borderline = [front(), side(pelvic_tilt_deg=21.0)]
    sitter = {"sitting_hours": 10, "glute_work": False}
    without = assess(borderline).finding("hip_flexors_over_glutes")
    with_habits = assess(borderline, sitter).finding("hip_flexors_over_glutes")
    assert without.likelihood == "possible"
    assert with_habits.score > without.score
    assert with_habits.photo_score == without.photo_score


def test_lateral_asymmetry_points_to_unilateral():
    result = assess(
        [
            front(
                shoulder_tilt_deg=-4.0,
                shoulder_height_diff_cm=-2.6,
                pelvic_obliquity_deg=3.0,
                trunk_lateral_shift_cm=2.5,
            ),
            side(),
        ]
    )
    top = result.findings[0]
    assert top.imbalance == "unilateral"
    assert top.likelihood == "likely"
    assert {"shoulder_tilt_deg", "pelvic_obliquity_deg", "trunk_lateral_shift_cm"} <= set(top.evidence_keys)


def held_photo(analysis: MeasuredPhoto, code: str) -> MeasuredPhoto:
    return replace(analysis, warnings=(Warning_(code, "..."),))


@pytest.mark.parametrize(
    ("code", "note_words"),
    [("turned_view", "turned away from a straight view"), ("camera_off_level", "held off level")],
)
def test_a_turned_or_off_level_photo_alone_cannot_make_a_finding_likely(code, note_words):
    asymmetric = front(
        shoulder_tilt_deg=-4.0, shoulder_height_diff_cm=-2.6, pelvic_obliquity_deg=3.0, trunk_lateral_shift_cm=2.5
    )
    straight = assess([asymmetric, side()]).finding("unilateral")
    held = assess([held_photo(asymmetric, code), side()]).finding("unilateral")
    assert straight.likelihood == "likely"
    assert not straight.note
    assert held.score == straight.score
    assert held.likelihood == "possible"
    assert note_words in held.note
    # A good photo of the same view beside the held one lifts the hold.
    assert assess([held_photo(asymmetric, code), asymmetric, side()]).finding("unilateral").likelihood == "likely"


def test_a_view_of_turned_and_off_level_photos_is_held_with_the_first_photos_note():
    asymmetric = front(
        shoulder_tilt_deg=-4.0, shoulder_height_diff_cm=-2.6, pelvic_obliquity_deg=3.0, trunk_lateral_shift_cm=2.5
    )
    photos = [held_photo(asymmetric, "camera_off_level"), held_photo(asymmetric, "turned_view"), side()]
    finding = assess(photos).finding("unilateral")
    assert finding.likelihood == "possible"
    assert "held off level" in finding.note


def test_asymmetric_knee_valgus_is_unilateral_evidence():
    result = assess([front(knee_valgus_left_deg=12.0, knee_valgus_right_deg=1.0), side()])
    assert "knee_valgus_difference_deg" in result.finding("unilateral").evidence_keys


# --- photos alone cannot rank the anterior-tilt patterns -----------------------------------------


def test_without_answers_the_three_candidates_score_the_same_and_say_why():
    result = assess([front(), side(pelvic_tilt_deg=24.0)])
    group = [result.finding(i) for i in ANTERIOR_TILT_GROUP]
    assert len({f.score for f in group}) == 1
    assert group[0].likelihood in ("possible", "likely")
    assert all("questions would rank them" in f.note for f in group)
    assert any("questionnaire was not answered" in note for note in result.notes)


def test_habits_alone_never_make_a_finding():
    everything = {
        "sitting_hours": 12,
        "glute_work": False,
        "leg_training": "quad_dominant",
        "back_without_core": True,
        "press_vs_pull": "much_more_pressing",
        "one_sided_activity": True,
        "uneven_lifts": True,
        "favoured_side": "strongly_one_side",
    }
    result = assess(neutral_photos(), everything)
    assert {f.likelihood for f in result.findings} == {"unlikely"}
    assert max(f.score for f in result.findings) < load_catalog().likelihood.possible


# --- missing and not-assessed measures -----------------------------------------------------------


def test_missing_side_view_is_not_assessed_and_asks_for_it():
    result = assess([front()])
    upper = result.finding("upper_crossed")
    assert upper.likelihood == "not_assessed"
    assert upper.score == 0
    assert upper.missing_views == ("left", "right")
    assert "side photo" in upper.missing_views_note
    assert "forward head" in upper.missing_views_note
    assert upper.coverage == 0.0
    for imbalance_id in ANTERIOR_TILT_GROUP:
        assert result.finding(imbalance_id).likelihood == "not_assessed"


def test_missing_front_view_is_named_for_unilateral():
    unilateral = assess([side()]).finding("unilateral")
    assert unilateral.likelihood == "not_assessed"
    assert {"front", "back", "right"} <= set(unilateral.missing_views)
    assert "front or back photo" in unilateral.missing_views_note
    assert "right-profile photo" in unilateral.missing_views_note


def test_a_measure_not_assessed_on_a_present_view_is_reported_not_counted_normal():
    hidden = ("craniovertebral_angle_deg", "ear_ahead_of_shoulder_cm")
    values = {k: v for k, v in NEUTRAL_SIDE.items() if k not in hidden}
    reasons = dict.fromkeys(hidden, "the ear is hidden")
    upper = assess([photo("left", values, not_assessed=reasons)]).finding("upper_crossed")
    assert "craniovertebral_angle_deg" in upper.not_assessed
    assert "ear is hidden" in upper.not_assessed["craniovertebral_angle_deg"]
    assert "craniovertebral_angle_deg" not in upper.checked
    assert "shoulder_ahead_of_plumb_cm" in upper.checked
    assert 0 < upper.coverage < 1
    assert upper.missing_views == ()  # the view was there; retaking it is what helps
    # A measure the engine did not produce at all is said so too, not silently skipped.
    without_plumb = {k: v for k, v in NEUTRAL_SIDE.items() if k != "shoulder_ahead_of_plumb_cm"}
    upper = assess([photo("left", without_plumb)]).finding("upper_crossed")
    assert upper.not_assessed["shoulder_ahead_of_plumb_cm"] == "not measured on the photos given"


def test_failed_photos_are_ignored():
    failed = RefusedPhoto(image="x.jpg", error=PostureError("no_person"))
    result = assess([failed])
    assert {f.likelihood for f in result.findings} == {"not_assessed"}
    assert any("No photo could be measured" in note for note in result.notes)


# --- confidence and combining photos -------------------------------------------------------------


def test_low_confidence_measure_contributes_less():
    confident = assess([photo("left", {**NEUTRAL_SIDE, "pelvic_tilt_deg": 26.0}, confidence=0.9)])
    doubtful = assess(
        [photo("left", {**NEUTRAL_SIDE, "pelvic_tilt_deg": 26.0}, confidence=0.9, confidences={"pelvic_tilt_deg": 0.3})]
    )
    high, low = confident.finding("hip_flexors_over_glutes"), doubtful.finding("hip_flexors_over_glutes")
    assert low.score < high.score
    assert low.evidence[0].contribution < high.evidence[0].contribution
    assert high.likelihood == "likely"
    assert low.likelihood == "unlikely"


def test_two_photos_of_the_same_view_are_combined_by_confidence():
    a = photo("front", {"shoulder_tilt_deg": 3.0}, confidence=0.9)
    b = photo("front", {"shoulder_tilt_deg": 1.0}, confidence=0.3)
    result = assess([a, b])
    combined = result.measurements_by_view["front"]["shoulder_tilt_deg"]
    assert combined.value == pytest.approx(2.5)
    assert combined.confidence == 0.9


def test_front_and_back_photos_pool_into_one_reading():
    back = photo("back", {**NEUTRAL_FRONT, "shoulder_tilt_deg": 4.0})
    result = assess([front(shoulder_tilt_deg=4.0), back])
    evidence = next(e for e in result.finding("unilateral").evidence if e.measure == "shoulder_tilt_deg")
    assert set(evidence.views) == {"front", "back"}


def test_combine_single_measurement_is_unchanged():
    single = measurement("head_tilt_deg", 2.0)
    assert combine_measurements([single]) is single


# --- left and right profiles ---------------------------------------------------------------------


def test_profiles_that_disagree_are_unilateral_evidence():
    right = side("right", craniovertebral_angle_deg=43.0, shoulder_ahead_of_plumb_cm=4.5)
    result = assess([side("left"), right])
    assert result.profile_differences["craniovertebral_angle_deg"] == pytest.approx(9.0)
    assert result.profile_differences["shoulder_ahead_of_plumb_cm"] == pytest.approx(-3.5)
    unilateral = result.finding("unilateral")
    assert "profile_difference.craniovertebral_angle_deg" in unilateral.evidence_keys
    assert unilateral.likelihood in ("possible", "likely")


def test_profiles_that_agree_are_no_evidence():
    unilateral = assess([side("left"), side("right", craniovertebral_angle_deg=50.5)]).finding("unilateral")
    assert unilateral.evidence == ()
    assert unilateral.likelihood == "unlikely"
    assert "profile_difference.craniovertebral_angle_deg" in unilateral.checked


# --- questionnaire in the assessment -------------------------------------------------------------


def test_red_flags_replace_the_plan(catalog):
    result = assess([front(), side(pelvic_tilt_deg=26.0)], {"leg_symptoms": True})
    assert result.plan is None
    assert result.advice == catalog.red_flag_advice
    assert len(result.red_flags) == 1
    assert result.findings  # the findings are still shown
    assert result.to_dict()["plan"] is None


def test_stage_and_its_advice(catalog):
    # Pain holds the plan until every warning-sign question is answered (tests/test_plan_waits.py).
    no_warning_signs = {question.id: False for question in catalog.questions_in("red_flag")}
    result = assess(neutral_photos(), {"back_pain": True, **no_warning_signs})
    assert result.stage.id == "pain"
    assert result.advice == catalog.stage("pain").advice
    assert result.plan is not None


def test_unanswered_warning_signs_are_noted():
    notes = assess(neutral_photos(), {"sitting_hours": 3}).notes
    assert any("warning-sign questions were not answered" in note for note in notes)
    no_flags = {"leg_symptoms": False, "night_pain": False}
    assert not any("warning" in note for note in assess(neutral_photos(), no_flags).notes)


def test_plain_dict_answers_are_validated():
    with pytest.raises(ValueError, match="unknown question"):
        assess(neutral_photos(), {"favourite_colour": "blue"})


# --- the plan ------------------------------------------------------------------------------------


def everything_off() -> list[MeasuredPhoto]:
    """Forward head, rounded shoulders, anterior tilt and lateral asymmetry all at once."""
    return [
        front(shoulder_tilt_deg=4.0, pelvic_obliquity_deg=3.5, trunk_lateral_shift_cm=3.0),
        side(craniovertebral_angle_deg=42.0, shoulder_ahead_of_plumb_cm=7.0, pelvic_tilt_deg=26.0),
    ]


def test_plan_order_cap_and_dedup(catalog):
    plan = assess(everything_off()).plan
    assert [block.block for block in plan.blocks] == ["strengthen", "mobility", "cross_train"]
    assert len(plan.items) <= catalog.plan.max_exercises
    assert plan.total_minutes <= catalog.plan.max_minutes
    for block in plan.blocks:
        assert len(block.items) <= catalog.plan.per_block[block.block]
    ids = [item.id for item in plan.items + plan.deferred]
    assert len(ids) == len(set(ids))
    assert plan.deferred  # more was wanted than fits one session
    slots = [SLOTS.index(item.slot) for item in plan.session_order()]
    assert slots == sorted(slots)
    assert plan.session_order()[0].block == "strengthen"
    assert plan.session_order()[-1].block == "mobility"


def test_plan_serves_likely_findings_first():
    result = assess(everything_off())
    plan = result.plan
    likely = {f.imbalance for f in result.findings if f.likelihood == "likely"}
    assert set(plan.block("strengthen")[0].serves) & likely
    # One exercise per finding before any finding gets a second: the top findings each get one.
    served = {i for item in plan.block("strengthen") for i in item.serves}
    assert {f.imbalance for f in result.findings[:2]} <= served
    assert len(served) == len(plan.block("strengthen"))


def test_shared_exercise_appears_once_and_serves_both():
    plan = assess([front(), side(pelvic_tilt_deg=26.0)]).plan
    bridges = [item for item in plan.items + plan.deferred if item.id == "glute_bridge"]
    assert len(bridges) == 1
    assert set(bridges[0].serves) == {"quads_over_hamstrings", "hip_flexors_over_glutes"}


def test_jump_rope_is_always_in_with_what_to_watch():
    for photos in (neutral_photos(), everything_off()):
        cross_train = assess(photos).plan.block("cross_train")
        rope = [item for item in cross_train if item.id == "jump_rope_progression"]
        assert len(rope) == 1
        assert rope[0].phases[0].rope.startswith("light")
        assert "heavy" in rope[0].phases[1].rope
        assert len(rope[0].watch) >= 3


def test_a_tighter_cap_is_respected(catalog):
    tight = replace(catalog, plan=replace(catalog.plan, max_exercises=3, max_minutes=20))
    plan = assess(everything_off(), catalog=tight).plan
    assert len(plan.items) <= 3
    assert plan.total_minutes <= 20
    assert plan.block("cross_train")[0].id == "jump_rope_progression"


def test_build_plan_without_findings_has_only_the_rope(catalog):
    plan = build_plan([], catalog)
    assert [item.id for item in plan.items] == ["jump_rope_progression"]
    assert plan.note


# --- output --------------------------------------------------------------------------------------


def test_findings_are_sorted_by_score():
    scores = [f.score for f in assess(everything_off()).findings]
    assert scores == sorted(scores, reverse=True)


def test_to_dict_matches_the_design_contract():
    no_warning_signs = {question.id: False for question in load_catalog().questions_in("red_flag")}
    result = assess(everything_off(), {"back_pain": True, "sitting_hours": 9, **no_warning_signs})
    data = json.loads(json.dumps(result.to_dict()))
    finding = data["findings"][0]
    assert {"imbalance", "likelihood", "score", "evidence"} <= set(finding)
    assert all(isinstance(key, str) for key in finding["evidence"])
    assert set(data["plan"]) >= {"strengthen", "mobility", "cross_train", "session"}
    assert all(isinstance(name, str) for name in data["plan"]["strengthen"])
    assert data["stage"]["id"] == "pain"
    assert data["disclaimer"]
    assert "left" in data["measurements_by_view"]
    assert "front" in data["measurements_by_view"]
