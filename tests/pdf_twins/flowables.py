"""Flowables shared by the twin's parts: prose lines, and tables that note the page they start on."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table

from tests.pdf_twins.model import TableTruth, TwinContext

#: Prose: a 1.5-spaced line of this size (points).
PROSE_FONT = "Helvetica"
PROSE_SIZE = 9.0
PROSE_LEADING = 13.5
#: The smallest size a too-long line is shrunk to (it is never wrapped: one text line, one printed line).
MIN_SIZE = 5.0
#: A list item's bullet (in the Symbol font, as a word processor prints it), and how far right of it its
#: text starts (points).
BULLET, BULLET_FONT = "\u2022", "Symbol"
BULLET_GAP = 14.0


class Line(Flowable):
    """One printed line of prose, never wrapped: a line longer than the frame is printed smaller.

    A line the text opens with a space is a list item whose bullet Tika lost: it is printed with its
    bullet (:data:`BULLET`) and its text :data:`BULLET_GAP` points further right."""

    def __init__(self, text: str, font: str = PROSE_FONT, size: float = PROSE_SIZE,
                 leading: float = PROSE_LEADING, indent: float = 0.0) -> None:
        super().__init__()
        self.bullet = text[:1].isspace() and bool(text.strip())
        self.text = " ".join(text.split())
        self.font, self.size, self.leading, self.indent = font, size, leading, indent

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.leading

    def draw(self) -> None:
        size = self.size
        indent = self.indent + (BULLET_GAP if self.bullet else 0.0)
        room = self.width - indent
        width = stringWidth(self.text, self.font, size)
        if width > room:
            size = max(MIN_SIZE, size * room / width)
        if self.bullet:
            self.canv.setFont(BULLET_FONT, size)
            self.canv.drawString(self.indent, (self.leading - size) / 2, BULLET)
        self.canv.setFont(self.font, size)
        self.canv.drawString(indent, (self.leading - size) / 2, self.text)


def prose_flowables(ctx: TwinContext, start: int, end: int) -> list:
    """The report's non-empty lines ``start..end`` (inclusive), each as one printed line."""
    out: list = []
    for number in range(max(1, start), min(end, len(ctx.doc.lines)) + 1):
        text = ctx.line(number)
        if text.strip():
            out.append(Line(text))
    return out


#: A table cell's padding, left plus right (reportlab's default: 6 points each side).
CELL_PADDING = 12.0


def cell(text: str, style: ParagraphStyle, width: float | None = None, padding: float = CELL_PADDING) -> Paragraph:
    """A table cell's text as a wrapped paragraph (words as the text gives them; a line break in
    ``text`` breaks the printed line there, where the report breaks it).

    ``width``: the column's width (``padding``: its cell's left and right padding together); a word
    wider than the column would be cut
    in two (a space in the middle of a word, for whoever reads the PDF), so the
    cell is printed smaller until its longest word fits, as a word processor's
    user would shrink it.
    """
    words = text.split()
    if width is not None and words:
        longest = max(stringWidth(word, style.fontName, style.fontSize) for word in words)
        room = width - padding - 0.5
        if longest > room:
            size = style.fontSize * room / longest
            style = ParagraphStyle(f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.2)
    return Paragraph("<br/>".join(escape(" ".join(line.split())) for line in text.split("\n") if line.strip()),
                     style)


class TruthTable(Table):
    """A table that writes the page number it starts on into its :class:`TableTruth`.

    The page is the number printed in the footer (the PDF page's number).
    Split parts keep the truth, so a table continued over pages notes its first page.
    """

    truth: TableTruth | None = None

    def draw(self) -> None:
        if self.truth is not None:
            page = self.canv.getPageNumber()
            self.truth.page = self.truth.page or page
            if page not in self.truth.pages:
                self.truth.pages.append(page)
        super().draw()

    def split(self, available_width, available_height):
        parts = super().split(available_width, available_height)
        for part in parts:
            part.truth = self.truth
        return parts
