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


def row_cells(line: PrintedLine, header: list[PrintedLine]) -> dict[int, list[PrintedLine]] | None:
    """A line's segments by the header column each stands under; ``None`` when the line is not a row."""
    placed: dict[int, list[PrintedLine]] = {}
    for segment in segments(line):
        column = column_of(segment, header)
        if column is None:
            return None
        placed.setdefault(column, []).append(segment)
    return placed


def close_below(line: PrintedLine, previous: PrintedLine) -> bool:
    """Whether ``line`` follows ``previous`` as the next row of one table would (no paragraph's gap)."""
    return line.top - previous.bottom <= ROW_GAP * max(line.size, previous.size)


def unruled_table(lines: list[PrintedLine], start: int) -> tuple[Grid, int] | None:
    """The table without rules whose header is ``lines[start]``, and the index after its last row; ``None``
    when that line is no such header.

    A header is a line printing at least two columns (parts parted by a wide gap);
    the rows are the lines just below, each of whose parts stands under one of
    the header's columns, at least one of them with two parts. Each printed line
    is a row.
    """
    header = segments(lines[start])
    if len(header) < 2:
        return None
    rows = [{index: [segment] for index, segment in enumerate(header)}]
    end = start + 1
    while end < len(lines) and close_below(lines[end], lines[end - 1]):
        placed = row_cells(lines[end], header)
        if placed is None:
            break
        rows.append(placed)
        end += 1
    if not any(len(row) >= 2 for row in rows[1:]):
        return None
    cells = [Cell(number, column, (join_segments(parts),)) for number, row in enumerate(rows)
             for column, parts in sorted(row.items())]
    return Grid(lines[start].top, lines[end - 1].bottom, tuple(cells)), end


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
