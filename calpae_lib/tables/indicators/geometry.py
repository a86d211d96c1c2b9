"""An indicator table read from where its PDF printed each line (:class:`~calpae_lib.text.reading.Place`).

A report read from its PDF says, for every line printed inside a table, the
table, the row and the grid column of its cell. Where it does, the table is
read from that grid, not from the flattened text's order, and nothing the
flattened text leaves open stays open:

1. The header's own cells map the grid's columns to what they hold: the
   measure (« Nom de la Mesure »), the indicator, each value column (in
   printed order, the columns :mod:`calpae_lib.tables.indicators.headers`
   reads from the header's text, kind for kind) and the justification. A
   header whose cells do not give exactly those columns, or a table with a
   line whose place gives no row or column or a column the header does not
   name, is left to the text route (nothing printed is dropped unread), whose
   rules of certainty the PDF's text does not follow: there every value is
   ``ambiguous`` (:func:`calpae_lib.tables.indicators.sheets.row_records`). A
   table continued on the next page that the PDF's reading did not stitch
   to it is numbered a table of its own: printed right after the table, on a
   later page, its lines under the header's columns (the whole grid shifted
   a little on facing pages' mirrored margins), its rows are the table's
   (:func:`continuations`), and its first rows, where they print the header
   again, are header, never values (:func:`repeated_headers`). A non-blank
   line of the region the grid does not read (in a table taken for no
   continuation, or outside any table) leaves the whole table to the text
   route (:func:`covers`): nothing is dropped unread.
2. A body row is the lines of one ``Place.row``. Its measure cell (merged over
   the rows of its measure: printed once, in its first row) names it and the
   rows after it up to the next measure cell: the measure is certain. Its
   indicator cell names it; a row without one goes on with the indicator above
   (a merged cell, filled down). Each value cell is one cell of its column:
   ``ok`` with the column's period and kind (rule ``geometry``); a cell
   printing more than one value is ``ambiguous`` in its column, shown as
   printed, no value read (as Annexe 4 reads it). The
   justification cell is the row's comment.

The text route (a report without places) never comes here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from calpae_lib.tables.indicators.cells import SEVERAL, Atom, prints_several_values, read_atoms
from calpae_lib.tables.indicators.headers import TableRegion
from calpae_lib.tables.indicators.rows import DraftRow
from calpae_lib.tables.placed import CellLine, PlacedCell, cells_of, placed_lines
from calpae_lib.template.indicators import (
    COLUMN_KEYWORD,
    JUSTIFICATION,
    MEASURE_TITLE,
    SHEET_HEADER_START,
    column_kind,
)
from calpae_lib.text.flattened import TextLine, join_cut_lines, letters_only
from calpae_lib.text.reading import Document

#: What a grid column holds besides values (a value column is its index among the table's value columns).
MEASURE, INDICATOR, JUSTIFICATION_COLUMN = "measure", "indicator", "justification"


@dataclass(frozen=True)
class Grid:
    """A placed table: its number in the report, its header's rows, what each grid column holds, the
    tables that continue it on the next pages, and the rows ``(table, row)`` where those print its header
    again."""

    table: int
    header_rows: frozenset[int]
    roles: tuple[tuple[int, str | int], ...]  # (grid column, MEASURE / INDICATOR / JUSTIFICATION_COLUMN / value index)
    continued: tuple[int, ...] = ()
    repeated: frozenset[tuple[int, int]] = frozenset()

    def role(self, column: int) -> str | int | None:
        return dict(self.roles).get(column)

    @property
    def tables(self) -> tuple[int, ...]:
        """The numbers of the tables the grid's rows are printed in, in printed order."""
        return (self.table, *self.continued)


def column_role(text: str) -> str | None:
    """What a header cell's text says its column holds: a measure, indicator, justification, value (``"value"``)
    or ``None`` when it says none of these.

    >>> [column_role(t) for t in ("Nom de la Mesure", "Indicateurs", "Prévisionnel 2022",
    ...                           "Justification des écarts (le cas échéant)", "Commentaire")]
    ['measure', 'indicator', 'value', 'justification', None]
    """
    if MEASURE_TITLE.match(text):
        return MEASURE
    if JUSTIFICATION.search(text):
        return JUSTIFICATION_COLUMN
    if COLUMN_KEYWORD.search(text):
        return "value"
    if SHEET_HEADER_START.match(text):
        return INDICATOR
    return None


def table_grid(doc: Document, region: TableRegion) -> Grid | None:
    """The grid of a table whose every line carries its cell's place in a column its header names, else
    ``None`` (rule 1); with the tables that continue it (:func:`continuations`)."""
    grid = header_grid(doc, region)
    if grid is None:
        return None
    grid = replace(grid, continued=continuations(doc, region, grid))
    grid = replace(grid, repeated=repeated_headers(doc, region, grid))
    return grid if covers(doc, region, grid) else None


#: How far left of its header's text (points) a column's text may start: the header's own cell padding.
COLUMN_TOLERANCE = 6.0


def column_lefts(doc: Document, region: TableRegion, grid: Grid) -> dict[int, float]:
    """Where each grid column's header text starts (points from the page's left edge)."""
    lefts: dict[int, float] = {}
    for line in placed_lines(doc, region.header.start, region.header.end):
        if line.table == grid.table:
            lefts[line.column] = min(lefts.get(line.column, line.x0), line.x0)
    return lefts


def under_its_header(x0: float, column: int, lefts: dict[int, float]) -> bool:
    """Whether a line starting at ``x0`` stands under the header cell of its ``column``: not left of its
    header's text (beyond a cell's padding), left of the next column's.

    >>> lefts = {0: 62.7, 1: 140.7, 2: 258.7}
    >>> under_its_header(62.7, 0, lefts), under_its_header(200.0, 1, lefts), under_its_header(300.0, 2, lefts)
    (True, True, True)
    >>> under_its_header(150.0, 0, lefts), under_its_header(140.7, 2, lefts), under_its_header(70.0, 3, lefts)
    (False, False, False)
    """
    if column not in lefts:
        return False
    following = [left for other, left in lefts.items() if other > column]
    return lefts[column] - COLUMN_TOLERANCE <= x0 < min(following, default=float("inf"))


def narrowest_column(lefts: dict[int, float]) -> float:
    """The width (points) of the header's narrowest column, from where its cells' texts start.

    >>> narrowest_column({0: 62.7, 1: 140.7, 2: 258.7, 3: 317.3}), narrowest_column({0: 62.7})
    (58.6, inf)
    """
    starts = sorted(lefts.values())
    return round(min((b - a for a, b in zip(starts, starts[1:])), default=float("inf")), 1)


def grid_shift(lines: list[CellLine], lefts: dict[int, float]) -> float | None:
    """How far (points) a continuing table's grid stands from its header's: ``0`` when each line stands under
    the header cell of its column (:func:`under_its_header`); else the one shift that puts every column's
    text where the header's starts (each column's within a cell's padding of it), less than half the
    narrowest column (facing pages' mirrored margins move the whole grid a little, never a column under its
    neighbour); else ``None``.

    >>> lefts = {0: 40.0, 1: 125.0, 2: 210.0}
    >>> line = lambda column, x0: CellLine(1, 8, 0, column, "", x0)
    >>> grid_shift([line(0, 40.0), line(1, 130.0)], lefts), grid_shift([line(0, 30.0), line(2, 200.0)], lefts)
    (0.0, -10.0)
    >>> grid_shift([line(0, 125.0), line(1, 210.0)], lefts) is None  # each column under the next one's header
    True
    >>> grid_shift([line(0, 30.0), line(2, 150.0)], lefts) is None  # the columns do not move together
    True
    """
    if all(under_its_header(line.x0, line.column, lefts) for line in lines):
        return 0.0
    starts: dict[int, float] = {}
    for line in lines:
        if line.column not in lefts:
            return None
        starts[line.column] = min(starts.get(line.column, line.x0), line.x0)
    offsets = [start - lefts[column] for column, start in starts.items()]
    shift = min(offsets, default=0.0)
    if max(offsets, default=0.0) - shift > COLUMN_TOLERANCE or abs(shift) >= narrowest_column(lefts) / 2:
        return None
    if not all(under_its_header(line.x0 - shift, line.column, lefts) for line in lines):
        return None
    return shift


def continuations(doc: Document, region: TableRegion, grid: Grid) -> tuple[int, ...]:
    """The tables that carry the grid's rows on over the next pages, numbered tables of their own.

    A word processor repeats a table's header on a continued page only when asked to; where the PDF's
    reading did not stitch the rest to the table, it numbers it a table of its own. Table ``n + 1``
    continues table ``n`` when it is printed right after it (nothing printed between them), starting on a
    later page, and its lines stand under the header cells of their columns, the whole grid maybe shifted
    a little (:func:`grid_shift`).
    """
    lines = [line for line in placed_lines(doc, region.header.start, region.body_end) if line.table >= grid.table]
    lefts = column_lefts(doc, region, grid)
    found: list[int] = []
    last = grid.table
    while True:
        table = last + 1
        mine = [line for line in lines if line.table == table]
        before = [line for line in lines if line.table == last]
        if not mine or not before or not printed_next(doc, before[-1].line, mine[0].line):
            break
        if grid_shift(mine, lefts) is None:
            break
        found.append(table)
        last = table
    return tuple(found)


def column_letters(lines: Iterable[CellLine]) -> dict[int, str]:
    """The letters (:func:`~calpae_lib.text.flattened.letters_only`) each grid column prints in ``lines``, in
    printed order; columns printing no letter left out.

    >>> column_letters([CellLine(1, 7, 0, 2, "Prévisionnel "), CellLine(2, 7, 0, 2, "2022 "), CellLine(3, 7, 0, 3, "12")])
    {2: 'previsionnel'}
    """
    texts: dict[int, list[str]] = {}
    for line in lines:
        texts.setdefault(line.column, []).append(line.text)
    letters = {column: letters_only(join_cut_lines(parts)) for column, parts in texts.items()}
    return {column: text for column, text in sorted(letters.items()) if text}


def repeated_headers(doc: Document, region: TableRegion, grid: Grid) -> frozenset[tuple[int, int]]:
    """The rows ``(table, row)`` where a continuing table prints the header again: its first rows, when
    together they print, column by column, the header's texts (letters compared, :func:`column_letters`)."""
    lines = placed_lines(doc, region.header.start, region.body_end)
    header = column_letters(line for line in lines if line.table == grid.table and line.row in grid.header_rows)
    repeated: set[tuple[int, int]] = set()
    for table in grid.continued:
        mine = [line for line in lines if line.table == table]
        rows = sorted({line.row for line in mine})
        for count in range(1, len(rows) + 1):
            if column_letters(line for line in mine if line.row in rows[:count]) == header:
                repeated.update((table, row) for row in rows[:count])
                break
    return frozenset(repeated)


def printed_next(doc: Document, last: int, first: int) -> bool:
    """Whether line ``first`` is printed right after line ``last`` (nothing between them) on a later page."""
    between = any(text.strip() for _, text in doc.numbered(last + 1, first - 1))
    start, end = doc.place(last), doc.place(first)
    return not between and start is not None and end is not None and end.page != start.page


def header_grid(doc: Document, region: TableRegion) -> Grid | None:
    """What each grid column holds, from the header's own placed cells, else ``None`` (rule 1)."""
    if not doc.places:
        return None
    header = placed_lines(doc, region.header.start, region.header.end)
    if not header:
        return None
    table = header[0].table
    header = [line for line in header if line.table == table]
    rows = frozenset(line.row for line in header)
    texts: dict[int, list[str]] = {}
    for cell in sorted(cells_of(header), key=lambda cell: (cell.column, cell.row)):
        texts.setdefault(cell.column, []).extend(text for _, text in cell.lines)
    roles: list[tuple[int, str | int]] = []
    values = 0
    for column in sorted(texts):
        text = join_cut_lines(texts[column])
        role = column_role(text)
        if role is None:
            return None
        if role == "value":
            if values >= len(region.header.columns) or column_kind(text) != region.header.columns[values].kind:
                return None
            roles.append((column, values))
            values += 1
        else:
            roles.append((column, role))
    if values != len(region.header.columns) or [r for _, r in roles].count(INDICATOR) != 1:
        return None
    return Grid(table, rows, tuple(roles))


def covers(doc: Document, region: TableRegion, grid: Grid) -> bool:
    """Whether the grid reads every non-blank line of the region: each printed in one of the grid's tables,
    in a row and a column the header names. A line outside any table, or in a table taken for no
    continuation (a grid shifted beyond what :func:`grid_shift` accepts), would be dropped unread."""
    for number, text in doc.numbered(region.header.start, region.body_end):
        if not text.strip():
            continue
        place = doc.place(number)
        if place is None or place.table not in grid.tables:
            return False
        if place.row is None or place.column is None or grid.role(place.column) is None:
            return False
    return True


def cell_atom(text: str, line: int) -> Atom:
    """A value cell as one atom: a number, a "not available" mark, several values (a cell printing more
    than one, :func:`~calpae_lib.tables.indicators.cells.prints_several_values`: ``ambiguous``, shown as
    printed, as Annexe 4 reads it), or else a text.

    >>> [(a.kind, a.text) for a in (cell_atom("52%", 3), cell_atom("Non estimé", 3), cell_atom("10 144", 3),
    ...                               cell_atom("Restitution intermédiaire", 3), cell_atom("NC (en cours)", 3))]
    [('numbers', '52%'), ('na', 'Non estimé'), ('numbers', '10 144'), ('text', 'Restitution intermédiaire'), ('na', 'NC (en cours)')]
    >>> [(a.kind, a.text) for a in (cell_atom("2364  2 573", 3), cell_atom("18 privés", 3))]
    [('several', '2364  2 573'), ('text', '18 privés')]
    """
    atoms, rest = read_atoms(text, line)
    if prints_several_values(atoms, rest):
        return Atom(SEVERAL, text, line)
    if len(atoms) == 1 and not rest and atoms[0].kind != "text":
        return atoms[0]
    return Atom("text", text, line)


def placed_rows(doc: Document, region: TableRegion, grid: Grid) -> list[DraftRow]:
    """The table's rows read from its grid (rule 2); each row's ``placed`` gives its cells' value columns."""
    lines = [line for line in placed_lines(doc, region.header.start, region.body_end)
             if line.table in grid.tables and not (line.table == grid.table and line.row in grid.header_rows)
             and (line.table, line.row) not in grid.repeated]
    by_row: dict[tuple[int, int], dict[int, PlacedCell]] = {}
    for table in grid.tables:  # a continuing table's rows after the rows before it
        for cell in cells_of(line for line in lines if line.table == table):
            by_row.setdefault((grid.tables.index(table), cell.row), {})[cell.column] = cell
    rows: list[DraftRow] = []
    measure, label = "", []
    for key in sorted(by_row):
        values: list[tuple[int, Atom]] = []
        comment = ""
        indicator = None
        names_measure = False
        for column, cell in sorted(by_row[key].items()):
            role, text = grid.role(column), cell.text
            if role == MEASURE:
                measure, names_measure = text, True
            elif role == INDICATOR:
                indicator = [TextLine(cell.line, text)]
            elif role == JUSTIFICATION_COLUMN:
                comment = text
            elif isinstance(role, int):
                values.append((role, cell_atom(text, cell.line)))
        if indicator is not None:
            label = indicator
        if not values and indicator is None:
            if comment and rows and not names_measure:  # a justification carried on past the row's other cells
                rows[-1].comment.append(comment)
            continue  # else a row that only names a measure
        values.sort(key=lambda value: value[0])
        rows.append(DraftRow(label=list(label), cells=[atom for _, atom in values], comment=[comment] if comment else [],
                             measure=measure, placed=tuple(index for index, _ in values)))
    return rows
