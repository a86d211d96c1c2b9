"""Documents as the PDF route reads them, built by hand (issue 30): lines and their places.

The dialect is the PDF route's (/work/notes/PDF_SPEC.md): prose lines end with
a space and are followed by an empty line; a table is printed row by row, cell
by cell from left to right, each line of a cell placed in its table, row and
column, an empty line after each cell; a page break is two empty lines.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field, replace

from calpae_lib.text.reading import Document, Place, document_from_text


@dataclass
class Printer:
    """Prints a report's lines as the PDF route emits them, with their places."""

    lines: list[str] = field(default_factory=list)
    places: list[Place | None] = field(default_factory=list)
    page: int = 1

    def blank(self, count: int = 1) -> None:
        self.lines.extend([""] * count)
        self.places.extend([None] * count)

    def prose(self, text: str) -> None:
        self.lines.append(f"{text} ")
        self.places.append(Place(self.page, 40.0, 50.0 + 10 * len(self.lines)))
        self.blank()

    def cell(self, table: int, row: int, column: int, printed: list[str]) -> None:
        for text in printed:
            self.lines.append(f"{text} ")
            self.places.append(Place(self.page, 30.0 + 60 * column, 50.0 + 10 * len(self.lines), table, row, column))
        self.blank()

    def text(self, lines: list[str]) -> None:
        """Lines of a text report kept as they are (numbered as in it), placed outside any table."""
        for text in lines:
            self.lines.append(text)
            self.places.append(Place(self.page, 40.0, 50.0) if text.strip() else None)

    def new_page(self) -> None:
        self.blank(2)
        self.page += 1

    def document(self) -> Document:
        doc = document_from_text("\n".join(self.lines))
        assert len(doc.lines) == len(self.places)
        return replace(doc, places=tuple(self.places))


def wrapped(text: str, width: int = 28) -> list[str]:
    """A cell's text as a word processor wraps it in a narrow column."""
    return textwrap.wrap(text, width, break_on_hyphens=False) or [text]
