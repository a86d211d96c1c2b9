"""Page artefacts of the flattened text, recognised by their shape before a table is read.

A PDF page break inside a table leaves, among the table's lines:

* a **page number**: a line holding only an integer of one to three digits.
  A cell printed alone on its line has the same shape, so the report's own
  pages decide: the contents give the page each action starts on, and the
  page footers printed outside the tables give more anchors. A lone integer
  inside a table is

  - ``PAGE`` (dropped) when it is within one of the page interpolated
    between the footers around it, and a page its action can be on;
  - ``CELL`` (kept) when it is no page its position can be on;
  - ``DOUBT`` otherwise: dropped from the text, and given back as an
    *ambiguous* cell to a neighbouring row that lacks cells
    (:mod:`calpae_lib.tables.indicators.sheets`), never read as a number.

* the table's **header printed again** on the new page: the lines, from a
  line that opens the header, whose letters spell the whole header again.

* a **running title** (a line the pages repeat, "Rapport d'exécution 2023"):
  a line of words printed, identical, at least :data:`RUNNING_TITLE_REPEATS`
  times outside the indicator tables; inside a table it is dropped.

A report read from its PDF has none of these among its lines: the reading
recognises footers and running headers by their place on the page and leaves
them out (:class:`~calpae_lib.text.reading.Place` keeps the page's number).
There, a lone integer printed in a table's cell (its place says so) is
always a cell (``PAGE`` and ``DOUBT`` never occur).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from calpae_lib.text.flattened import TextLine, letters_only
from calpae_lib.text.outline import Outline
from calpae_lib.text.reading import Document

#: A line holding only an integer (a page footer, or a cell alone on its line).
LONE_INTEGER = re.compile(r"^\s*(\d{1,3})\s*$")

PAGE, CELL, DOUBT = "page", "cell", "doubt"

#: How many times a line must be printed outside the tables to be a running title.
RUNNING_TITLE_REPEATS = 3

#: Pages an action may run over after the last one the contents give (the last action of the body).
LAST_ACTION_PAGES = 10


def monotonic(anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(line, page)`` anchors sorted by line, keeping only those whose page increases.

    >>> monotonic([(10, 3), (5, 1), (20, 2), (30, 4)])
    [(5, 1), (10, 3), (30, 4)]
    """
    out: list[tuple[int, int]] = []
    for line, page in sorted(anchors):
        if not out or page > out[-1][1]:
            out.append((line, page))
    return out


def footer_anchors(doc: Document, stop: int, inside: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(line, page)`` of the lone integers printed outside the line ranges ``inside``, increasing."""
    found = []
    for number, text in doc.numbered(1, stop):
        match = LONE_INTEGER.match(text)
        if match and not any(a <= number <= b for a, b in inside):
            found.append((number, int(match.group(1))))
    return monotonic(found)


def interpolated(anchors: list[tuple[int, int]], line: int) -> float | None:
    """The page number a line should be on, interpolated (or extrapolated) between footers.

    >>> interpolated([(100, 1), (300, 3)], 200), interpolated([(100, 1), (300, 3)], 400)
    (2.0, 4.0)
    """
    if len(anchors) < 2:
        return None
    index = min(max(bisect_right([a for a, _ in anchors], line), 1), len(anchors) - 1)
    (a_line, a_page), (b_line, b_page) = anchors[index - 1], anchors[index]
    return a_page + (line - a_line) * (b_page - a_page) / (b_line - a_line)


@dataclass(frozen=True)
class PageModel:
    """What the report says of its pages: footers, and the pages its actions start on."""

    footers: tuple[tuple[int, int], ...]
    starts: tuple[tuple[int, int], ...]  # (first line of an action, its page in the contents)
    running: frozenset[str] = frozenset()  # running titles, spaces normalised
    #: Lines a report read from its PDF printed in a table's cell (``Place.table``): no footer is among them.
    placed: frozenset[int] = frozenset()

    def possible(self, line: int) -> tuple[int, int] | None:
        """The first and last page a line can be on, from the contents (``None`` if unknown).

        A line of an action is on a page between the action's start page and the
        next action's; pages that do not increase say nothing.

        >>> model = PageModel((), ((100, 3), (200, 5), (300, 4)))
        >>> model.possible(150), model.possible(250), model.possible(50), model.possible(350)
        ((3, 5), None, None, (4, 14))
        """
        lines = [a for a, _ in self.starts]
        index = bisect_right(lines, line)
        if index == 0:
            return None
        low = self.starts[index - 1][1]
        high = self.starts[index][1] if index < len(self.starts) else low + LAST_ACTION_PAGES
        return (low, high) if low <= high else None

    def classify(self, line: int, number: int) -> str:
        """``PAGE``, ``CELL`` or ``DOUBT`` for a lone integer printed at ``line`` inside a table.

        >>> footers = ((100, 3), (300, 5))
        >>> PageModel(footers, ()).classify(200, 4), PageModel(footers, (), placed=frozenset({200})).classify(200, 4)
        ('page', 'cell')
        """
        if line in self.placed:
            return CELL
        bounds = self.possible(line)
        if bounds is not None and not bounds[0] <= number <= bounds[1]:
            return CELL
        expected = interpolated(list(self.footers), line)
        if expected is not None and abs(number - expected) <= 1:
            return PAGE
        return DOUBT


def page_model(doc: Document, outline: Outline, tables: list[tuple[int, int]]) -> PageModel:
    """The page model of a report; ``tables``: the line ranges of its tables (their integers are no footers)."""
    footers = footer_anchors(doc, outline.annex_start - 1, tables)
    starts = sorted((a.start, a.toc_page) for a in outline.actions if a.toc_page is not None)
    return PageModel(tuple(footers), tuple(starts), running_titles(doc, tables), placed_in_tables(doc))


def placed_in_tables(doc: Document) -> frozenset[int]:
    """The lines a report read from its PDF printed inside a table (none for a text report)."""
    return frozenset(number for number, place in enumerate(doc.places, start=1)
                     if place is not None and place.table is not None)


def running_titles(doc: Document, tables: list[tuple[int, int]]) -> frozenset[str]:
    """Lines of words printed identically at least :data:`RUNNING_TITLE_REPEATS` times outside the tables.

    Section headings of the action sheets ("5. Budget") repeat too, but never inside a
    table's body, where this set is used.
    """
    in_table = {number for a, b in tables for number in range(max(a, 1), min(b, len(doc.lines)) + 1)}
    counts: dict[str, int] = {}
    for number, text in doc.numbered():
        if number in in_table:
            continue
        key = " ".join(text.split())
        if " " in key and re.search(r"[^\W\d_]", key):  # two words or more, one a letter
            counts[key] = counts.get(key, 0) + 1
    return frozenset(key for key, count in counts.items() if count >= RUNNING_TITLE_REPEATS)


def lone_integer(line: TextLine) -> int | None:
    match = LONE_INTEGER.match(line.text)
    return int(match.group(1)) if match else None


def repeated_header(lines: list[TextLine], header: str) -> set[int]:
    """Indexes of ``lines`` that print the table's header again (its letters, whole, from its start).

    >>> lines = [TextLine(1, "12 13"), TextLine(2, "Nom de la"), TextLine(3, "Mesure Indicateurs"),
    ...          TextLine(4, "Nombre de jeunes")]
    >>> sorted(repeated_header(lines, "Nom de la Mesure Indicateurs"))
    [1, 2]
    """
    target = letters_only(header)
    dropped: set[int] = set()
    index = 0
    while index < len(lines):
        read, end = "", None
        for j in range(index, len(lines)):
            read += letters_only(lines[j].text)
            if not read or not target.startswith(read):
                break
            if read == target:
                end = j
                break
        if end is not None:
            dropped.update(range(index, end + 1))
            index = end + 1
        else:
            index += 1
    return dropped


def without_artefacts(lines: list[TextLine], header: str, model: PageModel) -> tuple[list[TextLine], list[TextLine]]:
    """A table body's lines without page artefacts, and the doubtful integers taken out.

    ``header``: the table's header as printed (its lines joined).
    """
    repeated = repeated_header(lines, header)
    kept, doubts = [], []
    for index, line in enumerate(lines):
        if index in repeated or " ".join(line.text.split()) in model.running:
            continue
        number = lone_integer(line)
        verdict = model.classify(line.line, number) if number is not None else CELL
        if verdict == DOUBT:
            doubts.append(line)
        elif verdict == CELL:
            kept.append(line)
    return kept, doubts
