"""The report as an A4 PDF: the annotated photos (JPEG) and jump-rope charts (PNG) embedded (fpdf2, DejaVu)."""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from posture.annotate import STATUS_RGB
from posture.assessment import Assessment
from posture.fonts import fallback_font, font_paths
from posture.report.blocks import DEFAULT_TITLE, Block, Bullets, Figure, Heading, Table, Text, one_line
from posture.report.document import report_blocks
from posture.vocabulary import Status
from posture.wording_jump import JUMP_VERDICT_COLOURS

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from posture.jump.engine import JumpAnalysis

# A status cell's colour: a photo measure's status as drawn on the photo; a jump verdict in the app's badge
# colour (JUMP_VERDICT_COLOURS), drawn as the photo status of that colour. Grey verdicts stay plain notes.
_BADGE_RGB = {
    "green": STATUS_RGB[Status.NORMAL],
    "orange": STATUS_RGB[Status.BORDERLINE],
    "red": STATUS_RGB[Status.DEVIATION],
    "blue": (40, 110, 200),
}
STATUS_CELL_RGB: dict[str, tuple[int, int, int]] = {
    **{str(status): rgb for status, rgb in STATUS_RGB.items()},
    **{verdict: _BADGE_RGB[colour] for verdict, colour in JUMP_VERDICT_COLOURS.items() if colour in _BADGE_RGB},
}
# fpdf2 and fontTools are imported inside the PDF functions: the JSON and Markdown need neither.
BODY_PT, NOTE_PT, TABLE_PT = 10, 8.5, 8
HEADING_PT = {1: 18, 2: 14, 3: 11.5}
TEXT_RGB, NOTE_RGB, ALERT_RGB, ALERT_FILL = (25, 25, 25), (95, 95, 95), (150, 20, 20), (253, 236, 234)
MM_PER_PT = 0.3528
A4_WIDTH_MM, SIDE_MARGIN_MM = 210.0, 18.0
# Tall enough to check the overlay by eye; a photo shrinks to no less than the minimum so that it and
# the start of its measures table share a page.
FIGURE_MAX_HEIGHT_MM, FIGURE_MIN_HEIGHT_MM = 115.0, 80.0
# Caption, view line and the measures table's header and first rows, kept on the photo's page.
AFTER_FIGURE_MM = 32.0


FALLBACK_FAMILY = "Fallback"


@functools.lru_cache(maxsize=1)
def _font_coverage() -> frozenset[int]:
    """Code points both DejaVu faces can draw, and those of the machine's CJK font (posture.fonts)."""
    from fontTools.ttLib import TTFont

    regular, bold = (set(TTFont(path)["cmap"].getBestCmap()) for path in font_paths())
    fallback = fallback_font()
    extra = set(TTFont(fallback[0], fontNumber=fallback[1])["cmap"].getBestCmap()) if fallback else set()
    return frozenset((regular & bold) | extra)


def pdf_text(text: str) -> str:
    """Text the PDF fonts can draw: unknown characters become U+FFFD, joiners and modifiers vanish.

    Emoji are not in DejaVu; without this the PDF would silently show nothing (or a tofu box that
    reads as a missing letter). Accented letters the font lacks precomposed fall back to their base.
    """
    covered = _font_coverage()
    out = []
    # NFC first: a letter typed as base + combining accent becomes the precomposed letter DejaVu has.
    for char in unicodedata.normalize("NFC", str(text)):
        if char == "\n" or (ord(char) in covered and not _invisible(char)):
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif _invisible(char) or unicodedata.category(char) in ("Mn", "Me", "Sk"):
            continue  # joiners, variation selectors, skin-tone modifiers, marks the font cannot place
        else:
            base = unicodedata.normalize("NFKD", char)
            kept = "".join(c for c in base if ord(c) in covered and unicodedata.category(c) != "Mn")
            out.append(kept or "\ufffd")
    return "".join(out)


def _invisible(char: str) -> bool:
    """Format and control characters and variation selectors: nothing to draw, only noise in copied text."""
    code = ord(char)
    return unicodedata.category(char) in ("Cf", "Cc") or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def render_pdf(
    assessment: Assessment,
    *,
    title: str = DEFAULT_TITLE,
    person_label: str = "",
    generated_at: datetime | None = None,
    jump: JumpAnalysis | None = None,
) -> bytes:
    """The report as an A4 PDF with the annotated photos embedded as JPEG and, with ``jump`` (the clip the
    assessment includes), the jump-rope section with its charts as PNG.

    The creation date is ``generated_at`` (default: now), so the same inputs give the same bytes.
    """
    generated_at = generated_at or datetime.now().astimezone()
    blocks = report_blocks(assessment, title=title, person_label=person_label, generated_at=generated_at, jump=jump)
    pdf = _new_pdf(one_line(title) or DEFAULT_TITLE, one_line(person_label), generated_at)
    renderers: dict[type, Callable[[Any, Any], None]] = {
        Heading: _pdf_heading,
        Text: _pdf_text_block,
        Bullets: _pdf_bullets,
        Table: _pdf_table,
        Figure: _pdf_figure,
    }
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            _keep_room(pdf, _heading_mm(block) + _start_mm(following))
        renderers[type(block)](pdf, block)
    return bytes(pdf.output())


def _new_pdf(title: str, person: str, generated_at: datetime) -> FPDF:
    """An A4 document with the DejaVu fonts, metadata and a footer on every page."""
    from fpdf import FPDF

    class _ReportPdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=7.5)
            self.set_text_color(*NOTE_RGB)
            self.cell(
                0,
                5,
                pdf_text(f"{title} · educational screening, not a diagnosis · page {self.page_no()}/{{nb}}"),
                align="C",
            )

    pdf = _ReportPdf(format="A4", unit="mm")
    regular, bold = font_paths()
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    fallback = fallback_font()
    if fallback is not None:  # characters DejaVu lacks (a CJK name) are drawn from it; bold ones too, unbolded
        pdf.add_font(FALLBACK_FAMILY, "", str(fallback[0]), collection_font_number=fallback[1])
        pdf.set_fallback_fonts([FALLBACK_FAMILY], exact_match=False)
    pdf.set_margins(SIDE_MARGIN_MM, 16, SIDE_MARGIN_MM)
    pdf.set_draw_color(190)
    pdf.set_line_width(0.2)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_creation_date(generated_at)
    pdf.set_title(pdf_text(title))
    pdf.set_subject(pdf_text(f"Posture assessment{' of ' + person if person else ''}"))
    pdf.set_creator("posture")
    pdf.set_lang("en")
    pdf.add_page()
    return pdf


def _line_mm(size_pt: float) -> float:
    return size_pt * MM_PER_PT * 1.45


def _keep_room(pdf: FPDF, needed_mm: float) -> None:
    """Start a new page when less than ``needed_mm`` is left, so a heading never ends a page."""
    if pdf.get_y() + needed_mm > pdf.page_break_trigger:
        pdf.add_page()


def _heading_mm(block: Heading) -> float:
    return _line_mm(HEADING_PT.get(block.level, BODY_PT)) + 5


def _start_mm(block: Block | None) -> float:
    """Room the start of a block needs on the heading's page: a whole figure, else a few lines."""
    if isinstance(block, Figure):
        return _least_height_mm(block) + AFTER_FIGURE_MM
    return 20 if isinstance(block, Table) else 12


def _pdf_heading(pdf: FPDF, block: Heading) -> None:
    size = HEADING_PT.get(block.level, BODY_PT)
    pdf.ln(2 if block.level == 3 else 4 if block.level == 2 else 0)
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(*TEXT_RGB)
    pdf.multi_cell(0, _line_mm(size), pdf_text(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _pdf_text_block(pdf: FPDF, block: Text) -> None:
    size = NOTE_PT if block.kind == "note" else BODY_PT
    height = _line_mm(size)
    if block.kind == "alert":
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(*ALERT_RGB)
        pdf.set_fill_color(*ALERT_FILL)
        text = f"{block.lead} {block.text}" if block.lead else block.text
        pdf.multi_cell(0, height, pdf_text(text), align="L", fill=True, padding=2, new_x="LMARGIN", new_y="NEXT")
        pdf.set_fill_color(255)  # tables fill their cells with the current colour
    else:
        pdf.set_text_color(*(NOTE_RGB if block.kind == "note" else TEXT_RGB))
        _write_lead(pdf, block.lead, block.text, size, height)
        pdf.ln(height)
    pdf.ln(2.5 if block.kind == "note" else 1.5)


def _write_lead(pdf: FPDF, lead: str, text: str, size: float, height: float) -> None:
    """A bold lead followed by flowing regular text, wrapped between the current left margin and the right."""
    if lead:
        pdf.set_font("DejaVu", "B", size)
        pdf.write(height, pdf_text(lead) + " ")
    pdf.set_font("DejaVu", "", size)
    pdf.write(height, pdf_text(text))


def _pdf_bullets(pdf: FPDF, block: Bullets) -> None:
    height = _line_mm(BODY_PT)
    margin = pdf.l_margin
    pdf.set_text_color(*TEXT_RGB)
    for lead, text in block.items:
        pdf.set_font("DejaVu", "", BODY_PT)
        pdf.set_x(margin + 2)
        pdf.cell(4, height, "•")
        # write() wraps to the left margin: indent it for the item so wrapped lines align with the text.
        pdf.set_left_margin(margin + 6)
        _write_lead(pdf, lead, text, BODY_PT, height)
        pdf.set_left_margin(margin)
        pdf.ln(height + 0.8)
    pdf.ln(1)


def _pdf_table(pdf: FPDF, block: Table) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font("DejaVu", "", TABLE_PT)
    pdf.set_text_color(*TEXT_RGB)
    _keep_room(pdf, 18)
    heading = FontFace(emphasis="BOLD", fill_color=(236, 238, 241))
    with pdf.table(
        col_widths=block.widths,
        width=pdf.epw,
        text_align="LEFT",
        line_height=_line_mm(TABLE_PT),
        headings_style=heading,
        borders_layout="HORIZONTAL_LINES",
        padding=(1, 1.2),
        v_align="TOP",
    ) as table:
        table.row([pdf_text(cell) for cell in block.header])
        for number, cells in enumerate(block.rows):
            status = block.statuses[number] if number < len(block.statuses) else None
            row = table.row()
            for index, cell in enumerate(cells):
                row.cell(pdf_text(cell), style=_status_style(status) if index == block.status_column else None)
    pdf.ln(3)


def _status_style(status: str | None) -> FontFace:
    from fpdf.fonts import FontFace

    rgb = STATUS_CELL_RGB.get(status or "")
    return FontFace(color=rgb, emphasis="BOLD") if rgb else FontFace(color=NOTE_RGB)


def _figure_size(block: Figure, max_height_mm: float = FIGURE_MAX_HEIGHT_MM) -> tuple[float, float]:
    """Width and height in mm: as large as the text width and ``max_height_mm`` allow, aspect kept."""
    scale = min((A4_WIDTH_MM - 2 * SIDE_MARGIN_MM) / block.width, max_height_mm / block.height)
    return block.width * scale, block.height * scale


def _least_height_mm(block: Figure) -> float:
    """The height (mm) a figure may shrink to: the minimum, or less when it is smaller at full size (a chart)."""
    return min(FIGURE_MIN_HEIGHT_MM, _figure_size(block)[1])


def _pdf_figure(pdf: FPDF, block: Figure) -> None:
    """The image centred with its caption, shrunk to keep the start of what follows on the same page."""
    room = pdf.page_break_trigger - pdf.get_y() - AFTER_FIGURE_MM
    if room < _least_height_mm(block):
        pdf.add_page()
        room = pdf.page_break_trigger - pdf.get_y() - AFTER_FIGURE_MM
    width, height = _figure_size(block, min(FIGURE_MAX_HEIGHT_MM, room))
    pdf.image(
        io.BytesIO(block.data),
        x=(pdf.w - width) / 2,
        y=pdf.get_y(),
        w=width,
        h=height,
        alt_text=pdf_text(block.caption),
    )
    pdf.set_y(pdf.get_y() + height + 1)
    pdf.set_font("DejaVu", "", NOTE_PT - 1)
    pdf.set_text_color(*NOTE_RGB)
    pdf.multi_cell(0, _line_mm(NOTE_PT - 1), pdf_text(block.caption), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
