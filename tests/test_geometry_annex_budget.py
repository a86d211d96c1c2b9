"""The annex budget tables read from the cells where a PDF places them (issue 30), beside the text route.

The placed annex is built from what the text route reads on the bundled
report (tests/placed_docs.py: the PDF route's dialect): each table's header
cells, its rows with the label in one cell (a wrapped title on several printed
lines of it) and each amount in its column, the volet's title as a row.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from calpae_lib.errors import InputError, ParseError
from calpae_lib.tables.annex_budget import annex_header_years, parse_annex
from calpae_lib.text.outline import parse_outline

from .placed_docs import Printer, wrapped

LABEL, AVENANT, ENGAGE = 0, 1, 2


@pytest.fixture(scope="module")
def text_route(bundled_doc):
    outline = parse_outline(bundled_doc)
    return outline, parse_annex(bundled_doc, outline)


def placed_annex(bundled_doc, outline, tables, *, drop=None, title_above=False, continued=(), header_as_text=()):
    """The bundled report up to its annex as text, then its annex tables placed (``drop``: a
    ``(table, row, column)`` cell left empty; ``title_above``: the volet's title in a row above the
    header, not among the rows; ``continued``: the tables (1-based) printed at the top of a page under
    the same header as the table before, which the reading takes for a continued table: its header
    left out, its rows going on in the table before; ``header_as_text``: the tables (1-based) whose
    header the reading finds no cell around, printed as a line of text above the table)."""
    printer = Printer()
    printer.text(list(bundled_doc.lines[:outline.annex_start - 1]))
    number, row = 0, -1
    for position, table in enumerate(tables, start=1):
        title = table.title_line
        if position not in continued:
            number, row = number + 1, -1
            if title_above and title is not None:
                row += 1
                printer.cell(number, row, LABEL, [bundled_doc.line(title).strip()])
                title = None
            if position in header_as_text:
                printer.prose(bundled_doc.line(table.header_line).strip())
            else:
                avenant, engage = bundled_doc.line(table.header_line).split("  ", 1)
                row += 1
                printer.cell(number, row, AVENANT, [avenant.strip()])
                printer.cell(number, row, ENGAGE, wrapped(engage.strip(), 20))
        for index, line in enumerate(table.rows, start=1):
            if title is not None and line.source_line > title:
                row += 1
                printer.cell(number, row, LABEL, [bundled_doc.line(title).strip()])
                title = None
            row += 1
            printer.cell(number, row, LABEL, wrapped(line.label, 30))
            for column, amount in ((AVENANT, line.avenant), (ENGAGE, line.engage)):
                if drop != (number, index, column):
                    printer.cell(number, row, column, [printed_amount(amount)])
        printer.new_page()
    return printer.document()


def printed_amount(amount: int) -> str:
    """An amount as the annex prints it: « 1 210 960 € »."""
    return f"{amount:,} €".replace(",", " ")


def comparable(tables):
    return [(t.volet, t.header_year, [(r.volet, r.row_kind, r.action_id, r.label, r.avenant, r.engage)
                                       for r in t.rows]) for t in tables]


def test_placed_tables_give_the_text_routes_rows(bundled_doc, text_route):
    outline, tables = text_route
    doc = placed_annex(bundled_doc, outline, tables)
    placed = parse_annex(doc, outline)
    assert comparable(placed) == comparable(tables)
    assert all(doc.place(row.source_line).table == number for number, table in enumerate(placed, start=1)
               for row in table.rows)
    assert [year for _, _, year in annex_header_years(placed)] == [t.header_year for t in tables]
    assert all(doc.place(t.header_line).row == 0 for t in placed)
    titled = [t for t in placed if t.title_line is not None]
    assert len(titled) == len([t for t in tables if t.title_line is not None]) > 0


def test_a_wrapped_title_is_one_cell(bundled_doc, text_route):
    """The text route joins a title's lines by guessing (a line without amounts goes with the next);
    a placed label cell is the title, whatever its lines."""
    outline, tables = text_route
    placed = parse_annex(placed_annex(bundled_doc, outline, tables), outline)
    labels = [row.label for table in placed for row in table.rows]
    assert any(len(wrapped(label, 30)) > 2 for label in labels)
    assert labels == [row.label for table in tables for row in table.rows]


def test_an_empty_amount_cell_is_named(bundled_doc, text_route):
    outline, tables = text_route
    doc = placed_annex(bundled_doc, outline, tables, drop=(1, 2, AVENANT))
    with pytest.raises(ParseError, match="sans montant avenant") as error:
        parse_annex(doc, outline)
    assert doc.place(error.value.line).row is not None


def test_a_placed_table_without_total_is_truncated(bundled_doc, text_route):
    outline, tables = text_route
    first = replace(tables[0], rows=tables[0].rows[:-1])
    with pytest.raises(InputError, match="sans ligne « Total général »"):
        parse_annex(placed_annex(bundled_doc, outline, [first]), outline)


def test_a_document_without_placed_tables_is_read_from_its_text(bundled_doc, text_route):
    outline, tables = text_route
    unplaced = replace(bundled_doc, places=tuple(None for _ in bundled_doc.lines))
    assert parse_annex(unplaced, outline) == tables


def test_a_title_above_the_header_names_the_volet(bundled_doc, text_route):
    outline, tables = text_route
    doc = placed_annex(bundled_doc, outline, tables, title_above=True)
    placed = parse_annex(doc, outline)
    assert comparable(placed) == comparable(tables)
    assert all(t.title_line is not None and doc.place(t.title_line).row == 0 for t in placed)
    assert all(doc.place(t.header_line).row == 1 for t in placed)


def test_a_table_going_on_after_a_total_row_is_the_next_table(bundled_doc, text_route):
    """Two tables printing the same header, the second at the top of a page: the reading takes it
    for the first one continued and leaves its header out; the total row tells where one ends."""
    outline, tables = text_route
    same = [(a, b) for a, b in zip(range(1, len(tables)), range(2, len(tables) + 1))
            if bundled_doc.line(tables[a - 1].header_line) == bundled_doc.line(tables[b - 1].header_line)]
    assert same, "le rapport fourni imprime deux tableaux de même en-tête à la suite"
    first, second = same[0]
    doc = placed_annex(bundled_doc, outline, tables, continued=(second,))
    placed = parse_annex(doc, outline)
    assert comparable(placed) == comparable(tables)
    assert doc.place(placed[second - 1].rows[0].source_line).table == doc.place(placed[first - 1].header_line).table
    opening = placed[second - 1].header_line
    assert opening > placed[first - 1].rows[-1].source_line and doc.place(opening).table is not None
    assert [year for _, _, year in annex_header_years(placed)] == [t.header_year for t in tables]


def test_a_continued_table_without_total_is_truncated_where_it_opens(bundled_doc, text_route):
    outline, tables = text_route
    last = replace(tables[-1], rows=tables[-1].rows[:-1])
    doc = placed_annex(bundled_doc, outline, [*tables[:-1], last], continued=(len(tables),))
    with pytest.raises(InputError, match="sans ligne « Total général »") as error:
        parse_annex(doc, outline)
    opening = doc.place(error.value.line)  # the continued table's first row, not the header above it
    assert opening.row > 0 and not bundled_doc.line(tables[-1].header_line).startswith(doc.line(error.value.line))
    above = [text for n, text in doc.numbered() if (place := doc.place(n)) is not None
             and (place.table, place.row, place.column) == (opening.table, opening.row - 1, LABEL)]
    assert above and above[0].strip().lower().startswith("total")


def test_a_table_whose_header_the_placed_reading_does_not_recognise_is_refused_naming_its_page(bundled_doc,
                                                                                               text_route):
    """Its header printed outside its cells: the placed reading finds the other tables, not this one; the
    annex is refused where the text prints its header, never published with a table missing."""
    outline, tables = text_route
    assert len(tables) > 1
    doc = placed_annex(bundled_doc, outline, tables, header_as_text=(2,))
    with pytest.raises(ParseError, match="tableau budgétaire annexe non lu") as error:
        parse_annex(doc, outline)
    header = doc.place(error.value.line)
    assert header is not None and header.table is None
    assert doc.line(error.value.line).strip() == bundled_doc.line(tables[1].header_line).strip()
    first_table = min(n for n, _ in doc.numbered() if (place := doc.place(n)) is not None and place.table == 1)
    assert header.page == doc.place(first_table).page + 1  # the page after the first table's: the second's
    assert comparable(parse_annex(placed_annex(bundled_doc, outline, tables), outline)) == comparable(tables)
