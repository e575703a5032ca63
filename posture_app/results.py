"""The photo check's results below the photos: findings, questionnaire, stage and plan, downloads, saving."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from posture import report
from posture.assessment import Assessment, Finding, Plan
from posture.catalog import load_catalog
from posture.history import HistoryError, HistoryStore, default_database_path
from posture.history.record import build_record, fingerprint, record_of
from posture.jump.engine import JumpAnalysis
from posture.questionnaire import PLAN_WAITS_ADVICE
from posture.vocabulary import Likelihood
from posture.wording import (
    PLAN_ORDER,
    PLAN_ORDER_REASON,
    SESSION_LEAD,
    TIGHT_LEAD,
    WEAK_LEAD,
    block_title,
    dose_line,
    join_words,
    likelihood_label,
    measure_name,
    percent,
    plan_summary,
    session_line,
)
from posture.wording_jump import unread_by_reason, weaker_side_first
from posture_app import present
from posture_app.guards import guarded_callback, safe_download
from posture_app.person import Profile
from posture_app.session import ANSWERS_KEY, SAVED_KEY

LOG = logging.getLogger("posture_app")
YES_NO: dict[bool | None, str] = {None: "Not answered", True: "Yes", False: "No"}


@dataclass(frozen=True)
class FindingWords:
    """How the findings name what they were read from: the photos (the photo page) or a jump-rope clip,
    with or without photos (the jump page)."""

    title: str = "What the photos point to"
    signs_in: str = "your photos"
    """``Signs in {signs_in} commonly associated with this pattern``."""
    score_part: str = "photos"
    """``Score 60/100 ({score_part} 55, habits +5)``."""
    coverage_of: str = "its photo signs"
    read_from: str = "these photos"
    """``None of its signs could be read from {read_from}``; ``stands out in {read_from}``."""


PHOTO_WORDS = FindingWords()


@dataclass(frozen=True)
class ReportFiles:
    """The names a page's report downloads go by: file names ``{stem}.pdf/.md/.json``, widget keys
    ``{key_prefix}_pdf/_md/_json``."""

    stem: str = "posture-report"
    key_prefix: str = "dl"


def finding_card(finding: Finding, words: FindingWords = PHOTO_WORDS) -> None:
    with st.container(border=True):
        title, badge = st.columns([5, 1])
        title.markdown(f"**{finding.name}**")
        with badge:
            st.badge(likelihood_label(finding.likelihood), color=present.LIKELIHOOD_COLOURS[finding.likelihood])
        habits = f", habits +{finding.score - finding.photo_score}" if finding.score != finding.photo_score else ""
        st.caption(
            f"Score {finding.score}/100 ({words.score_part} {finding.photo_score}{habits}) · "
            f"{percent(finding.coverage)} of {words.coverage_of} could be read"
        )
        if finding.evidence:
            st.markdown(
                f"Signs in {words.signs_in} **commonly associated with** this pattern:\n"
                + "\n".join(f"- {present.evidence_line(item)}" for item in finding.evidence)
            )
        elif finding.likelihood == Likelihood.NOT_ASSESSED:
            st.markdown(f"None of its signs could be read from {words.read_from}.")
        else:
            st.markdown(f"None of {words.coverage_of} passed their thresholds.")
        if finding.checked:
            st.caption(
                "Checked and within the usual range: "
                + join_words([measure_name(key) for key in finding.checked])
                + "."
            )
        for lead, names, reason in unread_by_reason(finding.not_assessed):
            st.caption(f"{lead}: {names}: {reason}.")
        if finding.missing_views_note:
            st.caption(finding.missing_views_note)
        if finding.note:
            st.info(finding.note, icon=":material/help:")
        with st.expander("About this pattern"):
            st.markdown(finding.explanation)
            if finding.muscles_tight:
                st.markdown(f"{TIGHT_LEAD} {join_words(finding.muscles_tight)}.")
            if finding.muscles_weak:
                st.markdown(f"{WEAK_LEAD} {join_words(finding.muscles_weak)}.")
            st.caption(finding.caveat)


def findings_section(assessment: Assessment, words: FindingWords = PHOTO_WORDS) -> None:
    st.header(words.title)
    st.caption(
        f"Each pattern below is ranked by how strongly the posture signs in {words.signs_in} (and your answers) "
        "are commonly associated with it. These are associations to check, not diagnoses."
    )
    for warning in assessment.warnings:
        st.warning(warning.message, icon=":material/group:")
    shown = [
        finding for finding in assessment.findings if finding.likelihood in (Likelihood.LIKELY, Likelihood.POSSIBLE)
    ]
    others = [finding for finding in assessment.findings if finding not in shown]
    if not shown:
        st.success(f"None of the five patterns stands out in {words.read_from}.", icon=":material/check_circle:")
    for finding in shown:
        finding_card(finding, words)
    if others:
        names = join_words([f"{f.name} ({likelihood_label(f.likelihood)})" for f in others])
        with st.expander(f"Other patterns checked: {len(others)}"):
            st.caption(names)
            for finding in others:
                finding_card(finding, words)
    for note in assessment.notes:
        st.caption(note)


@guarded_callback("reading the answers")
def _on_answers(question_ids: Sequence[str]) -> None:
    answers = {}
    for question_id in question_ids:
        value = st.session_state.get(f"q_{question_id}")
        if value is not None:
            answers[question_id] = value
    st.session_state[ANSWERS_KEY] = answers


@guarded_callback("clearing the answers")
def _on_clear_answers(question_ids: Sequence[str]) -> None:
    for question_id in question_ids:
        st.session_state[f"q_{question_id}"] = None
    st.session_state[ANSWERS_KEY] = {}


def questionnaire() -> None:
    catalog = load_catalog()
    ids = [question.id for question in catalog.questions]
    st.header("A few questions")
    st.caption(
        "Optional. Training habits rank the patterns that look alike in photos; symptoms place you on the "
        "progression; warning signs decide whether a plan is safe to suggest. Nothing leaves this computer."
    )
    sections = (("habit", "Training habits"), ("symptom", "Symptoms"), ("red_flag", "Warning signs"))
    with st.form("questionnaire"):
        for category, heading in sections:
            st.markdown(f"**{heading}**")
            columns = st.columns(2)
            for number, question in enumerate(catalog.questions_in(category)):
                key = f"q_{question.id}"
                column = columns[number % 2]
                if question.kind == "number":
                    column.number_input(
                        f"{question.text} ({question.unit})" if question.unit else question.text,
                        min_value=question.minimum,
                        max_value=question.maximum,
                        value=None,
                        step=1.0,
                        key=key,
                        placeholder="not answered",
                    )
                elif question.kind == "yesno":
                    column.selectbox(question.text, list(YES_NO), key=key, format_func=YES_NO.__getitem__)
                else:
                    labels: dict[str | None, str] = {None: "Not answered"}
                    labels.update((option.value, option.label) for option in question.options)
                    column.selectbox(question.text, list(labels), key=key, format_func=labels.__getitem__)
        submit, clear = st.columns(2)
        with submit:
            st.form_submit_button(
                "Update the assessment", type="primary", key="answers_submit", on_click=_on_answers, args=(ids,)
            )
        with clear:
            st.form_submit_button("Clear answers", key="answers_clear", on_click=_on_clear_answers, args=(ids,))


def stage_and_plan(assessment: Assessment) -> None:
    """The stage, then the plan, or the advice to see a clinician first when a warning sign was answered,
    or the warning-sign questions still to answer when pain was reported."""
    stage_section(assessment)
    if assessment.red_flags:
        red_flag_section(assessment)
    elif assessment.plan_waits_for:
        plan_waits_section(assessment)
    elif assessment.plan is not None:
        plan_section(assessment.plan)


def plan_waits_section(assessment: Assessment) -> None:
    st.header("Your corrective plan: answer the warning-sign questions first")
    texts = {question.id: question.text for question in load_catalog().questions}
    still = "\n".join(f"- {texts.get(qid, qid)}" for qid in assessment.plan_waits_for)
    st.warning(f"{PLAN_WAITS_ADVICE}\n\nStill to answer:\n{still}", icon=":material/quiz:")


def stage_section(assessment: Assessment) -> None:
    st.header("Stage")
    stages = load_catalog().stages
    if assessment.stage is None:
        names = ", ".join(stage.name.lower() for stage in stages)
        st.caption(
            f"Answer the symptom questions to see where you are on the {len(stages)}-stage progression "
            f"({names}). A photo cannot tell this."
        )
        return
    stage = assessment.stage
    st.markdown(f"**Stage {stage.number} of {len(stages)}: {stage.name}**. {stage.description}")
    if assessment.advice and not assessment.red_flags:
        st.info(assessment.advice)


def plan_section(plan: Plan) -> None:
    st.header("Your corrective plan")
    catalog = load_catalog()
    st.caption(f"{plan_summary(plan, catalog.plan.max_exercises, catalog.plan.max_minutes)} {PLAN_ORDER_REASON}")
    if plan.note:
        st.info(plan.note)
    names = catalog.imbalance_names
    for block in PLAN_ORDER:
        items = plan.block(block)
        if not items:
            continue
        st.subheader(block_title(block))
        for item in items:
            with st.container(border=True):
                st.markdown(f"**{item.name}**: {dose_line(item.dose, item.per_week, item.minutes)}")
                st.markdown(item.how_to)
                if item.serves:
                    st.caption("For: " + join_words([names.get(i, i) for i in item.serves]))
                if item.first_side is not None:
                    st.info(weaker_side_first(item.first_side, item.first_side_measures), icon=":material/swap_horiz:")
                if item.phases:
                    st.dataframe(
                        pd.DataFrame(
                            [{"Phase": p.name, "Rope": p.rope, "Dose": p.dose, "Goal": p.goal} for p in item.phases]
                        ),
                        hide_index=True,
                        width="stretch",
                    )
                if item.watch:
                    st.markdown(
                        "What to watch while skipping:\n" + "\n".join(f"- {w.what}: {w.suggests}" for w in item.watch)
                    )
    order = [item.name for item in plan.session_order()]
    st.markdown(f"**{SESSION_LEAD}** {session_line(order, plan.total_minutes)}")
    if plan.deferred:
        st.caption(
            "Did not fit this session (rotate them in later): "
            + join_words([item.name for item in plan.deferred])
            + "."
        )


def red_flag_section(assessment: Assessment) -> None:
    st.header("See a clinician first")
    st.error(
        "\n".join(f"- {flag}" for flag in assessment.red_flags) + f"\n\n{assessment.advice}",
        icon=":material/medical_services:",
    )


def downloads(
    assessment: Assessment,
    profile: Profile,
    *,
    jump: JumpAnalysis | None = None,
    files: ReportFiles = ReportFiles(),
) -> None:
    """PDF, Markdown and JSON of the assessment; ``jump``: the jump-rope clip it includes, which adds the
    report's jump-rope section and the clip's object to the JSON (:func:`report_json`)."""
    st.header("Report")
    label = profile.label or ""  # none given: the report names no one
    pdf, markdown, data = st.columns(3)
    with pdf:
        st.download_button(
            "Download PDF",
            safe_download(lambda: report.render_pdf(assessment, person_label=label, jump=jump), "PDF report"),
            file_name=f"{files.stem}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key=f"{files.key_prefix}_pdf",
        )
    with markdown:
        st.download_button(
            "Download Markdown",
            safe_download(lambda: report.render_markdown(assessment, person_label=label, jump=jump), "Markdown report"),
            file_name=f"{files.stem}.md",
            mime="text/markdown",
            on_click="ignore",
            key=f"{files.key_prefix}_md",
        )
    with data:
        st.download_button(
            "Download JSON",
            safe_download(lambda: report_json(assessment, jump), "JSON data"),
            file_name=f"{files.stem}.json",
            mime="application/json",
            on_click="ignore",
            key=f"{files.key_prefix}_json",
        )
    st.caption(assessment.disclaimer)


def report_json(assessment: Assessment, jump: JumpAnalysis | None = None) -> str:
    """The JSON download: the photos' contract, or with more than one photo measured the ``--one-person``
    object (the photos and the combined values the findings rest on); with a clip, the clip's object of
    docs/jump-rope.md alone, or with photos the ``--one-person --jump`` object (the photos, the combined result
    and the clip). Non-finite numbers become null, as JSON has none."""
    if jump is None:
        several = sum(photo.ok for photo in assessment.photos) > 1
        data: object = report.one_person_json(assessment) if several else report.contract_json(assessment)
    elif assessment.photos:
        data = report.one_person_json(assessment, jump)
    else:
        data = report.clip_json(assessment, jump)
    return json.dumps(report.finite_json(data), indent=2, ensure_ascii=False)


def save_section(assessment: Assessment, profile: Profile) -> None:
    """Save to history; "Saved as #n" stays only while a save would store exactly that again.

    The fingerprint covers the whole record, the note included: a note edited after saving is not in
    the saved copy, so the message goes away until the person saves again.
    """
    st.header("Save to history")
    st.caption(
        f"Saved only on this computer, in {present.plain(default_database_path())}. Nothing is written "
        "unless you press Save."
    )
    note = st.text_area("Notes (optional)", key="save_note", max_chars=2000).strip()
    answers = st.session_state.get(ANSWERS_KEY) or {}
    last_save = st.session_state.get(SAVED_KEY)
    current = fingerprint(record_of(assessment, person=profile.person, note=note, answers=answers), profile.label)
    # Saving the very same assessment again would only add a second, identical row to the history.
    already_saved = bool(last_save) and last_save[1] == current
    if st.button("Save to history", type="primary", key="save", disabled=already_saved):
        record, thumbnails, annotated = build_record(assessment, person=profile.person, note=note, answers=answers)
        try:
            saved_id = HistoryStore().save(record, thumbnails, label=profile.label, annotated_thumbnails=annotated)
        except HistoryError as error:
            LOG.warning("saving failed: %s", error)
            st.error(
                f"**The assessment was not saved.** {present.plain(error)}. Your results stay on this page and "
                f"nothing was changed in the history file; {present.save_failure_advice(error)}."
            )
            return
        st.session_state[SAVED_KEY] = (saved_id, fingerprint(record, profile.label))
        st.rerun()  # drawn again with the button off and the notice on
    if already_saved and last_save:
        st.success(f"Saved as assessment #{last_save[0]}. Open the History page to compare it with earlier ones.")
