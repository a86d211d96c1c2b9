"""The PDF route's reading (issue 30): small PDFs drawn here with reportlab, read back line by line and place
by place; bad PDFs refused in one line; the bundled text printed into a PDF parses as the text does."""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from calpae_lib.errors import InputError
from calpae_lib.pdf import read_pdf, read_source
from calpae_lib.pdf.reading import MAX_PAGES
from calpae_lib.pipeline import parse_document
from calpae_lib.publish.cli import main
from calpae_lib.publish.loading import load_report
from calpae_lib.publish.rawfiles import expand_raw_paths
from calpae_lib.text.reading import Place

from .small_pdfs import pdf_bytes
from .variants import bundled_text, parse_text

WIDTH, HEIGHT = A4
SIZE = 10
#: Helvetica's descent (pdfminer's metrics): a line drawn with its baseline ``d`` points below the page's top
#: has its top at ``d - (1 - 0.207) * size``.
DESCENT = 0.207


def top_of(depth: float, size: float = SIZE) -> float:
    """The top pdfminer gives a line of Helvetica whose baseline is ``depth`` points below the page's top."""
    return round(depth - (1 - DESCENT) * size, 1)


#: A running header, printed at the top of every page.
RUNNING = "Rapport d'exécution 2022 - Département"


class Sheet:
    """A canvas drawn in points from the page's top, with a running header and a footer number per page."""

    def __init__(self, path, first_number: int = 1, header: str = "", **options):
        self.canvas = canvas.Canvas(str(path), pagesize=A4, invariant=1, **options)
        self.number, self.header = first_number, header
        self.frame()

    def frame(self):
        self.canvas.setFont("Helvetica", 8)
        if self.header:
            self.canvas.drawString(72, HEIGHT - 30, self.header)
        self.canvas.drawCentredString(WIDTH / 2, 30, str(self.number))
        self.canvas.setFont("Helvetica", SIZE)

    def text(self, x: float, depth: float, text: str, right: bool = False):
        draw = self.canvas.drawRightString if right else self.canvas.drawString
        draw(x, HEIGHT - depth, text)

    def box(self, x0: float, top: float, x1: float, bottom: float):
        self.canvas.rect(x0, HEIGHT - bottom, x1 - x0, bottom - top, stroke=1, fill=0)

    def page(self):
        self.canvas.showPage()
        self.number += 1
        self.frame()

    def save(self):
        self.canvas.save()


def read(path):
    document = read_pdf(path)
    return list(zip(document.lines, document.places))


def at(page, x0, depth, table=None, row=None, column=None):
    return Place(page, x0, top_of(depth), table, row, column)


def test_paragraphs_without_running_header_and_footer_numbered_as_printed(tmp_path):
    path = tmp_path / "paragraphes.pdf"
    sheet = Sheet(path, first_number=5, header=RUNNING)
    for page in (1, 2):
        sheet.text(72, 100, f"Premier paragraphe de la page {page}")
        sheet.text(72, 118, "dans le Pas-de-")  # 1.8 font sizes below: 1.5-spaced, an empty line follows
        sheet.text(72, 136, "Calais, puis une ligne")
        sheet.text(72, 147, "serrée au-dessous")  # 1.1 font sizes below: one block, no empty line
        if page == 1:
            sheet.page()
    sheet.save()

    assert read(path) == [
        ("Premier paragraphe de la page 1 ", at(5, 72.0, 100)), ("", None),
        ("dans le Pas-de-", at(5, 72.0, 118)), ("", None),
        ("Calais, puis une ligne ", at(5, 72.0, 136)),
        ("serrée au-dessous ", at(5, 72.0, 147)), ("", None),
        ("", None), ("", None),  # the page break
        ("Premier paragraphe de la page 2 ", at(6, 72.0, 100)), ("", None),
        ("dans le Pas-de-", at(6, 72.0, 118)), ("", None),
        ("Calais, puis une ligne ", at(6, 72.0, 136)),
        ("serrée au-dessous ", at(6, 72.0, 147)), ("", None),
    ]


def test_a_pdf_without_footer_numbers_its_pages_by_their_index(tmp_path):
    path = tmp_path / "sans_pied.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in (1, 2):
        pdf.setFont("Helvetica", SIZE)
        pdf.drawString(72, HEIGHT - 300, f"Page sans numéro {page}")
        pdf.showPage()
    pdf.save()
    assert [place.page for place in read_pdf(path).places if place] == [1, 2]


@pytest.mark.parametrize("footer, pages", [("Rapport d'exécution 2022 - {n}", [12, 13, 14]),
                                           ("Conseil départemental 62", [1, 2, 3])])
def test_a_footer_number_beside_words_numbers_the_page_unless_every_page_prints_it(tmp_path, footer, pages):
    path = tmp_path / "pieds.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in (12, 13, 14):
        pdf.setFont("Helvetica", SIZE)
        pdf.drawString(72, HEIGHT - 300, f"Texte {n}")
        pdf.drawCentredString(WIDTH / 2, 30, footer.format(n=n))
        pdf.showPage()
    pdf.save()
    document = read_pdf(path)
    assert [place.page for place in document.places if place] == pages
    assert not any("Rapport" in line or "Conseil" in line for line in document.lines)


def draw_grid(sheet, columns, rows, merged=()):
    """Rules around each cell of a grid (``columns`` and ``rows`` are edges); ``merged``: ``(row, column,
    rows spanned)`` cells drawn as one box."""
    covered = {(row + k, column) for row, column, span in merged for k in range(span)}
    for row, column, span in merged:
        sheet.box(columns[column], rows[row], columns[column + 1], rows[row + span])
    for row in range(len(rows) - 1):
        for column in range(len(columns) - 1):
            if (row, column) not in covered:
                sheet.box(columns[column], rows[row], columns[column + 1], rows[row + 1])


def test_ruled_table_cells_row_by_row_with_multi_line_and_empty_cells(tmp_path):
    path = tmp_path / "regle.pdf"
    sheet = Sheet(path)
    sheet.text(72, 100, "Tableau des indicateurs")
    draw_grid(sheet, [70, 230, 390, 500], [120, 140, 175, 195])
    for x, text in ((75, "Mesure"), (235, "Indicateur"), (395, "Réalisé 2022")):
        sheet.text(x, 134, text)
    sheet.text(75, 155, "Accompagner les")  # a cell of two lines
    sheet.text(75, 167, "jeunes")
    sheet.text(235, 155, "Nombre de jeunes")
    sheet.text(395, 155, "120")
    sheet.text(75, 189, "Former")
    sheet.text(235, 189, "Taux")  # the last cell is empty
    sheet.text(72, 230, "Après le tableau")
    sheet.save()

    assert read(path) == [
        ("Tableau des indicateurs ", at(1, 72.0, 100)), ("", None),
        ("Mesure ", at(1, 75.0, 134, 1, 0, 0)), ("", None),
        ("Indicateur ", at(1, 235.0, 134, 1, 0, 1)), ("", None),
        ("Réalisé 2022 ", at(1, 395.0, 134, 1, 0, 2)), ("", None),
        ("Accompagner les ", at(1, 75.0, 155, 1, 1, 0)), ("jeunes ", at(1, 75.0, 167, 1, 1, 0)), ("", None),
        ("Nombre de jeunes ", at(1, 235.0, 155, 1, 1, 1)), ("", None),
        ("120 ", at(1, 395.0, 155, 1, 1, 2)), ("", None),
        ("Former ", at(1, 75.0, 189, 1, 2, 0)), ("", None),
        ("Taux ", at(1, 235.0, 189, 1, 2, 1)), ("", None),
        ("Après le tableau ", at(1, 72.0, 230)), ("", None),
    ]


def test_a_header_printed_a_quarter_turn_is_read_in_its_cell(tmp_path):
    path = tmp_path / "tourne.pdf"
    sheet = Sheet(path)
    draw_grid(sheet, [70, 230, 260], [120, 200, 220])
    sheet.text(75, 134, "Indicateur")
    sheet.canvas.saveState()
    sheet.canvas.translate(250, HEIGHT - 195)
    sheet.canvas.rotate(90)  # read from the bottom up, as a narrow column's header is
    sheet.canvas.drawString(0, 0, "Réalisé 2022")
    sheet.canvas.restoreState()
    sheet.text(75, 214, "Jeunes")
    sheet.text(235, 214, "12")
    sheet.save()
    document = read_pdf(path)
    cells = [(line, (place.row, place.column)) for line, place in zip(document.lines, document.places)
             if place and place.table]
    assert cells == [("Indicateur ", (0, 0)), ("Réalisé 2022 ", (0, 1)), ("Jeunes ", (1, 0)), ("12 ", (1, 1))]


def test_merged_cell_is_given_once_in_its_first_row(tmp_path):
    path = tmp_path / "fusion.pdf"
    sheet = Sheet(path)
    draw_grid(sheet, [70, 230, 390], [120, 140, 160, 180], merged=[(1, 0, 2)])
    sheet.text(75, 134, "Mesure")
    sheet.text(235, 134, "Indicateur")
    sheet.text(75, 164, "Mesure fusionnée")  # printed in the middle of its two rows
    sheet.text(235, 154, "Premier")
    sheet.text(235, 174, "Second")
    sheet.save()

    assert read(path) == [
        ("Mesure ", at(1, 75.0, 134, 1, 0, 0)), ("", None),
        ("Indicateur ", at(1, 235.0, 134, 1, 0, 1)), ("", None),
        ("Mesure fusionnée ", at(1, 75.0, 164, 1, 1, 0)), ("", None),
        ("Premier ", at(1, 235.0, 154, 1, 1, 1)), ("", None),
        ("Second ", at(1, 235.0, 174, 1, 2, 1)), ("", None),
    ]


def test_table_without_rules_placed_under_its_header_columns(tmp_path):
    path = tmp_path / "sans_regles.pdf"
    sheet = Sheet(path)
    sheet.text(72, 100, "5.2 Budget exécuté")
    sheet.text(72, 115, "Montants en euros par financeur, tels que la fiche les donne pour cette année-là.")
    sheet.text(72, 130, "Financeur")
    sheet.text(300, 130, "Prévu")
    sheet.text(420, 130, "Engagé")
    sheet.text(72, 143, "État")
    sheet.text(330, 143, "80 000 €", right=True)  # right-aligned under its header
    sheet.text(455, 143, "75 000 €", right=True)
    sheet.text(72, 156, "Département")
    sheet.text(330, 156, "40 000 €", right=True)  # no amount engaged: an empty cell
    sheet.text(72, 190, "Un paragraphe qui suit le tableau et court sous toutes ses colonnes à la fois.")
    sheet.save()

    document = read_pdf(path)
    cells = [(line, (place.row, place.column)) for line, place in zip(document.lines, document.places)
             if place and place.table]
    assert cells == [("Financeur ", (0, 0)), ("Prévu ", (0, 1)), ("Engagé ", (0, 2)),
                     ("État ", (1, 0)), ("80 000 € ", (1, 1)), ("75 000 € ", (1, 2)),
                     ("Département ", (2, 0)), ("40 000 € ", (2, 1))]
    assert document.lines[:4] == ("5.2 Budget exécuté ", "",  # a line of prose in the table's size, just above
                                  "Montants en euros par financeur, tels que la fiche les donne pour cette année-là. ",
                                  "")
    assert document.lines[-2:] == ("Un paragraphe qui suit le tableau et court sous toutes ses colonnes à la fois. ", "")
    assert document.place(len(document.lines) - 1).table is None
    assert {place.table for place in document.places if place and place.table} == {1}


def test_table_continued_on_next_page_with_its_header_repeated_is_stitched(tmp_path):
    path = tmp_path / "suite.pdf"
    sheet = Sheet(path, first_number=12, header=RUNNING)
    sheet.text(72, 670, "Indicateurs de l'action")

    def table(first_row, rows, top):
        edges = [top + 20 * k for k in range(len(rows) + 2)]
        draw_grid(sheet, [70, 230, 390], edges)
        sheet.text(75, top + 14, "Indicateur")
        sheet.text(235, top + 14, "Réalisé")
        for k, (name, value) in enumerate(rows, start=1):
            sheet.text(75, top + 20 * k + 14, name)
            sheet.text(235, top + 20 * k + 14, value)

    table(1, [("Jeunes accompagnés", "120"), ("Sorties", "12")], 690)
    sheet.page()
    table(3, [("Ruptures", "4"), ("Familles", "30")], 80)
    sheet.text(72, 200, "Bilan d'exécution")
    sheet.save()

    document = read_pdf(path)
    cells = [(line.strip(), (place.page, place.table, place.row, place.column))
             for line, place in zip(document.lines, document.places) if place and place.table]
    assert cells == [("Indicateur", (12, 1, 0, 0)), ("Réalisé", (12, 1, 0, 1)),
                     ("Jeunes accompagnés", (12, 1, 1, 0)), ("120", (12, 1, 1, 1)),
                     ("Sorties", (12, 1, 2, 0)), ("12", (12, 1, 2, 1)),
                     ("Ruptures", (13, 1, 3, 0)), ("4", (13, 1, 3, 1)),
                     ("Familles", (13, 1, 4, 0)), ("30", (13, 1, 4, 1))]
    assert document.lines.count("Indicateur ") == 1
    assert document.place(document.lines.index("Bilan d'exécution ") + 1) == at(13, 72.0, 200)


def test_ruled_table_cut_by_the_page_goes_on_without_its_header(tmp_path):
    path = tmp_path / "suite_sans_en_tete.pdf"
    sheet = Sheet(path, header=RUNNING)
    draw_grid(sheet, [70, 230, 390], [720, 740, 760, 780])
    for depth, (name, value) in zip((734, 754, 774), [("Indicateur", "Réalisé"), ("Jeunes", "120"), ("Sorties", "12")]):
        sheet.text(75, depth, name)
        sheet.text(235, depth, value)
    sheet.page()
    draw_grid(sheet, [70, 230, 390], [80, 100])  # the same columns, no header: the rows go on
    sheet.text(75, 94, "Ruptures")
    sheet.text(235, 94, "4")
    sheet.text(72, 140, "Texte")
    draw_grid(sheet, [70, 230, 390], [160, 180])  # after text: a table of its own
    sheet.text(75, 174, "Autre")
    sheet.save()

    document = read_pdf(path)
    cells = [(line.strip(), (place.page, place.table, place.row, place.column))
             for line, place in zip(document.lines, document.places) if place and place.table]
    assert cells == [("Indicateur", (1, 1, 0, 0)), ("Réalisé", (1, 1, 0, 1)), ("Jeunes", (1, 1, 1, 0)),
                     ("120", (1, 1, 1, 1)), ("Sorties", (1, 1, 2, 0)), ("12", (1, 1, 2, 1)),
                     ("Ruptures", (2, 1, 3, 0)), ("4", (2, 1, 3, 1)), ("Autre", (2, 2, 0, 0))]


def test_a_new_table_after_text_on_the_next_page_is_not_stitched(tmp_path):
    path = tmp_path / "deux_tableaux.pdf"
    sheet = Sheet(path)
    for page in (1, 2):
        sheet.text(72, 100, f"Texte {page}")
        draw_grid(sheet, [70, 230, 390], [120, 140, 160])
        sheet.text(75, 134, "Indicateur")
        sheet.text(235, 134, "Réalisé")
        sheet.text(75, 154, f"Ligne {page}")
        if page == 1:
            sheet.page()
    sheet.save()
    tables = [place.table for place in read_pdf(path).places if place and place.table]
    assert tables == [1, 1, 1, 2, 2, 2]


def test_table_without_rules_continued_on_a_landscape_page_is_stitched(tmp_path):
    from reportlab.lib.pagesizes import landscape

    path = tmp_path / "paysage.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", SIZE)
    pdf.drawString(72, HEIGHT - 100, "Annexe 4")
    pdf.drawCentredString(WIDTH / 2, 30, "40")
    pdf.showPage()
    wide, high = landscape(A4)
    for number, rows in ((41, [("Orientés", "1 200"), ("Accompagnés", "900")]), (42, [("Sortis", "300")])):
        pdf.setPageSize((wide, high))
        pdf.setFont("Helvetica", SIZE)
        pdf.drawCentredString(wide / 2, 30, str(number))
        for depth, (label, value) in enumerate([("Public", "Nombre"), *rows]):
            pdf.drawString(72, high - 80 - 15 * depth, label)
            pdf.drawRightString(500, high - 80 - 15 * depth, value)
        pdf.showPage()
    pdf.save()

    document = read_pdf(path)
    cells = [(line.strip(), (place.page, place.table, place.row, place.column))
             for line, place in zip(document.lines, document.places) if place and place.table]
    assert cells == [("Public", (41, 1, 0, 0)), ("Nombre", (41, 1, 0, 1)),
                     ("Orientés", (41, 1, 1, 0)), ("1 200", (41, 1, 1, 1)),
                     ("Accompagnés", (41, 1, 2, 0)), ("900", (41, 1, 2, 1)),
                     ("Sortis", (42, 1, 3, 0)), ("300", (42, 1, 3, 1))]
    assert document.place(1) == at(40, 72.0, 100)


def test_source_reads_text_and_pdf_and_folders_give_both(tmp_path):
    text = tmp_path / "rapport_2022.txt"
    text.write_text("Rapport\n", encoding="utf-8")
    pdf = tmp_path / "rapport_2023.pdf"
    sheet = Sheet(pdf)
    sheet.text(72, 100, "Rapport")
    sheet.save()
    assert read_source(text).encoding == "utf-8" and read_source(text).places == ()
    assert read_source(pdf).encoding == "pdf" and read_source(pdf).lines[0] == "Rapport "
    assert [p.name for p in expand_raw_paths([tmp_path])] == ["rapport_2022.txt", "rapport_2023.pdf"]


def test_a_pdf_with_bytes_before_its_header_and_suffixes_in_capitals_are_read(tmp_path):
    """PDF allows bytes before its header (within the first 1024): such a file is read as a PDF; a
    folder's or a pattern's « .PDF » and « .TXT » are reports as « .pdf » and « .txt » are."""
    from calpae_lib.pdf import is_pdf

    pdf = tmp_path / "RAPPORT_2023.PDF"
    pdf.write_bytes(b"\x00" * 600 + pdf_bytes(lambda canvas: (canvas.setFont("Helvetica", SIZE),
                                                                 canvas.drawString(72, 700, "Rapport"))))
    text = tmp_path / "RAPPORT_2022.TXT"
    text.write_text("Rapport\n", encoding="utf-8")
    assert is_pdf(pdf) and not is_pdf(text)
    assert read_source(pdf).encoding == "pdf" and read_source(pdf).lines[0] == "Rapport "
    assert [p.name for p in expand_raw_paths([tmp_path])] == ["RAPPORT_2022.TXT", "RAPPORT_2023.PDF"]
    assert [p.name for p in expand_raw_paths([str(tmp_path / "*.pdf")])] == ["RAPPORT_2023.PDF"]
    assert [p.name for p in expand_raw_paths([str(tmp_path / "RAPPORT_*.txt")])] == ["RAPPORT_2022.TXT"]


# --- bad PDFs: one line, exit 2 -------------------------------------------------------------------



def some_text(pdf):
    pdf.setFont("Helvetica", SIZE)
    pdf.drawString(72, 700, "Compte rendu du conseil municipal")
    pdf.drawString(72, 680, "Ordre du jour")
    pdf.showPage()


def image_only(pdf):
    """Scanned pages: an image each, and the footer a scanning office stamps in text."""
    from PIL import Image

    from reportlab.lib.utils import ImageReader

    scan = Image.new("L", (60, 80), color=200)
    for number in (1, 2):
        pdf.drawImage(ImageReader(scan), 72, 300, width=400, height=500)
        pdf.setFont("Helvetica", 8)
        pdf.drawCentredString(WIDTH / 2, 30, f"Page {number}")
        pdf.showPage()


BAD_PDFS = {
    "encrypted": (lambda: pdf_bytes(some_text, encrypt="secret"), "mot de passe"),
    "scanned": (lambda: pdf_bytes(image_only), "aucun texte"),
    "truncated": (lambda: pdf_bytes(some_text)[:700], "tronqué"),
    "garbage_after_magic": (lambda: b"%PDF-1.4\n" + bytes(range(256)) * 20, "tronqué"),
    "not_calpae": (lambda: pdf_bytes(some_text), "ce n'est pas un rapport CALPAE"),
}


@pytest.mark.parametrize("name", list(BAD_PDFS))
def test_bad_pdf_one_line_exit_2_nothing_written(tmp_path, capsys, name):
    make, expected = BAD_PDFS[name]
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(make())
    out = tmp_path / "out"
    assert main(["parse", str(path), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("calpae: erreur : ") and captured.err.count("\n") == 1
    assert str(path) in captured.err and expected in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()


@pytest.mark.parametrize("cut, words", [(700, "le fichier s'arrête avant sa fin"),
                                         (-30, "sa structure est introuvable ou rompue")])
def test_a_cut_pdf_is_said_in_french_words_the_library_s_name_kept_for_debugging(tmp_path, cut, words):
    path = tmp_path / "coupé.pdf"
    data = pdf_bytes(some_text)
    path.write_bytes(data[:cut])
    with pytest.raises(InputError) as refusal:
        read_pdf(path)
    message = refusal.value.message
    assert message == f"PDF illisible, tronqué ou endommagé ({words}) : donnez le PDF du rapport tel que le " \
                      "Département le publie, entier."
    assert type(refusal.value.__cause__).__name__ in ("PSEOF", "PDFSyntaxError")


def test_text_in_characters_no_font_names_is_refused(tmp_path):
    from calpae_lib.pdf.emit import PageContent
    from calpae_lib.pdf.layout import PrintedLine, Word
    from calpae_lib.pdf.reading import check_text

    line = PrintedLine(tuple(Word(text, 10 * k, 10 * k + 8, 100, 110) for k, text in
                             enumerate(["(cid:12)(cid:40)", "(cid:3)", "Rapport"])))
    with pytest.raises(InputError, match=r"2 mots sur 3 illisibles"):
        check_text([PageContent(1, (line,), ())], tmp_path / "x.pdf")


def test_absurd_page_count_refused_before_reading_pages(tmp_path):
    def blank_pages(pdf):
        for _ in range(MAX_PAGES + 1):
            pdf.showPage()

    path = tmp_path / "enorme.pdf"
    path.write_bytes(pdf_bytes(blank_pages))
    with pytest.raises(InputError, match=f"{MAX_PAGES + 1} pages"):
        read_pdf(path)


# --- the bundled text printed into a PDF, one text line per printed line --------------------------


def render_text(text: str, path, size: float = 7.5) -> int:
    """Print a report's text into a plain PDF, one line of text per printed line, as Tika would read it
    back: the spaces as printed, an empty line of the text as 1.5 spacing before the next line, none as
    single spacing; a running header and a page number in each page's footer. Returns the page count."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    lines = text.split("\n")
    number = 0
    depth = HEIGHT
    for index, line in enumerate(lines):
        if not line:
            continue
        if depth > HEIGHT - 75:
            if number:
                pdf.showPage()
            number += 1
            pdf.setFont("Helvetica", 8)
            pdf.drawString(40, HEIGHT - 30, "Rapport d'exécution - en-tête courant")
            pdf.drawCentredString(WIDTH / 2, 25, str(number))
            pdf.setFont("Helvetica", size)
            depth = 60
        pdf.drawString(40, HEIGHT - depth, line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        depth += size * (1.8 if not following else 1.2)
    pdf.showPage()
    pdf.save()
    return number


@pytest.fixture(scope="module")
def printed_bundled(tmp_path_factory):
    path = tmp_path_factory.mktemp("imprime") / "calpae_imprime.pdf"
    pages = render_text(bundled_text(), path)
    return path, pages


def without_lines(frame):
    """A table without what names lines (their numbers differ: the PDF's lines are not the text's)."""
    return frame.drop(columns=[c for c in frame.columns if "line" in c or c in ("message", "basis")]).reset_index(drop=True)


def test_bundled_text_printed_into_a_pdf_parses_as_the_text(printed_bundled):
    path, pages = printed_bundled
    assert pages > 100
    document = read_pdf(path)
    assert {place.page for place in document.places if place} == set(range(1, pages + 1))
    from_pdf, from_text = parse_document(document), parse_text(bundled_text())
    assert from_pdf.meta.year == from_text.meta.year and from_pdf.meta.departement == from_text.meta.departement
    for name in ("actions", "budgets", "budget_details", "annex_budget", "indicators", "annex4", "checks"):
        assert without_lines(from_pdf.tables[name]).equals(without_lines(from_text.tables[name])), name


def test_calpae_parse_takes_a_pdf(printed_bundled, tmp_path, capsys):
    path, _ = printed_bundled
    out = tmp_path / "tables"
    assert main(["parse", str(path), "--out", str(out)]) == 0
    assert "année 2022" in capsys.readouterr().out
    assert (out / "indicators.csv").is_file() and (out / "source.json").is_file()
    stored = load_report(path)  # read back from the store, places and all
    assert stored.doc.encoding == "pdf" and stored.doc.places == read_pdf(path).places


def test_a_list_s_items_are_paragraphs_of_their_own_as_in_tika_s_text(tmp_path):
    """A bulleted item is given as Tika gives it (its bullet lost, one space before its text), which the
    readers take for a new paragraph: a bilan read from the PDF keeps the paragraphs of its text."""
    from calpae_lib.text.outline import BILAN_TITLE, Action, sheet_section

    path = tmp_path / "puces.pdf"
    sheet = Sheet(path)
    sheet.text(72, 100, "7. Bilan d'exécution")  # lines 1.5 font sizes apart, as a word processor's 1.5 spacing
    sheet.text(72, 115, "Les chantiers ont porté sur")
    sheet.text(72, 130, "l'accueil :")
    for depth, bullet, text in ((145, True, "Expérimentation de fiches"), (160, False, "d'accueil ;"),
                                (175, True, "3 ateliers (juin)")):
        if bullet:
            sheet.canvas.setFont("Symbol", SIZE)
            sheet.text(72, depth, "\u2022")
            sheet.canvas.setFont("Helvetica", SIZE)
        sheet.text(90 if bullet else 72, depth, text)
    sheet.text(72, 190, "8. Perspectives")
    sheet.save()

    document = read_pdf(path)
    first = document.lines.index("l'accueil : ")
    assert document.lines[first:first + 8] == (  # the bullet's box, higher than its text's, spaces no line otherwise
        "l'accueil : ", "", " Expérimentation de fiches ", "", "d'accueil ; ", "", " 3 ateliers (juin) ", "")
    section = sheet_section(document, Action("socle", "I", 1, "A", 1, 1, len(document.lines)), BILAN_TITLE)
    assert [text for _, text in section.paragraphs] == [
        "Les chantiers ont porté sur l'accueil :", "Expérimentation de fiches d'accueil ;", "3 ateliers (juin)"]


def draw_spaced_report(path):
    """A PDF printed as a word processor prints it: a space at the end of every wrapped line (none at a
    paragraph's, a heading's or a cell's last line), one word cut at a line's end without a hyphen."""
    sheet = Sheet(path)
    sheet.text(72, 100, "Contexte")  # a heading, then a paragraph 1.5-spaced
    depth = 125
    for number in range(4):
        sheet.text(72, depth, f"Une ligne de prose numéro {number} qui continue ")
        depth += 17
    sheet.text(72, depth, "avec un accompagnemen")  # a word cut without a hyphen, then the paragraph's end
    sheet.text(72, depth + 17, "t des jeunes.")
    sheet.text(72, depth + 57, "Fin du paragraphe.")  # a paragraph of its own, then a table
    draw_grid(sheet, [70, 250, 400], [250, 270, 310])
    sheet.text(75, 264, "Indicateur")
    sheet.text(255, 264, "Valeur")
    sheet.text(75, 284, "Nombre de jeunes")
    sheet.text(255, 284, "2021 : 120")  # two values in one cell, each a paragraph of the cell
    sheet.text(255, 298, "12")
    sheet.save()


def test_spaced_pdf_glues_only_a_word_cut_inside_a_block_never_two_lines_ending_paragraphs(tmp_path):
    """Where the PDF prints a space at the end of wrapped lines, a line without one continues its word
    only into the next line of its block when a letter meets a lowercase letter: a paragraph's, a
    heading's or a cell's last line ends between words, and two numbers are never glued into one."""
    from calpae_lib.tables.placed import placed_tables
    from calpae_lib.text.flattened import logical_lines

    path = tmp_path / "espaces.pdf"
    draw_spaced_report(path)
    document = read_pdf(path)
    assert [line for line in document.lines if line][:8] == [
        "Contexte ", *(f"Une ligne de prose numéro {n} qui continue " for n in range(4)),
        "avec un accompagnemen", "t des jeunes. ", "Fin du paragraphe. "]
    cells = [(cell.row, cell.column, cell.text) for cells in placed_tables(document).values() for cell in cells]
    assert cells == [(0, 0, "Indicateur"), (0, 1, "Valeur"), (1, 0, "Nombre de jeunes"), (1, 1, "2021 : 120 12")]
    texts = [line.text for line in logical_lines(document, 1, len(document.lines))]
    assert "accompagnement des jeunes." in " ".join(texts)
    assert not any("1202" in text or "paragraphe.Indicateur" in text or "ContexteUne" in text for text in texts)


def footed_pdf(path, footers):
    """A PDF of one text line per page, each page's footer printing ``footers[i]`` (``None``: no footer)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for index, footer in enumerate(footers):
        pdf.setFont("Helvetica", SIZE)
        pdf.drawString(72, HEIGHT - 300, f"Texte de la page {index + 1}")
        if footer is not None:
            pdf.drawCentredString(WIDTH / 2, 30, footer)
        pdf.showPage()
    pdf.save()
    return read_pdf(path)


@pytest.mark.parametrize("footers, pages", [
    ([None, "1", "2", "3"], [0, 1, 2, 3]),  # an unnumbered cover before page 1: never a second « p. 1 »
    ([None, "2", "3", "4"], [1, 2, 3, 4]),  # the cover counted, not printed
    (["5", "6", None, "8"], [5, 6, 7, 8]),  # a full-page table printing no footer
    (["62", "62", "62"], [1, 2, 3]),  # a constant bare number in every footer numbers no page
])
def test_a_page_without_footer_number_takes_the_one_its_neighbours_give_it(tmp_path, footers, pages):
    document = footed_pdf(tmp_path / "numeros.pdf", footers)
    numbers = [place.page for place in document.places if place]
    assert numbers == pages and len(set(numbers)) == len(numbers)
    assert document.pages == len(footers)
