"""What pdfminer draws on a page, kept as little as calpae needs: characters with their boxes, and rules.

pdfminer's layout objects (one ``LTChar`` per character, with its font, colour
and graphic state) cost more than the page's parsing itself; calpae needs of a
character only its text, box and size. :class:`PageCollector` is a pdfminer
device that keeps just these, page by page, and forgets each page when the
next begins.

A seam below pdfminer's documented parts (which end at the devices
``PDFPageAggregator`` and ``TextConverter`` and their ``LTChar``): the
undocumented ``PDFLayoutAnalyzer.render_char`` and the font's measures. Building
the ``LTChar`` the documented way costs about 1.6 s more for a hundred pages;
pyproject.toml bounds pdfminer.six to the versions tests/test_seams.py passed on
(the signature of ``render_char``, and this collector's boxes against ``LTChar``'s).
"""

from __future__ import annotations

from pdfminer.converter import PDFLayoutAnalyzer
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTPage, LTRect
from pdfminer.pdffont import PDFUnicodeNotDefined

#: A character as kept: its text, then ``x0``, ``x1``, ``top``, ``bottom`` in points and its size.
Char = tuple[str, float, float, float, float, float]

#: A character's matrix is a quarter turn when its diagonal is this small beside the rest.
TURN_TOLERANCE = 0.01

#: A rule or rectangle at most this thick (points) is one line of a table's grid.
THIN = 3.0


class PageCollector(PDFLayoutAnalyzer):
    """A pdfminer device keeping, for the page last processed, its ``chars`` (:data:`Char`, in points from
    the page's top-left corner), its ``turned`` characters (printed a quarter turn: :data:`Char` and
    whether they read upwards), its ``rules`` (edges as pdfplumber's table finder
    takes them) and its ``height``."""

    def __init__(self, resources) -> None:
        super().__init__(resources, pageno=1, laparams=None)
        self.raw_chars: list[Char] = []
        self.glyphs: dict[tuple[int, int], tuple[str, float]] = {}
        self.fonts: dict[int, object] = {}
        self.chars: list[Char] = []
        self.rules: list[dict] = []
        self.turned: list[tuple[str, float, float, float, float, float, bool]] = []
        self.height = 0.0

    def begin_page(self, page, ctm) -> None:
        self.raw_chars = []
        super().begin_page(page, ctm)

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        """Keep the character's text and box (as ``LTChar`` computes them) without building an ``LTChar``."""
        a, b, c, d, e, f = matrix
        if font.is_vertical() or b or c or a * d * scaling <= 0:
            return super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        glyph = self.glyphs.get((id(font), cid))
        if glyph is None:
            self.fonts[id(font)] = font  # kept alive, so that no other font is ever given its id
            glyph = self.glyphs[id(font), cid] = self.glyph(font, cid)
        text, width = glyph
        advance = width * fontsize * scaling
        low = font.get_descent() * fontsize + rise
        x1 = a * advance + e
        y0, y1 = d * low + f, d * (low + fontsize) + f
        if a < 0:  # upright and mirrored twice (a and d negative): the box's corners swap
            e, x1, y0, y1 = x1, e, y1, y0
        self.raw_chars.append((text, e, x1, y0, y1, y1 - y0))
        return advance

    def glyph(self, font, cid: int) -> tuple[str, float]:
        """A character's text and width in a font."""
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        return text, font.char_width(cid)

    def receive_layout(self, ltpage: LTPage) -> None:
        """The page is drawn: its characters and rules, measured from its top-left corner."""
        height, left = float(ltpage.y1), float(ltpage.x0)
        self.height = height - float(ltpage.y0)
        chars = [(text, x0 - left, x1 - left, height - y1, height - y0, size)
                 for text, x0, x1, y0, y1, size in self.raw_chars if text]
        rules: list[dict] = []
        turned: list[tuple[str, float, float, float, float, float, bool]] = []
        stack = list(ltpage)
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                if item.upright and item.get_text():
                    chars.append((item.get_text(), item.x0 - left, item.x1 - left, height - item.y1,
                                  height - item.y0, float(item.size)))
                elif quarter_turn(item.matrix) and item.get_text():
                    turned.append((item.get_text(), item.x0 - left, item.x1 - left, height - item.y1,
                                   height - item.y0, float(item.x1 - item.x0), quarter_turn(item.matrix) == "up"))
            elif isinstance(item, (LTRect, LTLine)) or (isinstance(item, LTCurve) and len(item.pts) == 2):
                rules += box_edges(item.x0 - left, height - item.y1, item.x1 - left, height - item.y0)
            elif isinstance(item, LTContainer):
                stack.extend(item)
        self.chars, self.rules, self.turned, self.raw_chars = chars, rules, turned, []


def quarter_turn(matrix) -> str | None:
    """``"up"`` for text turned a quarter to the left (read from the bottom up, as a narrow column's
    header is), ``"down"`` a quarter to the right, ``None`` for any other way.

    >>> quarter_turn((0, 1, -1, 0, 0, 0)), quarter_turn((0, -1, 1, 0, 0, 0)), quarter_turn((1, 0, 0, 1, 0, 0))
    ('up', 'down', None)
    """
    a, b, c, d = matrix[:4]
    if abs(a) > TURN_TOLERANCE * abs(b) or abs(d) > TURN_TOLERANCE * abs(c) or b * c >= 0:
        return None
    return "up" if b > 0 else "down"


def box_edges(x0: float, top: float, x1: float, bottom: float) -> list[dict]:
    """The edges a rule or a rectangle draws, as pdfplumber's table finder takes them: a thin one (a line,
    or a rectangle drawn as a line) is one edge, any other rectangle its four sides.

    >>> [edge["orientation"] for edge in box_edges(0, 10, 100, 10.5)], len(box_edges(0, 0, 100, 20))
    (['h'], 4)
    """
    def edge(a: float, b: float, c: float, d: float, orientation: str) -> dict:
        return {"x0": a, "top": b, "x1": c, "bottom": d, "width": c - a, "height": d - b,
                "orientation": orientation, "object_type": "line_edge"}

    if bottom - top <= THIN and x1 - x0 > THIN:
        return [edge(x0, (top + bottom) / 2, x1, (top + bottom) / 2, "h")]
    if x1 - x0 <= THIN and bottom - top > THIN:
        return [edge((x0 + x1) / 2, top, (x0 + x1) / 2, bottom, "v")]
    if x1 - x0 <= THIN:
        return []
    return [edge(x0, top, x1, top, "h"), edge(x0, bottom, x1, bottom, "h"),
            edge(x0, top, x0, bottom, "v"), edge(x1, top, x1, bottom, "v")]
