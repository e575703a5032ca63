"""The report of a real assessment: JSON contract, Markdown and PDF, from the sample photos run through the engine."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest

from posture.assessment import assess
from posture.catalog import load_catalog
from posture.fonts import fallback_font
from posture.measures import SPECS, typical_error
from posture.report import (
    COMBINED_HEADING,
    COMBINED_NOTE,
    contract_json,
    measure_value_text,
    pdf_text,
    render_markdown,
    render_pdf,
)
from posture.wording import (
    MEASURE_NAMES,
    evidence_decimals,
    format_range,
    format_value,
    measure_name,
    status_label,
    verdict,
)
from tests.pose_fixtures import measured_from_fixture, refused

pytestmark = pytest.mark.model_free

ROOT = Path(__file__).resolve().parent.parent
GENERATED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
UNICODE_LABEL = "Zoë Ødegård 👍"
INJECTION_LABEL = "<script>alert(1)</script> **x**"
OK_KEYS = {
    "image",
    "ok",
    "error",
    "view",
    "view_confidence",
    "person",
    "warnings",
    "measurements",
    "not_assessed",
    "findings",
    "stage",
    "plan",
    "landmarks_px",
    "timings_ms",
}
RED_FLAG_ANSWERS = {"night_pain": "yes", "back_pain": "yes"}
A4_RATIO = 297 / 210


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare equal to the source text."""
    return " ".join(text.split())


def md_plain(markdown: str) -> str:
    """Markdown with emphasis removed and escapes undone, to look for the plain words a reader sees."""
    markdown = re.sub(r"(?<!\\)\*", "", markdown)
    return flat(markdown.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


def pdf_plain(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return flat(" ".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def photos(one_person_measured):
    """One person's four real views (measured once from their stored poses) plus a real failure, in a
    deliberate order."""
    measured = one_person_measured
    bad = refused(b"not an image", "bad.txt")
    return [measured["front"], bad, measured["left"], measured["back"], measured["right"]]


@pytest.fixture(scope="module")
def assessment(photos):
    return assess(photos)


@pytest.fixture(scope="module")
def red_flag_assessment(photos):
    return assess(photos, RED_FLAG_ANSWERS)


@pytest.fixture(scope="module")
def markdown(assessment):
    return render_markdown(assessment, person_label=INJECTION_LABEL, generated_at=GENERATED)


@pytest.fixture(scope="module")
def pdf(assessment):
    return render_pdf(assessment, person_label=UNICODE_LABEL, generated_at=GENERATED)


@pytest.fixture(scope="module")
def pdf_text_content(pdf):
    return pdf_plain(pdf)


def ok_photos(assessment):
    return [photo for photo in assessment.photos if photo.ok]


# --------------------------------------------------------------------------------------------------
# JSON contract
# --------------------------------------------------------------------------------------------------


def test_contract_has_exactly_the_design_keys(assessment):
    objects = contract_json(assessment)
    for obj, photo in zip(objects, assessment.photos, strict=True):
        if photo.ok:
            assert set(obj) == OK_KEYS
            assert obj["error"] is None
            assert obj["ok"] is True
        else:
            assert set(obj) == {"image", "ok", "error"}
            assert obj["ok"] is False
            assert obj["error"]["code"] == "not_an_image"
            assert obj["error"]["message"]


def test_contract_keeps_input_order(assessment, photos):
    assert [obj["image"] for obj in contract_json(assessment)] == [photo.image for photo in photos]


def test_contract_puts_person_level_results_on_every_ok_photo(assessment):
    objects = [obj for obj in contract_json(assessment) if obj["ok"]]
    expected_findings = [
        {"imbalance": f.imbalance, "likelihood": f.likelihood, "score": f.score, "evidence": list(f.evidence_keys)}
        for f in assessment.findings
    ]
    expected_plan = {
        block: [item.name for item in assessment.plan.block(block)]
        for block in ("strengthen", "mobility", "cross_train")
    }
    assert expected_plan["cross_train"], "the jump-rope progression is always in the plan"
    for obj in objects:
        assert obj["findings"] == expected_findings
        assert obj["plan"] == expected_plan
        assert obj["stage"] is None  # nothing answered
    # Independent copies: a consumer editing one photo's object must not change another's.
    objects[0]["findings"].clear()
    assert objects[1]["findings"] == expected_findings


def test_contract_round_trips_through_json(assessment):
    objects = contract_json(assessment)
    assert json.loads(json.dumps(objects)) == objects


def test_contract_has_no_plan_and_a_stage_with_red_flags(red_flag_assessment):
    for obj in contract_json(red_flag_assessment):
        if obj["ok"]:
            assert obj["plan"] is None
            assert obj["stage"]["id"] == "pain"


# --------------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------------


def test_every_engine_measure_has_a_human_name():
    assert set(SPECS) <= set(MEASURE_NAMES)
    assert measure_name("craniovertebral_angle_deg") == "Craniovertebral angle"
    assert measure_name("profile_difference.craniovertebral_angle_deg") == (
        "Craniovertebral angle, left minus right profile"
    )
    assert measure_name("some_new_measure_cm") == "Some new measure"


def test_values_and_ranges_read_like_text():
    assert format_value(46.24, "deg") == "46.2°"
    assert format_value(-3.06, "cm") == "-3.1 cm"
    assert format_range((50, None), "deg") == "≥ 50°"
    assert format_range((None, 5), "cm") == "≤ 5 cm"
    assert format_range((-1.5, 1.5), "cm") == "-1.5 to 1.5 cm"


# --------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------


def test_markdown_has_a_measures_row_per_measure(assessment, markdown):
    plain = md_plain(markdown)
    for photo in ok_photos(assessment):
        assert photo.image in plain
        for m in photo.measurements.values():
            name = measure_name(m.key) + (" (estimate)" if m.estimate else "")
            row = (
                f"| {name} | {measure_value_text(m.key, m.value, m.unit)} | {format_range(m.normal_range, m.unit)} | "
                f"{status_label(m.status)} | {round(100 * m.confidence)} % | "
                f"±{format_value(typical_error(m.key, photo.view), m.unit)} |"
            )
            assert row in plain


def test_markdown_and_pdf_show_the_values_of_all_photos_together(assessment, markdown, pdf_text_content):
    # The findings rest on these person-level values; without them a 1.4 cm finding stood beside per-photo
    # tables saying 0.8 and 0.2 cm.
    plain = md_plain(markdown)
    assert COMBINED_HEADING in plain
    together = plain[plain.index(COMBINED_HEADING) :]
    assert assessment.measurements
    for key, person in assessment.measurements.items():
        m = person.measurement
        value = measure_value_text(key, m.value, m.unit)
        name = measure_name(key) + (" (estimate)" if m.estimate else "")
        assert f"| {name} | {value} | {format_range(m.normal_range, m.unit)} |" in together, key
        assert measure_name(key) in pdf_text_content
    assert flat(COMBINED_NOTE) in flat(pdf_text_content)


def test_a_value_just_past_its_threshold_keeps_a_second_decimal(assessment):
    """'5.0 cm (above 5.0 cm)' would read as a contradiction: the evidence shows 5.04 cm."""
    assert evidence_decimals(5.04, 5.0) == 2
    assert evidence_decimals(-2.03, 2.0) == 2
    assert evidence_decimals(5.3, 5.0) == 1
    assert evidence_decimals(44.1, 50.0) == 1
    finding = next(f for f in assessment.findings if f.evidence)
    item = dataclasses.replace(finding.evidence[0], value=5.04, threshold=5.0, unit="cm", direction="above")
    edited = dataclasses.replace(assessment, findings=(dataclasses.replace(finding, evidence=(item,)),))
    plain = md_plain(render_markdown(edited, generated_at=GENERATED))
    assert "| 5.04 cm | above 5 cm" in plain


def test_markdown_explains_the_failed_photo(markdown):
    assert "bad.txt (not measured)" in md_plain(markdown)
    assert "not_an_image" in md_plain(markdown)


def test_markdown_has_findings_stage_plan_and_disclaimer(assessment, markdown):
    plain = md_plain(markdown)
    for finding in assessment.findings:
        assert f"{finding.name}: {finding.likelihood} ({finding.score}/100)" in plain
        for item in finding.evidence:
            # A value just past its threshold keeps a second decimal (see the test above).
            shown = format_value(item.value, item.unit, evidence_decimals(item.value, item.threshold))
            assert measure_name(item.measure) in plain
            assert shown in plain
    assert "Progression stage" in plain
    assert "Not answered." in plain
    for item in assessment.plan.items:
        assert f"{item.name}: {item.dose}, {item.per_week}× per week" in plain
        assert flat(item.how_to) in plain
    rope = assessment.plan.block("cross_train")[0]
    for phase in rope.phases:
        assert phase.name in plain
        assert phase.dose in plain
    for point in rope.watch:
        assert f"{point.what}: {point.suggests}" in plain
    positions = [plain.index(title) for title in ("1. Strengthen", "2. Cross-training", "3. Mobility")]
    assert positions == sorted(positions)
    assert flat(assessment.disclaimer) in plain
    assert "not a diagnosis" in plain


def test_markdown_shows_left_right_profile_differences(assessment, markdown):
    assert assessment.profile_differences, "the samples include both profiles"
    plain = md_plain(markdown)
    assert "Left and right profile compared" in plain
    for key, difference in assessment.profile_differences.items():
        assert f"{measure_name(key)} |" in plain
        assert format_value(difference, SPECS[key].unit) in plain


def test_markdown_embeds_decodable_downscaled_images(assessment, markdown):
    uris = re.findall(r"\(data:image/jpeg;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert len(uris) == len(ok_photos(assessment))
    for uri in uris:
        image = cv2.imdecode(np.frombuffer(base64.b64decode(uri), np.uint8), cv2.IMREAD_COLOR)
        assert image is not None
        assert max(image.shape[:2]) <= 900


def test_markdown_without_images(assessment):
    text = render_markdown(assessment, generated_at=GENERATED, embed_images=False)
    assert "data:image" not in text
    assert "Craniovertebral angle" in text


def test_markdown_escapes_the_person_label(markdown):
    assert "<script>" not in markdown
    assert "**x**" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\*\\*x\\*\\*" in markdown


def test_markdown_label_cannot_start_new_blocks(assessment):
    text = render_markdown(
        assessment, person_label="x\n\n# Fake heading\n- item", generated_at=GENERATED, embed_images=False
    )
    assert "\n# Fake heading" not in text
    assert "\n- item" not in text
    assert "x # Fake heading - item" in md_plain(text)


def test_markdown_lists_measures_that_were_not_assessed():
    """A real eval render whose left knee is too hidden to measure."""
    photo = measured_from_fixture("s002_front")
    assert photo.not_assessed, "the photo chosen to show not-assessed rows now has none: pick another"
    plain = md_plain(render_markdown(assess([photo]), generated_at=GENERATED, embed_images=False))
    for key, reason in photo.not_assessed.items():
        assert f"| {measure_name(key)} | — |" in plain
        assert f"not assessed: {flat(reason)}" in plain


def test_report_asks_for_missing_views(measured):
    """Front photo only: nothing side-on was read, and the report says which photo would help."""
    only_front = assess([measured["front"]])
    notes = [flat(f.missing_views_note) for f in only_front.findings if f.missing_views_note]
    assert notes
    plain = md_plain(render_markdown(only_front, generated_at=GENERATED, embed_images=False))
    text = pdf_plain(render_pdf(only_front, generated_at=GENERATED))
    for note in notes:
        assert note in plain
        assert note in text


def test_report_without_any_measured_photo():
    nothing = assess([refused(b"not an image", "bad.txt")])
    assert contract_json(nothing) == [{"image": "bad.txt", "ok": False, "error": nothing.photos[0].error.to_dict()}]
    plain = md_plain(render_markdown(nothing, generated_at=GENERATED))
    for finding in nothing.findings:
        assert verdict(finding) == "not assessed"
        assert f"{finding.name}: not assessed" in plain
    assert "data:image" not in plain
    assert "No photo could be measured" in pdf_plain(
        render_pdf(nothing, person_label="A" * 400, generated_at=GENERATED)
    )


def test_markdown_red_flag_gives_clinician_advice_instead_of_plan(red_flag_assessment):
    plain = md_plain(render_markdown(red_flag_assessment, generated_at=GENERATED, embed_images=False))
    advice = flat(load_catalog().red_flag_advice)
    assert plain.count(advice) == 2  # at the top and where the plan would be
    for flag in red_flag_assessment.red_flags:
        assert flat(flag) in plain
    assert "Corrective plan: not suggested" in plain
    assert "1. Strengthen" not in plain
    assert "Jump-rope progression" not in plain
    assert "Stage 4 of 4: Pain." in plain


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------


def test_pdf_text_has_measures_findings_plan_and_disclaimer(assessment, pdf_text_content):
    text = pdf_text_content
    for photo in ok_photos(assessment):
        for m in photo.measurements.values():
            assert measure_name(m.key) in text
            assert measure_value_text(m.key, m.value, m.unit) in text
    for finding in assessment.findings:
        assert finding.name in text
    for item in assessment.plan.items:
        assert item.name in text
        assert item.dose in text
    # The disclaimer may run over a page break, where the page footer sits between its words.
    without_footers = re.sub(r"Posture assessment · [^·]+ · page \d+/\d+ ?", "", text)
    assert flat(assessment.disclaimer) in without_footers
    assert "not_an_image" in text


def test_pdf_embeds_every_annotated_photo(assessment, pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    images = sum(len(page.images) for page in reader.pages)
    assert images >= len(ok_photos(assessment))
    assert len(reader.pages) > 1


def test_pdf_first_page_renders_on_a4(pdf):
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=1.5).to_pil().convert("RGB")
    pixels = np.asarray(image, dtype=float)
    assert pixels.std() > 20, "the page is blank"
    assert image.height / image.width == pytest.approx(A4_RATIO, rel=0.01)
    if os.environ.get("POSTURE_WRITE_DOCS") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        image.save(ROOT / "docs" / "report_page1.png")


def test_pdf_keeps_a_unicode_label(pdf_text_content):
    assert "Zoë Ødegård" in pdf_text_content
    assert "👍" not in pdf_text_content


def test_pdf_prints_a_chinese_name_with_the_machines_cjk_font(assessment):
    # scripts/test.sh installs Debian's fonts-droid-fallback; without a CJK font the name printed as "???".
    found = fallback_font()
    assert found is not None, "no CJK font on this machine: apt-get install fonts-droid-fallback"
    text = pdf_plain(render_pdf(assessment, person_label="王小明", generated_at=GENERATED))
    assert "Person: 王小明" in text
    assert pdf_text("王小明 Zoë") == "王小明 Zoë"


def test_pdf_text_replaces_glyphs_the_font_lacks():
    assert pdf_text("Zoë Ødegård 👍") == "Zoë Ødegård \ufffd"
    assert pdf_text("👍🏽\u200d\ufe0f ok") == "\ufffd ok"  # modifier, joiner, variation selector dropped
    assert pdf_text("≥ 50° × −") == "≥ 50° × −"
    assert pdf_text("Zoe\u0308") == "Zoë"  # decomposed accent composed, not lost


def test_pdf_is_reproducible_and_dated(assessment, pdf):
    assert render_pdf(assessment, person_label=UNICODE_LABEL, generated_at=GENERATED) == pdf
    metadata = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert metadata.creation_date == GENERATED


def test_pdf_red_flag_gives_clinician_advice_instead_of_plan(red_flag_assessment):
    text = pdf_plain(render_pdf(red_flag_assessment, generated_at=GENERATED))
    assert flat(load_catalog().red_flag_advice) in text
    assert "Corrective plan: not suggested" in text
    assert "1. Strengthen" not in text
    assert "Jump-rope progression" not in text
