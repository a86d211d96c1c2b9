"""Where the indicator tables are, and what their printed column headers say.

An action sheet's section "6. Indicateurs" holds one table; axis II opens
with an axis-level table (the "garantie d'activité") before its first action.
The flattened header reads, cell after cell and broken over lines::

    Nom de la Mesure | Indicateurs | Situation 2021 du Département |
    Prévisionnel 2022 | Résultat du Département en 2022 |
    Justification des écarts (le cas échéant)

Column sets vary ("Résultats attendus 2022", "Résultat … en 2020/2021", no
"Situation" column...), so the value columns are read from the header text:
each column keyword gives the ``kind`` and the first year printed after it
gives the ``period``. Nothing assumes a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calpae_lib.tables.indicators.words import OPENER
from calpae_lib.template.indicators import (
    COLUMN_KEYWORD,
    JUSTIFICATION,
    JUSTIFICATION_LETTERS,
    MEASURE_TITLE,
    SHEET_HEADER_START,
    column_kind,
)
from calpae_lib.text.flattened import join_cut_lines, letters_only
from calpae_lib.text.outline import Outline, section_line
from calpae_lib.text.reading import Document

#: A period in a header: a year, or two years joined by a slash ("2020/2021").
PERIOD = re.compile(r"(?<!\d)(?P<period>(?:19|20)\d\d(?:\s*/\s*(?:19|20)\d\d)?)(?!\d)")


@dataclass(frozen=True)
class ValueColumn:
    """One value column of a table: its kind, its period and its printed title."""

    kind: str
    period: str
    title: str


@dataclass(frozen=True)
class TableHeader:
    """A table's value columns and the lines its header spans (inclusive)."""

    columns: tuple[ValueColumn, ...]
    start: int
    end: int


@dataclass(frozen=True)
class TableRegion:
    """An indicator table: its owner, header and the body's line range (inclusive)."""

    action_id: str
    axis: str
    title: str
    header: TableHeader
    body_start: int
    body_end: int


def value_columns(header_text: str) -> tuple[ValueColumn, ...]:
    """The value columns named in a header's joined text, in printed order.

    Each keyword starts a column; its period is the first year printed
    between it and the next keyword (or the justification column).

    >>> [(c.kind, c.period) for c in value_columns(
    ...     "Nom de la Mesure Indicateurs Situation 2021 du Département Prévisionnel 2022 "
    ...     "Résultat du Département en 2022 Justification des écarts (le cas échéant)")]
    [('baseline', '2021'), ('target', '2022'), ('result', '2022')]
    >>> [(c.kind, c.period) for c in value_columns(
    ...     "Indicateurs Résultat du Département en 2020/2021 Résultat du Département en 2022")]
    [('result', '2020/2021'), ('result', '2022')]
    >>> [(c.kind, c.period) for c in value_columns("Indicateurs Situation 2021 Résultats attendus 2022")]
    [('baseline', '2021'), ('target', '2022')]
    """
    justification = JUSTIFICATION.search(header_text)
    text = header_text[: justification.start()] if justification else header_text
    matches = list(COLUMN_KEYWORD.finditer(text))
    columns = []
    for match, following in zip(matches, matches[1:] + [None]):
        stop = following.start() if following else len(text)
        period = PERIOD.search(text, match.end(), stop)
        title = " ".join(text[match.start(): stop].split())
        columns.append(ValueColumn(column_kind(title), re.sub(r"\s", "", period.group("period")) if period else "",
                                   title))
    return tuple(columns)


def header_end(doc: Document, start: int, stop: int) -> int:
    """Last line of a header opening at ``start``: the end of "Justification des écarts (le cas échéant)".

    Lines are taken while the letters read since "Justification" remain a
    prefix of the column's full title; a header with no justification column
    ends on its last line that names a period before the first indicator.
    """
    last_period, justification = start, None
    for number, text in doc.numbered(start, stop):
        if justification is None:
            found = JUSTIFICATION.search(text)
            if found:
                justification = letters_only(text[found.start():])
                last = number
                continue
            if OPENER.match(text.strip()):
                break
            if PERIOD.search(text):
                last_period = number
            continue
        if not text.strip():
            continue
        candidate = justification + letters_only(text)
        if not JUSTIFICATION_LETTERS.startswith(candidate) or not letters_only(text):
            return last
        justification, last = candidate, number
        if candidate == JUSTIFICATION_LETTERS:
            return number
    return last if justification is not None else last_period


def find_header(doc: Document, start: int, stop: int) -> TableHeader | None:
    """The indicator table header between lines ``start`` and ``stop``, or ``None``."""
    for number, text in doc.numbered(start, stop):
        if not SHEET_HEADER_START.match(text):
            continue
        previous = [n for n, t in doc.numbered(max(start, number - 4), number - 1) if MEASURE_TITLE.match(t)]
        first = previous[0] if previous else number
        end = header_end(doc, number, stop)
        columns = value_columns(join_cut_lines([t for _, t in doc.numbered(number, end)]))
        if columns:
            return TableHeader(columns, first, end)
    return None


def header_table(doc: Document, header: TableHeader) -> int | None:
    """The number of the table the header's lines were printed in (a report read from its PDF), else ``None``."""
    for number in range(header.start, header.end + 1):
        place = doc.place(number)
        if place is not None and place.table is not None:
            return place.table
    return None


def section_outside_tables(doc: Document, start: int, end: int, number: str) -> int | None:
    """Line of the section heading ``number`` in ``start..end`` that is not printed in a table's cell.

    A cell's line may open with a number ("Réalisée les" / "7 et 8 déc." wrapped in its cell) and read as
    a heading; a report read from its PDF says the line stands in a table (the indicator table, or the
    rest of it on the next page), and a heading never does. A report without places: the first heading,
    as :func:`section_line` finds it.
    """
    found = section_line(doc, start, end, number)
    while found is not None:
        place = doc.place(found)
        if place is None or place.table is None:
            break
        found = section_line(doc, found + 1, end, number)
    return found


def action_table_regions(doc: Document, outline: Outline) -> list[TableRegion]:
    """The table of each action's section 6 (actions without a table are skipped).

    The table ends before section 7's heading: the first one printed outside the tables' cells.
    """
    regions = []
    for action in outline.actions:
        six = section_line(doc, action.start, action.end, "6")
        if six is None:
            continue
        seven = section_line(doc, six + 1, action.end, "7")
        header = find_header(doc, six + 1, (seven - 1) if seven else action.end)
        if header is None:
            continue
        if header_table(doc, header) is not None:  # read from its PDF: a table's cells are no headings
            seven = section_outside_tables(doc, header.end + 1, action.end, "7")
        stop = (seven - 1) if seven else action.end
        regions.append(TableRegion(action.action_id, action.axis or "", action.title, header, header.end + 1, stop))
    return regions


def axis_table_regions(doc: Document, outline: Outline) -> list[TableRegion]:
    """Axis-level tables: a header between an axis heading and its first action.

    They carry the axis and an empty ``action_id``; their title is the axis's.
    """
    regions = []
    for part in outline.parts:
        if part.axis is None:
            continue
        first_action = min((a.start for a in outline.actions if part.start <= a.start <= part.end),
                           default=part.end + 1)
        header = find_header(doc, part.start + 1, first_action - 1)
        if header is not None:
            regions.append(TableRegion("", part.axis, part.title, header, header.end + 1, first_action - 1))
    return regions


def table_regions(doc: Document, outline: Outline) -> list[TableRegion]:
    """Every indicator table of the report, in document order."""
    regions = axis_table_regions(doc, outline) + action_table_regions(doc, outline)
    return sorted(regions, key=lambda region: region.header.start)
