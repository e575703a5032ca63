"""The report as Markdown: every block escaped, so user text cannot inject formatting."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import TYPE_CHECKING

from posture.assessment import Assessment
from posture.report.blocks import DEFAULT_TITLE, Block, Bullets, Heading, Table, Text, one_line
from posture.report.document import report_blocks

if TYPE_CHECKING:
    from posture.jump.engine import JumpAnalysis

_MD_BACKSLASHED = re.compile(r"([\\`*_\[\]|~])")
# A paragraph starting with these would open a heading, list or thematic break.
_MD_LINE_START = re.compile(r"^([#+-]|\d{1,9}[.)](?=\s|$))")


def md_escape(text: str) -> str:
    """Plain text made inert in Markdown: no emphasis, links, HTML, table breaks or block markers."""
    text = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_BACKSLASHED.sub(r"\\\1", text)


def _md_paragraph(text: str) -> str:
    """Escaped text that starts a line: also defuse block markers (only a line start can open one)."""
    return _MD_LINE_START.sub(lambda match: match.group(0)[:-1] + "\\" + match.group(0)[-1], md_escape(text))


def render_markdown(
    assessment: Assessment,
    *,
    title: str = DEFAULT_TITLE,
    person_label: str = "",
    generated_at: datetime | None = None,
    embed_images: bool = True,
    jump: JumpAnalysis | None = None,
) -> str:
    """The report as Markdown; annotated photos (JPEG) and the jump-rope charts (PNG) as base64 data URIs
    when ``embed_images``. ``jump``: the clip the assessment includes (its own section)."""
    blocks = report_blocks(
        assessment, title=title, person_label=person_label, generated_at=generated_at, images=embed_images, jump=jump
    )
    return "\n\n".join(_md_block(block) for block in blocks) + "\n"


def _md_lead(lead: str, text: str) -> str:
    return f"**{md_escape(lead)}** {md_escape(text)}" if lead else _md_paragraph(text)


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + md_escape(block.text)
    if isinstance(block, Text):
        line = _md_lead(block.lead, block.text)
        if block.kind == "alert":
            return f"> **Important:** {line}"
        return f"*{line}*" if block.kind == "note" and not block.lead else line
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_lead(lead, text)}" for lead, text in block.items)
    if isinstance(block, Table):
        lines = [
            "| " + " | ".join(md_escape(cell) for cell in block.header) + " |",
            "|" + "|".join("---" for _ in block.header) + "|",
        ]
        lines += ["| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in block.rows]
        return "\n".join(lines)
    data = base64.b64encode(block.data).decode("ascii")
    return f"![{md_escape(block.caption)}](data:{block.mime};base64,{data})"
