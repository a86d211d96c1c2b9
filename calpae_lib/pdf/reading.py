"""Reading a report from its PDF: one page at a time, forgotten once read, into a :class:`Document`.

pdfminer draws each page (:mod:`calpae_lib.pdf.collector`: its characters and
rules), pdfplumber's table finder gives the cells of its ruled tables; the rest
is geometry (:mod:`calpae_lib.pdf.words`, :mod:`calpae_lib.pdf.layout`,
:mod:`calpae_lib.pdf.grids`) and the text route's dialect
(:mod:`calpae_lib.pdf.emit`). A PDF that cannot be read (encrypted, cut,
damaged, scanned without text, absurdly long) is refused with one line
naming the file and, where known, the page.
"""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from calpae_lib.errors import InputError
from calpae_lib.pdf.emit import PageContent, emit
from calpae_lib.pdf.grids import Grid, ruled_grid, unruled_tables
from calpae_lib.pdf.layout import (
    PageFrame,
    PrintedLine,
    Word,
    footer_number,
    loose_footer_number,
    margin_bands,
    page_lines,
)
from calpae_lib.pdf.words import chars_to_words, turned_words
from calpae_lib.text.reading import Document, check_raw_file, normalise, read_raw, read_report

#: The header every PDF opens with.
PDF_MAGIC = b"%PDF-"

#: PDF allows bytes before its header: readers look for it within the file's first 1024 bytes.
HEADER_ROOM = 1024

#: A CALPAE report is about a hundred pages; far more is no report calpae is made for.
MAX_PAGES = 2000

#: The share of printed lines ending with a space above which the PDF is taken to print one wherever a
#: line ends between two words (a line ending without one then ends inside a word).
SPACED_ENDS = 0.2

#: The typographic ligatures a PDF's fonts may print, spelled out (Tika and the text route never see them).
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                           "\ufb05": "st", "\ufb06": "st"})

#: The share of words printed in characters their font does not name above which nothing can be read.
UNNAMED_SHARE = 0.2

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
    """Whether a file holds the PDF magic ``%PDF-`` within its first :data:`HEADER_ROOM` bytes, as PDF
    allows (after :func:`check_raw_file`)."""
    check_raw_file(path)
    try:
        with open(path, "rb") as raw:
            return PDF_MAGIC in raw.read(HEADER_ROOM + len(PDF_MAGIC) - 1)
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
    contents = page_contents(pages)
    check_text(contents, path)
    lines, places = emit(contents, spaces_mark_line_ends(contents))
    lines = [normalise(line.translate(LIGATURES)).replace("\n", " ") for line in lines]
    return Document(path=path, lines=tuple(lines), encoding="pdf", sha256=hashlib.sha256(data).hexdigest(),
                    _text="\n".join(lines), places=tuple(places), pages=len(pages))


def check_text(pages: list[PageContent], path: Path) -> None:
    """Refuse a PDF whose pages print no text (a scanned document) or text whose characters its fonts do
    not name (pdfminer's « (cid:…) »: nothing can be read from it)."""
    words = [word.text for page in pages for line in page.lines for word in line.words if word.text]
    words += [line.text for page in pages for grid in page.grids for cell in grid.cells for line in cell.lines]
    if not words:
        raise InputError(f"aucun texte dans ce PDF de {len(pages)} page(s), hors en-têtes et pieds de page : "
                         f"c'est sans doute un document numérisé (des images de pages) ; {ASK_AGAIN}, dont le "
                         "texte peut être copié.", path=path)
    unnamed = sum("(cid:" in word for word in words)
    if unnamed > UNNAMED_SHARE * len(words):
        raise InputError(f"les polices de ce PDF ne disent pas quels caractères elles impriment ({unnamed} mots "
                         f"sur {len(words)} illisibles) : {ASK_AGAIN}, dont le texte peut être copié.",
                         path=path)


def read_pages(data: bytes, path: Path) -> list[PageRead]:
    """Every page of the PDF ``data``, read one at a time and forgotten once its words are kept (memory
    stays flat)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    from calpae_lib.pdf.collector import PageCollector

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        count = page_count(document)
    except Exception as error:  # pdfminer raises many kinds on a damaged or encrypted file: all are the input's
        raise unreadable_pdf(error, path) from error
    if count > MAX_PAGES:
        raise too_many_pages(count, path)
    resources = PDFResourceManager(caching=True)
    collector = PageCollector(resources)
    interpreter = PDFPageInterpreter(resources, collector)
    pages: list[PageRead] = []
    try:
        for page in PDFPage.create_pages(document):
            if len(pages) == MAX_PAGES:  # a catalogue that understates its pages
                raise too_many_pages(None, path)
            interpreter.process_page(page)
            words = chars_to_words(collector.chars) + turned_words(collector.turned)
            pages.append(split_page(len(pages) + 1, collector.height, words, ruled_boxes(collector.rules)))
    except InputError:
        raise
    except Exception as error:  # the page being read, or the next one pdfminer could not find
        raise unreadable_pdf(error, path, len(pages) + 1) from error
    return pages


def too_many_pages(count: int | None, path: Path) -> InputError:
    """The refusal of a PDF of ``count`` pages (``None``: more than its catalogue said, and too many)."""
    pages = f"{count} pages" if count is not None else f"plus de {MAX_PAGES} pages"
    return InputError(f"PDF de {pages} : bien au-delà d'un rapport CALPAE ({MAX_PAGES} pages au plus).", path=path)


def page_count(document) -> int:
    """The number of pages a PDF's catalogue declares (read before any page).

    >>> page_count(type("Document", (), {"catalog": {"Pages": {"Count": 3}}})())
    3
    """
    from pdfminer.pdftypes import resolve1

    return int(resolve1(resolve1(document.catalog["Pages"])["Count"]))


def ruled_boxes(rules: list[dict]) -> list[list[tuple]]:
    """The cells' boxes of each table the rules draw (pdfplumber's table finder on explicit edges).

    pdfplumber documents its ``TableFinder`` and explicit edges as line objects, not a finder without a
    page (it reads none on explicit edges): a seam, bounded in pyproject.toml, its canary in tests/test_seams.py.
    """
    from pdfplumber.table import TableFinder

    vertical = [rule for rule in rules if rule["orientation"] == "v"]
    horizontal = [rule for rule in rules if rule["orientation"] == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    finder = TableFinder(None, {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",  # type: ignore[arg-type]
                                "explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal})
    return [table.cells for table in finder.tables]


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
    bottoms = body_bottoms(pages, margins)
    numbers = inferred_numbers(page_numbers(pages, margins))
    contents = []
    for page, dropped, number in zip(pages, margins, numbers):
        body = [line for position, line in enumerate(page.lines) if position not in dropped]
        lines, unruled = free_lines_and_tables(body, page.ruled)
        contents.append(PageContent(number, tuple(lines),
                                    (*page.ruled, *unruled), bottoms[round(page.height)]))
    return contents


def page_numbers(pages: list[PageRead], margins: list[set[int]]) -> list[int | None]:
    """The number each page's footer prints (``None`` where it prints none): a number alone or « page n
    sur m », else the last number that is no year, if such numbers differ from page to page (a constant
    one, « Conseil départemental - 62 », numbers no page)."""
    footers = [[line.text for position, line in enumerate(page.lines)
                if position in dropped and line.top >= page.height / 2] for page, dropped in zip(pages, margins)]
    numbers = unless_constant([footer_number(texts) for texts in footers])
    loose = unless_constant([loose_footer_number(texts) if number is None else None
                             for texts, number in zip(footers, numbers)])
    found = [number for number in loose if number is not None]
    if len(set(found)) < len(found):
        return numbers
    return [number if number is not None else extra for number, extra in zip(numbers, loose)]


def unless_constant(numbers: list[int | None]) -> list[int | None]:
    """``numbers``, unless the pages that print one all print the same (on two pages at least): a constant
    number in every footer (« 62 ») numbers no page.

    >>> unless_constant([None, 62, 62]), unless_constant([None, 1, 2]), unless_constant([None, 1])
    ([None, None, None], [None, 1, 2], [None, 1])
    """
    found = [number for number in numbers if number is not None]
    return [None] * len(numbers) if len(found) > 1 and len(set(found)) == 1 else numbers


def inferred_numbers(numbers: list[int | None]) -> list[int]:
    """Every page's number: the one its footer prints; for a page printing none, the one its nearest
    numbered pages give it by their offset from their PDF index (the cover before page 1 is page 0, the
    page between pages 4 and 6 page 5), the preceding one's where they disagree (the count goes on); the
    PDF index (1-based) only where no page is numbered.

    >>> inferred_numbers([None, 1, 2, 3]), inferred_numbers([1, None, 3]), inferred_numbers([None, None])
    ([0, 1, 2, 3], [1, 2, 3], [1, 2])
    >>> inferred_numbers([8, None, 1, 2])
    [8, 9, 1, 2]
    """
    offsets = [None if number is None else number - index
                                 for index, number in enumerate(numbers, start=1)]
    if all(offset is None for offset in offsets):
        return list(range(1, len(numbers) + 1))
    result = []
    for index, number in enumerate(numbers, start=1):
        if number is not None:
            result.append(number)
            continue
        before = next((offset for offset in reversed(offsets[:index - 1]) if offset is not None), None)
        after = next((offset for offset in offsets[index:] if offset is not None), None)
        offset = before if before is not None else after
        result.append(index + (offset or 0))
    return result


def body_bottoms(pages: list[PageRead], margins: list[set[int]]) -> dict[int, float]:
    """The lowest the report prints, running footers aside, on the pages of each height (portrait and
    landscape pages have their own)."""
    bottoms: dict[int, float] = {}
    for page, dropped in zip(pages, margins):
        printed = [line.bottom for position, line in enumerate(page.lines) if position not in dropped]
        printed += [grid.bottom for grid in page.ruled]
        if printed:
            key = round(page.height)
            bottoms[key] = max(bottoms.get(key, 0.0), *printed)
    return defaultdict(lambda: float("inf"), bottoms)


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


def spaces_mark_line_ends(pages: list[PageContent]) -> bool:
    """Whether the PDF prints a space at the end of the lines that end between two words (as word
    processors do), so that a line ending without one is a word cut without a hyphen."""
    ends = [line.words[-1] for page in pages for line in page.lines]
    ends += [line.words[-1] for page in pages for grid in page.grids for cell in grid.cells for line in cell.lines]
    return sum(word.space_after for word in ends) >= SPACED_ENDS * len(ends) > 0


#: What a PDF's damage says to its user, by the words of the name pdfminer gives it (first found); the
#: name itself stays in the refusal's cause (``__cause__``), for whoever debugs calpae.
DAMAGES = (("EOF", "le fichier s'arrête avant sa fin"),
           ("XRef", "sa table des objets est introuvable ou rompue"),
           ("Syntax", "sa structure est introuvable ou rompue"))


def unreadable_pdf(error: Exception, path: Path, page: int | None = None) -> InputError:
    """The one line said of a PDF pdfminer or pdfplumber could not read (``page``: where, when known), in
    French words (:data:`DAMAGES`), the library's name of the error left out.

    >>> from pdfminer.psexceptions import PSEOF
    >>> unreadable_pdf(PSEOF("Unexpected EOF"), Path("r.pdf"), 3).message.split(" : ")[:2]
    ['page 3', "PDF illisible, tronqué ou endommagé (le fichier s'arrête avant sa fin)"]
    >>> "KeyError" in unreadable_pdf(KeyError("Root"), Path("r.pdf")).message
    False
    """
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    where = f"page {page} : " if page is not None else ""
    name = type(cause).__name__
    if "Password" in name or "Encryption" in name:
        return InputError(f"{where}PDF protégé par un mot de passe : calpae ne lit pas un PDF chiffré ; "
                          f"{ASK_AGAIN}, sans mot de passe.", path=path)
    damage = next((f" ({words})" for key, words in DAMAGES if key in name), "")
    return InputError(f"{where}PDF illisible, tronqué ou endommagé{damage} : {ASK_AGAIN}, entier.", path=path)
