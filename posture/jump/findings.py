"""A jump-rope session as evidence for the imbalance catalog, and the weaker side it names.

The catalog's ``jump.<key>`` signs read a session through :func:`assessment_input`: a left-right
measure counts only with a verdict (``asymmetric`` or ``symmetric``, thresholds.toml); an
``inconclusive`` one is passed as not assessed, so it is neither evidence nor taken as normal.
:func:`assess_with_jump` gives ONE assessment of a person's photos and their clip, and marks the
plan's one-sided exercises to start with the weaker side when the clip names one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from posture.assessment import Assessment, JumpSession, PlanItem, assess
from posture.assessment.plan import Plan, PlanBlock
from posture.catalog import Catalog
from posture.jump.session import JumpSession as MeasuredSession
from posture.jump.summary import Measurement
from posture.photo_result import PhotoResult
from posture.questionnaire import AnswersLike
from posture.vocabulary import View
from posture.wording_jump import INCONCLUSIVE_REASON

VERDICT_STATUSES = ("asymmetric", "symmetric")
# The imbalance whose plan items are one-sided and can start with the weaker side.
UNILATERAL = "unilateral"
# Leg measures that name a weaker side when asymmetric, with the side a positive value names:
# a deeper landing sink (+ = the left sinks more: it lands heavier) and a lower foot clearance
# (+ = the left lifts higher, so the right is the weaker).
WEAKER_WHEN_POSITIVE = {"landing_depth_diff_cm": "left", "foot_clearance_si_pct": "right"}


class MeasuredClip(Protocol):
    """What the assessment reads of a clip's analysis (a ``posture.jump.engine.JumpAnalysis``): its session.

    A protocol rather than the engine's class, because the engine's JSON carries the clip's findings
    from this module."""

    @property
    def session(self) -> MeasuredSession: ...


@dataclass(frozen=True)
class WeakerSide:
    """The side the clip shows as weaker (``left``/``right``) and the measures that say so."""

    side: str
    measures: tuple[str, ...]


def assessment_input(view: str, measurements: dict[str, Measurement]) -> JumpSession:
    """The session's measures as the assessment reads them (see the module docstring)."""
    values: dict[str, tuple[float, float]] = {}
    reasons: dict[str, str] = {}
    for key, measurement in measurements.items():
        if measurement.value is None or measurement.status == "not_assessed":
            reasons[key] = measurement.reason or "not measured"
        elif measurement.status == "inconclusive":
            reasons[key] = INCONCLUSIVE_REASON
        else:
            values[key] = (measurement.value, measurement.confidence)
    return JumpSession(view=View(view), values=values, not_assessed=reasons)


def weaker_side(measurements: dict[str, Measurement]) -> WeakerSide | None:
    """The side the asymmetric leg measures agree on as weaker; None when none, or when they disagree."""
    named: dict[str, list[str]] = {}
    for key, positive_side in WEAKER_WHEN_POSITIVE.items():
        measurement = measurements.get(key)
        if measurement is None or measurement.status != "asymmetric" or measurement.value is None:
            continue
        other = "right" if positive_side == "left" else "left"
        named.setdefault(positive_side if measurement.value > 0 else other, []).append(key)
    if len(named) != 1:
        return None
    side, keys = next(iter(named.items()))
    return WeakerSide(side, tuple(keys))


def assess_with_jump(
    photos: Sequence[PhotoResult], analysis: MeasuredClip, answers: AnswersLike = None, catalog: Catalog | None = None
) -> Assessment:
    """One assessment of one person from their photos (may be none) and their jump-rope clip."""
    session = analysis.session
    assessment = assess(photos, answers, catalog, jump=assessment_input(session.view, session.measurements))
    weaker = weaker_side(session.measurements)
    if assessment.plan is None or weaker is None:
        return assessment
    return dataclasses.replace(assessment, plan=weaker_side_first(assessment.plan, weaker))


def weaker_side_first(plan: Plan, weaker: WeakerSide) -> Plan:
    """``plan`` with every one-sided item (those serving the left-right imbalance) marked to start with
    the weaker side, the order the seed article advises. The jump rope itself serves every finding
    and is two-sided, so it is left as it is."""

    def marked(item: PlanItem) -> PlanItem:
        if UNILATERAL in item.serves and not item.phases:
            return dataclasses.replace(item, first_side=weaker.side, first_side_measures=weaker.measures)
        return item

    blocks = tuple(PlanBlock(block.block, tuple(marked(item) for item in block.items)) for block in plan.blocks)
    return dataclasses.replace(plan, blocks=blocks, deferred=tuple(marked(item) for item in plan.deferred))


def clip_assessment(session: MeasuredSession) -> Assessment:
    """The assessment of the clip alone (no photos, no answers): what a jump result's ``findings`` show."""
    return assess([], jump=assessment_input(session.view, session.measurements))
