"""Dates as the report prints them (31/12/2022, 30/06/22, 1/01), and whether they can exist."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: The months' French names, January first.
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")

#: A date as printed: day/month, then usually a year on two to five digits (five to catch "20021").
DATE = re.compile(
    r"""
    (?<![\d/])
    (?P<day>\d{1,2}) / (?P<month>\d{1,3})     # 31/12, 31/112
    (?: / (?P<year>\d{2,5}) )?                # /2022, /22, /20021; absent in "au 30/06"
    (?![\d/])
    """,
    re.VERBOSE,
)


def full_year(year_text: str) -> int:
    """The year a printed year stands for: two digits are of the 2000s.

    >>> full_year("22"), full_year("2022")
    (2022, 2022)
    """
    return int(year_text) + (2000 if len(year_text) == 2 else 0)


def date_problem(day: int, month: int, year_text: str) -> str | None:
    """Why a printed date cannot exist, or ``None``.

    >>> date_problem(31, 112, "22")
    "le mois 112 n'existe pas"
    >>> date_problem(15, 6, "20021")
    "l'année 20021 n'a pas quatre chiffres"
    >>> date_problem(31, 6, "2022")
    "le 31 n'existe pas dans ce mois"
    >>> date_problem(31, 12, "2022") is None
    True
    """
    if len(year_text) not in (2, 4):
        return f"l'année {year_text} n'a pas quatre chiffres"
    if not 1 <= month <= 12:
        return f"le mois {month} n'existe pas"
    try:
        dt.date(full_year(year_text), month, day)
    except ValueError:
        return f"le {day} n'existe pas dans ce mois"
    return None


@dataclass(frozen=True)
class PrintedDate:
    """A full date as printed (day, month and year), with its line."""

    text: str
    day: int
    month: int
    year: str  # as printed: its length is part of what can be wrong
    source_line: int


def printed_dates(doc) -> tuple[PrintedDate, ...]:
    """Every date the document prints with its year, in text order (read once, in the pipeline).

    >>> from calpae_lib.text.reading import document_from_text
    >>> [d.text for d in printed_dates(document_from_text("du 1/01 au 31/112/22, puis 30/06/2022"))]
    ['31/112/22', '30/06/2022']
    """
    dates = []
    for number, text in doc.numbered():
        if "/" not in text:  # every date has one: most lines need no regex
            continue
        for match in DATE.finditer(text):
            if match.group("year"):
                dates.append(PrintedDate(match.group(0), int(match.group("day")), int(match.group("month")),
                                         match.group("year"), number))
    return tuple(dates)
