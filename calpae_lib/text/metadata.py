"""What the report says about itself: year, département, deliberation."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from calpae_lib.errors import InputError
from calpae_lib.template.metadata import CALPAE_MARKER, DEPARTEMENT_END, DEPARTEMENT_LEAD, YEAR_IN_TITLE
from calpae_lib.text.reading import Document

#: How many lines at the head of the file hold the deliberation's title.
HEAD_LINES = 80

#: Every pattern here stays linear on long lines (a line of capitals of 1 MB before the title):
#: none may start a scan at every character of a run and go back over it.

#: The name itself: a capital, then capitals, apostrophes, spaces and hyphens.
NAME_START = re.compile(r"[A-ZÀ-Ÿ]")
NAME_CHARACTERS = re.compile(r"[A-ZÀ-Ÿ' -]+")
SPACES = re.compile(r"\s+")

DELIBERATION_NUMBER = re.compile(r"\(N°\s*(?P<number>\d{4}-\d+)\)")

SIGNATURE_DATE = re.compile(
    r"""
    (?<![A-ZÀ-Ÿ-])                    # at the start of a word only: one try per run of capitals
    (?P<place>[A-ZÀ-Ÿ][A-ZÀ-Ÿ-]++)     # "ARRAS", possessive: never given back one letter at a time
    ,\s+le\s+
    (?P<date>\d{1,2}(?:er)?\s+[a-zéû]+\s+\d{4})   # "12 juin 2023"
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class ReportMetadata:
    """Identity of a report, each field with the line it was read from."""

    year: int
    year_line: int
    departement: str
    departement_line: int | None
    deliberation: str | None
    deliberation_line: int | None
    signed: str | None
    signed_line: int | None


LOWERCASE_PARTICLES = {"de", "du", "des", "la", "le", "les", "et", "sur", "en"}


def display_name(name: str) -> str:
    """A place name printed in capitals, as written in running text.

    >>> display_name("PAS-DE-CALAIS")
    'Pas-de-Calais'
    >>> display_name("ALPES DE HAUTE-PROVENCE")
    'Alpes de Haute-Provence'
    """
    words = re.split(r"([ -])", " ".join(name.split()).lower())
    out = [w if (i and w in LOWERCASE_PARTICLES) else w.capitalize() for i, w in enumerate(words)]
    return "".join(out)


def _line_of(doc: Document, offset: int) -> int:
    """1-based line number of a character offset in ``doc.text``."""
    return doc.text.count("\n", 0, offset) + 1


def _search(pattern: re.Pattern, doc: Document, limit: int | None = HEAD_LINES):
    text = doc.text if limit is None else "\n".join(doc.lines[:limit])
    return pattern.search(text)


def departement_in_title(doc: Document) -> tuple[str, int] | None:
    """The département's name in the title ("… PAUVRETÉ DANS LE PAS-DE-CALAIS - RAPPORT …") and its offset.

    The name is what lies between a :data:`DEPARTEMENT_LEAD` and the first
    " - RAPPORT" after it, if all capitals (:data:`NAME_CHARACTERS`). Runs of
    such characters and of spaces are found once, so that each try is a
    look-up, whatever the number of leads and the lengths of the lines.

    >>> from calpae_lib.text.reading import document_from_text
    >>> departement_in_title(document_from_text("PAUVRETÉ DANS LE\\nPAS-DE-CALAIS - RAPPORT D'EXÉCUTION"))
    ('PAS-DE-CALAIS', 17)
    >>> departement_in_title(document_from_text("PAUVRETÉ DANS le Nord - RAPPORT")) is None
    True
    """
    text = "\n".join(doc.lines[:HEAD_LINES])
    ends = [m.start() for m in DEPARTEMENT_END.finditer(text) if m.start() and text[m.start() - 1].isspace()]
    name_runs, space_runs = Runs(NAME_CHARACTERS, text), Runs(SPACES, text)
    for lead in DEPARTEMENT_LEAD.finditer(text):
        start = lead.end()
        following = bisect.bisect_left(ends, start + 1)
        if following == len(ends) or not NAME_START.match(text, start, start + 1):
            continue
        end = ends[following]
        if end <= name_runs.end_from(start) or end <= space_runs.end_from(name_runs.end_from(start)):
            return text[start:end].rstrip(), start
    return None


class Runs:
    """Where the run of ``pattern`` that holds a position ends, for every position of ``text``."""

    def __init__(self, pattern: re.Pattern, text: str):
        spans = [m.span() for m in pattern.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def end_from(self, position: int) -> int:
        """End of the run holding ``position`` (``position`` itself when none does)."""
        index = bisect.bisect_right(self.starts, position) - 1
        return self.ends[index] if index >= 0 and self.ends[index] > position else position


#: How many of its first lines make a report's title page: printed again, in order, they start a copy.
TITLE_PAGE_LINES = 5


def copies_of_title_page(doc: Document) -> list[int]:
    """The lines where the file's first :data:`TITLE_PAGE_LINES` non-blank lines are printed again,
    in order: each starts another copy of the report (several reports pasted into one file)."""
    start = next((n for n, text in doc.numbered() if text.strip()), None)
    head = printed_from(doc, start) if start else []
    if start is None or len(head) < TITLE_PAGE_LINES:
        return []
    first = head[0]
    return [n for n, text in doc.numbered(start + 1) if first in text and text.strip() == first  # cheap test first
            and printed_from(doc, n) == head]


def printed_from(doc: Document, start: int) -> list[str]:
    """The first :data:`TITLE_PAGE_LINES` non-blank lines from line ``start`` on, stripped."""
    printed = []
    for _, text in doc.numbered(start):
        if text.strip():
            printed.append(text.strip())
            if len(printed) == TITLE_PAGE_LINES:
                break
    return printed


def read_metadata(doc: Document) -> ReportMetadata:
    """Read the report's identity from its first page; refuse a non-CALPAE text, or several reports
    in one file."""
    if not _search(CALPAE_MARKER, doc):
        raise InputError(
            "ce n'est pas un rapport CALPAE : le titre « … lutte contre la pauvreté … » est introuvable "
            "en tête du fichier.",
            path=doc.path,
        )
    copies = copies_of_title_page(doc)
    if copies:
        raise InputError(f"la page de titre du rapport revient ici : ce fichier tient {len(copies) + 1} rapports à "
                         "la suite ; donnez chaque rapport dans son propre fichier.", path=doc.path, line=copies[0])
    year = _search(YEAR_IN_TITLE, doc)
    if not year:
        raise InputError(
            "année du rapport introuvable : « au titre de l'année AAAA » était attendu en tête du fichier.",
            path=doc.path,
        )
    dep = departement_in_title(doc)
    num = _search(DELIBERATION_NUMBER, doc)
    signed = _search(SIGNATURE_DATE, doc, limit=None)
    return ReportMetadata(
        year=int(year.group("year")),
        year_line=_line_of(doc, year.start("year")),
        departement=display_name(dep[0]) if dep else "Département inconnu",
        departement_line=_line_of(doc, dep[1]) if dep else None,
        deliberation=num.group("number") if num else None,
        deliberation_line=_line_of(doc, num.start()) if num else None,
        signed=f"{signed.group('place').title()}, le {signed.group('date')}" if signed else None,
        signed_line=_line_of(doc, signed.start()) if signed else None,
    )
