"""The self-report questionnaire: training habits, symptoms (the progression stage) and warning signs.

Photos cannot tell apart the three imbalances that all show as a forward-tipped pelvis; habits can
re-rank them. The progression stage and the red flags come only from answers, never from a photo.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from posture.catalog import Catalog, Question, Stage, load_catalog

_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


class AnswerError(ValueError):
    """An answer does not fit the catalog's questions; the message names the question and what is allowed."""


@dataclass(frozen=True)
class Answers:
    """Validated answers, question id -> normalised value (choice: str, number: float, yesno: bool).

    Build with :meth:`from_dict`; unanswered questions (missing or ``None``) are simply absent.
    """

    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], catalog: Catalog | None = None) -> Answers:
        """Validate ``raw`` against the catalog's questions and normalise it (AnswerError if not)."""
        return cls(MappingProxyType(validate_answers(raw, catalog or load_catalog())))

    def get(self, question_id: str, default: Any = None) -> Any:
        return self.values.get(question_id, default)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self.values

    def __len__(self) -> int:
        return len(self.values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (yesno answers as true/false)."""
        return dict(self.values)


# What the functions below accept: validated Answers, a raw dict (validated on the way in) or None.
AnswersLike = Answers | Mapping[str, Any] | None


def validate_answers(raw: Mapping[str, Any], catalog: Catalog) -> dict[str, Any]:
    """Check every answer against its question and return the normalised values."""
    if not isinstance(raw, Mapping):
        raise AnswerError(f"answers must be a mapping of question id to value, got {type(raw).__name__}")
    known = {question.id: question for question in catalog.questions}
    normalised = {}
    for question_id, value in raw.items():
        question = known.get(question_id)
        if question is None:
            raise AnswerError(f"unknown question {question_id!r}; known questions: {', '.join(known)}")
        if value is None:
            continue
        normalised[question_id] = _normalise(question, value)
    return normalised


def _normalise(question: Question, value: Any) -> Any:
    if question.kind == "yesno":
        return _yes_no(question, value)
    if question.kind == "number":
        return _number(question, value)
    return _choice(question, value)


def _yes_no(question: Question, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    raise AnswerError(f"question {question.id!r}: expected yes or no, got {value!r}")


def _number(question: Question, value: Any) -> float:
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise AnswerError(f"question {question.id!r}: expected a number, got {value!r}") from None
    # The loader gives every number question both ends; an open end could only come from a hand-built Question.
    low = -math.inf if question.minimum is None else question.minimum
    high = math.inf if question.maximum is None else question.maximum
    if not low <= number <= high:
        raise AnswerError(
            f"question {question.id!r}: {number:g} is outside {low:g} to {high:g}"
            f"{' ' + question.unit if question.unit else ''}"
        )
    return number


def _choice(question: Question, value: Any) -> str:
    if isinstance(value, str) and question.option(value) is not None:
        return value
    allowed = ", ".join(option.value for option in question.options)
    raise AnswerError(f"question {question.id!r}: {value!r} is not one of {allowed}")


def as_answers(answers: AnswersLike, catalog: Catalog) -> Answers:
    """Accept Answers, a plain dict (validated here) or None (nothing answered)."""
    if answers is None:
        return Answers()
    if isinstance(answers, Answers):
        return answers
    return Answers.from_dict(answers, catalog)


def answer_weights(question: Question, value: Any) -> Mapping[str, float]:
    """The imbalance weights one answer carries (empty when it carries none)."""
    if question.kind == "number":
        band = next((band for band in question.bands if value >= band.at_least), None)
        return band.weights if band else {}
    option = question.option(("yes" if value else "no") if question.kind == "yesno" else value)
    return option.weights if option else {}


def habit_weights(answers: AnswersLike, catalog: Catalog | None = None) -> dict[str, float]:
    """Per imbalance, the summed weights of all answers, capped at 1; every imbalance id is present."""
    catalog = catalog or load_catalog()
    answers = as_answers(answers, catalog)
    totals = dict.fromkeys(catalog.imbalance_ids, 0.0)
    for question in catalog.questions:
        if question.id not in answers:
            continue
        for imbalance_id, weight in answer_weights(question, answers.get(question.id)).items():
            totals[imbalance_id] = min(1.0, totals[imbalance_id] + weight)
    return totals


def answered_habits(answers: AnswersLike, catalog: Catalog | None = None) -> bool:
    """True when at least one habit question was answered."""
    catalog = catalog or load_catalog()
    answers = as_answers(answers, catalog)
    return any(question.id in answers for question in catalog.questions_in("habit"))


def stage_from_answers(answers: AnswersLike, catalog: Catalog | None = None) -> Stage | None:
    """The progression stage the symptom answers point to, or None when they cannot tell.

    The highest stage with a "yes" wins. With every symptom question answered "no" the imbalance, if
    any, is still being compensated for (stage 1). With no "yes" and some questions unanswered, the
    stage is unknown: a missing answer is not a "no".
    """
    catalog = catalog or load_catalog()
    answers = as_answers(answers, catalog)
    symptom_questions = catalog.questions_in("symptom")
    yes_stages = [catalog.stage(q.stage) for q in symptom_questions if q.stage and answers.get(q.id) is True]
    if yes_stages:
        return max(yes_stages, key=lambda stage: stage.number)
    if symptom_questions and all(answers.get(q.id) is False for q in symptom_questions):
        return catalog.stages[0]
    return None


def red_flags(answers: AnswersLike, catalog: Catalog | None = None) -> list[str]:
    """The warning-sign messages for every red-flag question answered "yes", in catalog order."""
    catalog = catalog or load_catalog()
    answers = as_answers(answers, catalog)
    return [q.flag for q in catalog.questions_in("red_flag") if q.flag and answers.get(q.id) is True]


# The stage whose "yes" means pain now. Pain is when the warning signs matter: a plan for someone in pain
# must wait until every warning-sign question is answered, since a missing answer is not a "no".
PAIN_STAGE = "pain"
PLAN_WAITS_ADVICE = (
    "You said you have back pain, so the warning-sign questions must be answered before any exercise is "
    "suggested: a missing answer is not a 'no'. Answer them and update the assessment; the findings above "
    "stand meanwhile. If one of them applies, see a doctor or physiotherapist first."
)
"""What replaces the plan while :func:`plan_waits_for` is not empty (app, report and JSON alike)."""


def plan_waits_for(answers: AnswersLike, catalog: Catalog | None = None) -> list[Question]:
    """The warning-sign questions still unanswered when a symptom question of :data:`PAIN_STAGE` was
    answered "yes"; empty without pain or once all are answered."""
    catalog = catalog or load_catalog()
    answers = as_answers(answers, catalog)
    pain = any(q.stage == PAIN_STAGE and answers.get(q.id) is True for q in catalog.questions_in("symptom"))
    return [q for q in catalog.questions_in("red_flag") if q.id not in answers] if pain else []
