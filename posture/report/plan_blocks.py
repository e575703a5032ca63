"""The report's assessment part: the findings with their evidence, the progression stage, the corrective
plan (or the clinician advice that replaces it)."""

from __future__ import annotations

from posture.assessment import Assessment, Finding, Plan, PlanItem, SignEvidence
from posture.catalog import load_catalog
from posture.photo_result import MeasuredPhoto
from posture.questionnaire import PLAN_WAITS_ADVICE
from posture.report.blocks import Block, Bullets, Heading, Table, Text
from posture.vocabulary import Likelihood
from posture.wording import (
    MOVED_BY_HAND,
    PLAN_ORDER,
    PLAN_ORDER_REASON,
    SESSION_LEAD,
    TIGHT_LEAD,
    WEAK_LEAD,
    block_title,
    bound,
    dose_line,
    evidence_source,
    evidence_value_text,
    measure_name,
    past_threshold,
    percent,
    plan_summary,
    session_line,
    verdict,
)
from posture.wording_jump import unread_by_reason, weaker_side_first


def red_flag_blocks(assessment: Assessment, heading: str) -> list[Block]:
    """The clinician advice and the warning signs that triggered it."""
    return [
        Heading(2, heading),
        Text(assessment.advice, kind="alert"),
        Bullets(tuple(("", flag) for flag in assessment.red_flags)),
    ]


def findings_section(assessment: Assessment, sources: str = "the photos") -> list[Block]:
    """The findings; ``sources`` names what was read (see :func:`posture.wording.evidence_sources`)."""
    blocks: list[Block] = [
        Heading(2, "Findings"),
        Text(
            f"Each score (0-100) says how strongly {sources}, and your answers if given, point to a pattern "
            "that is commonly associated with these posture signs. Associations, not causes.",
            kind="note",
        ),
        Bullets(tuple((f"{finding.name}:", verdict(finding)) for finding in assessment.findings)),
    ]
    moved = _hand_moved_measures(assessment)
    for finding in assessment.findings:
        blocks += _finding_blocks(finding, moved)
    return blocks


def _hand_moved_measures(assessment: Assessment) -> set[tuple[str, str]]:
    """(view, measure key) of every value resting on a landmark moved by hand."""
    return {
        (photo.view, key)
        for photo in assessment.photos
        if isinstance(photo, MeasuredPhoto) and photo.hand_moves
        for key in photo.hand_moves.measures
    }


def _finding_blocks(finding: Finding, moved: set[tuple[str, str]]) -> list[Block]:
    """One finding: verdict, explanation, the evidence table and what could not be read."""
    blocks: list[Block] = [Heading(3, f"{finding.name}: {verdict(finding)}")]
    blocks.append(Text(finding.explanation))
    if finding.evidence:
        rows = tuple(
            _evidence_row(item, any((view, item.measure) in moved for view in item.views)) for item in finding.evidence
        )
        blocks.append(
            Table(("Sign", "Measure", "Value", "Threshold", "Seen in", "Confidence"), rows, (17, 26, 10, 21, 14, 12))
        )
    if finding.checked:
        names = ", ".join(measure_name(key) for key in finding.checked)
        blocks.append(Text(names, lead="Measured and inside the thresholds:"))
    if finding.not_assessed:
        blocks.append(
            Bullets(
                tuple((f"{lead}, {names}:", reason) for lead, names, reason in unread_by_reason(finding.not_assessed))
            )
        )
    if finding.missing_views_note:
        blocks.append(Text(finding.missing_views_note, lead="Missing views:"))
    if finding.note:
        blocks.append(Text(finding.note, lead="Note:"))
    if finding.likelihood in (Likelihood.POSSIBLE, Likelihood.LIKELY):
        blocks.append(Text(", ".join(finding.muscles_tight), lead=TIGHT_LEAD))
        blocks.append(Text(", ".join(finding.muscles_weak), lead=WEAK_LEAD))
    if finding.caveat:
        blocks.append(Text(finding.caveat, kind="note"))
    return blocks


def _evidence_row(item: SignEvidence, hand_moved: bool = False) -> tuple[str, ...]:
    threshold = (
        f"{past_threshold(item.direction, bound(item.threshold, item.unit))} "
        f"(strong {past_threshold(item.direction, bound(item.strong_threshold, item.unit))})"
    )
    value = evidence_value_text(item.value, item.unit, item.threshold, item.direction)
    name = measure_name(item.measure) + (f" ({MOVED_BY_HAND})" if hand_moved else "")
    return (item.label, name, value, threshold, evidence_source(item.measure, item.views), percent(item.confidence))


# Stage and plan -----------------------------------------------------------------------------------


def stage_section(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Progression stage")]
    stage = assessment.stage
    if stage is None:
        blocks.append(
            Text(
                "The symptom questions were not (all) answered, so the stage is unknown. Photos cannot show it.",
                lead="Not answered.",
            )
        )
        return blocks
    total = len(load_catalog().stages)
    blocks.append(Text(stage.description, lead=f"Stage {stage.number} of {total}: {stage.name}."))
    blocks.append(Text(stage.advice))
    return blocks


def plan_section(assessment: Assessment) -> list[Block]:
    """The plan block by block, the clinician advice instead when a red flag was raised, or the warning-sign
    questions still to answer when pain was reported."""
    if assessment.plan_waits_for:
        texts = {question.id: question.text for question in load_catalog().questions}
        return [
            Heading(2, "Corrective plan: answer the warning-sign questions first"),
            Text(PLAN_WAITS_ADVICE, kind="alert"),
            Bullets(tuple(("", texts.get(qid, qid)) for qid in assessment.plan_waits_for)),
        ]
    if assessment.plan is None:
        return red_flag_blocks(assessment, "Corrective plan: not suggested")
    plan = assessment.plan
    names = {finding.imbalance: finding.name for finding in assessment.findings}
    rules = load_catalog().plan
    summary = plan_summary(plan, rules.max_exercises, rules.max_minutes)
    blocks: list[Block] = [
        Heading(2, "Corrective plan"),
        Text(summary, kind="note"),
        Text(PLAN_ORDER_REASON, kind="note"),
    ]
    if plan.note:
        blocks.append(Text(plan.note))
    for block in PLAN_ORDER:
        items = plan.block(block)
        if items:
            blocks.append(Heading(3, block_title(block)))
            for item in items:
                blocks += _plan_item_blocks(item, names)
    return blocks + _session_blocks(plan)


def _plan_item_blocks(item: PlanItem, names: dict[str, str]) -> list[Block]:
    """Name, dose, how-to and the findings served; the rope adds its phases and what to watch."""
    blocks: list[Block] = [
        Text(dose_line(item.dose, item.per_week, item.minutes), lead=f"{item.name}:"),
        Text(item.how_to),
    ]
    if item.serves:
        blocks.append(Text(", ".join(names.get(i, i) for i in item.serves), lead="For:", kind="note"))
    if item.first_side is not None:
        blocks.append(Text(weaker_side_first(item.first_side, item.first_side_measures), lead="Weaker side first:"))
    if item.phases:
        rows = tuple((phase.name, phase.rope, phase.dose, phase.goal) for phase in item.phases)
        blocks.append(Table(("Phase", "Rope", "Dose", "Goal"), rows, (14, 16, 26, 44)))
    if item.watch:
        blocks.append(Text("What to watch while skipping (film a round from the front):"))
        blocks.append(Bullets(tuple((f"{point.what}:", point.suggests) for point in item.watch)))
    return blocks


def _session_blocks(plan: Plan) -> list[Block]:
    names = [item.name for item in plan.session_order()]
    blocks: list[Block] = [Text(session_line(names, plan.total_minutes), lead=SESSION_LEAD)]
    if plan.deferred:
        deferred = ", ".join(item.name for item in plan.deferred)
        blocks.append(Text(deferred, lead="Also useful, left out to keep the session short:", kind="note"))
    return blocks
