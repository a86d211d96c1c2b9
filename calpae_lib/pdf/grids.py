"""A page's tables as grids of cells: ruled tables by their rules, tables without rules by their header's columns.

Pure functions on :class:`~calpae_lib.pdf.layout.Word` and
:class:`~calpae_lib.pdf.layout.PrintedLine` values: the boxes of a ruled
table's cells come from pdfplumber's table finder, everything else from the
words' positions.
"""

from __future__ import annotations

from dataclasses import dataclass

from calpae_lib.pdf.layout import PrintedLine, Word, page_lines, segments

#: Two cell edges closer than this (points) are one rule of the grid.
EDGE_TOLERANCE = 2.0

#: Rows of a table without rules follow each other at most this many font sizes apart.
ROW_GAP = 1.5

#: A table's rows are printed in its header's font size, to this share of it.
SIZE_TOLERANCE = 0.1


@dataclass(frozen=True)
class Cell:
    """A cell of a grid: its first row and column (0-based) and the lines printed in it."""

    row: int
    column: int
    lines: tuple[PrintedLine, ...]

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Grid:
    """A table printed on one page: its vertical extent and its non-empty cells, row by row, left to right."""

    top: float
    bottom: float
    cells: tuple[Cell, ...]

    def row_texts(self, row: int) -> tuple[tuple[int, str], ...]:
        """Row ``row``'s cells as ``(column, text)``: what tells a repeated header from a new row."""
        return tuple((cell.column, cell.text) for cell in self.cells if cell.row == row)

    @property
    def rows(self) -> int:
        return 1 + max((cell.row for cell in self.cells), default=-1)


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
    return Grid(min(box[1] for box in boxes), max(box[3] for box in boxes), tuple(cells)), used


def overlap(a: PrintedLine, b: PrintedLine) -> float:
    """How many points two segments share horizontally (0 when apart)."""
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))


def column_of(segment: PrintedLine, header: list[PrintedLine]) -> int | None:
    """The header column a segment is printed under: the one header segment it overlaps, else the nearest
    when it overlaps none; ``None`` when it runs under two (a line of prose, not a row).

    >>> head = [PrintedLine((Word("Action", 0, 30, 0, 10),)), PrintedLine((Word("Prévu", 200, 230, 0, 10),))]
    >>> seg = lambda x0, x1: PrintedLine((Word("x", x0, x1, 20, 30),))
    >>> column_of(seg(0, 150), head), column_of(seg(190, 240), head), column_of(seg(160, 180), head), column_of(seg(0, 300), head)
    (0, 1, 1, None)
    """
    touched = [index for index, column in enumerate(header) if overlap(segment, column) > 0]
    if len(touched) > 1:
        return None
    if touched:
        return touched[0]
    return min(range(len(header)), key=lambda index: min(abs(segment.x0 - header[index].x1),
                                                          abs(header[index].x0 - segment.x1)))


def row_segments(line: PrintedLine, header: list[PrintedLine]) -> list[PrintedLine] | None:
    """A line's parts when each stands under at most one of the header's columns; ``None`` when one runs
    under two (a line of prose, not a row)."""
    parts = segments(line)
    return None if any(column_of(part, header) is None for part in parts) else parts


def close_below(line: PrintedLine, previous: PrintedLine) -> bool:
    """Whether ``line`` follows ``previous`` as the next row of one table would (no paragraph's gap)."""
    return line.top - previous.bottom <= ROW_GAP * max(line.size, previous.size)


def same_print(line: PrintedLine, header: PrintedLine) -> bool:
    """Whether a line is printed in the header's font size (a table's rows are; the text after it may not be)."""
    return abs(line.size - header.size) <= SIZE_TOLERANCE * header.size


def unruled_table(lines: list[PrintedLine], start: int) -> tuple[Grid, int] | None:
    """The table without rules whose header is ``lines[start]``, and the index after its last row; ``None``
    when that line is no such header.

    A header is a line printing at least two columns (parts parted by a wide gap);
    the rows are the lines just below it, in its font size, each of whose parts
    stands under one of the header's columns, and the rows print in two columns
    at least. Each printed line is a row. Parts printed left of the header's first
    column stand in a column of their own, the first (row labels under no
    header).
    """
    header = segments(lines[start])
    if len(header) < 2:
        return None
    rows: list[list[PrintedLine]] = [header]
    end = start + 1
    while end < len(lines) and close_below(lines[end], lines[end - 1]) and same_print(lines[end], lines[start]):
        parts = row_segments(lines[end], header)
        if parts is None:
            break
        rows.append(parts)
        end += 1
    labels = int(any(part.x1 <= header[0].x0 for row in rows[1:] for part in row))
    placed = [row_columns(row, header, bool(labels)) for row in rows]
    if len({column for row in placed[1:] for column in row}) < 2:
        return None
    cells = [Cell(number, column, (join_segments(parts),)) for number, row in enumerate(placed)
             for column, parts in sorted(row.items())]
    return Grid(lines[start].top, lines[end - 1].bottom, tuple(cells)), end


def row_columns(row: list[PrintedLine], header: list[PrintedLine], labels: bool) -> dict[int, list[PrintedLine]]:
    """A row's parts by column: the header's columns, after a first column of row labels when ``labels``
    (the parts printed left of the header's first column)."""
    placed: dict[int, list[PrintedLine]] = {}
    for part in row:
        column = 0 if labels and part.x1 <= header[0].x0 else (column_of(part, header) or 0) + labels
        placed.setdefault(column, []).append(part)
    return placed


def join_segments(parts: list[PrintedLine]) -> PrintedLine:
    """The parts of a line standing under one column, as one printed line."""
    return PrintedLine(tuple(word for part in parts for word in part.words))


def unruled_tables(lines: list[PrintedLine]) -> list[tuple[int, int, Grid]]:
    """Every table without rules among consecutive printed lines: ``(first line, line after, grid)``."""
    found = []
    index = 0
    while index < len(lines):
        table = unruled_table(lines, index)
        if table is None:
            index += 1
            continue
        grid, end = table
        found.append((index, end, grid))
        index = end
    return found
