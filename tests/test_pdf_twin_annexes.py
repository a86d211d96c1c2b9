"""The annexes of the PDF twins (issue 30): ruled annex budget tables, a landscape Annexe 4 with
merged cells and its header repeated, and the truth the PDF route must give back."""

from __future__ import annotations

from collections import Counter

import pytest

pytest.importorskip("reportlab")
pdfplumber = pytest.importorskip("pdfplumber")

from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate  # noqa: E402

from calpae_lib.text.numbers import find_amounts  # noqa: E402
from tests import nextyear  # noqa: E402
from tests.pdf_twins.annexes import (  # noqa: E402
    MergedLabelTable,
    annex4_frame,
    annex_flowables,
    place_cells,
)
from tests.pdf_twins.render import twin_styles  # noqa: E402
from tests.pdf_twins.model import ANNEX4_COLUMNS, LANDSCAPE, PORTRAIT, TwinContext  # noqa: E402
from tests.variants import bundled_text, parse_text  # noqa: E402


def context(report) -> TwinContext:
    return TwinContext(report, report.doc, twin_styles())


def build(flowables: list, path) -> None:
    """The annexes alone in a document with the twins' two page templates and a page number in the footer."""
    def footer(canvas, doc):
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(doc.pagesize[0] / 2, 0.8 * cm, str(canvas.getPageNumber()))

    def template(name: str, size) -> PageTemplate:
        frame = Frame(2 * cm, 2 * cm, size[0] - 4 * cm, size[1] - 4 * cm, id=name)
        return PageTemplate(id=name, frames=[frame], pagesize=size, onPage=footer)

    doc = BaseDocTemplate(str(path), pagesize=A4)
    doc.addPageTemplates([template(PORTRAIT, A4), template(LANDSCAPE, landscape(A4))])
    doc.build(flowables)


def render(report, path):
    ctx = context(report)
    flowables, truths = annex_flowables(ctx, report.outline.annex_start, len(report.doc.lines))
    build(flowables, path)
    return truths


@pytest.fixture(scope="module")
def bundled():
    return parse_text(bundled_text())


@pytest.fixture(scope="module")
def twin(bundled, tmp_path_factory):
    path = tmp_path_factory.mktemp("annexes") / "annexes.pdf"
    return path, render(bundled, path)


def cut_words(path, truth) -> set[str]:
    """The words of a table's truth that its pages do not print whole (a cell too narrow cuts them)."""
    wanted = Counter(word for row in truth.rows for text in row for word in text.split())
    printed: Counter = Counter()
    with pdfplumber.open(path) as pdf:
        for page in truth.pages:
            printed.update(word["text"] for word in pdf.pages[page - 1].extract_words())
    return {word for word, count in wanted.items() if printed[word] < count}


def page_texts(path) -> list[tuple[bool, str]]:
    """``(landscape, text)`` of each page."""
    with pdfplumber.open(path) as pdf:
        return [(page.width > page.height, page.extract_text() or "") for page in pdf.pages]


def test_the_annex_budget_tables_are_printed_ruled_with_every_line(bundled, twin):
    path, truths = twin
    tables = [t for t in truths if t.kind == "annex_budget"]
    assert len(tables) == len(bundled.annex) == 3
    for printed, annex in zip(tables, bundled.annex):
        assert printed.rows[0][1:] == ["Montant avenant", f"Montant engagé/réalisé en {annex.header_year}"]
        body = printed.rows[2:]  # the volet's title on the row after the header
        assert [row[0] for row in body] == [row.label for row in annex.rows]
        assert [[a.value for a in find_amounts(" ".join(row[1:]))] for row in body] == \
            [[row.avenant, row.engage] for row in annex.rows]
        assert all(len(row) == 3 for row in printed.rows)
    lines = bundled.tables["annex_budget"].drop_duplicates("source_line")
    assert sum(len(t.rows) - 2 for t in tables) == len(lines)
    first = tables[0].rows[2]
    assert first[1].endswith("€") and first[2].endswith("€")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert page.width < page.height
        assert page.find_tables(), "the annex budget table is ruled"
        words = page.extract_text()
    assert "Montant avenant" in words and first[1] in words


def test_annexe_4_is_on_landscape_pages_its_header_repeated(twin):
    path, _ = twin
    pages = page_texts(path)
    with_header = [(wide, text) for wide, text in pages if "Indicateurs" in text and "Mesures" in text]
    assert len(with_header) >= 2, "Annexe 4 is continued over pages, its header printed on each"
    assert all(wide for wide, _ in with_header)
    assert all(not wide for wide, text in pages if "Montant avenant" in text or "RAPPORT" in text)
    assert not pages[-1][0], "back to portrait after Annexe 4"


def test_the_annex4_truth_lists_every_record_ambiguous_ones_placed(bundled, twin):
    _, truths = twin
    annex4 = [t for t in truths if t.kind == "annex4"]
    assert len(annex4) == 1 and annex4[0].records is not None
    frame = annex4_frame(truths)
    cells = bundled.tables["annex4"]
    assert list(frame.columns) == list(ANNEX4_COLUMNS)
    assert len(frame) == len(cells) == 158
    assert frame["period"].notna().all() and frame["kind"].notna().all()
    assert Counter(frame["raw"]) == Counter(cells["raw"])
    ambiguous = int((cells["status"] == "ambiguous").sum())
    assert len(annex4[0].placed) == ambiguous == 24
    # the ambiguous cells of the first row go in the first columns the text route allowed
    table = annex4[0]
    first = table.rows[1]
    assert first[4:8] == ["582", "735", "718", "681"] and first[8:11] == ["", "", ""]
    assert (1, 4) in table.placed
    # certain cells keep the text route's column
    ok = cells[cells["status"] == "ok"]
    merged = frame.iloc[ok.index]
    assert (merged["period"].astype(str).values == ok["period"].astype(str).values).all()
    assert (merged["kind"].values == ok["kind"].values).all()


def test_annex4_labels_are_merged_over_their_rows(bundled, twin):
    path, truths = twin
    table = next(t for t in truths if t.kind == "annex4")
    header = table.rows[0]
    assert header[0] == "Mesures" and header[1] == "" and header[-1] == "Commentaire"
    body = table.rows[1:]
    axes = [row[0] for row in body if row[0]]
    measures = [row[1] for row in body if row[1]]
    assert len(axes) < len(measures) < len(body), "axis and measure labels printed once for their rows"
    assert measures == list(dict.fromkeys(bundled.tables["annex4"]["measure"]))
    axis = ""
    for row in body:  # each measure under the axis of its number (« 3.2. » under « 3. »)
        axis = row[0] or axis
        if row[1]:
            assert row[1].split(".")[0] == axis.split(".")[0], (row[1], axis)
    # the PDF shows the merge: a label cell taller than one row
    with pdfplumber.open(path) as pdf:
        page = next(p for p in pdf.pages if p.width > p.height)
        found = page.find_tables()
        assert found
        words = page.extract_words()
        label = next(w for w in words if w["text"] == measures[0].split()[0])
        cells = [c for c in found[0].cells if c[0] <= label["x0"] <= c[2] and c[1] <= label["top"] <= c[3]]
        rows = [c for c in found[0].cells if c[0] > cells[0][2]]
        assert cells and rows
        assert cells[0][3] - cells[0][1] > min(c[3] - c[1] for c in rows) * 2


def test_place_cells_keeps_the_order_and_the_known_columns():
    assert place_cells([None, None], 7) == [1, 2]
    assert place_cells([2, None, None, 7], 7) == [2, 3, 4, 7]
    with pytest.raises(ValueError):
        place_cells([None] * 8, 7)


def test_a_merged_label_continued_on_the_next_page_is_empty_there(bundled, tmp_path):
    from reportlab.platypus import Paragraph

    style = getSampleStyleSheet()["Normal"]
    body = [["axe", f"mesure {r // 30}", f"ligne {r}"] for r in range(80)]
    table = MergedLabelTable(["Mesures", "", "Indicateur"], body, 2,
                             lambda text, column, head: Paragraph(text, style), [0.2, 0.3, 0.5])
    build([table], tmp_path / "t.pdf")
    pages = page_texts(tmp_path / "t.pdf")
    assert len(pages) >= 2
    assert pages[0][1].count("axe") == 1
    assert "axe" not in pages[1][1] and "Mesures" in pages[1][1]


@pytest.mark.parametrize("make", [lambda text: nextyear.make_variant(text, 1),
                                  lambda text: nextyear.make_variant(text, 6),
                                  nextyear.other_departement], ids=["seed1", "seed6", "other"])
def test_the_annexes_of_variants_render(make, tmp_path):
    report = parse_text(make(bundled_text()).text)
    truths = render(report, tmp_path / "variant.pdf")
    assert len([t for t in truths if t.kind == "annex_budget"]) == len(report.annex)
    frame = annex4_frame(truths)
    assert len(frame) == len(report.tables["annex4"])
    assert frame["period"].notna().all()
    placed = sum(len(t.placed) for t in truths)
    assert placed == int((report.tables["annex4"]["status"] == "ambiguous").sum())
    annex4 = next(t for t in truths if t.kind == "annex4")
    assert annex4.pages and not cut_words(tmp_path / "variant.pdf", annex4)


def test_the_whole_twin_gives_the_annex4_records_and_prints_it_landscape(bundled_twin, bundled_report):
    annex4 = bundled_twin.tables("annex4")
    assert len(annex4) == 1 and len(annex4[0].pages) >= 2
    assert len(bundled_twin.annex4) == len(bundled_report.tables["annex4"])
    budgets = bundled_twin.tables("annex_budget")
    assert len(budgets) == len(bundled_report.annex)
    with pdfplumber.open(bundled_twin.path) as pdf:
        assert all(pdf.pages[page - 1].width > pdf.pages[page - 1].height for page in annex4[0].pages)
        assert all(pdf.pages[page - 1].width < pdf.pages[page - 1].height for t in budgets for page in t.pages)
        last = pdf.pages[annex4[0].pages[-1]]  # the page after Annexe 4: portrait again
        assert last.width < last.height
    assert not any(cut_words(bundled_twin.path, t) for t in annex4 + budgets), "no word cut by a narrow cell"
