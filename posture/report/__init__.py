"""Presentation of one assessment: the JSON contract, a Markdown report and a PDF report.

No Streamlit here. The Markdown and the PDF say the same things because both are rendered from one
list of plain blocks (headings, paragraphs, bullet lists, tables, figures) built by
:func:`report_blocks`; each renderer only decides how a block looks. Block text is plain text:
the Markdown renderer escapes all of it, the PDF renderer never interprets markup, so user text
(the person's label, photo file names) cannot inject formatting.

Modules, each depending only on those above it: ``contract`` (the JSON); ``blocks`` (the block types);
``photo_blocks``, ``jump_blocks`` (the jump-rope clip, its charts drawn by :mod:`posture.jump.charts`)
and ``plan_blocks`` (findings, stage, plan), each one part of what the report says; ``document`` (the
parts in order); ``markdown`` and ``pdf`` (how it looks). Every word and number format comes from
:mod:`posture.wording`, shared with the CLI, the photo labels and the app.
"""

from posture.fonts import font_paths
from posture.report.blocks import (
    DEFAULT_TITLE,
    IMAGE_MAX_SIDE_PX,
    Block,
    Bullets,
    Figure,
    Heading,
    Table,
    Text,
    measure_decimals,
    measure_value_text,
    one_line,
    typical_error_text,
)
from posture.report.contract import clip_json, contract_json, finite_json, one_person_json
from posture.report.document import report_blocks
from posture.report.markdown import md_escape, render_markdown
from posture.report.pdf import pdf_text, render_pdf
from posture.report.photo_blocks import COMBINED_DESPITE_WARNING, COMBINED_HEADING, COMBINED_NOTE

__all__ = [
    "COMBINED_DESPITE_WARNING",
    "COMBINED_HEADING",
    "COMBINED_NOTE",
    "DEFAULT_TITLE",
    "IMAGE_MAX_SIDE_PX",
    "Block",
    "Bullets",
    "Figure",
    "Heading",
    "Table",
    "Text",
    "clip_json",
    "contract_json",
    "finite_json",
    "font_paths",
    "md_escape",
    "measure_decimals",
    "measure_value_text",
    "one_line",
    "one_person_json",
    "pdf_text",
    "render_markdown",
    "render_pdf",
    "report_blocks",
    "typical_error_text",
]
