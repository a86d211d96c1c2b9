"""The cells of the tables a PDF prints, as its reading placed them (issue 30).

A report read from its PDF says, for each line printed in a table, the table
(a running count over the report), the row and the grid column of its cell
(:class:`~calpae_lib.text.reading.Place`). The readers that know a table's
layout (Annexe 4, the annex budget tables) take the cells from here instead of
guessing them from the flattened text's order. A text report places nothing:
:func:`placed_tables` is then empty and the readers keep their text route.
"""

from __future__ import annotations

from dataclasses import dataclass

from calpae_lib.text.flattened import join_cut_lines
from calpae_lib.text.reading import Document


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


def placed_tables(doc: Document) -> dict[int, list[PlacedCell]]:
    """Every placed table's cells in printed order, by table number (``{}`` for a text report).

    A cell is the non-blank lines sharing one ``(table, row, column)``.
    """
    lines: dict[int, dict[tuple[int, int], list[tuple[int, str]]]] = {}
    if not doc.places:
        return {}
    for number, text in doc.numbered():
        place = doc.place(number)
        if not text.strip() or place is None or None in (place.table, place.row, place.column):
            continue
        assert place.table is not None and place.row is not None and place.column is not None  # for mypy
        lines.setdefault(place.table, {}).setdefault((place.row, place.column), []).append((number, text))
    return {table: [PlacedCell(row, column, tuple(printed)) for (row, column), printed in cells.items()]
            for table, cells in sorted(lines.items())}


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
