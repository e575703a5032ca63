"""One assessment read through every surface of the library (Markdown, PDF, CLI text, photo labels) says the
same words: measure names, units, status words, block titles and their order, the plan's sentences."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import UTC, datetime

import pypdf
import pytest

from posture.annotate import overlay_shapes
from posture.assessment import assess
from posture.catalog import KNEE_VALGUS_DIFFERENCE, PROFILE_DIFFERENCE_PREFIX, load_catalog
from posture.cli import format_findings, format_text
from posture.measures import SPECS
from posture.report import render_markdown, render_pdf
from posture.vocabulary import Block, Status
from posture.wording import (
    MEASURE_NAMES,
    PLAN_ORDER,
    PLAN_ORDER_REASON,
    SHORT_NAMES,
    STATUS_LABELS,
    TIGHT_LEAD,
    block_title,
    format_value,
    likelihood_label,
    measure_name,
    plan_summary,
    short_name,
    status_label,
    unit_symbol,
    verdict,
)

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
def person(analysed):
    """One person's four views assessed together, and that assessment as each surface words it."""
    assessment = assess([analysed[view] for view in ("front", "left", "back", "right")])
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
    assert Status.DEVIATION in statuses, "the samples include a measure outside its normal range"
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
    table_rows = [line for line in raw.splitlines()
                  if any(f"| {label} |" in line for label in STATUS_LABELS.values())]
    assert len(table_rows) == sum(len(photo.measurements) for photo in assessment.photos)
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
        item.name for block in PLAN_ORDER for item in plan.block(block)]


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


def test_wording_imports_neither_numpy_nor_streamlit():
    code = "import sys, posture.wording; print(sorted({'numpy', 'streamlit', 'cv2'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
