"""A page's tables as grids of cells: ruled tables by their rules, tables without rules by the columns their parts print in.

Pure functions on :class:`~calpae_lib.pdf.layout.Word` and
:class:`~calpae_lib.pdf.layout.PrintedLine` values: the boxes of a ruled
table's cells come from pdfplumber's table finder, everything else from the
words' positions.
"""

from __future__ import annotations

from dataclasses import dataclass

from calpae_lib.pdf.layout import PrintedLine, Word, page_lines, segments, single_spaced

#: Two cell edges closer than this (points) are one rule of the grid.
EDGE_TOLERANCE = 2.0

#: Rows of a table without rules follow each other at most this many font sizes apart.
ROW_GAP = 1.5

#: A table's rows are printed in its header's font size, to this share of it.
SIZE_TOLERANCE = 0.1


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of a grid: its first row and column (0-based) and the lines printed in it."""

    row: int
    column: int
    lines: tuple[PrintedLine, ...]

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class Grid:
    """A table printed on one page: its vertical extent, its non-empty cells, row by row, left to right,
    and the height its last row takes between its rules (a page with that much room left below a table
    did not cut it); ``None`` for a table without rules, whose rows' heights the page does not draw.
    ``columns``: the left edges of a ruled table's columns (none for a table without rules)."""

    top: float
    bottom: float
    cells: tuple[Cell, ...]
    last_row: float | None = None
    columns: tuple[float, ...] = ()

    def row_texts(self, row: int) -> tuple[tuple[int, str], ...]:
        """Row ``row``'s cells as ``(column, text)``: what tells a repeated header from a new row."""
        return tuple((cell.column, cell.text) for cell in self.cells if cell.row == row)

    @property
    def rows(self) -> int:
        return 1 + max((cell.row for cell in self.cells), default=-1)


def same_columns(a: Grid, b: Grid) -> bool:
    """Whether two ruled tables draw the same columns (their left edges within :data:`EDGE_TOLERANCE`).

    >>> same_columns(Grid(0, 1, (), 1, (70, 230)), Grid(0, 1, (), 1, (70.5, 229))), same_columns(Grid(0, 1, ()), Grid(0, 1, ()))
    (True, False)
    """
    return bool(a.columns) and len(a.columns) == len(b.columns) and all(
        abs(x - y) <= EDGE_TOLERANCE for x, y in zip(a.columns, b.columns))


def edges(values, tolerance: float = EDGE_TOLERANCE) -> list[float]:
    """Distinct positions, those closer than ``tolerance`` taken as one (the first of them kept).

    >>> edges([90.0, 108.0, 90.4, 126.0, 107.9])
    [90.0, 107.9, 126.0]
    """
    merged: list[float] = []
    for value in sorted(values):
        if not merged or value - merged[-1] > tolerance:
            merged.append(value)
    return merged


def edge_index(value: float, known: list[float]) -> int:
    """The index of the edge nearest to ``value``.

    >>> edge_index(107.5, [90.0, 108.0, 126.0])
    1
    """
    return min(range(len(known)), key=lambda index: abs(known[index] - value))


def inside(word: Word, box) -> bool:
    """Whether a word's centre lies in ``box`` = ``(x0, top, x1, bottom)``."""
    x0, top, x1, bottom = box
    return x0 <= (word.x0 + word.x1) / 2 <= x1 and top <= (word.top + word.bottom) / 2 <= bottom


def ruled_grid(boxes, words) -> tuple[Grid, set[int]] | None:
    """The grid of a ruled table from its cells' boxes ``(x0, top, x1, bottom)``, and the indexes of the
    ``words`` printed in it; ``None`` for a frame of one cell (a boxed paragraph is no table).

    A cell spanning several rows or columns stands in its first row and column.

    >>> grid, used = ruled_grid([(0, 0, 50, 20), (50, 0, 100, 20), (0, 20, 50, 40), (50, 20, 100, 40)],
    ...                         [Word("A", 5, 10, 5, 15), Word("B", 55, 60, 5, 15), Word("2", 55, 60, 25, 35)])
    >>> [(c.row, c.column, c.text) for c in grid.cells], sorted(used)
    ([(0, 0, 'A'), (0, 1, 'B'), (1, 1, '2')], [0, 1, 2])
    """
    boxes = [tuple(float(v) for v in box) for box in boxes]
    if len(boxes) < 2:
        return None
    columns, rows = edges(box[0] for box in boxes), edges(box[1] for box in boxes)
    used: set[int] = set()
    cells = []
    for box in boxes:
        inner = [index for index, word in enumerate(words) if index not in used and inside(word, box)]
        used.update(inner)
        inner = [index for index in inner if words[index].text]  # a cell printing only spaces is empty
        if inner:
            cells.append(Cell(edge_index(box[1], rows), edge_index(box[0], columns),
                              tuple(page_lines(words[index] for index in inner))))
    cells.sort(key=lambda cell: (cell.row, cell.column))
    bottom = max(box[3] for box in boxes)
    return Grid(min(box[1] for box in boxes), bottom, tuple(cells), bottom - rows[-1], tuple(columns)), used


def spans_of(parts) -> list[tuple[float, float]]:
    """The columns a set of parts print in: the union of their horizontal extents, left to right.

    >>> spans_of([(63, 151), (280, 316), (63, 192), (280, 296), (412, 437)])
    [(63, 192), (280, 316), (412, 437)]
    """
    spans: list[tuple[float, float]] = []
    for x0, x1 in sorted(parts):
        if spans and x0 <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], x1))
        else:
            spans.append((x0, x1))
    return spans


def spans_under(part: PrintedLine, spans: list[tuple[float, float]]) -> list[int]:
    """The indexes of the spans a part runs under."""
    return [index for index, (x0, x1) in enumerate(spans) if part.x0 <= x1 and x0 <= part.x1]


def close_below(line: PrintedLine, previous: PrintedLine) -> bool:
    """Whether ``line`` follows ``previous`` as the next row of one table would (no paragraph's gap)."""
    return line.top - previous.bottom <= ROW_GAP * max(line.size, previous.size)


def same_print(line: PrintedLine, first: PrintedLine) -> bool:
    """Whether a line is printed in the font size of ``first`` (a table's lines are; the text around it may
    not be)."""
    return abs(line.size - first.size) <= SIZE_TOLERANCE * first.size


def blocks(lines: list[PrintedLine]) -> list[tuple[int, int]]:
    """Runs ``(start, end)`` of lines printed close below each other in one font size."""
    found = []
    start = 0
    for index in range(1, len(lines) + 1):
        if index == len(lines) or not (close_below(lines[index], lines[index - 1])
                                       and same_print(lines[index], lines[start])):
            found.append((start, index))
            start = index
    return found


def block_columns(parts: list[list[PrintedLine]]) -> list[tuple[float, float]]:
    """The columns of a block of lines (each given as its parts): those the lines of two parts or more
    print in, widened by the other lines' parts that run under one of them, and those the other lines'
    parts print in where no column is."""
    spans = spans_of((p.x0, p.x1) for row in parts if len(row) >= 2 for p in row)
    rest = [p for row in parts if len(row) < 2 for p in row]
    lone = [(p.x0, p.x1) for p in rest if len(spans_under(p, spans)) <= 1]
    return spans_of([*spans, *lone])


def is_table(rows: list[dict[int, list[PrintedLine]]]) -> bool:
    """Whether placed rows make a table: they print in two columns at least, the first column not only
    bullets (a list is no table)."""
    columns = {column for row in rows for column in row}
    if not columns:
        return False
    first = [line.text for row in rows for line in row.get(min(columns), ())]
    return len(columns) >= 2 and any(any(c.isalnum() for c in text) for text in first)


def unruled_tables(lines: list[PrintedLine]) -> list[tuple[int, int, Grid]]:
    """Every table without rules among consecutive printed lines: ``(first line, line after, grid)``.

    A table is a block of lines printed close below each other in one font size
    whose parts (words parted by a wide gap) stand in columns: the extents that
    the parts of its lines of two parts or more print in. A line with a part
    running under two columns is prose and ends the table. Each printed line is
    a row (row 0 the first), but a line printed single-spaced below a row, in
    its columns, which goes on its cells; a part's column is the one it prints
    in.
    """
    found = []
    for start, end in blocks(lines):
        parts = [segments(line) for line in lines[start:end]]
        spans = block_columns(parts)
        run: list[dict[int, list[PrintedLine]]] = []
        first = start
        for offset, row in enumerate([*parts, None]):
            placed = None if row is None else place_row(row, spans)
            if placed is not None:
                if not run:
                    first = start + offset
                if run and goes_on(run[-1], placed, lines[start + offset]):
                    for column, part in placed.items():
                        run[-1][column].append(part)
                else:
                    run.append({column: [part] for column, part in placed.items()})
                continue
            after = start + offset
            if after - first >= 2 and is_table(run):
                cells = tuple(Cell(number, column, tuple(cell)) for number, placed_row in enumerate(run)
                              for column, cell in sorted(placed_row.items()))
                found.append((first, after, Grid(lines[first].top, lines[after - 1].bottom, cells)))
            run = []
    return found


def goes_on(row: dict[int, list[PrintedLine]], placed: dict[int, PrintedLine], line: PrintedLine) -> bool:
    """Whether a line printed below ``row`` goes on its cells: single-spaced below the row's last line, in
    columns the row prints in, and either in its first column alone (a label going on) or not in it (a
    cell going on); a line with a label and more starts a row of its own.

    >>> from calpae_lib.pdf.layout import Word
    >>> line = lambda top: PrintedLine((Word("x", 0, 9, top, top + 10),))
    >>> row = {0: [line(100)], 2: [line(100)]}
    >>> goes_on(row, {2: line(112)}, line(112)), goes_on(row, {0: line(112)}, line(112)), goes_on(row, {0: line(112), 2: line(112)}, line(112))
    (True, True, False)
    """
    above = max((cell[-1] for cell in row.values()), key=lambda printed: printed.top)
    first = min(row)
    columns = set(placed)
    return single_spaced(above, line) and columns <= set(row) and (columns == {first} or first not in columns)


def place_row(row: list[PrintedLine], spans: list[tuple[float, float]]) -> dict[int, PrintedLine] | None:
    """A line's parts by the column each prints in; ``None`` when one runs under two columns (prose)."""
    placed: dict[int, list[PrintedLine]] = {}
    for part in row:
        under = spans_under(part, spans)
        if len(under) != 1:
            return None
        placed.setdefault(under[0], []).append(part)
    return {column: join_segments(together) for column, together in placed.items()}


def join_segments(parts: list[PrintedLine]) -> PrintedLine:
    """The parts of a line standing under one column, as one printed line."""
    return PrintedLine(tuple(word for part in parts for word in part.words))
