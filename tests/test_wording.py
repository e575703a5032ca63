"""One assessment read through every surface (report Markdown and PDF, CLI text, photo labels, the Streamlit app)
says the same words: measure names, units, status words, likelihood words, block titles and their order, the
plan's sentences."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest

from posture.annotate import overlay_shapes
from posture.assessment import assess
from posture.catalog import KNEE_VALGUS_DIFFERENCE, PROFILE_DIFFERENCE_PREFIX, load_catalog
from posture.cli import format_text
from posture.findings_text import format_findings
from posture.measures import SPECS
from posture.report import render_markdown, render_pdf
from posture.vocabulary import Block, Likelihood, Status
from posture.wording import (
    MEASURE_NAMES,
    PLAN_ORDER,
    PLAN_ORDER_REASON,
    SESSION_LEAD,
    SHORT_NAMES,
    STATUS_LABELS,
    TIGHT_LEAD,
    WEAK_LEAD,
    block_title,
    bound,
    dose_line,
    evidence_decimals,
    format_value,
    join_words,
    likelihood_label,
    measure_name,
    past_threshold,
    plan_summary,
    session_line,
    short_name,
    status_label,
    unit_symbol,
    verdict,
    view_name,
)
from tests.conftest import EVAL_IMAGES

GENERATED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def flat(text: str) -> str:
    return " ".join(text.split())


def markdown_words(assessment) -> str:
    markdown = render_markdown(assessment, generated_at=GENERATED, embed_images=False)
    return flat(re.sub(r"\\(.)", r"\1", markdown.replace("**", "")))


def pdf_words(assessment) -> str:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(assessment, generated_at=GENERATED)))
    return flat(" ".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def person(one_person_measured):
    """One person's four views assessed together, and that assessment as each surface words it."""
    assessment = assess([one_person_measured[view] for view in ("front", "left", "back", "right")])
    cli = "\n".join([*(format_text(photo) for photo in assessment.photos), format_findings(assessment)])
    labels = {photo.view: [shape.text for shape in overlay_shapes(photo) if shape.text] for photo in assessment.photos}
    return assessment, markdown_words(assessment), pdf_words(assessment), cli, labels


def test_measures_have_one_name_value_and_status_word_everywhere(person):
    assessment, markdown, pdf, cli, labels = person
    statuses = set()
    for photo in assessment.photos:
        for key, m in photo.measurements.items():
            name, value, status = measure_name(key), format_value(m.value, m.unit), status_label(m.status)
            statuses.add(m.status)
            assert f"| {name}" in markdown
            assert f"{value} |" in markdown
            assert f"| {status} |" in markdown
            assert name in pdf
            assert value in pdf
            line = next(line for line in format_text(photo).splitlines() if line.strip().startswith(name))
            assert value in line
            assert f" {status} " in line
            signed = format_value(m.value, m.unit, signed=SPECS[key].signed)
            assert f"{short_name(key)} {signed}" in labels[photo.view]
    assert Status.DEVIATION in statuses, "these photos include a measure outside its normal range"
    shown = STATUS_LABELS[Status.DEVIATION]
    assert shown == "outside normal"
    assert shown in markdown
    assert shown in pdf
    assert shown in cli
    # The JSON code is not what people read.
    assert "| deviation |" not in markdown
    assert " deviation " not in cli


def test_units_are_symbols_everywhere_and_never_the_code_deg(person):
    assessment, _, _, cli, labels = person
    every_label = [text for texts in labels.values() for text in texts]
    assert every_label
    assert all(text.endswith((unit_symbol("deg"), unit_symbol("cm"))) for text in every_label)
    raw = render_markdown(assessment, generated_at=GENERATED, embed_images=False)
    # The measures tables: the rows with a status cell (the glossary quotes its sources as published).
    table_rows = [line for line in raw.splitlines() if any(f"| {label} |" in line for label in STATUS_LABELS.values())]
    # Each photo's table, and with several photos the table of their combined values.
    combined = len(assessment.measurements) if sum(photo.ok for photo in assessment.photos) > 1 else 0
    assert combined
    assert len(table_rows) == sum(len(photo.measurements) for photo in assessment.photos) + combined
    for text in ("\n".join(table_rows), cli, "\n".join(every_label)):
        assert not re.search(r"\d deg\b", text)
        assert "°" in text


def test_plan_blocks_titles_order_and_sentences_agree(person):
    assessment, markdown, pdf, cli, _ = person
    plan = assessment.plan
    titles = [block_title(block) for block in PLAN_ORDER if plan.block(block)]
    assert titles[0] == "1. Strengthen"
    assert len(titles) == 3
    for text in (markdown, pdf, cli):
        positions = [text.index(title) for title in titles]
        assert positions == sorted(positions)
        assert PLAN_ORDER_REASON in flat(text)
    rules = load_catalog().plan
    summary = plan_summary(plan, rules.max_exercises, rules.max_minutes)
    assert summary in markdown
    assert summary in pdf
    assert summary in flat(cli)
    # The order the blocks are shown in is the order of the session.
    assert [item.name for item in plan.session_order()] == [
        item.name for block in PLAN_ORDER for item in plan.block(block)
    ]


def test_findings_use_the_same_likelihood_and_muscle_words(person):
    assessment, markdown, pdf, cli, _ = person
    shown = [finding for finding in assessment.findings if finding.likelihood in ("likely", "possible")]
    assert shown
    for finding in shown:
        assert f"{finding.name}: {verdict(finding)}" in markdown
        assert f"{finding.name}: {verdict(finding)}" in pdf
        assert f"{likelihood_label(finding.likelihood).upper()}" in cli
        assert finding.name in cli
    assert TIGHT_LEAD in markdown
    assert TIGHT_LEAD in pdf


def test_a_plan_of_the_rope_alone_does_not_speak_of_strength_exercises(analysed):
    assessment = assess([analysed["right"]])
    plan = assessment.plan
    assert not plan.block(Block.STRENGTHEN), "this sample shows no imbalance"
    assert not plan.block(Block.MOBILITY)
    for text in (markdown_words(assessment), pdf_words(assessment)):
        assert "strength exercise" not in text
        assert "three strength" not in text
        assert "This session holds 1 cross-training exercise" in text
        assert "1. Strengthen" not in text
        assert block_title(Block.CROSS_TRAIN) in text


def test_names_cover_every_measure_and_derived_key():
    assert set(SPECS) <= set(MEASURE_NAMES)
    assert set(SPECS) <= set(SHORT_NAMES)
    assert KNEE_VALGUS_DIFFERENCE in MEASURE_NAMES
    assert measure_name(PROFILE_DIFFERENCE_PREFIX + "trunk_lean_deg") == "Trunk forward lean, left minus right profile"
    assert [block_title(block) for block in PLAN_ORDER] == ["1. Strengthen", "2. Cross-training", "3. Mobility"]


def test_a_value_that_rounds_to_zero_has_no_sign():
    assert format_value(-0.04, "deg") == "0.0°"
    assert format_value(0.04, "cm", signed=True) == "0.0 cm"
    assert format_value(-0.004, "cm", 2) == "0.00 cm"
    assert format_value(-0.06, "deg") == "-0.1°"
    assert format_value(0.06, "cm", signed=True) == "+0.1 cm"


def test_wording_imports_neither_numpy_nor_streamlit():
    code = "import sys, posture.wording; print(sorted({'numpy', 'streamlit', 'cv2'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


# --- the app -----------------------------------------------------------------------------------------------

APP_VIEWS = ("front", "left", "back", "right")
BADGE = re.compile(r"^:(\w+)-badge\[(.+)\]$")


@pytest.fixture(scope="module")
def app_person(tmp_path_factory):
    """One render subject's four views given to the app (AppTest, real engine, no height), the same photos
    assessed here as the app's photo check analyses them, and that assessment's report words. (The four
    sample photos are four different people, whose cross-photo findings the app rightly leaves out.)"""
    from streamlit.testing.v1 import AppTest

    from posture.analysis import analyze_photo

    root = Path(__file__).resolve().parent.parent
    from posture_app.pages.photo_check import MODEL

    files = [(f"{view}.jpg", (EVAL_IMAGES / f"s001_{view}.jpg").read_bytes()) for view in APP_VIEWS]
    assessment = assess([analyze_photo(data, name=name, model=MODEL) for name, data in files])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POSTURE_DATA_DIR", str(tmp_path_factory.mktemp("history")))
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        at.run()
        at.file_uploader(key="uploads").set_value([(name, data, "image/jpeg") for name, data in files])
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return assessment, at, markdown_words(assessment)


def app_words(at) -> str:
    """What the app's page says, as one flat string (Markdown emphasis and escapes removed)."""
    parts = [
        str(element.value)
        for kind in ("header", "subheader", "markdown", "caption", "info", "warning")
        for element in getattr(at, kind)
    ]
    parts += [f"{metric.label}: {metric.value}" for metric in at.metric]
    return flat(re.sub(r"\\(.)", r"\1", "\n".join(parts).replace("**", "")))


def badges(at) -> list[str]:
    return [match.group(2) for element in at.markdown if (match := BADGE.match(str(element.value)))]


def test_the_app_shows_each_measure_with_the_reports_name_value_and_status_word(app_person):
    assessment, at, markdown = app_person
    assert [photo.view for photo in assessment.photos] == list(APP_VIEWS), "the views are told apart"
    # First the cards of all photos together (several photos were given), then each photo's own.
    cards = [
        (measure_name(key), format_value(person.measurement.value, person.measurement.unit, signed=SPECS[key].signed))
        for key, person in assessment.measurements.items()
    ]
    statuses = [status_label(person.measurement.status) for person in assessment.measurements.values()]
    for photo in assessment.photos:
        for key in SPECS:
            if key in photo.measurements:
                m = photo.measurements[key]
                cards.append((measure_name(key), format_value(m.value, m.unit, signed=SPECS[key].signed)))
                statuses.append(status_label(m.status))
                # The report's row of the same measure: the same name, number, unit and status word.
                assert f"| {measure_name(key)}" in markdown
                assert f"{format_value(m.value, m.unit)} |" in markdown
            elif key in photo.not_assessed:
                cards.append((measure_name(key), "not assessed"))
    assert [(metric.label, metric.value) for metric in at.metric] == cards
    # Measure badges come first on the page, one per measured card, in card order.
    assert badges(at)[: len(statuses)] == statuses
    assert STATUS_LABELS[Status.DEVIATION] in statuses, "these photos include a measure outside its normal range"
    assert " deviation" not in app_words(at)
    # What the app itself formats (cards, their captions, the evidence lines) uses unit symbols; catalog
    # prose is quoted as written.
    formatted = [str(metric.value) for metric in at.metric]
    formatted += [str(c.value) for c in at.caption if str(c.value).startswith("normal ")]
    formatted += [str(m.value) for m in at.markdown if str(m.value).startswith("Signs in your photos")]
    assert len(formatted) > len(at.metric)
    assert not re.search(r"\d deg\b", "\n".join(formatted))
    assert "°" in "\n".join(formatted)
    for photo in assessment.photos:
        assert f"detected {view_name(photo.view)}" in " ".join(str(box.label) for box in at.selectbox)
        assert f"View: {view_name(photo.view)}" in markdown


def test_the_app_ranks_findings_with_the_reports_likelihood_words_and_evidence(app_person):
    assessment, at, markdown = app_person
    every_badge = badges(at)
    measured = len(assessment.measurements) + sum(len(photo.measurements) for photo in assessment.photos)
    assert every_badge[measured:] == [likelihood_label(f.likelihood) for f in assessment.findings]
    shown = [f for f in assessment.findings if f.likelihood in (Likelihood.LIKELY, Likelihood.POSSIBLE)]
    assert shown
    page = app_words(at)
    for finding in shown:
        assert f"{finding.name}: {verdict(finding)}" in markdown
        assert f"Score {finding.score}/100" in page
        for item in finding.evidence:
            value = format_value(item.value, item.unit, evidence_decimals(item.value, item.threshold))
            past = past_threshold(item.direction, bound(item.threshold, item.unit))
            assert f"| {item.label} | {measure_name(item.measure)} | {value} | {past}" in markdown
            # The app writes the same sign, measure, number and threshold as one sentence (a side's value signed).
            signed = format_value(
                item.value,
                item.unit,
                evidence_decimals(item.value, item.threshold),
                signed=item.direction == "abs_above",
            )
            assert f"{item.label}: {measure_name(item.measure)} {signed} ({past}; " in page
            assert signed.lstrip("+") == value
        assert f"{TIGHT_LEAD} {join_words(finding.muscles_tight)}." in page
        assert f"{WEAK_LEAD} {join_words(finding.muscles_weak)}." in page
    assert TIGHT_LEAD in markdown
    assert WEAK_LEAD in markdown


def test_the_app_shows_the_reports_plan_blocks_in_order_and_its_sentences(app_person):
    assessment, at, markdown = app_person
    plan = assessment.plan
    titles = [block_title(block) for block in PLAN_ORDER if plan.block(block)]
    assert len(titles) == 3
    assert [str(h.value) for h in at.subheader if str(h.value) in set(titles)] == titles
    positions = [markdown.index(title) for title in titles]
    assert positions == sorted(positions)
    rules = load_catalog().plan
    page = app_words(at)
    sentences = [
        plan_summary(plan, rules.max_exercises, rules.max_minutes),
        PLAN_ORDER_REASON,
        f"{SESSION_LEAD} {session_line([item.name for item in plan.session_order()], plan.total_minutes)}",
    ]
    sentences += [
        f"{item.name}: {dose_line(item.dose, item.per_week, item.minutes)}"
        for block in PLAN_ORDER
        for item in plan.block(block)
    ]
    for sentence in sentences:
        assert sentence in markdown
        assert sentence in page
    assert "\u00d7 per week" in page
    assert "x a week" not in page


def test_unread_signs_are_said_once_per_reason():
    """A photo-only check misses every jump-rope sign for one reason: one line, not one per sign."""
    from posture.wording import JUMP_PREFIX, measure_name
    from posture.wording_jump import INCONCLUSIVE_REASON, unread_by_reason

    no_clip = "no jump-rope video filmed from the front or back was given"
    unread = {
        f"{JUMP_PREFIX}hand_circle_si_pct": no_clip,
        "pelvic_tilt_deg": "not measured on the photos given",
        f"{JUMP_PREFIX}landing_depth_diff_cm": no_clip,
    }
    unread[f"{JUMP_PREFIX}hand_phase_lead_ms"] = f"{INCONCLUSIVE_REASON} (front video)"
    assert unread_by_reason(unread) == [
        (
            "Not assessed",
            f"{measure_name(f'{JUMP_PREFIX}hand_circle_si_pct')} and "
            f"{measure_name(f'{JUMP_PREFIX}landing_depth_diff_cm')}",
            no_clip,
        ),
        ("Not assessed", measure_name("pelvic_tilt_deg"), "not measured on the photos given"),
        # measured, but its band straddles the threshold: undecided, not missing
        ("Can't tell yet", measure_name(f"{JUMP_PREFIX}hand_phase_lead_ms"), f"{INCONCLUSIVE_REASON} (front video)"),
    ]
