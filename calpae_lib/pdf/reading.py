"""Reading a report from its PDF: one page at a time, each closed once read, into a :class:`Document`.

pdfplumber gives each page's words with their boxes and the cells of its ruled
tables; the rest is geometry (:mod:`calpae_lib.pdf.layout`,
:mod:`calpae_lib.pdf.grids`) and the text route's dialect
(:mod:`calpae_lib.pdf.emit`). A PDF that cannot be read (encrypted, cut,
damaged, scanned without text, absurdly long) is refused with one line
naming the file and, where known, the page.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from calpae_lib.errors import InputError
from calpae_lib.pdf.emit import PageContent, emit
from calpae_lib.pdf.grids import Grid, ruled_grid, unruled_tables
from calpae_lib.pdf.layout import PageFrame, PrintedLine, Word, footer_number, margin_bands, page_lines, word_of
from calpae_lib.text.reading import Document, check_raw_file, normalise, read_raw, read_report

#: The first bytes of every PDF.
PDF_MAGIC = b"%PDF-"

#: A CALPAE report is about a hundred pages; far more is no report calpae is made for.
MAX_PAGES = 2000

#: What the user is asked for when the PDF cannot be read.
ASK_AGAIN = "donnez le PDF du rapport tel que le Département le publie"


@dataclass(frozen=True)
class PageRead:
    """What one page of the PDF gives, once read and closed: its index (1-based), height, the words outside
    its ruled tables as printed lines, and its ruled tables."""

    index: int
    height: float
    lines: tuple[PrintedLine, ...]
    ruled: tuple[Grid, ...]


def is_pdf(path: str | Path) -> bool:
    """Whether a file starts with the PDF magic ``%PDF-`` (after :func:`check_raw_file`)."""
    check_raw_file(path)
    try:
        with open(path, "rb") as raw:
            return raw.read(len(PDF_MAGIC)) == PDF_MAGIC
    except OSError:
        return False  # the text route says why it cannot read it


def read_source(path: str | Path) -> Document:
    """A raw report, from its PDF (:func:`read_pdf`) or its text (:func:`~calpae_lib.text.reading.read_report`)."""
    return read_pdf(path) if is_pdf(path) else read_report(path)


def read_pdf(path: str | Path) -> Document:
    """Read a report's PDF into the text route's :class:`Document`, with one place per line."""
    path = Path(path)
    data = read_raw(path)
    pages = read_pages(data, path)
    if not any(page.lines or page.ruled for page in pages):
        raise InputError(f"aucun texte dans ce PDF de {len(pages)} page(s) : c'est sans doute un document "
                         f"numérisé (des images de pages) ; {ASK_AGAIN}, dont le texte peut être copié.", path=path)
    lines, places = emit(page_contents(pages))
    lines = [normalise(line).replace("\n", " ") for line in lines]
    return Document(path=path, lines=tuple(lines), encoding="pdf", sha256=hashlib.sha256(data).hexdigest(),
                    places=tuple(places))


def read_pages(data: bytes, path: Path) -> list[PageRead]:
    """Every page of the PDF ``data``, read one at a time, each closed once read (memory stays flat)."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds on a damaged or encrypted file: all are the input's
        raise unreadable_pdf(error, path) from None
    with pdf:
        count = page_count(pdf, path)
        if count > MAX_PAGES:
            raise InputError(f"PDF de {count} pages : bien au-delà d'un rapport CALPAE ({MAX_PAGES} pages au plus).",
                             path=path)
        try:
            pages = pdf.pages
        except Exception as error:
            raise unreadable_pdf(error, path) from None
        return [read_page(page, index, path) for index, page in enumerate(pages, start=1)]


def page_count(pdf, path: Path) -> int:
    """The number of pages the PDF's catalogue declares (read before any page)."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return int(count)
    except Exception as error:
        raise unreadable_pdf(error, path) from None


def read_page(page, index: int, path: Path) -> PageRead:
    """One page's words and ruled tables; the page is closed (its objects dropped) before returning."""
    try:
        words = [word_of(found) for found in page.extract_words(extra_attrs=["size"])]
        boxes = [table.cells for table in page.find_tables()] if page.edges else []
        height = float(page.height)
    except Exception as error:
        raise unreadable_pdf(error, path, index) from None
    finally:
        page.close()
    return split_page(index, height, words, boxes)


def split_page(index: int, height: float, words: list[Word], boxes) -> PageRead:
    """A page's words parted into its ruled tables' grids and the printed lines outside them."""
    grids, used = [], set()
    for cells in boxes:
        found = ruled_grid(cells, words)
        if found is not None:
            grids.append(found[0])
            used |= found[1]
    free = [word for position, word in enumerate(words) if position not in used]
    return PageRead(index, height, tuple(page_lines(free)), tuple(grids))


def page_contents(pages: list[PageRead]) -> list[PageContent]:
    """The pages without their running headers and footers, numbered as their footers say, with their
    tables without rules found among the remaining lines."""
    margins = margin_bands(PageFrame(page.height, page.lines) for page in pages)
    contents = []
    for page, dropped in zip(pages, margins):
        footers = [line.text for position, line in enumerate(page.lines)
                   if position in dropped and line.top >= page.height / 2]
        body = [line for position, line in enumerate(page.lines) if position not in dropped]
        lines, unruled = free_lines_and_tables(body, page.ruled)
        number = footer_number(footers)
        contents.append(PageContent(page.index if number is None else number, tuple(lines),
                                    (*page.ruled, *unruled)))
    return contents


def free_lines_and_tables(lines: list[PrintedLine], ruled) -> tuple[list[PrintedLine], list[Grid]]:
    """The tables without rules among a page's lines (never across a ruled table), and the lines left."""
    runs: list[list[PrintedLine]] = [[]]
    tops = sorted(grid.top for grid in ruled)
    for line in lines:
        if runs[-1] and any(runs[-1][-1].top < top < line.top for top in tops):
            runs.append([])
        runs[-1].append(line)
    free, grids = [], []
    for run in runs:
        taken: set[int] = set()
        for start, end, grid in unruled_tables(run):
            grids.append(grid)
            taken.update(range(start, end))
        free += [line for position, line in enumerate(run) if position not in taken]
    return free, grids


def unreadable_pdf(error: Exception, path: Path, page: int | None = None) -> InputError:
    """The one line said of a PDF pdfminer or pdfplumber could not read (``page``: where, when known)."""
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    where = f"page {page} : " if page is not None else ""
    name = type(cause).__name__
    if "Password" in name or "Encryption" in name:
        return InputError(f"{where}PDF protégé par un mot de passe : calpae ne lit pas un PDF chiffré ; "
                          f"{ASK_AGAIN}, sans mot de passe.", path=path)
    return InputError(f"{where}PDF illisible, tronqué ou endommagé ({name}) : {ASK_AGAIN}, "
                      "entier.", path=path)
