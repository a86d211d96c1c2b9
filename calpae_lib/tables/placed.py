"""The cells of the tables a PDF prints, as its reading placed them (issue 30).

A report read from its PDF says, for each line printed in a table, the table
(a running count over the report), the row and the grid column of its cell
(:class:`~calpae_lib.text.reading.Place`). The readers that know a table's
layout (Annexe 4, the annex budget tables) take the cells from here instead of
guessing them from the flattened text's order; the indicator tables
(:mod:`calpae_lib.tables.indicators.geometry`) take a region's placed lines
(:func:`placed_lines`) and their cells (:func:`cells_of`). A text report places
nothing: :func:`placed_tables` is then empty and the readers keep their text route.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from calpae_lib.text.flattened import is_cut, join_cut_lines
from calpae_lib.text.reading import Document


@dataclass(frozen=True)
class CellLine:
    """A printed line of a table's cell: its number in the text, its table, row and grid column, its text
    and where it starts (points from the page's left edge)."""

    line: int
    table: int
    row: int
    column: int
    text: str
    x0: float = 0.0


def cell_line(doc: Document, number: int) -> CellLine | None:
    """Line ``number`` as a line of a table's cell, or ``None`` when its place gives no table, row and column."""
    place = doc.place(number)
    if place is None or place.table is None or place.row is None or place.column is None:
        return None
    return CellLine(number, place.table, place.row, place.column, doc.line(number), place.x0)


def placed_lines(doc: Document, start: int = 1, end: int | None = None) -> list[CellLine]:
    """The non-blank lines of ``start..end`` (the whole document by default) printed in a table's cell."""
    if not doc.places:
        return []
    found = (cell_line(doc, number) for number, text in doc.numbered(start, end) if text.strip())
    return [line for line in found if line is not None]


@dataclass(frozen=True)
class PlacedCell:
    """One cell of a placed table: its row, grid column and printed lines ``(line number, text)``.

    >>> cell = PlacedCell(3, 1, ((40, "Résultat "), (41, "atteint en "), (42, "2019")))
    >>> cell.line, cell.text
    (40, 'Résultat atteint en 2019')
    """

    row: int
    column: int
    lines: tuple[tuple[int, str], ...]

    @property
    def line(self) -> int:
        """The line the cell's first printed line is on."""
        return self.lines[0][0]

    @property
    def text(self) -> str:
        """The cell's lines joined (a line without trailing space continues its word), spaces collapsed."""
        return join_cut_lines([text for _, text in self.lines])

    @property
    def as_printed(self) -> str:
        """The cell's lines joined as printed: spaces kept (two spaces part two values), a line cut inside a
        word glued to the next (each other line ends with its space)."""
        return "".join(text for _, text in self.lines).strip()

    @property
    def glued_lines(self) -> list[tuple[int, str]]:
        """The cell's printed lines ``(line, text)``, a line cut inside a word glued to the next.

        >>> PlacedCell(2, 9, ((7, "Données au "), (8, "30/11/2022 dans le Pas-de-"), (9, "Calais "))).glued_lines
        [(7, 'Données au '), (8, '30/11/2022 dans le Pas-de-Calais ')]
        """
        out: list[tuple[int, str]] = []
        pending: tuple[int, str] | None = None
        for number, text in self.lines:
            pending = (pending[0], pending[1] + text) if pending else (number, text)
            if not is_cut(text):
                out.append(pending)
                pending = None
        return out + ([pending] if pending else [])


def cells_of(lines: Iterable[CellLine]) -> list[PlacedCell]:
    """The cells placed lines print, one per ``(row, column)``, in printed order (each cell where its first
    line is), whatever their tables.

    >>> cells = cells_of([CellLine(3, 1, 0, 1, "Taux "), CellLine(4, 1, 0, 0, "Mesure "), CellLine(5, 1, 0, 1, "atteint")])
    >>> [(cell.row, cell.column, cell.text) for cell in cells]
    [(0, 1, 'Taux atteint'), (0, 0, 'Mesure')]
    """
    cells: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for line in lines:
        cells.setdefault((line.row, line.column), []).append((line.line, line.text))
    return [PlacedCell(row, column, tuple(printed)) for (row, column), printed in cells.items()]


def placed_tables(doc: Document) -> dict[int, list[PlacedCell]]:
    """Every placed table's cells in printed order, by table number (``{}`` for a text report).

    A cell is the non-blank lines sharing one ``(table, row, column)``.
    """
    tables: dict[int, list[CellLine]] = {}
    for line in placed_lines(doc):
        tables.setdefault(line.table, []).append(line)
    return {table: cells_of(lines) for table, lines in sorted(tables.items())}


def grid_rows(cells: list[PlacedCell]) -> dict[int, dict[int, PlacedCell]]:
    """A table's cells by row, then by grid column, rows in increasing order.

    >>> rows = grid_rows([PlacedCell(1, 2, ((9, "b"),)), PlacedCell(0, 0, ((5, "a"),))])
    >>> [(row, sorted(columns)) for row, columns in rows.items()]
    [(0, [0]), (1, [2])]
    """
    rows: dict[int, dict[int, PlacedCell]] = {}
    for cell in sorted(cells, key=lambda c: (c.row, c.column)):
        rows.setdefault(cell.row, {})[cell.column] = cell
    return rows
