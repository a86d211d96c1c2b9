"""Text flattened from the PDF's tables: lines cut inside words, joined back.

The extraction keeps a trailing space after a line that ends between words
("Situation ") and none after a line cut inside a word ("Départe" / "ment").
Joining the lines as they are printed therefore restores both cases; the
1-based number of the line where each piece starts is kept, so that every
value stays traceable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calpae_lib.text.reading import Document, fold


@dataclass(frozen=True)
class TextLine:
    """A logical line: one or more printed lines glued where a word was cut."""

    line: int
    text: str


def join_cut_lines(lines: list[str]) -> str:
    """Join printed lines; a line without trailing space continues its word.

    >>> join_cut_lines(["Situation ", "", "2021 du ", "Départe", "ment "])
    'Situation 2021 du Département'
    >>> join_cut_lines(["163 342.80", "€ "])
    '163 342.80€'
    """
    return " ".join("".join(line for line in lines if line.strip()).split())


def is_cut(text: str) -> bool:
    """Whether a printed line was cut inside a word (it has no trailing space).

    >>> is_cut("Départe"), is_cut("Département "), is_cut("")
    (True, False, False)
    """
    return bool(text.strip()) and not text[-1].isspace()


def logical_lines(doc: Document, start: int, end: int) -> list[TextLine]:
    """Non-empty lines of ``start..end``, a line cut inside a word glued to the next.

    Each logical line keeps the number of its first printed line; spaces
    inside a line are kept as printed (two spaces may separate two cells).
    """
    out: list[TextLine] = []
    glue = False
    for number, text in doc.numbered(start, end):
        if not text.strip():
            continue
        if glue and out:
            out[-1] = TextLine(out[-1].line, out[-1].text + text.lstrip())
        else:
            out.append(TextLine(number, text.rstrip("\n")))
        glue = is_cut(text)
    return out


def letters_only(text: str) -> str:
    """Lower-case letters of a text, accents folded, for prefix comparisons.

    >>> letters_only("Justification des écarts (le")
    'justificationdesecartsle'
    """
    return re.sub(r"[^a-z]", "", fold(text))
