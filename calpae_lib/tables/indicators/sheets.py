"""``indicators.csv``: every value of the action sheets' indicator tables.

One row per printed cell: the table's owner (``action_id``, or only ``axis``
for the axis-level "garantie d'activité" table), the ``measure`` and
``indicator`` it belongs to, the column it stands in (``period`` and ``kind``
read from the printed header), its ``value`` and ``unit``, the cell as
printed (``raw``), the row's justification (``comment``), its
``source_line`` and a ``status``:

- ``ok``: the cell's column is certain;
- ``not_available``: the cell says so (NC, Non connu, Non estimé, "/"...);
- ``ambiguous``: the flattened text does not say which column the cell is in;
  ``kind`` and ``period`` are then left empty rather than guessed.

How a row's cells find their columns:

1. A row that prints as many cells as the table has value columns fills them
   in order. Number runs are split into cells by French grouping
   (:func:`calpae_lib.tables.indicators.cells.split_numbers`); two spaces always
   separate cells; when several readings fit, the one whose numbers are
   closest in size wins ("526 471 450 000  320 800").
2. A row printed on one line with fewer cells than columns is indented by one
   space per empty leading cell (" 300 351" under three columns: the first is
   empty): its cells fill the last columns. In the bundled report every
   one-line short row is so indented and no full one-line row is.
3. Otherwise the cells are ``ambiguous``.

Page footers (a lone page number printed inside a table) are recognised by
comparing a lone integer with the page number interpolated from the footers
found outside the tables.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import pandas as pd

from calpae_lib.tables.indicators.cells import (
    FUNCTION_WORD,
    Atom,
    cell_value,
    natural_split,
    split_numbers,
)
from calpae_lib.tables.indicators.headers import TableRegion, ValueColumn, table_regions
from calpae_lib.tables.indicators.rows import DraftRow, expected_cells, table_rows
from calpae_lib.tables.indicators.words import block_text, blocks
from calpae_lib.tables.schemas import TABLE_COLUMNS
from calpae_lib.text.flattened import TextLine
from calpae_lib.text.outline import Outline
from calpae_lib.text.reading import Document

COLUMNS = TABLE_COLUMNS["indicators"]

#: A line holding only an integer (a page footer, or a cell alone on its line).
LONE_INTEGER = re.compile(r"^\s*(\d{1,3})\s*$")


# --- page footers ----------------------------------------------------------------------------

def page_anchors(doc: Document, outline: Outline, regions: list[TableRegion]) -> list[tuple[int, int]]:
    """``(line, page)`` of the page footers printed outside the tables, increasing."""
    inside = [(r.header.start, r.body_end) for r in regions]
    anchors: list[tuple[int, int]] = []
    for number, text in doc.numbered(1, outline.annex_start - 1):
        match = LONE_INTEGER.match(text)
        if not match or any(a <= number <= b for a, b in inside):
            continue
        page = int(match.group(1))
        if not anchors or page > anchors[-1][1]:
            anchors.append((number, page))
    return anchors


def expected_page(anchors: list[tuple[int, int]], line: int) -> float | None:
    """The page number a line should be on, interpolated between footers.

    >>> expected_page([(100, 1), (300, 3)], 200)
    2.0
    >>> expected_page([(100, 1), (300, 3)], 400)
    4.0
    """
    if len(anchors) < 2:
        return None
    index = min(max(bisect_left([a for a, _ in anchors], line), 1), len(anchors) - 1)
    (a_line, a_page), (b_line, b_page) = anchors[index - 1], anchors[index]
    return a_page + (line - a_line) * (b_page - a_page) / (b_line - a_line)


def page_footer_test(anchors: list[tuple[int, int]]):
    """A predicate: is this logical line a page footer (a lone integer within one of its page)?"""
    def is_page_number(line: TextLine) -> bool:
        match = LONE_INTEGER.match(line.text)
        if not match:
            return False
        expected = expected_page(anchors, line.line)
        return expected is not None and abs(int(match.group(1)) - expected) <= 1
    return is_page_number


# --- columns -----------------------------------------------------------------------------------

def pullable_label_cells(row: DraftRow) -> list[Atom]:
    """Blocks printed after the indicator's first block: text cells printed before the others.

    A block after a function word ("accompagnés par les" / "CLLAJ") is the
    indicator's own words, never a cell.
    """
    parts = blocks([line for line in row.label if line.line])
    pulled: list[Atom] = []
    for previous, part in zip(parts, parts[1:]):
        if FUNCTION_WORD.search(previous[-1].text):
            pulled = []
            continue
        pulled.append(Atom("text", block_text(part), part[0].line))
    return pulled


def drop_lines(row: DraftRow, cells: list[Atom]) -> None:
    """Remove from the indicator's words the blocks that turned out to be cells."""
    parts = blocks([line for line in row.label if line.line])
    taken = {id(line) for part in parts for line in part if part[0].line in {cell.line for cell in cells}}
    row.label = [line for line in row.label if id(line) not in taken] or row.label


def resolve_cells(row: DraftRow, columns: int) -> tuple[list[Atom], int, str] | None:
    """The row's cells, the index of the first column they fill and the rule used; ``None`` if ambiguous."""
    cells = list(row.cells) + list(row.extra)
    wanted = expected_cells(columns, cells, row.leading_spaces, row.one_line and bool(row.cells))
    split = split_numbers(cells, wanted)
    if split is not None:
        return split[0], columns - wanted, split[1] if wanted == columns else "indented"
    pulled = pullable_label_cells(row)
    for take in range(1, len(pulled) + 1):
        split = split_numbers(pulled[-take:] + cells, columns)
        if split is not None:
            drop_lines(row, pulled[-take:])
            return split[0], 0, "label-cell"
    return None


def row_unit(row: DraftRow, cells: list[Atom]) -> str:
    """The unit of a row's bare numbers and "not available" marks.

    A sign printed in a sibling cell, else ``text`` when the row's other cells
    are all text (a "/" among "18 privés 264 bailleurs sociaux" cells stands
    for a missing text), else the indicator's words.
    """
    kinds = {cell.kind for cell in cells} - {"na"}
    if kinds == {"text"}:
        return "text"
    signs = "".join(cell.text for cell in cells if cell.kind == "numbers")
    if "%" in signs:
        return "percent"
    if "€" in signs:
        return "eur"
    if re.match(r"D[ée]lai", row.label_text, re.IGNORECASE):
        return "days"
    return "count"


def cell_record(cell: Atom, column: ValueColumn | None, unit: str, status: str) -> dict:
    """One output row for one cell."""
    value = None
    if cell.kind == "numbers":
        read = cell_value(cell.text, cell.line)
        if read is not None:
            value, sign_unit = float(read[0]), read[1]
            unit = sign_unit or unit
    elif cell.kind == "text":
        unit = "text"
    if cell.kind == "na" and status == "ok":
        status = "not_available"
    return {
        "period": column.period if column else None,
        "kind": column.kind if column else None,
        "value": value,
        "unit": unit,
        "raw": " ".join(cell.text.split()),
        "source_line": cell.line,
        "status": status,
    }


def row_records(row: DraftRow, region: TableRegion) -> list[dict]:
    """Output rows for every cell of one table row."""
    columns = region.header.columns
    resolved = resolve_cells(row, len(columns))
    owner = {"action_id": region.action_id, "axis": region.axis, "measure": row.measure,
             "indicator": row.label_text, "comment": " ".join(" ".join(row.comment).split())}
    if resolved is None:
        cells = natural_split(list(row.cells) + list(row.extra))
        unit = row_unit(row, cells)
        return [{**owner, **cell_record(cell, None, unit, "ambiguous")} for cell in cells]
    cells, first, _rule = resolved
    unit = row_unit(row, cells)
    return [{**owner, **cell_record(cell, columns[first + i], unit, "ok")} for i, cell in enumerate(cells)]


def indicators_table(doc: Document, outline: Outline) -> pd.DataFrame:
    """``indicators.csv``: one row per printed cell of every indicator table."""
    regions = table_regions(doc, outline)
    is_page_number = page_footer_test(page_anchors(doc, outline, regions))
    records = []
    for region in regions:
        for row in table_rows(doc, region, is_page_number):
            records.extend(row_records(row, region))
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["source_line"] = frame["source_line"].astype(int)
    return frame
