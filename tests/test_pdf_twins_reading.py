"""The PDF route reads the twins (tests/pdf_twins) cell for cell: every table the twin printed, in order,
with the page it is printed on, each cell in its row and column, a table continued over pages stitched."""

from __future__ import annotations

from collections import defaultdict

import pytest

from calpae_lib.pdf import read_pdf

from .nextyear import make_variant, other_departement
from .pdf_twins.render import render_twin
from .variants import bundled_text


def read_tables(document) -> list[tuple[list[int], dict[tuple[int, int], str]]]:
    """The tables the PDF route read, in order: the pages each is printed on, and its cells by
    ``(row, column)`` (a cell's lines joined by spaces)."""
    cells: dict[int, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    pages: dict[int, set[int]] = defaultdict(set)
    for line, place in zip(document.lines, document.places):
        if place is not None and place.table is not None:
            cells[place.table][place.row, place.column].append(line.strip())
            pages[place.table].add(place.page)
    return [(sorted(pages[number]), {key: " ".join(" ".join(parts).split()) for key, parts in cells[number].items()})
            for number in sorted(cells)]


def truth_tables(twin) -> list[tuple[list[int], dict[tuple[int, int], str]]]:
    """The tables the twin printed, as :func:`read_tables` gives them (empty and covered cells left out)."""
    return [(sorted(table.pages or [table.page]),
             {(row, column): " ".join(cell.split()) for row, cells in enumerate(table.rows)
              for column, cell in enumerate(cells) if cell.strip()})
            for table in twin.truth]


def wrong_tables(twin, document=None) -> list[str]:
    """The tables of ``twin`` the PDF route read otherwise than printed (``document``: the twin read)."""
    read, printed = read_tables(document or read_pdf(twin.path)), truth_tables(twin)
    wrong = [f"table {number} ({table.kind}, p. {table.page})" for number, (table, got, expected)
             in enumerate(zip(twin.truth, read, printed), start=1) if got != expected]
    if len(read) != len(printed):
        wrong.append(f"{len(read)} tables read, {len(printed)} printed")
    return wrong


@pytest.fixture(scope="module")
def bundled_twin_read(bundled_twin):
    return read_pdf(bundled_twin.path)


def test_the_bundled_twin_reads_cell_for_cell(bundled_twin, bundled_twin_read):
    assert len(bundled_twin.truth) > 50
    assert wrong_tables(bundled_twin, bundled_twin_read) == []


def test_every_line_of_the_bundled_twin_is_on_its_printed_page(bundled_twin, bundled_twin_read):
    document = bundled_twin_read
    pages = {place.page for place in document.places if place is not None}
    assert pages == set(range(1, bundled_twin.pages + 1))
    assert not any("Rapport d'exécution" in line and place and place.top < 40
                   for line, place in zip(document.lines, document.places))  # the running title is dropped


@pytest.mark.parametrize("which", ["next_year", "other_departement"])
def test_other_twins_read_cell_for_cell(tmp_path, which):
    text = make_variant(bundled_text(), 7).text if which == "next_year" else other_departement(bundled_text()).text
    twin = render_twin(text, tmp_path / f"{which}.pdf")
    assert wrong_tables(twin) == []


def bilans(document) -> dict[str, list[str]]:
    """Each action's « Bilan d'exécution » as the narrative quotes it: its paragraphs."""
    from calpae_lib.text import outline

    sections = {action.action_id: outline.sheet_section(document, action, outline.BILAN_TITLE)
                for action in outline.parse_outline(document).actions}
    return {key: [text for _, text in section.paragraphs] for key, section in sections.items() if section}


def test_the_bundled_twin_s_bilans_have_the_text_s_paragraphs(bundled_twin_read):
    """Both routes give every bilan the same paragraphs (lists' items apart), once the text's page numbers
    are taken out: Tika's text leaves a page's number among its lines, which the PDF route knows for a footer."""
    import re

    from calpae_lib.text.reading import document_from_text

    text = re.sub(r"(?m)^ *\d+ *$", "", bundled_text())
    expected, read = bilans(document_from_text(text)), bilans(bundled_twin_read)
    assert len(expected) > 30 and sum(len(paragraphs) for paragraphs in expected.values()) > 250
    assert read == expected
