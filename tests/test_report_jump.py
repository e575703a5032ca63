"""The report's jump-rope section on a real clip's analysis: the public rendered clip's session measured
from its exact keypoints (tests/data/video/jump04_front.json, no model run) with the real MP4's stream
facts, alone and together with one person's real views, through the real catalog, fpdf2 and matplotlib.
(Not ``model_free``: the jump engine module imports MediaPipe.)"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pypdf
import pytest
from PIL import Image

from bench.jump_truth import load_clip, track_from_clip
from posture.annotate import STATUS_RGB
from posture.assessment import findings_json
from posture.cli import main
from posture.jump import analyze_track
from posture.jump.charts import CHART_MEASURES, left_right_png
from posture.jump.engine import JumpAnalysis, analyze_jump_video
from posture.jump.findings import assess_with_jump
from posture.report import clip_json, one_person_json, render_markdown, render_pdf
from posture.report.jump_blocks import (
    CHARTS_HEADING,
    JUMP_HEADING,
    MEASURES_HEADING,
    jump_typical_error_text,
    measures_table,
    png_size,
)
from posture.report.pdf import NOTE_RGB, STATUS_CELL_RGB
from posture.video.decode import probe
from posture.views import ViewEstimate
from posture.vocabulary import Status
from posture.wording import jump_measure_name
from posture.wording_jump import (
    JUMP_VERDICT_COLOURS,
    change_over_clip,
    jump_status_label,
    jump_value,
    signed_measure,
)
from tests.public_jumps import public_analysis

DATA = Path(__file__).resolve().parent / "data" / "video"
CLIP = DATA / "jump04_front.mp4"
GENERATED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
TABLE_HEADER = "| Measure | Value | Noise band | Verdict | Confidence | Typical error |"


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_reader(pdf: bytes) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(pdf))


def pdf_words(pdf: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in pdf_reader(pdf).pages))


def pdf_images(pdf: bytes) -> list[Image.Image]:
    return [image.image for page in pdf_reader(pdf).pages for image in page.images]


def exact_clip() -> JumpAnalysis:
    """The public clip's analysis: its session from the exact keypoints (bands unwidened, so its uneven sides
    show), labelled as the default model's track so the report quotes that model's typical errors, its video
    facts from the MP4."""
    truth = load_clip(DATA / "jump04_front.json")
    track = dataclasses.replace(track_from_clip(truth), model="full")
    height = float(truth["subject"]["stature_cm"])
    return JumpAnalysis(
        file=CLIP.name,
        video=probe(CLIP),
        view=ViewEstimate(truth["view"], 1.0, 0.0),
        height_cm=height,
        session=analyze_track(track, truth["view"], height),
        track=track,
    )


@pytest.fixture(scope="module")
def clip() -> JumpAnalysis:
    return exact_clip()


@pytest.fixture(scope="module")
def clip_alone(clip):
    return assess_with_jump([], clip)


@pytest.fixture(scope="module")
def with_photos(clip, one_person_measured):
    return assess_with_jump(list(one_person_measured.values()), clip)


@pytest.fixture(scope="module")
def clip_pdf(clip, clip_alone) -> bytes:
    return render_pdf(clip_alone, person_label="Skipper", generated_at=GENERATED, jump=clip)


@pytest.fixture(scope="module")
def clip_markdown(clip, clip_alone) -> str:
    return render_markdown(clip_alone, generated_at=GENERATED, jump=clip)


def test_the_clip_names_a_weaker_side_so_the_plan_starts_with_it(clip, clip_alone):
    """The rendered skipper lands heavier on the right (its hip sinks ~1.3 cm more): the premise of the
    side-first checks below."""
    depth = clip.session.measurements["landing_depth_diff_cm"]
    assert depth.status == "asymmetric"
    assert depth.value is not None
    assert depth.value < 0
    assert clip_alone.plan is not None
    assert {item.first_side for item in clip_alone.plan.items if item.first_side} == {"right"}


def test_the_pdf_has_the_jump_section_and_a_png_chart_per_measure(clip, clip_pdf):
    words = pdf_words(clip_pdf)
    for heading in (JUMP_HEADING, "Left and right at a glance", MEASURES_HEADING, CHARTS_HEADING):
        assert heading in words
    assert "Jump-rope clip: jump04_front.mp4" in words
    assert "An educational screening from the jump-rope clip" in words
    assert "Photos:" not in words, "no photo line when the report is of a clip alone"
    for key in ("cadence_jpm", "landing_depth_diff_cm", "hand_circle_si_pct"):
        assert jump_measure_name(key) in words
    for _, title, _ in CHART_MEASURES:
        assert f"{title}, left and right per jump" in words
    # The charts are the only images: three PNGs, each as wide as drawn, showing both sides' colours.
    images = pdf_images(clip_pdf)
    assert len(images) == len(CHART_MEASURES)
    for image in images:
        assert image.size == (910, 338)
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
        assert (pixels == (245, 130, 40)).all(axis=1).any(), "the person's left, orange"
        assert (pixels == (40, 150, 245)).all(axis=1).any(), "the person's right, blue"
    assert "Weaker side first:" in words
    assert "Start each set with your right side" in words


def coloured_lines(pdf: bytes) -> list[tuple[str, tuple[int, ...] | None]]:
    """Each line of text the PDF draws with the fill colour (0-255 RGB) it is drawn in, read from the
    page's operators: the last ``rg`` before the text is shown."""
    lines: list[tuple[str, tuple[int, ...] | None]] = []
    for page in pdf_reader(pdf).pages:
        colour: list[tuple[int, ...] | None] = [None]

        def before(operator, operands, cm, tm, colour=colour):
            if operator == b"rg":
                colour[0] = tuple(round(float(value) * 255) for value in operands)

        def text(shown, cm, tm, font, size, colour=colour):
            if shown.strip():
                lines.append((shown.strip(), colour[0]))

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return lines


def test_the_pdf_colours_each_jump_verdict_like_the_photo_statuses(clip, clip_pdf):
    """Uneven in the photos' borderline orange, even in their normal green, "can't tell yet" in the plain note
    grey, and each measure without a verdict in the app's badge colour for it: one cell per measure."""
    counts = Counter(m.status for m in clip.session.measurements.values())
    assert all(counts[status] for status in ("asymmetric", "symmetric", "inconclusive", "measured"))
    expected = {
        "asymmetric": STATUS_RGB[Status.BORDERLINE],
        "symmetric": STATUS_RGB[Status.NORMAL],
        "inconclusive": NOTE_RGB,
        "measured": STATUS_CELL_RGB["measured"],
    }
    assert len(set(expected.values())) == len(expected)
    lines = coloured_lines(clip_pdf)
    for status, rgb in expected.items():
        labels = {jump_status_label(status, key) for key in clip.session.measurements}  # the twist reads as a size
        cells = [
            colour
            for line, colour in lines
            if any(line == label or line.startswith(f"{label} (threshold") for label in labels)
        ]
        assert cells == [rgb] * counts[status], status


def test_the_verdict_column_carries_each_rows_verdict(clip):
    table = measures_table(clip.session.measurements, clip.track.model)
    assert table.status_column == table.header.index("Verdict")
    assert len(table.statuses) == len(table.rows) == len(clip.session.measurements)
    for (key, row), status in zip(zip(clip.session.measurements, table.rows, strict=True), table.statuses, strict=True):
        assert row[table.status_column].startswith(jump_status_label(status, key))
    side = measures_table(public_analysis("jump07_left").session.measurements, "full")
    missing = [status for row, status in zip(side.rows, side.statuses, strict=True) if row[1] == "—"]
    assert missing, "a side view leaves the left-right measures unmeasured"
    assert set(missing) == {"not_assessed"}
    assert JUMP_VERDICT_COLOURS["not_assessed"] == "gray"
    assert "not_assessed" not in STATUS_CELL_RGB, "drawn as a plain note, like a photo's unmeasured row"


def test_the_pdf_of_photos_and_clip_has_both(clip, with_photos):
    pdf = render_pdf(with_photos, generated_at=GENERATED, jump=clip)
    words = pdf_words(pdf)
    assert "Photos: 4 (4 measured)" in words
    assert "Jump-rope clip: jump04_front.mp4" in words
    assert "from the photos and the jump-rope clip" in words
    assert "Photos and measures" in words
    assert MEASURES_HEADING in words
    kinds = sorted(image.format for image in pdf_images(pdf))
    assert kinds == ["JPEG"] * 4 + ["PNG"] * len(CHART_MEASURES)


def test_the_markdown_table_has_every_measure_with_value_band_verdict_and_typical_error(clip, clip_markdown):
    lines = clip_markdown.splitlines()
    start = lines.index(TABLE_HEADER)
    rows = lines[start + 2 : start + 2 + len(clip.session.measurements)]
    assert len(rows) == len(clip.session.measurements)
    for row, (key, measurement) in zip(rows, clip.session.measurements.items(), strict=True):
        cells = [cell.strip().replace("\\", "") for cell in row.strip("|").split("|")]
        assert cells[0] == jump_measure_name(key)
        if measurement.value is None:
            assert cells[1] == "—"
            continue
        value = jump_value(measurement.value, measurement.unit, signed=signed_measure(key, measurement.unit))
        if measurement.unit == "%/min":  # a short clip's rate per minute, and the change the clip saw
            value += f" ({change_over_clip(measurement.value, clip.video.duration_s)})"
        assert cells[1] == value
        # A left-right measure's band holds the tracker's error; another's only that of the jumps' median.
        lead = (
            "95 % band"
            if measurement.threshold is not None
            else "95 % band of the trend over the jumps"
            if measurement.unit == "%/min"
            else "95 % band of the jumps' median"
        )
        assert cells[2].startswith(lead) or cells[2] == "no noise band"
        assert cells[3].startswith(jump_status_label(measurement.status, key))
        if measurement.unit == "count":  # a count is exact or whole jumps off: said in clips, not as "±0"
            assert cells[5] == jump_typical_error_text(key, "count", "full")
            assert cells[5].startswith("exact in ")
        else:
            assert cells[5].startswith("±")
    uneven = [row for row in rows if "uneven (threshold ±" in row]
    assert uneven, "the clip's uneven measures say so, with their threshold"


def test_the_markdown_embeds_the_charts_as_png_and_drops_them_without_images(clip, clip_alone, clip_markdown):
    uris = re.findall(r"\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", clip_markdown)
    assert len(uris) == len(CHART_MEASURES)
    for uri in uris:
        assert Image.open(io.BytesIO(base64.b64decode(uri))).format == "PNG"
    plain = render_markdown(clip_alone, generated_at=GENERATED, jump=clip, embed_images=False)
    assert "data:image" not in plain
    assert TABLE_HEADER in plain
    assert "### " + CHARTS_HEADING not in plain, "no chart heading without charts"


def test_the_evidence_says_it_came_from_the_video(clip_markdown):
    assert "| Seen in |" in clip_markdown
    assert "front jump-rope video" in clip_markdown
    assert "front photo" not in clip_markdown


def test_a_report_without_a_clip_has_no_jump_section(with_photos):
    text = render_markdown(with_photos, generated_at=GENERATED, embed_images=False)
    assert JUMP_HEADING not in text
    assert "An educational screening from photos, not a diagnosis" in text.replace("*", "")


def test_the_json_carries_the_clip_object_as_the_one_person_command_does(clip, clip_alone, with_photos):
    person = json.loads(json.dumps(one_person_json(with_photos, clip)))
    assert set(person) == {"photos", "combined", "jump"}
    jump = person["jump"]
    assert jump["file"] == CLIP.name
    assert jump["findings"] == person["combined"]["findings"] == findings_json(with_photos)
    assert jump["measurements"].keys() == clip.session.measurements.keys()
    assert len(jump["jumps"]) == len(clip.session.jumps)
    assert "jump" not in one_person_json(with_photos), "without a clip the object is as before"
    alone = clip_json(clip_alone, clip)
    assert alone == clip.to_dict(), "a clip alone with no answers: its own contract, findings included"


def test_a_refused_clip_keeps_its_object(tmp_path, clip_alone):
    refused = analyze_jump_video(b"not a video at all" * 100, name="notes.mp4")
    assert not refused.ok
    assert clip_json(clip_alone, refused) == refused.to_dict()


def test_a_measure_no_jump_shows_draws_no_chart(clip):
    assert left_right_png([], clip.session.measurements, "foot_clearance_cm", "Feet", "cm") is None
    png = left_right_png(clip.session.jumps, clip.session.measurements, "hand_circle_cm", "Hands", "cm")
    assert png is not None
    assert png_size(png) == Image.open(io.BytesIO(png)).size


# --- posture jump VIDEO --report FILE -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("videos", "report", "message"),
    [
        ([CLIP], "out.txt", "must end in .pdf or .md"),
        ([CLIP, DATA / "stand01_front.mp4"], "out.pdf", "one VIDEO"),
    ],
)
def test_a_report_needs_one_video_and_a_pdf_or_md_name(tmp_path, capsys, videos, report, message):
    assert main(["jump", *map(str, videos), "--report", str(tmp_path / report)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert not list(tmp_path.iterdir()), "nothing written"


@pytest.mark.slow
def test_the_jump_command_writes_the_report_with_the_real_model(tmp_path, capsys):
    pdf, markdown = tmp_path / "clip.pdf", tmp_path / "clip.md"
    assert main(["jump", str(CLIP), "--height-cm", "170", "--report", str(pdf)]) == 0
    assert capsys.readouterr().err == ""
    words = pdf_words(pdf.read_bytes())
    assert MEASURES_HEADING in words
    assert CHARTS_HEADING in words
    assert len(pdf_images(pdf.read_bytes())) == len(CHART_MEASURES)
    assert main(["jump", str(CLIP), "--height-cm", "170", "--report", str(markdown)]) == 0
    assert TABLE_HEADER in markdown.read_text(encoding="utf-8")


def test_a_refused_clip_writes_no_report(tmp_path, capsys):
    notes = tmp_path / "notes.mp4"
    notes.write_bytes(b"These are the notes of the session, not a video.\n" * 40)
    target = tmp_path / "notes.pdf"
    assert main(["jump", str(notes), "--report", str(target)]) == 1
    captured = capsys.readouterr()
    assert "not_a_video" in captured.out
    assert "no report written" in captured.err
    assert not target.exists()
