"""An indicator table's body, flattened, cut back into rows.

Reading order of the flattened text is, per row: the indicator's words, its
value cells, its justification; the measure's cell, which spans several rows,
is printed in pieces wherever the extraction met it. Rules, in the order they
apply (each is a small function below):

1. A *value line* opens with a cell (number, "NC", "Non estimé", "/", a text
   cell "69 jeunes ..."). Text after an open cell continues it: a lower-case
   word, an open parenthesis, a word after "pour"/"sur"/..., the rest of a
   number cut at the line end ("2" / "258 au total").
2. A line that follows a text ending in a function word ("... de", "... en")
   and reads "number word" ("5 ans ayant été") continues that text.
3. A lone integer equal to the page number expected at that line is a page
   footer, not a cell (see :mod:`calpae_lib.indicators`).
4. A new row starts at value lines when the text since the previous row holds
   an indicator's opening word (:data:`OPENER`: "Nombre", "Taux", "Délai"...),
   or when the value lines that follow fill exactly one row of numbers (an
   indicator named otherwise, "En cours", or a sub-row "ORL 703 815").
   Otherwise those value lines are words of a justification ("... collèges
   en" / "2022").
5. The text between two rows is cut into: the previous row's justification,
   a measure name, the next indicator. The measure is the run of lines that
   continues the action's title, or else the last blocks (a block starts with
   a capital) that read as a name: no digit, at most nine words, no verb.
   Lower-case lines right after the values continue the previous indicator.
6. A row that ends with fewer cells than columns takes, as leading text
   cells, the blocks printed after its indicator's first block (a cell like
   "Déménagement volontaire dans un autre département" before "/").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .flattened import TextLine, logical_lines
from .indicator_cells import (FUNCTION_WORD, Atom, ValueLine, number_splits, read_value_line,
                              trailing_values)
from .indicator_headers import TableRegion, letters_only
from .reading import Document

#: Words that open an indicator's name in the report's tables.
OPENER = re.compile(
    r"""
    (?:^|(?<=\s))                                   # at a word start
    (?:Nombre|Taux|D[ée]lai|Part|Pourcentage|Proportion|Montant|Motif|Typologie|D[ée]penses?
      |Dont|Dur[ée]e|Co[ûu]t|Remise|Pr[ée]conisation)
    \b
    """,
    re.VERBOSE,
)

#: Markers of a sentence (a justification), absent from measure names.
VERB_MARKER = re.compile(
    r"\b(?:est|sont|ont|a|ne|qui|que|n'|s'|permet|explique|été)\b|[.!?]\s*$", re.IGNORECASE
)

#: A "Non" cut from its second word ("Non" / "estimé").
LONE_NON = re.compile(r"(?:^|\s)Non\s*$")
NON_TAIL = re.compile(r"^\s*(?:connu|disponible|estim)", re.IGNORECASE)

#: The rest of a number cut at a line's end: "... sur 2" / "258 au total".
NUMBER_TAIL = re.compile(r"^\s*\d{3}\b")


@dataclass
class DraftRow:
    """A row being assembled: the indicator's lines, its cells, justification and measure."""

    label: list[TextLine]
    cells: list[Atom] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    measure: str = ""
    leading_spaces: int = 0
    parent: str = ""
    extra: list[Atom] = field(default_factory=list)

    @property
    def label_text(self) -> str:
        text = " ".join(" ".join(line.text for line in self.label).split())
        return f"{self.parent} : {text}" if self.parent else text

    @property
    def one_line(self) -> bool:
        return len({cell.line for cell in self.cells}) == 1


def merged_lines(doc: Document, start: int, end: int, is_page_number) -> list[TextLine]:
    """Logical lines with page footers dropped and "Non" / "estimé" joined (rule 3)."""
    lines = [line for line in logical_lines(doc, start, end) if not is_page_number(line)]
    out: list[TextLine] = []
    for line in lines:
        if out and LONE_NON.search(out[-1].text) and NON_TAIL.match(line.text):
            out[-1] = TextLine(out[-1].line, f"{out[-1].text.rstrip()} {line.text.strip()}")
        else:
            out.append(line)
    return out


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


def min_cells(atoms) -> int:
    """The fewest cells a list of atoms can hold."""
    return sum(min((len(s) for s in number_splits(a.text)), default=1) if a.kind == "numbers" else 1
               for a in atoms)


def max_cells(atoms) -> int:
    return sum(max((len(s) for s in number_splits(a.text)), default=1) if a.kind == "numbers" else 1
               for a in atoms)


def expected_cells(columns: int, atoms, leading_spaces: int, one_line: bool) -> int:
    """Cells a row should print: all columns, or fewer when a one-line row is
    indented by one space per empty leading cell (see :mod:`calpae_lib.indicators`)."""
    if one_line and 0 < leading_spaces < columns:
        return columns - leading_spaces
    return columns


def fills_row(block: list[ValueLine], columns: int) -> bool:
    """Rule 4: whether consecutive value lines hold exactly one row of numbers."""
    atoms = [a for value in block for a in value.atoms]
    if any(a.kind == "text" for a in atoms) or any(v.suffix for v in block):
        return False
    wanted = expected_cells(columns, atoms, block[0].leading_spaces, len(block) == 1)
    return min_cells(atoms) <= wanted <= max_cells(atoms)


def value_block(items: list, index: int) -> list[ValueLine]:
    """The value lines from ``index`` up to the next text line."""
    block = []
    for item in items[index:]:
        if not isinstance(item, ValueLine) or item.prefix:
            break
        block.append(item)
    return block


def blocks(lines: list[TextLine]) -> list[list[TextLine]]:
    """Lines grouped into blocks, a block opening at a capital or a digit outside parentheses."""
    out: list[list[TextLine]] = []
    depth = 0
    for line in lines:
        text = line.text.strip()
        opens = depth == 0 and bool(re.match(r"[A-ZÀ-Ý0-9«\"]", text)) and not (
            out and FUNCTION_WORD.search(out[-1][-1].text))
        if opens or not out:
            out.append([line])
        else:
            out[-1].append(line)
        depth = max(0, depth + text.count("(") - text.count(")"))
    return out


def block_text(block: list[TextLine]) -> str:
    return " ".join(" ".join(line.text for line in block).split())


def looks_like_measure(text: str) -> bool:
    """Rule 5: a measure's name has no digit, at most nine words and no verb.

    >>> looks_like_measure("PLIE - Accompagnement"), looks_like_measure("Estimation sur le marché en 2022")
    (True, False)
    >>> looks_like_measure("Forte mobilisation des professionnels à repérer et travailler sur les parcours")
    False
    """
    return not re.search(r"\d", text) and len(text.split()) <= 9 and not VERB_MARKER.search(text)


def title_run(lines: list[TextLine], title: str, measure: str) -> tuple[int, str]:
    """Rule 5: how many leading lines continue the action's title, and the measure they give.

    The lines either continue the current measure (itself the start of the
    title) or start the title afresh; at least two words must match. The
    longest matching run is taken; a run whose last line ends in a function
    word ("Coup de pouce compétences -" / "formation") names another measure
    and is refused.
    """
    target = letters_only(title)
    bases = ([measure] if measure and target.startswith(letters_only(measure)) else []) + [""]
    for base in bases:
        text, best = base, (0, measure)
        for count, line in enumerate(lines, start=1):
            candidate = f"{text} {line.text.strip()}".strip()
            if not letters_only(line.text) or not target.startswith(letters_only(candidate)):
                break
            text = candidate
            best = (count, text)
        if best[0] and FUNCTION_WORD.search(best[1]):
            continue
        if best[0] and (base or len(best[1].split()) >= 2):
            return best
    return 0, measure


def opener_segments(lines: list[TextLine]) -> tuple[list[TextLine], list[list[TextLine]]]:
    """Pending text cut at every indicator opening word: (text before, [indicator segments])."""
    cut: list[TextLine] = []
    for line in lines:
        position = 0
        for match in OPENER.finditer(line.text):
            if match.start() > position and line.text[position: match.start()].strip():
                cut.append(TextLine(line.line, line.text[position: match.start()]))
            position = match.start()
            break
        cut.append(TextLine(line.line, line.text[position:]))
    starts = [i for i, line in enumerate(cut) if OPENER.match(line.text.lstrip())]
    if not starts:
        return cut, []
    segments = [cut[a:b] for a, b in zip(starts, starts[1:] + [len(cut)])]
    return cut[: starts[0]], segments


def is_lower_start(text: str) -> bool:
    return bool(re.match(r"[a-zà-ÿ]", text.strip()))


def measure_suffix(lines: list[TextLine]) -> tuple[list[TextLine], str]:
    """Rule 5: the last blocks that read as a measure's name, cut from the rest."""
    parts = blocks(lines)
    keep = len(parts)
    while keep > 0 and looks_like_measure(block_text(parts[keep - 1])):
        keep -= 1
    rest = [line for part in parts[:keep] for line in part]
    return rest, " ".join(block_text(part) for part in parts[keep:])


class RowAssembler:
    """Cuts a table's items into :class:`DraftRow` objects (rules 4-6)."""

    def __init__(self, columns: int, title: str):
        self.columns = columns
        self.title = title
        self.rows: list[DraftRow] = []
        self.pending: list[TextLine] = []
        self.current: DraftRow | None = None
        self.measure = ""

    # -- state -----------------------------------------------------------------------------
    def complete(self, row: DraftRow) -> bool:
        if not row.cells:
            return False
        wanted = expected_cells(self.columns, row.cells, row.leading_spaces, row.one_line)
        return max_cells(row.cells) >= wanted

    def absorbs(self, row: DraftRow, item: ValueLine) -> bool:
        """Whether a value line printed right after a row's cells still belongs to it.

        It does while the row lacks cells, or while its cells and the new ones
        can still be read as exactly one row ("163 342.80€" / "/" / "172 206 €").
        """
        if not self.complete(row):
            return True
        cells = row.cells + list(item.atoms)
        wanted = expected_cells(self.columns, cells, row.leading_spaces, False)
        return min_cells(cells) <= wanted <= max_cells(cells)

    def set_measure(self, text: str, continuing: bool) -> None:
        text = " ".join(text.split())
        if continuing:
            for row in self.rows:
                if row.measure == self.measure:
                    row.measure = text
        self.measure = text

    # -- text between rows -----------------------------------------------------------------
    def settle_before(self, lines: list[TextLine], row: DraftRow | None, last: bool) -> None:
        """Give text printed after ``row``'s cells to its indicator, its justification or a measure."""
        if row is None:
            if lines:
                self.set_measure(" ".join(line.text for line in lines), continuing=False)
            return
        count, measure = title_run(lines, self.title, self.measure)
        if count:
            continuing = bool(self.measure) and letters_only(measure).startswith(letters_only(self.measure))
            self.set_measure(measure, continuing)
            lines = lines[count:]
        while lines and is_lower_start(lines[0].text) and not row.comment:
            row.label.append(lines[0])
            lines = lines[1:]
        if last:
            lines, measure = measure_suffix(lines)
            if measure:
                self.set_measure(measure, continuing=False)
        text = " ".join(" ".join(line.text for line in lines).split())
        if text and self.complete(row):
            row.comment.append(text)
        elif text:
            row.extra.extend(Atom("text", block_text(part), part[0].line) for part in blocks(lines))

    def open_rows(self, label_lines: list[TextLine], prefix: str) -> DraftRow:
        """Close the pending text and open the row whose cells come next."""
        before, segments = opener_segments(label_lines)
        if not segments and prefix:
            self.settle_before(before, self.current, last=True)
            return self.new_row([], prefix, inherit=True)
        if not segments:
            parts = blocks(before)
            head = [line for part in parts[:-1] for line in part]
            self.settle_before(head, self.current, last=True)
            return self.new_row(parts[-1] if parts else [], "", inherit=True)
        self.settle_before(before, self.current, last=len(segments) == 1 and not prefix)
        for index, segment in enumerate(segments[:-1]):
            row = self.new_row(blocks(segment)[0], "", inherit=False)
            tail = [line for part in blocks(segment)[1:] for line in part]
            self.settle_before(tail, row, last=index == len(segments) - 2)
        if prefix and not OPENER.match(prefix):
            parent = " ".join(" ".join(line.text for line in segments[-1]).split())
            row = self.new_row([], prefix, inherit=False)
            row.parent = parent
            return row
        return self.new_row(segments[-1] + ([TextLine(0, prefix)] if prefix else []), "", inherit=False)

    def new_row(self, label: list[TextLine], prefix: str, inherit: bool) -> DraftRow:
        lines = list(label) + ([TextLine(0, prefix)] if prefix else [])
        row = DraftRow(label=lines, measure=self.measure)
        if inherit and self.current is not None:
            row.parent = self.current.parent
        self.rows.append(row)
        self.current = row
        return row

    # -- items -----------------------------------------------------------------------------
    def add_text(self, line: TextLine) -> None:
        row = self.current
        if row is not None and row.cells and not self.pending and not self.complete(row):
            last = row.cells[-1]
            if last.kind == "text" and continues_cell(last, line.text):
                row.cells[-1] = last.extend(line.text)
                return
            if re.match(r"[A-ZÀ-Ý]", line.text.strip()) and not OPENER.match(line.text.strip()):
                row.cells.append(Atom("text", line.text.strip(), line.line))
                return
        self.pending.append(line)

    def add_values(self, items: list, index: int) -> None:
        item: ValueLine = items[index]
        row = self.current
        if not item.prefix and row is not None and not self.pending and self.absorbs(row, item):
            row.cells.extend(item.atoms)
            if item.suffix:
                row.comment.append(item.suffix)
            return
        block = [item] + value_block(items, index + 1)
        if item.prefix:
            if not fills_row(block, self.columns) and not (self.pending and OPENER.match(item.prefix)):
                self.add_text(TextLine(item.line, line_text(item)))
                return
        elif not (opener_segments(self.pending)[1] or fills_row(block, self.columns)):
            self.pending.append(TextLine(item.line, line_text(item)))
            return
        new = self.open_rows(self.pending, item.prefix)
        self.pending = []
        new.cells.extend(item.atoms)
        new.leading_spaces = item.leading_spaces
        if item.suffix:
            new.comment.append(item.suffix)

    def finish(self) -> list[DraftRow]:
        before, segments = opener_segments(self.pending)
        self.settle_before(before, self.current, last=bool(segments))
        for index, segment in enumerate(segments):
            row = self.new_row(blocks(segment)[0], "", inherit=False)
            tail = [line for part in blocks(segment)[1:] for line in part]
            self.settle_before(tail, row, last=False)
        first = next((row.measure for row in self.rows if row.measure), "")
        for row in self.rows:
            row.measure = row.measure or first
        return self.rows


def line_text(item: ValueLine) -> str:
    """The printed text of a value line read back as words."""
    return " ".join(part for part in [item.prefix, *(a.text for a in item.atoms), item.suffix] if part)


def assemble_rows(items: list, columns: int, title: str) -> list[DraftRow]:
    """Rows of a table body from its items (see the module's rules)."""
    assembler = RowAssembler(columns, title)
    for index, item in enumerate(items):
        if isinstance(item, ValueLine):
            assembler.add_values(items, index)
        else:
            assembler.add_text(item)
    return assembler.finish()


def table_rows(doc: Document, region: TableRegion, is_page_number) -> list[DraftRow]:
    """Draft rows of one indicator table."""
    lines = merged_lines(doc, region.body_start, region.body_end, is_page_number)
    return assemble_rows(read_items(lines), len(region.header.columns), region.title)
