"""Words and printed lines of a PDF page, and the page's margins (running headers, page-number footers).

Everything here is pure: it works on :class:`Word` values taken from the PDF
(words with their positions in points from the page's top-left corner), so
that it can be tested without a PDF.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from statistics import median

#: Two words belong to one printed line when their tops differ by at most this share of the font size.
SAME_LINE = 0.5

#: A gap between two words of a line wider than this many font sizes separates two columns.
COLUMN_GAP = 1.5

#: A line whose next line starts less than this many font sizes below it is printed single-spaced (one
#: block, no empty line between them); 1.5-spaced lines are some 1.7 font sizes apart.
TIGHT_PITCH = 1.4

#: The widest a printed space is, in font sizes (a quarter to a third of it in most fonts).
SPACE_WIDTH = 0.5

#: The page's top and bottom bands, as a share of its height, where running headers and footers are printed
#: (a word processor's default margins are some 2.5 cm of a 29.7 cm page, the header and footer inside them).
MARGIN_BAND = 0.08

#: A running header or footer is printed at the same height, to this many points, on every page.
MARGIN_STEP = 4.0

#: Only so many lines at the top and at the bottom of a page can be its running header or footer.
MARGIN_LINES = 2

#: A line of a margin band printed (digits aside) on at least this share of the pages is a running header
#: or footer.
REPEATED_SHARE = 0.5

#: How a footer prints the page's number: « 3 », « - 3 - », « Page 3 », « 3 / 110 », « page 3 sur 110 ».
PAGE_NUMBER = re.compile(r"^\W*(?:page\s*)?(?P<number>\d{1,4})\W*(?:(?:/|sur)\s*\d{1,4}\W*)?$", re.IGNORECASE)
NUMBER_OF_PAGES = re.compile(r"(?P<number>\d{1,4})\s*(?:/|sur)\s*\d{1,4}", re.IGNORECASE)
DIGITS = re.compile(r"\d+")
#: Numbers a footer prints that are years, not page numbers.
YEARS = (1900, 2100)

#: The glyphs a word processor prints as a list's bullets (fonts' private characters too, as Symbol's and
#: Wingdings' bullets come out of a PDF without a font naming them: :func:`is_bullet`).
BULLETS = frozenset("\u2022\u25aa\u25a0\u25cf\u25e6\u2023\u2043\u27a2\u25ba\u25b8\u25c6\u2756\u2713\u2714")


def is_bullet(text: str) -> bool:
    """Whether a word is a list's bullet: one of :data:`BULLETS`, or one character of a font's own (Unicode's
    private use area), which a PDF prints bullets in.

    >>> is_bullet("\u2022"), is_bullet("\uf0b7"), is_bullet("o"), is_bullet("-"), is_bullet("3")
    (True, True, False, False, False)
    """
    return len(text) == 1 and (text in BULLETS or unicodedata.category(text) == "Co")


@dataclass(frozen=True, slots=True)
class Word:
    """A word printed on a page: its text and box in points (``top`` from the page's top edge);
    ``space_after``: how many spaces the PDF prints right after it, ``space_before`` before it (counted
    for a line's first word only)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 10.0
    space_after: int = 0
    space_before: int = 0


@dataclass(frozen=True, slots=True)
class PrintedLine:
    """The words printed on one baseline, left to right."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        """The words joined by single spaces.

        >>> PrintedLine((Word("Total", 0, 20, 0, 10), Word("3", 30, 35, 0, 10))).text
        'Total 3'
        """
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def text_top(self) -> float:
        """The top of the line's words but its bullets (a bullet's font, Symbol or Wingdings, boxes it
        otherwise than the text it stands before).

        >>> PrintedLine((Word("\u2022", 0, 4, 98, 110), Word("Texte", 18, 40, 100, 110))).text_top
        100
        """
        return min((word.top for word in self.words if not is_bullet(word.text)), default=self.top)

    @property
    def size(self) -> float:
        return median(word.size for word in self.words)


def page_lines(words) -> list[PrintedLine]:
    """Group words into printed lines (top to bottom, each line left to right).

    A word joins the line whose top is within half a font size of its own.

    >>> lines = page_lines([Word("b", 30, 40, 100.4, 110), Word("a", 0, 10, 100, 110), Word("c", 0, 10, 120, 130)])
    >>> [line.text for line in lines]
    ['a b', 'c']
    """
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and abs(word.top - lines[-1][0].top) <= SAME_LINE * max(word.size, 1.0):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [PrintedLine(tuple(sorted(line, key=lambda w: w.x0))) for line in lines]


def single_spaced(line: PrintedLine, following: PrintedLine) -> bool:
    """Whether ``following`` is printed right below ``line``, in one single-spaced block.

    >>> first = PrintedLine((Word("a", 0, 9, 100, 110, size=10),))
    >>> single_spaced(first, PrintedLine((Word("b", 0, 9, 112, 122, size=10),))), single_spaced(first, PrintedLine((Word("b", 0, 9, 117, 127, size=10),)))
    (True, False)
    """
    return 0 < following.text_top - line.text_top < TIGHT_PITCH * max(line.size, following.size)


def segments(line: PrintedLine) -> list[PrintedLine]:
    """The parts of a line separated by gaps wide enough to part columns (:data:`COLUMN_GAP` font sizes);
    a gap the PDF fills with spaces is text laid out by hand, which it widens by :data:`SPACE_WIDTH` font
    sizes per space.

    >>> [s.text for s in segments(PrintedLine((Word("Action", 0, 30, 0, 10), Word("1", 32, 36, 0, 10),
    ...                                             Word("500", 200, 220, 0, 10))))]
    ['Action 1', '500']
    """
    parts: list[list[Word]] = [[line.words[0]]]
    for before, word in zip(line.words, line.words[1:]):
        size = max(word.size, before.size)
        if word.x0 - before.x1 > (COLUMN_GAP + SPACE_WIDTH * before.space_after) * size:
            parts.append([word])
        else:
            parts[-1].append(word)
    return [PrintedLine(tuple(part)) for part in parts]


def masked(text: str) -> str:
    """A margin line's text with its numbers masked, so that « Page 3 » and « Page 4 » are one footer.

    >>> masked("Rapport 2022 - page 12 / 110")
    'Rapport # - page # / #'
    """
    return DIGITS.sub("#", " ".join(text.split()))


@dataclass(frozen=True, slots=True)
class PageFrame:
    """A page's size and printed lines, as :func:`margin_lines` needs them."""

    height: float
    lines: tuple[PrintedLine, ...]


def in_band(line: PrintedLine, height: float) -> str | None:
    """``"top"`` or ``"bottom"`` when the line is printed in the page's top or bottom band, else ``None``.

    >>> in_band(PrintedLine((Word("x", 0, 5, 20, 30),)), 800), in_band(PrintedLine((Word("x", 0, 5, 400, 410),)), 800)
    ('top', None)
    """
    if line.top <= MARGIN_BAND * height:
        return "top"
    if line.bottom >= (1 - MARGIN_BAND) * height:
        return "bottom"
    return None


def margin_bands(pages) -> list[set[int]]:
    """For each page, the indexes of its lines that are running headers or footers.

    A line counts when it is one of the page's first or last lines, lies in
    the page's top or bottom band, and its text (numbers masked) is printed at
    the same height on at least half the pages, or, in a PDF of one page, when
    it is a bottom line printing a page number alone (« 3 », « Page 1 sur 1 »).

    >>> frame = lambda *texts: PageFrame(800, tuple(PrintedLine((Word(t, 0, 9, top, top + 10),)) for t, top in texts))
    >>> margin_bands([frame(("Rapport", 20), ("Texte", 300), ("1", 780)), frame(("Rapport", 20), ("3", 760), ("2", 780))])
    [{0, 2}, {0, 2}]
    """
    pages = list(pages)
    seen: Counter[tuple[str, str, int]] = Counter()
    for page in pages:
        seen.update({margin_key(page.lines[index], band, page.height) for index, band in edge_lines(page)})
    enough = max(2.0, REPEATED_SHARE * len(pages))
    found = []
    for page in pages:
        indexes = set()
        for index, band in edge_lines(page):
            line = page.lines[index]
            if seen[margin_key(line, band, page.height)] >= enough or (len(pages) == 1 and band == "bottom"
                                                          and PAGE_NUMBER.match(line.text)):
                indexes.add(index)
        found.append(indexes)
    return found


def margin_key(line: PrintedLine, band: str, height: float) -> tuple[str, str, int]:
    """What a running header or footer repeats from page to page: its band, its text with numbers
    masked, and its distance from the page's top (a header) or bottom (a footer) edge, to
    :data:`MARGIN_STEP` points, so that a landscape page's footer is its portrait pages' one."""
    distance = line.top if band == "top" else height - line.bottom
    return band, masked(line.text), round(distance / MARGIN_STEP)


def edge_lines(page: PageFrame) -> list[tuple[int, str]]:
    """The indexes of a page's first and last :data:`MARGIN_LINES` lines that lie in its top or bottom band,
    with the band's name."""
    count = len(page.lines)
    edges = sorted({*range(min(MARGIN_LINES, count)), *range(max(0, count - MARGIN_LINES), count)})
    return [(index, band) for index in edges if (band := in_band(page.lines[index], page.height))]


def footer_number(texts) -> int | None:
    """The page number a page's footer lines print, if any.

    >>> footer_number(["Rapport CALPAE", "12"]), footer_number(["Page 3 sur 110"]), footer_number(["Rapport"])
    (12, 3, None)
    """
    for text in texts:
        single = PAGE_NUMBER.match(text.strip())
        if single:
            return int(single.group("number"))
    for text in texts:
        of_total = NUMBER_OF_PAGES.search(text)
        if of_total:
            return int(of_total.group("number"))
    return None


def loose_footer_number(texts) -> int | None:
    """The last number that is no year among a page's footer lines (« Rapport d'exécution 2022 - 12 »), for
    a footer :func:`footer_number` cannot read; trusted only where it differs from page to page.

    >>> loose_footer_number(["Rapport d'exécution 2022 - 12"]), loose_footer_number(["Page 7 - CALPAE 2023"])
    (12, 7)
    """
    for text in texts:
        numbers = [int(found) for found in DIGITS.findall(text) if not YEARS[0] <= int(found) <= YEARS[1]]
        if numbers:
            return numbers[-1]
    return None
