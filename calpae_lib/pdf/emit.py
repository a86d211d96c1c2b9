"""A PDF's pages turned into the lines the text route reads (« Tika's dialect »), each with its place.

- outside tables, each printed line: its words joined by single spaces and one
  trailing space (none after a word cut by a hyphen, which the readers glue to
  the next line), then an empty line, as Tika prints 1.5-spaced paragraphs; not
  when the next line follows closer than :data:`TIGHT_PITCH` font sizes (lines
  of one block printed single-spaced, as a cell's are: Tika gives them no empty
  line either);
- a list item: its bullet left out and one space before its text, as Tika
  gives the items of the report's lists (their bullet glyph lost): the readers
  take such a line, opening with a capital or a digit, as a new paragraph;
- a page break: two empty lines;
- a table: row by row, cell by cell from left to right, each printed line of a
  cell as a line (with the cell's table, row and column in its place), then an
  empty line after the cell; an empty cell prints nothing. A table cut by the
  page that goes on at the top of the next one with its header printed again
  (or, ruled, with the same columns and no header) keeps its number, its
  repeated header rows are left out and its rows go on counting.
"""

from __future__ import annotations

from dataclasses import dataclass

from calpae_lib.pdf.grids import Grid, same_columns
from calpae_lib.pdf.layout import PrintedLine, is_bullet, single_spaced
from calpae_lib.text.reading import Place


#: Points of room below a table that still leave no room for another row (rules and rounding).
ROOM_TOLERANCE = 1.0

#: The hyphens a word processor cuts a word with at a line's end (the soft one included).
HYPHENS = ("-", "\u00ad", "\u2010")

#: A line outside tables whose next line starts more than this many font sizes below it ends its paragraph
#: (1.5-spaced lines are some 1.7 font sizes apart; a paragraph's gap adds more).
PARAGRAPH_PITCH = 2.0

#: What opens no word nor paragraph: a line opening with one goes on with the line above (« 120 » over « € »).
NEVER_OPENS = frozenset("€%$)]},.;:!?»")


@dataclass(frozen=True)
class PageContent:
    """A page ready to emit: its number (:func:`~calpae_lib.pdf.reading.inferred_numbers`), its lines outside tables,
    its tables, and the lowest the report prints on pages of its size (its body's bottom edge)."""

    number: int
    lines: tuple[PrintedLine, ...]
    grids: tuple[Grid, ...]
    body_bottom: float = float("inf")


@dataclass(frozen=True)
class OpenTable:
    """The table the previous page ended with: its number, first grid (whose header a continuation
    repeats) and the row its next row would be."""

    number: int
    first: Grid
    next_row: int


def cut_word(line: PrintedLine, following: PrintedLine | None) -> bool:
    """Whether ``line``, printed without a space at its end where the PDF prints one at the end of the
    lines ending between words, ends inside a word that ``following`` (the next line of its block, ``None``
    when it is the last of its paragraph or cell) goes on with: cut after a hyphen, a letter meeting a
    lowercase letter, or a sign no word opens with (a unit, a closing mark). Anything else (a paragraph's, heading's or cell's last line, a number, a new item)
    ends between words: a stray space in a word is a lesser fault than two numbers glued into one.

    >>> from calpae_lib.pdf.layout import Word
    >>> def printed(text): return PrintedLine((Word(text, 0, 9, 0, 9),))
    >>> cut_word(printed("accompagnemen"), printed("t")), cut_word(printed("Pas-de-"), printed("Calais"))
    (True, True)
    >>> cut_word(printed("120"), printed("130")), cut_word(printed("Fin."), printed("suite")), cut_word(printed("Titre"), None)
    (False, False, False)
    >>> cut_word(printed("Contexte"), printed("Une")), cut_word(printed("163 342.80"), printed("€"))
    (False, True)
    """
    if following is None or is_bullet(following.words[0].text):
        return False
    last, first = line.words[-1].text, following.text.lstrip()
    if not last or not first or (len(last) > 1 and last.endswith(HYPHENS)):
        return bool(last and first)
    return first[0] in NEVER_OPENS or (last[-1].isalpha() and first[0].isalpha() and first[0].islower())


def line_text(line: PrintedLine, spaced: bool = False, following: PrintedLine | None = None) -> str:
    """A printed line as the text route reads it: its words with the spaces the PDF prints between them
    (one at least, as Tika gives them), and a trailing space where the line ends between two words, none
    where it ends inside one (which the readers glue to the next line).

    Where the PDF prints a space at the end of such lines (``spaced``), a line
    ends between two words when it prints one, or when it does not go on into
    ``following``, the next line of its block (:func:`cut_word`); otherwise,
    unless its last word ends with a hyphen.

    >>> from calpae_lib.pdf.layout import Word
    >>> line_text(PrintedLine((Word("dans", 0, 9, 0, 9), Word("le", 10, 19, 0, 9)))), line_text(PrintedLine((Word("Pas-de-", 0, 9, 0, 9),)))
    ('dans le ', 'Pas-de-')
    >>> cut = PrintedLine((Word("Accompagnemen", 0, 9, 0, 9),))
    >>> line_text(cut, True, PrintedLine((Word("t", 0, 9, 12, 21),))), line_text(cut, True)
    ('Accompagnemen', 'Accompagnemen ')

    A list item's bullet is left out, one space kept before its text (:func:`~calpae_lib.pdf.layout.is_bullet`):

    >>> line_text(PrintedLine((Word("\u2022", 0, 4, 0, 9), Word("Lancement", 18, 50, 0, 9))))
    ' Lancement '
    """
    words = line.words
    lead = " " * words[0].space_before
    if len(words) > 1 and is_bullet(words[0].text):
        words, lead = words[1:], " "
    text = lead + "".join(word.text + " " * max(word.space_after, 1) for word in words[:-1])
    last = words[-1]
    text += last.text
    if spaced:
        return text + " " * (last.space_after or (0 if cut_word(line, following) else 1))
    return text if len(last.text) > 1 and last.text.endswith(HYPHENS) else text + " " * max(last.space_after, 1)


def same_paragraph(line: PrintedLine, following: PrintedLine | Grid | None) -> PrintedLine | None:
    """``following`` when it is a line outside tables printed close enough below ``line`` to go on with its
    paragraph (:data:`PARAGRAPH_PITCH`), else ``None``."""
    if isinstance(following, PrintedLine) \
            and 0 < following.text_top - line.text_top < PARAGRAPH_PITCH * max(line.size, following.size):
        return following
    return None


def repeated_header(table: OpenTable | None, grid: Grid) -> int:
    """How many of ``grid``'s first rows repeat the header of the table the previous page ended with
    (0: none)."""
    if table is None:
        return 0
    count = 0
    while count < min(grid.rows, table.first.rows) and grid.row_texts(count) \
            and grid.row_texts(count) == table.first.row_texts(count):
        count += 1
    return count if count < grid.rows else 0


def continuation(table: OpenTable | None, grid: Grid) -> int | None:
    """How many header rows ``grid`` repeats when it goes on with the table the previous page ended with:
    it prints that table's header again, or, ruled, it draws the same columns without a header; ``None``
    when it is a table of its own."""
    repeated = repeated_header(table, grid)
    if repeated:
        return repeated
    if table is not None and same_columns(table.first, grid):
        return 0
    return None


def cut_by_page(item: PrintedLine | Grid, page: PageContent) -> bool:
    """Whether a page's last item is a table the page break may have cut: one with no room left below it
    for another row like its last (a ruled table ending higher up ended there, whatever the next page
    prints; a table without rules does not say how high its rows are).

    >>> grid = Grid(100, 750, (), last_row=12)
    >>> cut_by_page(grid, PageContent(1, (), (grid,), 760)), cut_by_page(grid, PageContent(1, (), (grid,), 770))
    (True, False)
    """
    return isinstance(item, Grid) and (item.last_row is None
                                       or item.bottom + item.last_row > page.body_bottom + ROOM_TOLERANCE)


def page_items(page: PageContent) -> list[PrintedLine | Grid]:
    """A page's lines and tables in reading order (top to bottom)."""
    return sorted([*page.lines, *page.grids], key=lambda item: item.top)


def place_of(page: PageContent, line: PrintedLine, table: int | None = None, row: int | None = None,
             column: int | None = None) -> Place:
    return Place(page.number, round(line.x0, 1), round(line.top, 1), table, row, column)


def emit(pages, spaced: bool = False) -> tuple[list[str], list[Place | None]]:
    """The lines of a PDF's pages (:class:`PageContent`) in the text route's dialect, and one place per line
    (``spaced``: the PDF prints a space at the end of lines ending between words, :func:`line_text`)."""
    lines: list[str] = []
    places: list[Place | None] = []
    tables = 0
    open_table: OpenTable | None = None
    for index, page in enumerate(pages):
        if index:
            lines += ["", ""]
            places += [None, None]
        items = page_items(page)
        for position, item in enumerate(items):
            if isinstance(item, PrintedLine):
                following = items[position + 1] if position + 1 < len(items) else None
                lines.append(line_text(item, spaced, same_paragraph(item, following)))
                places.append(place_of(page, item))
                if not (isinstance(following, PrintedLine) and single_spaced(item, following)):
                    lines.append("")
                    places.append(None)
                continue
            repeated = continuation(open_table, item) if position == 0 else None
            if repeated is not None and open_table is not None:
                number, offset, first = open_table.number, open_table.next_row - repeated, open_table.first
            else:
                repeated = 0
                tables += 1
                number, offset, first = tables, 0, item
            for cell in item.cells:
                if cell.row < repeated:
                    continue
                for number_in_cell, printed in enumerate(cell.lines):
                    below = cell.lines[number_in_cell + 1] if number_in_cell + 1 < len(cell.lines) else None
                    lines.append(line_text(printed, spaced, below))
                    places.append(place_of(page, printed, number, cell.row + offset, cell.column))
                lines.append("")
                places.append(None)
            open_table = OpenTable(number, first, item.rows + offset)
        if not items or not cut_by_page(items[-1], page):
            open_table = None
    return lines, places
