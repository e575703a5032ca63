"""Everything the report says, in order: the header, the photos, the jump-rope clip, the findings, the
stage, the plan and the closing note, each part built by its own module."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from posture.assessment import Assessment
from posture.report.blocks import DEFAULT_TITLE, Block, Bullets, Heading, Text, one_line
from posture.report.jump_blocks import jump_section
from posture.report.photo_blocks import photo_section, profile_section
from posture.report.plan_blocks import findings_section, plan_section, red_flag_blocks, stage_section
from posture.wording import evidence_sources

if TYPE_CHECKING:
    from posture.jump.engine import JumpAnalysis


def report_blocks(
    assessment: Assessment,
    *,
    title: str = DEFAULT_TITLE,
    person_label: str = "",
    generated_at: datetime | None = None,
    images: bool = True,
    jump: JumpAnalysis | None = None,
) -> list[Block]:
    """Everything the report says, in order, as plain blocks (``images``: include annotated photos and
    charts). ``jump``: the jump-rope clip ``assessment`` was made with (posture.jump.findings.assess_with_jump),
    shown in its own section."""
    generated_at = generated_at or datetime.now().astimezone()
    blocks: list[Block] = [*_header(assessment, title, person_label, generated_at, jump)]
    if assessment.red_flags:
        blocks += red_flag_blocks(assessment, "See a clinician first")
    if assessment.photos or jump is None:
        blocks += photo_section(assessment, images)
    if jump is not None:
        blocks += jump_section(jump, charts=images)
    blocks += profile_section(assessment)
    blocks += findings_section(assessment, evidence_sources(bool(assessment.photos), jump is not None))
    blocks += stage_section(assessment)
    blocks += plan_section(assessment)
    blocks += _closing_section(assessment)
    return blocks


def _header(
    assessment: Assessment, title: str, person_label: str, generated_at: datetime, jump: JumpAnalysis | None
) -> list[Block]:
    measured = sum(photo.ok for photo in assessment.photos)
    blocks: list[Block] = [Heading(1, one_line(title) or DEFAULT_TITLE)]
    if one_line(person_label):
        blocks.append(Text(one_line(person_label), lead="Person:"))
    blocks.append(Text(generated_at.strftime("%Y-%m-%d %H:%M"), lead="Generated:"))
    if assessment.photos or jump is None:
        blocks.append(Text(f"{len(assessment.photos)} ({measured} measured)", lead="Photos:"))
    if jump is not None:
        blocks.append(Text(one_line(jump.file), lead="Jump-rope clip:"))
    screened = "photos" if jump is None else evidence_sources(bool(assessment.photos), True)
    blocks.append(
        Text(f"An educational screening from {screened}, not a diagnosis. Read the note at the end.", kind="note")
    )
    return blocks


def _closing_section(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = []
    if assessment.notes:
        blocks += [Heading(2, "Notes"), Bullets(tuple(("", note) for note in assessment.notes))]
    blocks += [Heading(2, "About this report"), Text(assessment.disclaimer)]
    return blocks
