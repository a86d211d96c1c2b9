"""The action sheets' indicator tables read from the PDF's geometry (issue 30).

No PDF here: the bundled report's text is given places by hand, as the PDF
route's reading gives them, and one table whose values the text route must
leave ambiguous is printed again in the text the PDF route makes of a table:
row by row, each cell's lines (with a trailing space) placed with
``Place(page, x0, top, table, row, column)``, an empty line after each cell.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pandas as pd
import pytest

from calpae_lib.pipeline import parse_document
from calpae_lib.present.views import Table, lines_as_pages, pages_for_lines, place_cell, printed_page
from calpae_lib.tables.budgets import displaced_executed
from calpae_lib.tables.indicators.geometry import column_role, table_grid
from calpae_lib.tables.indicators.headers import table_regions
from calpae_lib.tables.indicators.sheets import indicators_table
from calpae_lib.tables.pages import CELL, DOUBT, LONE_INTEGER, PAGE, PageModel, page_model
from calpae_lib.text.outline import Action, parse_outline
from calpae_lib.text.reading import Document, Place, document_from_text
from tests.variants import bundled_text

#: The header cells of a sheet's indicator table, as the template prints them.
HEADER = ("Nom de la Mesure", "Indicateurs", "Situation 2021 du Département", "Prévisionnel 2022",
          "Résultat du Département en 2022", "Justification des écarts (le cas échéant)")
MEASURE, INDICATOR, FIRST_VALUE, JUSTIFICATION = 0, 1, 2, 5
KEY = ["measure", "indicator", "raw"]

#: Lines a page holds in the hand-made geometry (outside the rewritten table).
LINES_A_PAGE = 60


def page_of(index: int) -> int:
    return 1 + index // LINES_A_PAGE


def printed(cells: list[tuple[int, int, str]], table: int, page: int) -> tuple[list[str], list[Place | None]]:
    """A table's cells ``(row, column, text)`` in the PDF dialect: each cell's lines, then an empty line."""
    lines: list[str] = []
    places: list[Place | None] = []
    for row, column, text in cells:
        for part in textwrap.wrap(text, 22):
            places.append(Place(page, 40.0 + 85 * column, 120.0 + 14 * len(lines), table, row, column))
            lines.append(part + " ")
        lines.append("")
        places.append(None)
    return lines, places


def prose_places(lines: list[str], offset: int = 0) -> list[Place | None]:
    return [Place(page_of(offset + i), 56.0, 70.0) if text.strip() else None for i, text in enumerate(lines)]


@pytest.fixture(scope="module")
def text_route():
    doc = document_from_text(bundled_text())
    outline = parse_outline(doc)
    return doc, outline, indicators_table(doc, outline)


@pytest.fixture(scope="module")
def ambiguous_table(text_route):
    """The one table whose cells the text route leaves ambiguous, and its region."""
    doc, outline, frame = text_route
    actions = frame.loc[frame["status"] == "ambiguous", "action_id"].unique()
    assert len(actions) == 1
    region = next(r for r in table_regions(doc, outline) if r.action_id == actions[0])
    return region, frame[frame["action_id"] == actions[0]]


def grid_cells(region, rows: pd.DataFrame) -> list[tuple[int, int, str]]:
    """The cells a PDF would print for the text route's records of one table.

    A cell the text route placed keeps its column; the two text cells it could not place go to the
    forecast and result columns, one each (their order in the row), as the sheet prints them.
    """
    columns = [(c.period, c.kind) for c in region.header.columns]
    cells = [(0, column, title) for column, title in enumerate(HEADER)]
    measure = None
    for row, (_, group) in enumerate(rows.groupby(["measure", "indicator"], sort=False), start=1):
        first = group.iloc[0]
        if first["measure"] != measure:
            measure = first["measure"]
            cells.append((row, MEASURE, measure))
        cells.append((row, INDICATOR, first["indicator"]))
        unplaced = iter(range(len(columns) - 2, len(columns)))
        for record in group.itertuples():
            if record.status == "ambiguous":
                column = next(unplaced)
            else:
                column = columns.index((record.period, record.kind))
            cells.append((row, FIRST_VALUE + column, record.raw))
        if first["comment"]:
            cells.append((row, JUSTIFICATION, first["comment"]))
    return cells


def placed_report(region, cells) -> tuple[Document, int]:
    """The bundled report with one table printed again in the PDF dialect, every line placed; and the
    number of lines the table's region shifted the rest by."""
    lines = bundled_text().split("\n")
    before, after = lines[:region.header.start - 1], lines[region.body_end:]
    table, table_places = printed(cells, table=7, page=page_of(len(before)))
    places = prose_places(before) + table_places + prose_places(after, len(before) + len(table))
    doc = document_from_text("\n".join(before + table + after))
    assert len(doc.lines) == len(places)
    return replace(doc, places=tuple(places)), len(table) - (region.body_end - region.header.start + 1)


@pytest.fixture(scope="module")
def geometry_route(ambiguous_table):
    region, rows = ambiguous_table
    doc, shift = placed_report(region, grid_cells(region, rows))
    outline = parse_outline(doc)
    return doc, outline, indicators_table(doc, outline), shift


def test_the_text_route_leaves_four_text_cells_of_one_table_ambiguous(ambiguous_table):
    _, rows = ambiguous_table
    ambiguous = rows[rows["status"] == "ambiguous"]
    assert len(ambiguous) == 4 and ambiguous["period"].isna().all() and ambiguous["kind"].isna().all()
    assert ambiguous["unit"].eq("text").all()


def test_the_header_s_own_cells_map_grid_columns_to_the_value_columns(geometry_route, ambiguous_table):
    doc, outline, _, _ = geometry_route
    region = next(r for r in table_regions(doc, outline) if r.action_id == ambiguous_table[0].action_id)
    grid = table_grid(doc, region)
    assert grid is not None and grid.table == 7 and grid.header_rows == {0}
    assert [grid.role(c) for c in range(len(HEADER))] == ["measure", "indicator", 0, 1, 2, "justification"]
    assert [column_role(title) for title in HEADER] == ["measure", "indicator", "value", "value", "value",
                                                        "justification"]


def test_every_cell_the_text_route_left_ambiguous_is_placed_by_the_geometry(geometry_route, ambiguous_table):
    region, rows = ambiguous_table
    _, _, frame, _ = geometry_route
    placed = frame[frame["action_id"] == region.action_id].reset_index(drop=True)
    assert len(placed) == len(rows)
    assert (placed["status"] != "ambiguous").all() and (placed["measure_status"] == "ok").all()
    text = rows.reset_index(drop=True)
    assert placed[KEY].equals(text[KEY])  # same rows, same measures, indicators and cells, in order
    was_ambiguous = text["status"] == "ambiguous"
    now = placed[was_ambiguous]
    assert now["status"].eq("ok").all() and now["unit"].eq("text").all()
    target, result = region.header.columns[1], region.header.columns[2]
    assert list(zip(now["raw"], now["period"], now["kind"])) == [
        (raw, column.period, column.kind)
        for raw, column in zip(text.loc[was_ambiguous, "raw"], [target, result, target, result])]
    settled = ["period", "kind", "status", "value", "unit", "comment"]
    assert placed.loc[~was_ambiguous, settled].equals(text.loc[~was_ambiguous, settled])


def test_each_cell_keeps_the_line_it_is_printed_on(geometry_route, ambiguous_table):
    region, _ = ambiguous_table
    doc, _, frame, _ = geometry_route
    for record in frame[frame["action_id"] == region.action_id].itertuples():
        place = doc.place(record.source_line)
        assert place is not None and place.table == 7 and place.column >= FIRST_VALUE
        assert doc.line(record.source_line).strip() in record.raw


def test_the_other_tables_read_by_the_text_route_are_unchanged(geometry_route, ambiguous_table, text_route):
    region, _ = ambiguous_table
    _, _, before = text_route
    _, _, after, shift = geometry_route
    old, new = before[before["action_id"] != region.action_id], after[after["action_id"] != region.action_id]
    assert old.drop(columns="source_line").reset_index(drop=True).equals(
        new.drop(columns="source_line").reset_index(drop=True))
    moved = old["source_line"].where(old["source_line"] < region.header.start, old["source_line"] + shift)
    assert list(moved) == list(new["source_line"])


def test_a_merged_measure_names_its_rows_and_a_lone_integer_is_a_cell():
    """A small table of its own: the measure printed once over two rows; a one-digit cell; a row whose
    indicator cell is merged with the row above; an empty baseline cell; a justification carried on to a
    row of its own."""
    text = bundled_text()
    doc = document_from_text(text)
    outline = parse_outline(doc)
    region = table_regions(doc, outline)[1]
    cells = [(0, c, title) for c, title in enumerate(HEADER)] + [
        (1, MEASURE, "Mesure un"), (1, INDICATOR, "Nombre de jeunes suivis"), (1, 2, "7"), (1, 3, "8"), (1, 4, "9"),
        (2, INDICATOR, "Taux de sorties"), (2, 3, "40%"), (2, 4, "NC"), (2, JUSTIFICATION, "Donnée attendue en 2023"),
        (3, 4, "12"), (4, JUSTIFICATION, "Suite de la justification"),
        (5, MEASURE, "Mesure deux"), (5, INDICATOR, "Nombre d'ateliers"), (5, 2, "3"), (5, 3, "4"), (5, 4, "5"),
    ]
    placed, _ = placed_report(region, cells)
    read = indicators_table(placed, parse_outline(placed))
    mine = read[read["action_id"] == region.action_id]
    got = list(zip(mine["measure"], mine["indicator"], mine["kind"], mine["raw"], mine["status"]))
    assert got == [
        ("Mesure un", "Nombre de jeunes suivis", "baseline", "7", "ok"),
        ("Mesure un", "Nombre de jeunes suivis", "target", "8", "ok"),
        ("Mesure un", "Nombre de jeunes suivis", "result", "9", "ok"),
        ("Mesure un", "Taux de sorties", "target", "40%", "ok"),
        ("Mesure un", "Taux de sorties", "result", "NC", "not_available"),
        ("Mesure un", "Taux de sorties", "result", "12", "ok"),
        ("Mesure deux", "Nombre d'ateliers", "baseline", "3", "ok"),
        ("Mesure deux", "Nombre d'ateliers", "target", "4", "ok"),
        ("Mesure deux", "Nombre d'ateliers", "result", "5", "ok"),
    ]
    assert mine["measure_status"].eq("ok").all()
    assert list(mine["comment"])[3:] == ["Donnée attendue en 2023"] * 2 + ["Suite de la justification"] + [""] * 3
    assert list(mine["unit"])[3] == "percent"


def test_with_places_a_lone_integer_in_a_table_is_a_cell_never_a_page_number(geometry_route):
    footers = ((100, 3), (300, 5))
    assert PageModel(footers, ()).classify(200, 4) == PAGE
    assert PageModel(footers, ()).classify(200, 40) == DOUBT
    assert {PageModel(footers, (), placed=frozenset({200})).classify(200, n) for n in (4, 40)} == {CELL}
    assert PageModel(footers, (), placed=frozenset({200})).classify(201, 4) == PAGE
    doc, outline, _, _ = geometry_route
    in_tables = page_model(doc, outline, []).placed
    assert in_tables and all(doc.place(n).table == 7 for n in in_tables)
    assert any(LONE_INTEGER.match(doc.line(n)) for n in in_tables)  # cells the text route could take for pages
    plain = document_from_text(bundled_text())
    assert not page_model(plain, parse_outline(plain), []).placed


def test_a_displaced_executed_amount_printed_in_a_table_wins_over_one_quoted_in_a_sentence():
    """Two amounts under « Part Etat » after an empty 5.2: the text route cannot choose; the PDF's places can."""
    doc = document_from_text("5.2 Budget exécuté\nEngagé en 2022\n6. Indicateurs\n7. Bilan\n"
                             "Texte. X – Part Etat : Mesure\n139 700 €\nContrepartie X – Part\n"
                             "Département : PLIEs\n151 250 €\nSuite du bilan. Y – Part Etat : Mesure\n"
                             "120 000 €\nFin.")
    action = Action("v", None, 1, "Mesure", 1, 1, 12)
    unsure = displaced_executed(doc, action)
    assert not unsure.rows and unsure.ambiguous == (6, 11, 9)
    places = tuple(Place(4, 56.0, 70.0 + 14 * n, 3 if 5 <= n <= 9 else None, n // 2 if 5 <= n <= 9 else None,
                         n % 2 if 5 <= n <= 9 else None) for n in range(1, len(doc.lines) + 1))
    settled = displaced_executed(replace(doc, places=places), action)
    assert not settled.ambiguous
    assert [(row.financeur, row.amount_eur, row.source_line) for row in settled.rows] == [
        ("etat", 139700, 6), ("departement", 151250, 9)]
    prose_only = tuple(Place(4, 56.0, 70.0) for _ in doc.lines)  # placed, but no amount in a table: still unsure
    assert displaced_executed(replace(doc, places=prose_only), action).ambiguous == (6, 11, 9)


@pytest.fixture(scope="module")
def placed_parse(geometry_route):
    return parse_document(geometry_route[0])


def test_a_pdf_read_report_cites_the_exact_page_of_every_line_annexes_included(placed_parse, ambiguous_table):
    report = placed_parse
    region, _ = ambiguous_table
    cell = report.tables["indicators"].query("action_id == @region.action_id")["source_line"].iloc[0]
    annex = next(n for n in range(report.outline.annex_start, len(report.doc.lines)) if report.doc.line(n).strip())
    for line in (cell, annex):
        assert printed_page(report, line) == f"p.\u00a0{report.doc.place(line).page}"
    blank = next(n for n in range(annex, len(report.doc.lines)) if report.doc.place(n) is None)
    assert printed_page(report, blank) == f"p.\u00a0{report.doc.place(blank - 1).page}"  # the page of the line before
    page = report.doc.place(cell).page  # the page alone: a PDF's reader has no line numbers
    assert place_cell(report, cell) == f"p.\u00a0{page}"
    second = int(report.tables["indicators"].query("action_id == @region.action_id")["source_line"].iloc[1])
    assert place_cell(report, [cell, second]) == f"p.\u00a0{page}"  # one page, said once
    assert place_cell(report, [cell, annex]) == f"p.\u00a0{page} et {report.doc.place(annex).page}"
    assert lines_as_pages(report, f"81 sur 995 (ligne {cell}) ; voir lignes {cell}, {annex}") == \
        f"81 sur 995 (p.\u00a0{page}) ; voir p.\u00a0{page} et {report.doc.place(annex).page}"
    table = pages_for_lines(report, Table(pd.DataFrame({"Montant": ["1 €"], "Lignes": [f"{cell}, {annex}"]}),
                                          numeric=["Montant", "Lignes"]))
    assert list(table.frame.columns) == ["Montant", "Pages"] and table.numeric == ["Montant"]
    assert table.frame["Pages"].tolist() == [f"p.\u00a0{page} et {report.doc.place(annex).page}"]


def test_a_text_report_keeps_its_page_bounds_and_its_wording(ambiguous_table):
    report = parse_document(document_from_text(bundled_text()))
    action = next(a for a in report.outline.actions if a.toc_page is not None)
    assert place_cell(report, action.start) == f"p.\u00a0{action.toc_page}, ligne {action.start} du texte"
    annex = report.outline.annex_start + 1
    assert printed_page(report, annex) == "" and place_cell(report, annex) == f"ligne {annex} du texte"
    assert lines_as_pages(report, "81 sur 995 (ligne 12)") == "81 sur 995 (ligne 12)"  # its reader has the lines
    table = Table(pd.DataFrame({"Lignes": ["12, 14"]}))
    assert pages_for_lines(report, table) is table


def test_a_table_whose_places_leave_a_line_unplaced_is_left_to_the_text_route(ambiguous_table):
    """A line in a column the header does not name, or with no column, would be dropped: no grid then."""
    region, rows = ambiguous_table
    cells = grid_cells(region, rows)

    def grid_of(doc):
        placed = next(r for r in table_regions(doc, parse_outline(doc)) if r.action_id == region.action_id)
        return table_grid(doc, placed)

    assert grid_of(placed_report(region, cells + [(len(rows), len(HEADER), "Hors colonne")])[0]) is None
    doc, _ = placed_report(region, cells)
    assert grid_of(doc) is not None
    line = next(n for n in range(region.header.end, len(doc.lines)) if doc.place(n) and doc.place(n).row)
    unplaced = list(doc.places)
    unplaced[line - 1] = replace(doc.places[line - 1], column=None)
    assert grid_of(replace(doc, places=tuple(unplaced))) is None


def test_where_the_grid_cannot_read_the_whole_table_of_a_pdf_every_value_is_ambiguous():
    """One line with no column (the justification of the second row) leaves the table to the text route, whose
    rules the PDF's text does not follow: every value and measure is ambiguous, none placed by those rules."""
    doc = document_from_text(bundled_text())
    region = table_regions(doc, parse_outline(doc))[1]
    cells = [(0, c, title) for c, title in enumerate(HEADER)] + [
        (1, MEASURE, "Mesure un"), (1, INDICATOR, "Nombre de jeunes suivis"), (1, 3, "12"), (1, 4, "15"),
        (2, INDICATOR, "Nombre de sorties"), (2, 2, "3"), (2, 3, "4"), (2, 4, "5"),
        (2, JUSTIFICATION, "Chiffres provisoires")]
    placed, _ = placed_report(region, cells)
    line = next(n for n in range(1, len(placed.lines)) if placed.line(n).startswith("Chiffres"))
    places = list(placed.places)
    places[line - 1] = replace(places[line - 1], column=None)
    partly = replace(placed, places=tuple(places))

    def read(doc):
        frame = indicators_table(doc, parse_outline(doc))
        return frame[frame["action_id"] == region.action_id]

    assert table_grid(partly, table_regions(partly, parse_outline(partly))[1]) is None
    mine = read(partly)
    assert sorted(mine["raw"]) == ["12", "15", "3", "4", "5"]  # every printed value is there, as printed
    assert mine["status"].eq("ambiguous").all() and mine["measure_status"].eq("ambiguous").all()
    assert mine["kind"].isna().all() and mine["period"].isna().all()
    assert read(placed)["status"].eq("ok").all()  # the whole grid placed: certain


def test_a_cell_line_opening_with_seven_does_not_end_the_table_at_section_7():
    """A text cell wrapped in its column ("Restitution faite les" / "7 et 8 décembre"): its second line reads
    like the heading of section 7, but it is printed in the table, so the rows after it are the table's still."""
    doc = document_from_text(bundled_text())
    region = table_regions(doc, parse_outline(doc))[1]
    cells = [(0, c, title) for c, title in enumerate(HEADER)] + [
        (1, MEASURE, "Mesure un"), (1, INDICATOR, "Remise de l'étude"), (1, 2, "Lancée"),
        (1, 3, "Restitution faite les 7 et 8 décembre"),
        (2, INDICATOR, "Nombre de personnes reçues"), (2, 2, "12"), (2, 3, "Non estimé"), (2, 4, "Non connu")]
    placed, _ = placed_report(region, cells)
    assert any(placed.line(n) == "7 et 8 décembre " for n in range(1, len(placed.lines) + 1))
    mine = next(r for r in table_regions(placed, parse_outline(placed)) if r.action_id == region.action_id)
    assert placed.line(mine.body_end + 1).strip().startswith("7.")  # the next section's heading, after the table
    assert placed.place(mine.body_end + 1).table is None
    frame = indicators_table(placed, parse_outline(placed))
    read = frame[frame["action_id"] == region.action_id]
    assert list(zip(read["indicator"], read["kind"], read["raw"], read["status"])) == [
        ("Remise de l'étude", "baseline", "Lancée", "ok"),
        ("Remise de l'étude", "target", "Restitution faite les 7 et 8 décembre", "ok"),
        ("Nombre de personnes reçues", "baseline", "12", "ok"),
        ("Nombre de personnes reçues", "target", "Non estimé", "not_available"),
        ("Nombre de personnes reçues", "result", "Non connu", "not_available")]


def placed_over_pages(region, parts: list[tuple[int, list[tuple[int, int, str]]]], between: list[str] = ()):
    """The bundled report with one table printed again over pages: each ``(table, cells)`` part on a page
    of its own (a page break before the next, and the prose lines ``between`` after it)."""
    lines = bundled_text().split("\n")
    before, after = lines[:region.header.start - 1], lines[region.body_end:]
    body: list[str] = []
    places: list[Place | None] = []
    for index, (table, cells) in enumerate(parts):
        if index:
            body += ["", ""] + [f"{text} " for text in between]
            places += [None, None] + [Place(page_of(len(before)) + index, 56.0, 60.0)] * len(between)
        printed_lines, printed_places = printed(cells, table=table, page=page_of(len(before)) + index)
        body += printed_lines
        places += printed_places
    places = prose_places(before) + places + prose_places(after, len(before) + len(body))
    doc = document_from_text("\n".join(before + body + after))
    assert len(doc.lines) == len(places)
    return replace(doc, places=tuple(places))


#: A table cut by a page: the first page's cells (header, then one row), the next page's (rows from 0).
FIRST_PAGE = [(0, c, title) for c, title in enumerate(HEADER)] + [
    (1, MEASURE, "Mesure un"), (1, INDICATOR, "Nombre de jeunes suivis"), (1, 2, "7"), (1, 3, "8"), (1, 4, "9")]
NEXT_PAGE = [(0, INDICATOR, "Taux de sorties"), (0, 2, "Restitution faite les 7 et 8 décembre"), (0, 3, "40%"),
             (0, 4, "NC"), (1, MEASURE, "Mesure deux"), (1, INDICATOR, "Nombre d'ateliers"), (1, 2, "3"), (1, 3, "4"),
             (1, 4, "5")]
#: The table's values read from both pages: (measure, indicator, kind, raw, status).
OVER_PAGES = [
    ("Mesure un", "Nombre de jeunes suivis", "baseline", "7", "ok"),
    ("Mesure un", "Nombre de jeunes suivis", "target", "8", "ok"),
    ("Mesure un", "Nombre de jeunes suivis", "result", "9", "ok"),
    ("Mesure un", "Taux de sorties", "baseline", "Restitution faite les 7 et 8 décembre", "ok"),
    ("Mesure un", "Taux de sorties", "target", "40%", "ok"),
    ("Mesure un", "Taux de sorties", "result", "NC", "not_available"),
    ("Mesure deux", "Nombre d'ateliers", "baseline", "3", "ok"),
    ("Mesure deux", "Nombre d'ateliers", "target", "4", "ok"),
    ("Mesure deux", "Nombre d'ateliers", "result", "5", "ok")]


def read_over_pages(doc, action_id):
    """The table's grid (``None`` where it cannot claim its region) and its values as :data:`OVER_PAGES` has them."""
    region = next(r for r in table_regions(doc, parse_outline(doc)) if r.action_id == action_id)
    frame = indicators_table(doc, parse_outline(doc))
    read = frame[frame["action_id"] == action_id]
    return table_grid(doc, region), read, list(zip(read["measure"], read["indicator"], read["kind"], read["raw"],
                                                   read["status"]))


def shifted(doc, table: int, points: float):
    """``doc`` with every line of ``table`` printed ``points`` to the right (to the left when negative)."""
    return replace(doc, places=tuple(replace(p, x0=p.x0 + points) if p is not None and p.table == table else p
                                     for p in doc.places))


def test_a_table_continued_without_its_header_printed_again_carries_its_rows_on():
    """The rows after a page break, printed without the header (the PDF numbers them a table of their own,
    rows from 0), are the table's rows still: the measure merged over the break goes on, and a cell's line
    there opening with « 7 » is no heading of section 7."""
    doc = document_from_text(bundled_text())
    region = table_regions(doc, parse_outline(doc))[1]
    placed = placed_over_pages(region, [(7, FIRST_PAGE), (8, NEXT_PAGE)])
    grid, _, got = read_over_pages(placed, region.action_id)
    assert got == OVER_PAGES
    assert grid is not None and grid.tables == (7, 8) and not grid.repeated
    # a table printed after prose is no continuation, and the prose is no cell: the grid claims nothing
    after_prose = placed_over_pages(region, [(7, FIRST_PAGE), (8, NEXT_PAGE)], between=["Un paragraphe entre deux."])
    assert read_over_pages(after_prose, region.action_id)[0] is None
    # each cell under the next column's header: no continuation, and its lines are not dropped unread
    grid, read, _ = read_over_pages(shifted(placed, 8, 85.0), region.action_id)
    assert grid is None and read["status"].eq("ambiguous").all() and {"40%", "NC", "3", "4", "5"} <= set(read["raw"])


def test_a_continuation_that_prints_the_header_again_reads_it_as_header_never_as_values():
    """The next page prints the header again and the PDF's reading did not stitch it to the table (a table of
    its own, the header its row 0): those rows are header, never values."""
    doc = document_from_text(bundled_text())
    region = table_regions(doc, parse_outline(doc))[1]
    again = [(0, column, title) for column, title in enumerate(HEADER)] + [(row + 1, c, t) for row, c, t in NEXT_PAGE]
    placed = placed_over_pages(region, [(7, FIRST_PAGE), (8, again)])
    grid, read, got = read_over_pages(placed, region.action_id)
    assert not read["raw"].isin(HEADER).any() and not read["measure"].isin(HEADER).any()
    assert got == OVER_PAGES
    assert grid is not None and grid.tables == (7, 8) and grid.repeated == {(8, 0)}
    # the header cut otherwise over its lines, spaces and cuts aside: the same header still
    recut = [(0, column, title.replace(" ", "  ").upper()) for column, title in enumerate(HEADER)]
    grid, _, got = read_over_pages(placed_over_pages(region, [(7, FIRST_PAGE), (8, recut + again[6:])]),
                                   region.action_id)
    assert got == OVER_PAGES and grid.repeated == {(8, 0)}
    # a first row that only looks like the header (one title left out) is read as a row, not dropped
    partly = [(0, column, title) for column, title in enumerate(HEADER) if column != JUSTIFICATION] + again[6:]
    grid, _, _ = read_over_pages(placed_over_pages(region, [(7, FIRST_PAGE), (8, partly)]), region.action_id)
    assert grid is not None and not grid.repeated


def test_a_continuation_a_little_left_on_a_facing_page_carries_its_rows_on_and_no_line_is_dropped():
    """Facing pages' mirrored margins move the next page's grid a little: its columns keep their places relative
    to the header's, so its rows are the table's. Moved otherwise (half a column or more, or its columns not
    together), it is taken for no continuation, and then the grid claims nothing: the table's values are all
    ambiguous, every one read as printed, never dropped."""
    doc = document_from_text(bundled_text())
    region = table_regions(doc, parse_outline(doc))[1]
    placed = placed_over_pages(region, [(7, FIRST_PAGE), (8, NEXT_PAGE)])
    for points in (-10.0, -30.0, 12.0):
        grid, _, got = read_over_pages(shifted(placed, 8, points), region.action_id)
        assert grid is not None and grid.tables == (7, 8) and got == OVER_PAGES, points
    apart = replace(placed, places=tuple(replace(p, x0=p.x0 - 10 * p.column) if p is not None and p.table == 8 else p
                                         for p in placed.places))  # each column further left than the one before
    for moved in (shifted(placed, 8, -45.0), apart):
        grid, read, _ = read_over_pages(moved, region.action_id)
        assert grid is None
        assert read["status"].eq("ambiguous").all()  # the text route's reading, flagged: the next page's lines too
        assert {"7", "8", "9", "40%", "NC", "3", "4", "5"} <= set(read["raw"])


def test_a_value_cell_printing_two_numbers_is_ambiguous_shown_as_printed_as_annex4_reads_it():
    """« 2364  2 573 » in one cell: two values, as the text route and Annexe 4 read it; never one text cell
    « ok ». A number with its unit, a « NC (…) » and words with a number stay as they were."""
    doc = document_from_text(bundled_text())
    region = table_regions(doc, parse_outline(doc))[1]
    cells = [(0, c, title) for c, title in enumerate(HEADER)] + [
        (1, MEASURE, "Mesure un"), (1, INDICATOR, "Nombre de jeunes suivis"),
        (1, 2, "2364  2 573"), (1, 3, "2 156 €"), (1, 4, "NC (en cours)"),
        (2, INDICATOR, "Nombre de partenaires"), (2, 2, "5 000 6 000"), (2, 3, "18 privés"), (2, 4, "12"),
    ]
    placed, _ = placed_report(region, cells)
    read = indicators_table(placed, parse_outline(placed))
    mine = read[read["action_id"] == region.action_id]
    got = list(zip(mine["kind"], mine["raw"], mine["value"].fillna(-1), mine["status"]))
    assert got == [
        ("baseline", "2364 2 573", -1, "ambiguous"),
        ("target", "2 156 €", 2156.0, "ok"),
        ("result", "NC (en cours)", -1, "not_available"),
        ("baseline", "5 000 6 000", -1, "ambiguous"),
        ("target", "18 privés", -1, "ok"),
        ("result", "12", 12.0, "ok"),
    ]
    assert list(mine["unit"])[4] == "text"
