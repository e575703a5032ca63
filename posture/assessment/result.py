"""The :class:`Assessment` of one person and :func:`assess`, which builds it from photos and answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from posture.assessment.evidence import (
    JumpSession,
    jump_readings,
    jump_reasons,
    measurements_by_view,
    not_assessed_reasons,
    profile_differences,
    sign_readings,
    usable_view,
)
from posture.assessment.joint_views import cues_by_view
from posture.assessment.plan import Plan, build_plan
from posture.assessment.same_person import different_people_warning, find_mismatches
from posture.assessment.scoring import Finding, add_lookalike_notes, held_views, score_imbalance
from posture.assessment.view_weights import CombinedMeasurement, person_measurements
from posture.catalog import PROFILE_DIFFERENCE_PREFIX, Catalog, SignInput, Stage, load_catalog, measure_input
from posture.measures import Measurement
from posture.photo_result import MeasuredPhoto, PhotoResult
from posture.questionnaire import (
    Answers,
    AnswersLike,
    answered_habits,
    as_answers,
    habit_weights,
    plan_waits_for,
    red_flags,
    stage_from_answers,
)
from posture.views import Warning_
from posture.vocabulary import View

# Said once when no jump-rope clip is part of the check, instead of each jump-rope sign under every pattern.
NO_CLIP_NOTE = (
    "No jump-rope clip was part of this check: a clip of you skipping, filmed from the front or back, would add "
    "the left-right checks that only skipping shows."
)
# Why cross-photo comparisons are missing when the photos do not look like one person.
NOT_ONE_PERSON_REASON = "the photos do not look like one person, so they are not compared with each other"


@dataclass(frozen=True)
class Assessment:
    """Everything concluded from one person's photos and answers.

    ``plan`` is None when a red flag was raised: ``advice`` then asks for a clinician first. It is None too
    while ``plan_waits_for`` (the ids of the warning-sign questions left unanswered by someone reporting
    pain) is not empty: :data:`~posture.questionnaire.PLAN_WAITS_ADVICE` says so.
    ``profile_differences`` is left minus right profile for side measures present in both.
    ``warnings`` are person-level remarks with stable codes: ``different_people`` when the photos do
    not look like one person (the profile differences are then left out and ``notes`` says so). They
    join each photo's warnings in the JSON contract rather than the record, which keeps its keys.
    ``measurements`` is the person-level value of each measure, combined over every view that shows it.
    """

    photos: tuple[PhotoResult, ...]
    measurements_by_view: Mapping[View, Mapping[str, Measurement]]
    profile_differences: Mapping[str, float]
    findings: tuple[Finding, ...]
    stage: Stage | None
    red_flags: tuple[str, ...]
    plan: Plan | None
    advice: str
    disclaimer: str
    notes: tuple[str, ...] = ()
    warnings: tuple[Warning_, ...] = ()
    measurements: Mapping[str, CombinedMeasurement] = field(default_factory=lambda: MappingProxyType({}))
    plan_waits_for: tuple[str, ...] = ()

    def finding(self, imbalance_id: str) -> Finding:
        """The finding for one imbalance id (KeyError if none)."""
        for finding in self.findings:
            if finding.imbalance == imbalance_id:
                return finding
        raise KeyError(imbalance_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: design.md's ``findings``, ``stage`` and ``plan`` plus the rest."""
        stage: dict[str, Any] | None = None
        if self.stage is not None:
            stage = {
                "id": self.stage.id,
                "number": self.stage.number,
                "name": self.stage.name,
                "description": self.stage.description,
            }
        return {
            "findings": [finding.to_dict() for finding in self.findings],
            "stage": stage,
            "red_flags": list(self.red_flags),
            "plan": self.plan.to_dict() if self.plan else None,
            "plan_waits_for": list(self.plan_waits_for),
            "advice": self.advice,
            "disclaimer": self.disclaimer,
            "notes": list(self.notes),
            "profile_differences": {key: round(value, 2) for key, value in self.profile_differences.items()},
            "measurements_by_view": {
                str(view): {key: m.to_dict() for key, m in measurements.items()}
                for view, measurements in self.measurements_by_view.items()
            },
            "photos": [
                {"image": p.image, "ok": p.ok, "view": p.view if isinstance(p, MeasuredPhoto) else None}
                for p in self.photos
            ],
        }


def assess(
    photos: Sequence[PhotoResult],
    answers: AnswersLike = None,
    catalog: Catalog | None = None,
    *,
    jump: JumpSession | None = None,
) -> Assessment:
    """Combine the photos of one person (and optional questionnaire answers) into an :class:`Assessment`.

    ``jump`` feeds the catalog's ``jump.`` signs; without it they are simply not read.
    """
    catalog = catalog or load_catalog()
    given_answers = as_answers(answers, catalog)
    usable = [photo for photo in photos if isinstance(photo, MeasuredPhoto) and usable_view(photo) is not None]
    by_view = measurements_by_view(usable)
    cues = cues_by_view(usable)
    readings = sign_readings(by_view, cues)
    reasons = not_assessed_reasons(usable, by_view)
    differences = profile_differences(by_view)
    not_one_person = different_people_warning(find_mismatches(usable))
    if not_one_person is not None:
        for key in [key for key in readings if key.startswith(PROFILE_DIFFERENCE_PREFIX)]:
            del readings[key]
            reasons[key] = NOT_ONE_PERSON_REASON
        differences = {}
    present = {
        SignInput.PHOTO: {view for photo in usable if (view := usable_view(photo)) is not None},
        SignInput.JUMP: {jump.view} if jump is not None else set(),
    }
    if jump is not None:
        readings.update(jump_readings(jump))
        reasons.update(jump_reasons(jump))
    habits = habit_weights(given_answers, catalog)
    held = held_views(usable)
    findings = [
        score_imbalance(imbalance, readings, reasons, present, habits[imbalance.id], catalog, held)
        for imbalance in catalog.imbalances
    ]
    findings = add_lookalike_notes(findings, habits, answered_habits(given_answers, catalog), catalog)
    findings.sort(key=lambda finding: -finding.score)  # stable: ties keep catalog order
    flags = tuple(red_flags(given_answers, catalog))
    stage = stage_from_answers(given_answers, catalog)
    waits_for = () if flags else tuple(question.id for question in plan_waits_for(given_answers, catalog))
    plan = None if flags or waits_for else build_plan(findings, catalog)
    return Assessment(
        photos=tuple(photos),
        measurements_by_view=MappingProxyType({view: MappingProxyType(ms) for view, ms in by_view.items()}),
        profile_differences=MappingProxyType(differences),
        findings=tuple(findings),
        stage=stage,
        red_flags=flags,
        plan=plan,
        advice=catalog.red_flag_advice if flags else (stage.advice if stage else ""),
        disclaimer=catalog.disclaimer,
        notes=_notes(usable, given_answers, catalog, not_one_person, jump is not None),
        warnings=() if not_one_person is None else (not_one_person,),
        measurements=MappingProxyType(person_measurements(by_view, cues=cues)),
        plan_waits_for=waits_for,
    )


def _notes(
    usable: Sequence[MeasuredPhoto],
    answers: Answers,
    catalog: Catalog,
    not_one_person: Warning_ | None,
    with_jump: bool = False,
) -> tuple[str, ...]:
    """What the assessment could not check, in plain words."""
    notes: list[str] = []
    if not_one_person is not None:
        notes.append(
            "Left and right profiles were not compared with each other: the photos do not look like one person."
        )
    if not with_jump and any(
        measure_input(sign.measure) == SignInput.JUMP for imbalance in catalog.imbalances for sign in imbalance.signs
    ):
        notes.append(NO_CLIP_NOTE)
    if not usable and with_jump:
        notes.append("No photo was measured: only the signs a jump-rope video shows were assessed.")
    elif not usable:
        notes.append("No photo could be measured, so no posture sign was assessed.")
    if not len(answers):
        notes.append(
            "The questionnaire was not answered: warning signs and the progression stage were not "
            "checked, and imbalances that look alike in photos could not be ranked."
        )
    elif plan_waits_for(answers, catalog):
        notes.append(
            "You reported back pain but not every warning-sign question was answered: no plan is suggested "
            "until they are."
        )
    elif not any(question.id in answers for question in catalog.questions_in("red_flag")):
        notes.append("The warning-sign questions were not answered: the plan assumes none of them applies.")
    return tuple(notes)


FINDING_KEYS = ("imbalance", "likelihood", "score", "evidence")
"""The keys of a finding in the JSON contract (docs/design.md): the first ones of ``Finding.to_dict()``."""


def findings_json(assessment: Assessment) -> list[dict[str, Any]]:
    """The contract's ``findings`` array of ``assessment``."""
    return [{key: finding.to_dict()[key] for key in FINDING_KEYS} for finding in assessment.findings]
