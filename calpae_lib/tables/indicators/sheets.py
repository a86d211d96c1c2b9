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

``measure_status`` is ``ambiguous`` when the text printed as the row's
measure may as well be the justification of the row before
(:func:`confirmed_measures`), else ``ok`` (always ``ok`` when the PDF's grid
places the measure in its column).

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

A report read from its PDF says which row and column each line of a table
was printed in. A table whose header cells name every column of that grid
is read from the grid instead (:mod:`calpae_lib.tables.indicators.geometry`):
every value cell is placed in its column with certainty (rule ``geometry``:
``ok`` with the column's period and kind), each line belongs to the row it
was printed in, and a measure printed in the measure column is ``ok``.

Page artefacts are taken out before a table is read
(:mod:`calpae_lib.tables.pages`); a lone integer that may be a page number
or a cell is given back as an ``ambiguous`` cell to a neighbouring row that
lacks cells (and then all that row's cells are ``ambiguous``), else dropped.
"""

from __future__ import annotations


import pandas as pd

from calpae_lib.tables.indicators.cells import (
    FUNCTION_WORD,
    SEVERAL,
    Atom,
    cell_value,
    natural_split,
    split_numbers,
)
from calpae_lib.tables.indicators.geometry import placed_rows, table_grid
from calpae_lib.tables.indicators.headers import TableRegion, ValueColumn, table_regions
from calpae_lib.tables.indicators.rows import DraftRow, expected_cells, table_rows
from calpae_lib.tables.indicators.words import block_text, blocks
from calpae_lib.tables.pages import page_model
from calpae_lib.tables.schemas import TABLE_COLUMNS
from calpae_lib.template.indicators import unit_of_indicator
from calpae_lib.text.flattened import TextLine, letters_only
from calpae_lib.text.outline import Outline
from calpae_lib.text.reading import Document

COLUMNS = TABLE_COLUMNS["indicators"]


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


def resolve_cells(row: DraftRow, columns: int, keep: bool = True) -> tuple[list[Atom], int, str] | None:
    """The row's cells, the index of the first column they fill and the rule used; ``None`` if ambiguous.

    ``keep``: remove from the indicator's words the blocks read as cells (``False``: only look).
    """
    cells = list(row.cells) + list(row.extra)
    wanted = expected_cells(columns, cells, row.leading_spaces, row.one_line and bool(row.cells))
    split = split_numbers(cells, wanted)
    if split is not None:
        return split[0], columns - wanted, split[1] if wanted == columns else "indented"
    pulled = pullable_label_cells(row)
    for take in range(1, len(pulled) + 1):
        split = split_numbers(pulled[-take:] + cells, columns)
        if split is not None:
            if keep:
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
    return unit_of_indicator(row.label_text) or "count"


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


def is_full(row: DraftRow, columns: int, after: int) -> bool:
    """Whether a row's cells fill every column by themselves: not by indentation, not ambiguous,
    not with text taken for a cell from the lines printed after line ``after`` (rule 6 of
    :mod:`calpae_lib.tables.indicators.rows` fills a short row with them)."""
    if any(cell.kind == "text" and cell.line > after for cell in row.cells):
        return False
    resolved = resolve_cells(row, columns, keep=False)
    return resolved is not None and resolved[1] == 0 and resolved[2] != "label-cell"


def row_start(row: DraftRow) -> int:
    lines = [line.line for line in row.label if line.line] + [cell.line for cell in row.cells]
    return min(lines, default=0)


def give_doubts(rows: list[DraftRow], doubts: list[TextLine], columns: int) -> None:
    """Give each doubtful integer to the row before it, or else after it, that lacks cells.

    That row is then flagged (its ``doubts``); between two full rows the integer
    was a page number and is dropped.
    """
    for doubt in doubts:
        before = [row for row in rows if row_start(row) < doubt.line][-1:]
        after = [row for row in rows if row_start(row) > doubt.line][:1]
        for row in before + after:
            if row.cells and not is_full(row, columns, doubt.line):
                row.doubts.append(Atom("numbers", doubt.text.strip(), doubt.line))
                break


def row_records(row: DraftRow, region: TableRegion, from_pdf: bool = False) -> list[dict]:
    """Output rows for every cell of one table row.

    ``from_pdf``: the report was read from its PDF; a row its grid did not place (``row.placed``) is
    ``ambiguous``, never placed by the text route's rules of certainty (a short row's indentation,
    cells sharing a line), which the PDF's text does not follow.
    """
    columns = region.header.columns
    resolved = None if row.placed else resolve_cells(row, len(columns))  # may take cells from the indicator's words
    owner = {"action_id": region.action_id, "axis": region.axis, "measure": row.measure,
             "indicator": row.label_text, "comment": " ".join(" ".join(row.comment).split())}
    if row.placed:  # the PDF's grid placed each cell (rule "geometry")
        return placed_records(owner, row, row.cells, row.placed, columns)
    certain = resolved is not None and not (row.doubts or row.text_only)
    if row.doubts or row.text_only:  # a page number or a missing cell, a row told by layout alone
        cells = (resolved[0] if resolved else natural_split(list(row.cells) + list(row.extra))) + row.doubts
    elif resolved is None:
        cells = natural_split(list(row.cells) + list(row.extra))
    else:
        cells = resolved[0]
    unit = row_unit(row, cells)
    if resolved is None or not certain or from_pdf:
        return [{**owner, **cell_record(cell, None, unit, "ambiguous")} for cell in cells]
    first = resolved[1]
    return [{**owner, **cell_record(cell, columns[first + i], unit, "ok")} for i, cell in enumerate(cells)]


def placed_records(owner: dict, row: DraftRow, cells: list[Atom], indexes, columns) -> list[dict]:
    """Output rows for cells whose value columns the PDF's grid gives (rule ``geometry``), in column order; a
    cell printing several values is ``ambiguous`` (no value read)."""
    unit = row_unit(row, cells)
    ordered = sorted(zip(indexes, range(len(cells))))
    return [{**owner, **cell_record(cells[at], columns[index], unit,
                                    "ambiguous" if cells[at].kind == SEVERAL else "ok")} for index, at in ordered]


def confirmed_measures(doc: Document, tables: list[tuple[TableRegion, list[DraftRow]]]) -> set[str]:
    """Letters of the measures that the report confirms as names of measures.

    A measure printed right after a row's cells, on its own lines, may be that
    row's justification: it is confirmed when the report prints it outside
    the indicator tables too (the sheet's text, its budget labels), or as a
    measure of two tables or more. Other such measures are ``ambiguous``.
    """
    inside = {number for region, _ in tables for number in range(region.header.start, region.body_end + 1)}
    outside = letters_only(" ".join(text for number, text in doc.numbered() if number not in inside))
    tables_of: dict[str, set[int]] = {}
    for index, (_, rows) in enumerate(tables):
        for row in rows:
            tables_of.setdefault(letters_only(row.measure), set()).add(index)
    return {m for m, where in tables_of.items() if m and (len(where) > 1 or m in outside)}


def printed_in_pdf(doc: Document, region: TableRegion) -> bool:
    """Whether a table's lines were read from a PDF's table (their places name one): emitted cell by cell,
    they are not laid out as the text route's rules of certainty assume. Lines the PDF's reading found no
    table around are printed lines, one per line, as a text extraction gives them."""
    return any((place := doc.place(number)) is not None and place.table is not None
               for number in range(region.header.start, region.body_end + 1))


def indicators_table(doc: Document, outline: Outline) -> pd.DataFrame:
    """``indicators.csv``: one row per printed cell of every indicator table.

    A report read from its PDF has its tables read from their grid; a table the PDF prints as a table but
    whose grid cannot be read (a line the header's columns do not place) would be read by the text route's
    rules, which the PDF's cell-by-cell text does not follow (tried on the twins with the grid withheld: a
    quarter of the values they placed were wrong): its values and measures are all ``ambiguous``, shown as
    printed, never placed (:func:`printed_in_pdf`).
    """
    regions = table_regions(doc, outline)
    model = page_model(doc, outline, [(r.header.start, r.body_end) for r in regions])
    tables = []
    for region in regions:
        grid = table_grid(doc, region)
        if grid is not None:
            tables.append((region, placed_rows(doc, region, grid)))
            continue
        rows, doubts = table_rows(doc, region, model)
        give_doubts(rows, doubts, len(region.header.columns))
        tables.append((region, rows))
    confirmed = confirmed_measures(doc, tables)
    records: list[dict] = []
    for region, rows in tables:
        from_pdf = printed_in_pdf(doc, region)
        for row in rows:
            unsure = row.measure_open and letters_only(row.measure) not in confirmed
            status = "ambiguous" if unsure or (from_pdf and not row.placed) else "ok"
            records.extend({**record, "measure_status": status} for record in row_records(row, region, from_pdf))
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["source_line"] = frame["source_line"].astype(int)
    return frame
