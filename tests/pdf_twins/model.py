"""The shared types of the PDF twins (issue 30): what a twin printed, and what renders it.

A twin is a PDF rendered from a report's text the way a département's word
processor would print it; its truth is what the PDF route must give back.
The renderer (:mod:`tests.pdf_twins.render`) and the annexes
(:mod:`tests.pdf_twins.annexes`) share these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from reportlab.lib.styles import StyleSheet1

from calpae_lib.pipeline import ParsedReport
from calpae_lib.text.reading import Document

PORTRAIT = "portrait"
LANDSCAPE = "landscape"

#: The columns of :attr:`Twin.indicators` (the records the PDF route must give back).
INDICATOR_COLUMNS = ("action_id", "measure", "indicator", "period", "kind", "raw")
#: The columns of :attr:`Twin.annex4`.
ANNEX4_COLUMNS = ("label", "period", "kind", "raw")


@dataclass
class TableTruth:
    """One table as the twin printed it.

    ``kind``: what the table is ("indicators", "budget", "annex_budget",
    "annex4"...); ``page``: the page number printed in the footer of the page
    the table starts on; ``rows``: every printed row (header rows first, printed
    once even where the table is continued over pages), each a list of cell
    strings, a merged cell's text in its first row and column only and ``""``
    in the cells it covers. ``placed``: the cells whose column the twin chose
    where the text route could not tell (status ambiguous): ``(row, column)``
    indexes into ``rows``. ``records``: for an indicator table or Annexe 4, the
    tidy records it must give back (:data:`INDICATOR_COLUMNS` or
    :data:`ANNEX4_COLUMNS`); :class:`Twin` gathers them.
    """

    kind: str
    page: int
    rows: list[list[str]]
    placed: list[tuple[int, int]] = field(default_factory=list)
    line: int = 0  # the first text line the table prints (for messages)
    end: int = 0  # the last text line the table prints
    records: pd.DataFrame | None = None  # the tidy records it gives (indicators, annex4), None for the others
    pages: list[int] = field(default_factory=list)  # every page it is printed on (more than one: continued)


@dataclass
class Twin:
    """A rendered twin: the PDF, every table it printed, and the tidy records it must give back.

    ``indicators``: one row per indicator value, columns :data:`INDICATOR_COLUMNS`;
    ``annex4``: one row per Annexe 4 value, columns :data:`ANNEX4_COLUMNS`.
    """

    path: Path
    truth: list[TableTruth]
    indicators: pd.DataFrame
    annex4: pd.DataFrame
    pages: int = 0

    def tables(self, kind: str) -> list[TableTruth]:
        """The printed tables of one kind, in print order."""
        return [table for table in self.truth if table.kind == kind]


@dataclass
class TwinContext:
    """What a part of the renderer needs: the parsed report, its lines, the styles and page templates.

    ``page_of``: filled after the build with the printed page of each table
    truth (the renderer sets ``TableTruth.page`` itself; annexes need not).
    """

    report: ParsedReport
    doc: Document
    styles: StyleSheet1
    portrait: str = PORTRAIT
    landscape: str = LANDSCAPE

    def line(self, number: int) -> str:
        """The report's line ``number`` (1-based), as the text gives it."""
        return self.doc.line(number)


def empty_indicators() -> pd.DataFrame:
    """An indicator truth frame without rows."""
    return pd.DataFrame(columns=list(INDICATOR_COLUMNS))


def empty_annex4() -> pd.DataFrame:
    """An Annexe 4 truth frame without rows."""
    return pd.DataFrame(columns=list(ANNEX4_COLUMNS))
