"""The report's plain blocks (headings, paragraphs, bullets, tables, figures) and the text helpers they share.

The Markdown and the PDF renderers both draw these blocks, so they say the same things. Block text is
plain text: each renderer only decides how a block looks. What the report says, and in which order,
is built from them in :mod:`posture.report.document`.
"""

from __future__ import annotations

from dataclasses import dataclass

from posture.measures import SPECS, typical_error
from posture.wording import format_value, plus_minus, range_decimals

DEFAULT_TITLE = "Posture assessment"
IMAGE_MAX_SIDE_PX = 900
JPEG, PNG = "image/jpeg", "image/png"


def one_line(text: str) -> str:
    """Collapse all whitespace: block text is inline text, so it can never start a new Markdown block."""
    return " ".join(str(text).split())


def typical_error_text(key: str, unit: str, view: str | None = None) -> str | None:
    """``±0.9°``: the benchmarked typical error of a measure, of one photo in ``view`` when given (the largest
    over the views otherwise); None when it was not measured."""
    error = typical_error(key, view)
    return None if error is None else plus_minus(error, unit)


def measure_decimals(key: str, value: float) -> int:
    """Decimals for a photo measure's ``value``: 1, or 2 where one would print it on a limit of its ranges."""
    return range_decimals(value, SPECS[key].limits) if key in SPECS else 1


def measure_value_text(key: str, value: float, unit: str) -> str:
    """Measure ``key``'s value as the cards, the report and the history print it: signed where its sign
    names a side (its spec says; differences always do), with a second decimal where one would print it
    on a limit of its ranges."""
    signed = SPECS[key].signed if key in SPECS else True
    return format_value(value, unit, measure_decimals(key, value), signed=signed)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Text:
    """A paragraph; ``lead`` is shown in bold before it. ``kind``: plain, note (small print) or alert."""

    text: str
    lead: str = ""
    kind: str = "plain"


@dataclass(frozen=True)
class Bullets:
    """A bullet list; each item is (bold lead, text)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are relative column widths for the PDF.

    The PDF colours each row's ``status_column`` cell by that row's code in ``statuses`` (a photo measure's
    status or a jump verdict; None, or no entry: the plain note colour). The words stay the cell's.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    status_column: int | None = None
    statuses: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Figure:
    """An image (an annotated photo as JPEG, a chart as PNG: ``mime``) with its pixel size and a caption."""

    data: bytes
    width: int
    height: int
    caption: str
    mime: str = JPEG


Block = Heading | Text | Bullets | Table | Figure
