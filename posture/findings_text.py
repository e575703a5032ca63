"""The findings, profile differences and plan of an assessment as plain text: both commands print it."""

from __future__ import annotations

from posture.assessment import Assessment
from posture.catalog import load_catalog, measure_unit
from posture.vocabulary import Likelihood
from posture.wording import (
    PLAN_ORDER,
    PLAN_ORDER_REASON,
    PROFILE_DIFFERENCE_PREFIX,
    block_title,
    format_value,
    likelihood_label,
    measure_name,
    plan_summary,
)
from posture.wording_jump import weaker_side_first


def format_findings(assessment: Assessment) -> str:
    """The findings, profile differences and plan of an assessment, for the text output."""
    lines = [f"  ! {warning.message}" for warning in assessment.warnings]
    for key, difference in assessment.profile_differences.items():
        name = measure_name(PROFILE_DIFFERENCE_PREFIX + key)
        lines.append(f"  {name}: {format_value(difference, measure_unit(key), signed=True)}")
    shown = [
        finding for finding in assessment.findings if finding.likelihood in (Likelihood.POSSIBLE, Likelihood.LIKELY)
    ]
    for finding in shown:
        evidence = "; ".join(measure_name(item.measure) for item in finding.evidence)
        lines.append(
            f"  {likelihood_label(finding.likelihood).upper():<8} {finding.name} (score {finding.score}: {evidence})"
        )
        if finding.note:
            lines.append(f"           {finding.note}")
    if assessment.plan is not None and shown:
        lines.append("  plan, in session order:")
        for block in PLAN_ORDER:
            items = assessment.plan.block(block)
            if items:
                lines.append(f"    {block_title(block)}: {', '.join(item.name for item in items)}")
        rules = load_catalog().plan
        lines.append(f"    {plan_summary(assessment.plan, rules.max_exercises, rules.max_minutes)}")
        first = next((item for item in assessment.plan.items if item.first_side is not None), None)
        if first is not None and first.first_side is not None:
            names = ", ".join(item.name for item in assessment.plan.items if item.first_side is not None)
            lines.append(f"    {names}: {weaker_side_first(first.first_side, first.first_side_measures)}")
        lines.append(f"    {PLAN_ORDER_REASON}")
    if lines:
        return "\n".join(lines)
    if all(f.likelihood == Likelihood.NOT_ASSESSED for f in assessment.findings):
        return "  no imbalance could be judged: nothing on the photo was measurable"
    return "  no imbalance signs beyond the normal ranges"
