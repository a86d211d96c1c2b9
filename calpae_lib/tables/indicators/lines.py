"""The printed lines of an indicator table read as value lines and text lines.

Rules (each a small function below):

1. A *value line* opens with a cell (number, "NC", "Non estimé", "/", a text
   cell "69 jeunes ..."). Text after an open cell continues it: a lower-case
   word, an open parenthesis, a word after "pour"/"sur"/..., the rest of a
   number cut at the line end ("2" / "258 au total").
2. A line that follows a text ending in a function word ("... de", "... en")
   or leaving a quotation open ('dispositif "1 jeune') and reads "number
   word" ("5 ans ayant été", '1 logement" ou') continues that text.
3. Page artefacts (page numbers, the header printed again) are taken out
   first (:mod:`calpae_lib.tables.pages`); a "Non" cut from its second word
   ("Non" / "estimé") is joined back.
"""

from __future__ import annotations

import re

from calpae_lib.tables.indicators.cells import (
    FUNCTION_WORD,
    Atom,
    ValueLine,
    read_value_line,
    trailing_values,
)
from calpae_lib.tables.pages import PageModel, without_artefacts
from calpae_lib.tables.tokens import completes_mark
from calpae_lib.text.flattened import TextLine, logical_lines
from calpae_lib.text.reading import Document

#: The rest of a number cut at a line's end: "... sur 2" / "258 au total".
NUMBER_TAIL = re.compile(r"^\s*\d{3}\b")



def merged_lines(doc: Document, start: int, end: int, header: str,
                 model: PageModel) -> tuple[list[TextLine], list[TextLine]]:
    """Logical lines without page artefacts and with "Non" / "estimé" joined (rule 3), and the
    doubtful integers taken out (see :func:`calpae_lib.tables.pages.without_artefacts`)."""
    lines, doubts = without_artefacts(logical_lines(doc, start, end), header, model)
    out: list[TextLine] = []
    for line in lines:
        if out and completes_mark(out[-1].text, line.text):
            out[-1] = TextLine(out[-1].line, f"{out[-1].text.rstrip()} {line.text.strip()}")
        else:
            out.append(line)
    return out, doubts


def continues_cell(cell: Atom, text: str) -> bool:
    """Rule 1: whether a printed line goes on with the last cell of a value line."""
    stripped = text.strip()
    if cell.kind == "numbers":
        return False
    if cell.is_open or FUNCTION_WORD.search(cell.text):
        return True
    if cell.kind == "na":
        return stripped.startswith("(")
    if re.search(r"\d\s*$", cell.text) and NUMBER_TAIL.match(stripped):
        return True
    return bool(re.match(r"[a-zà-ÿ(€)]", stripped))


def leaves_open(text: str) -> bool:
    """Whether a line leaves a quotation or a parenthesis open.

    >>> leaves_open('dispositif "1 jeune'), leaves_open('(public ou privé) ;')
    (True, False)
    """
    return text.count('"') % 2 == 1 or text.count("(") > text.count(")") or text.count("«") > text.count("»")


def read_items(lines: list[TextLine]) -> list:
    """Each logical line as a :class:`ValueLine` or a :class:`TextLine` (rules 1-2)."""
    items: list = []
    for line in lines:
        previous = items[-1] if items else None
        if isinstance(previous, ValueLine) and previous.atoms and not previous.suffix \
                and continues_cell(previous.atoms[-1], line.text):
            atoms = previous.atoms[:-1] + (previous.atoms[-1].extend(line.text),)
            items[-1] = ValueLine(previous.line, previous.prefix, atoms, "", previous.leading_spaces)
            continue
        value = read_value_line(line.text, line.line)
        if value is not None and isinstance(previous, TextLine) and value.atoms[0].kind == "text" \
                and (FUNCTION_WORD.search(previous.text) or leaves_open(previous.text)):
            value = None
        if value is None:
            value = trailing_values(line.text, line.line)
        items.append(value if value is not None else line)
    return items


def value_block(items: list, index: int) -> list[ValueLine]:
    """The value lines from ``index`` up to the next text line."""
    block = []
    for item in items[index:]:
        if not isinstance(item, ValueLine) or item.prefix:
            break
        block.append(item)
    return block


def line_text(item: ValueLine) -> str:
    """The printed text of a value line read back as words."""
    return " ".join(part for part in [item.prefix, *(a.text for a in item.atoms), item.suffix] if part)


