"""The questionnaire: answer validation, progression stage, red flags and habit weights."""

from __future__ import annotations

import pytest

from posture.catalog import load_catalog
from posture.questionnaire import (
    AnswerError,
    Answers,
    answered_habits,
    habit_weights,
    red_flags,
    stage_from_answers,
)

pytestmark = pytest.mark.model_free

ALL_NO_SYMPTOMS = {"tight_or_weak": False, "movement_off": False, "back_pain": False}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --- validation ----------------------------------------------------------------------------------


def test_answers_are_normalised():
    answers = Answers.from_dict(
        {
            "sitting_hours": "9.5",
            "back_pain": "Yes",
            "glute_work": "no",
            "leg_training": "quad_dominant",
            "night_pain": None,
        }
    )
    assert answers.get("sitting_hours") == 9.5
    assert answers.get("back_pain") is True
    assert answers.get("glute_work") is False
    assert answers.get("leg_training") == "quad_dominant"
    assert "night_pain" not in answers  # None means unanswered
    assert len(answers) == 4
    assert answers.to_dict()["back_pain"] is True


def test_empty_answers():
    assert len(Answers()) == 0
    assert len(Answers.from_dict({})) == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"shoe_size": 42}, "unknown question 'shoe_size'"),
        ({"leg_training": "cardio"}, "question 'leg_training': 'cardio' is not one of quad_dominant, balanced"),
        ({"sitting_hours": 30}, "question 'sitting_hours': 30 is outside 0 to 24 h"),
        ({"sitting_hours": "lots"}, "question 'sitting_hours': expected a number"),
        ({"sitting_hours": True}, "question 'sitting_hours': expected a number"),
        ({"back_pain": "sometimes"}, "question 'back_pain': expected yes or no"),
        ({"back_pain": 1}, "question 'back_pain': expected yes or no"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(AnswerError) as raised:
        Answers.from_dict(raw)
    assert message in str(raised.value)


def test_answers_must_be_a_mapping():
    with pytest.raises(AnswerError, match="mapping"):
        Answers.from_dict(["back_pain"])


# --- stage ---------------------------------------------------------------------------------------


def test_no_symptom_answers_means_no_stage(catalog):
    assert stage_from_answers(None, catalog) is None
    assert stage_from_answers(Answers.from_dict({"sitting_hours": 3}), catalog) is None


def test_all_symptoms_no_is_compensation(catalog):
    assert stage_from_answers(Answers.from_dict(ALL_NO_SYMPTOMS), catalog).id == "compensation"


def test_a_missing_answer_is_not_a_no(catalog):
    assert stage_from_answers(Answers.from_dict({"back_pain": False}), catalog) is None


@pytest.mark.parametrize(
    ("yes", "stage"),
    [
        ({"tight_or_weak"}, "tightness_and_fatigue"),
        ({"movement_off"}, "movement_dysfunction"),
        ({"back_pain"}, "pain"),
        ({"tight_or_weak", "back_pain"}, "pain"),
        ({"tight_or_weak", "movement_off"}, "movement_dysfunction"),
    ],
)
def test_highest_stage_with_a_yes_wins(catalog, yes, stage):
    raw = {key: key in yes for key in ALL_NO_SYMPTOMS}
    assert stage_from_answers(Answers.from_dict(raw), catalog).id == stage


def test_a_yes_counts_even_when_other_symptoms_are_unanswered(catalog):
    assert stage_from_answers({"back_pain": True}, catalog).number == 4


# --- red flags -----------------------------------------------------------------------------------


def test_no_red_flags_without_yes(catalog):
    assert red_flags(None, catalog) == []
    no_flags = {q.id: False for q in catalog.questions_in("red_flag")}
    assert red_flags(Answers.from_dict(no_flags), catalog) == []


@pytest.mark.parametrize(
    ("question_id", "word"),
    [
        ("leg_symptoms", "leg"),
        ("night_pain", "night"),
        ("bladder_bowel", "bladder"),
        ("recent_injury", "injury"),
        ("weight_loss", "weight"),
    ],
)
def test_each_red_flag_gives_its_message(catalog, question_id, word):
    flags = red_flags(Answers.from_dict({question_id: True}), catalog)
    assert len(flags) == 1
    assert word in flags[0].lower()


def test_several_red_flags(catalog):
    assert len(red_flags({"night_pain": "yes", "weight_loss": "yes"}, catalog)) == 2


# --- habits --------------------------------------------------------------------------------------


def test_habit_weights_cover_every_imbalance(catalog):
    assert habit_weights(None, catalog) == dict.fromkeys(catalog.imbalance_ids, 0.0)


@pytest.mark.parametrize(("hours", "weight"), [(3, 0.0), (5, 0.4), (7.5, 0.4), (8, 0.8), (12, 0.8)])
def test_sitting_hours_bands(catalog, hours, weight):
    weights = habit_weights({"sitting_hours": hours}, catalog)
    assert weights["hip_flexors_over_glutes"] == pytest.approx(weight)


@pytest.mark.parametrize(
    ("raw", "top"),
    [
        ({"sitting_hours": 10}, "hip_flexors_over_glutes"),
        ({"back_without_core": True}, "erectors_over_core"),
        ({"leg_training": "quad_dominant"}, "quads_over_hamstrings"),
        ({"press_vs_pull": "much_more_pressing"}, "upper_crossed"),
        ({"uneven_lifts": True, "one_sided_activity": True}, "unilateral"),
    ],
)
def test_habits_point_to_their_imbalance(catalog, raw, top):
    weights = habit_weights(raw, catalog)
    assert max(weights, key=weights.get) == top


def test_habit_weights_add_up_and_are_capped(catalog):
    raw = {"sitting_hours": 10, "glute_work": False, "leg_training": "quad_dominant"}
    weights = habit_weights(raw, catalog)
    assert weights["hip_flexors_over_glutes"] == 1.0  # 0.8 + 0.3 + 0.2, capped
    assert weights["quads_over_hamstrings"] == pytest.approx(0.8)


def test_answered_habits(catalog):
    assert not answered_habits(None, catalog)
    assert not answered_habits({"back_pain": True}, catalog)
    assert answered_habits({"glute_work": True}, catalog)
