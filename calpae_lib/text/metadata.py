"""What the report says about itself: year, département, deliberation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from calpae_lib.errors import InputError
from calpae_lib.text.reading import Document

#: How many lines at the head of the file hold the deliberation's title.
HEAD_LINES = 80

#: Words that every CALPAE execution report carries in its title.
CALPAE_MARKER = re.compile(r"LUTTE\s+CONTRE\s+LA\s+PAUVRET[ÉE]", re.IGNORECASE)

YEAR_IN_TITLE = re.compile(
    r"""
    au \s+ titre \s+ de \s+ l'ann[ée]e \s+   # "au titre de l'année", any case, over lines
    (?P<year>(?:19|20)\d{2})                 # the report's year
    """,
    re.IGNORECASE | re.VERBOSE,
)

DEPARTEMENT_IN_TITLE = re.compile(
    r"""
    PAUVRET[ÉE] \s+ DANS \s+ (?:LE\s+|LA\s+|L'|LES\s+)?   # "... PAUVRETÉ DANS LE"
    (?P<departement>[A-ZÀ-Ÿ][A-ZÀ-Ÿ' -]*?)                 # the département's name
    \s+ - \s+ RAPPORT                                      # " - RAPPORT D'EXÉCUTION"
    """,
    re.VERBOSE,
)

DELIBERATION_NUMBER = re.compile(r"\(N°\s*(?P<number>\d{4}-\d+)\)")

SIGNATURE_DATE = re.compile(
    r"(?P<place>[A-ZÀ-Ÿ][A-ZÀ-Ÿ-]+),\s+le\s+(?P<date>\d{1,2}(?:er)?\s+[a-zéû]+\s+\d{4})"
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


def read_metadata(doc: Document) -> ReportMetadata:
    """Read the report's identity from its first page; refuse a non-CALPAE text."""
    if not _search(CALPAE_MARKER, doc):
        raise InputError(
            "ce n'est pas un rapport CALPAE : le titre « … lutte contre la pauvreté … » est introuvable "
            "en tête du fichier.",
            path=doc.path,
        )
    year = _search(YEAR_IN_TITLE, doc)
    if not year:
        raise InputError(
            "année du rapport introuvable : « au titre de l'année AAAA » était attendu en tête du fichier.",
            path=doc.path,
        )
    dep = _search(DEPARTEMENT_IN_TITLE, doc)
    num = _search(DELIBERATION_NUMBER, doc)
    signed = _search(SIGNATURE_DATE, doc, limit=None)
    return ReportMetadata(
        year=int(year.group("year")),
        year_line=_line_of(doc, year.start("year")),
        departement=display_name(dep.group("departement")) if dep else "Département inconnu",
        departement_line=_line_of(doc, dep.start("departement")) if dep else None,
        deliberation=num.group("number") if num else None,
        deliberation_line=_line_of(doc, num.start()) if num else None,
        signed=f"{signed.group('place').title()}, le {signed.group('date')}" if signed else None,
        signed_line=_line_of(doc, signed.start()) if signed else None,
    )
