"""An indicator table's body, flattened, cut back into rows.


Reading order of the flattened text is, per row: the indicator's words, its
value cells, its justification. Lines are first read as value lines or text
(:mod:`calpae_lib.tables.indicators.lines`), the words between cells are told apart by
:mod:`calpae_lib.tables.indicators.words`; this module decides where rows start:

4. A new row starts at value lines when the text since the previous row holds
   an indicator's opening word, or when the value lines that follow fill
   exactly one row of numbers (an indicator named otherwise, "En cours", or a
   sub-row "ORL 703 815" under "Nombre de suivis ...", which names it).
   Otherwise those value lines are words of a justification ("... collèges
   en" / "2022").
5. Value lines printed right after a row's cells belong to it while they can
   still be read as exactly one row ("163 342.80€" / "/" / "172 206 €").
   Lower-case lines right after a row's cells continue its indicator
   ("... par la plateforme" / measure / "de mobilité à des fins ...").
6. Text printed among a short row's cells is a text cell
   ("Déménagement hors 62" after "/").
7. A measure's name printed between two rows names the rows after it; when
   it follows a row's cells with no blank line between (the same band of the
   page), it names that row too.
8. A row made only of text cells has no value line to start it: after a
   full row, a name printed in a band of its own then a band of short texts
   ("Remise d'une analyse sociologique sur les parcours" / "Restitution
   intermédiaire", "Réalisée les 7 et 8 déc.") is such a row
   (:func:`calpae_lib.tables.indicators.words.text_rows`). Nothing but the
   layout tells it from a justification in two paragraphs: its cells are
   ``ambiguous``. When value lines follow its cells ("Motif de sortie du
   logement (…)" / "Déménagement volontaire dans un autre département" /
   "/"), the row goes on with them and is read as any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from calpae_lib.tables.grouping import number_splits
from calpae_lib.tables.indicators.cells import Atom, ValueLine
from calpae_lib.tables.indicators.headers import TableRegion
from calpae_lib.tables.indicators.lines import (
    continues_cell,
    line_text,
    merged_lines,
    read_items,
    value_block,
)
from calpae_lib.tables.indicators.words import (
    OPENER,
    block_text,
    blocks,
    is_lower_start,
    measure_suffix,
    opener_segments,
    text_rows,
    title_run,
)
from calpae_lib.tables.pages import PageModel
from calpae_lib.text.flattened import TextLine, letters_only
from calpae_lib.text.reading import Document


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
    #: The measure was printed right after the cells of a row without justification, on lines of
    #: its own: it may as well be that row's justification (see :func:`measure_statuses`).
    measure_open: bool = False
    #: Doubtful integers (page number or cell, see :mod:`calpae_lib.tables.pages`) given to this row.
    doubts: list[Atom] = field(default_factory=list)
    #: A row of text cells recognised by its layout alone (rule 8): its cells are ambiguous.
    text_only: bool = False
    #: Read from the PDF's grid (:mod:`calpae_lib.tables.indicators.geometry`): the value column of each
    #: of ``cells``, certain; empty on the text route.
    placed: tuple[int, ...] = ()

    @property
    def label_text(self) -> str:
        text = " ".join(" ".join(line.text for line in self.label).split())
        return f"{self.parent} : {text}" if self.parent else text

    @property
    def one_line(self) -> bool:
        return len({cell.line for cell in self.cells}) == 1


def min_cells(atoms) -> int:
    """The fewest cells a list of atoms can hold."""
    return sum(min((len(s) for s in number_splits(a.text)), default=1) if a.kind == "numbers" else 1
               for a in atoms)


def max_cells(atoms) -> int:
    return sum(max((len(s) for s in number_splits(a.text)), default=1) if a.kind == "numbers" else 1
               for a in atoms)


def expected_cells(columns: int, atoms, leading_spaces: int, one_line: bool) -> int:
    """Cells a row should print: all columns, or fewer when a one-line row is
    indented by one space per empty leading cell (see :mod:`calpae_lib.tables.indicators.sheets`)."""
    if one_line and 0 < leading_spaces < columns:
        return columns - leading_spaces
    return columns


def fills_row(block: list[ValueLine], columns: int) -> bool:
    """Rule 4: whether consecutive value lines hold exactly one row: of numbers, or of one cell a
    line, text cells included ("18 privés 264 bailleurs sociaux" / "/" / "15 privés/ 252 …")."""
    atoms = [a for value in block for a in value.atoms]
    if any(v.suffix for v in block):
        return False
    if any(a.kind == "text" for a in atoms):
        return one_cell_a_line(block, columns)
    wanted = expected_cells(columns, atoms, block[0].leading_spaces, len(block) == 1)
    return min_cells(atoms) <= wanted <= max_cells(atoms)


def one_cell_a_line(block: list[ValueLine], columns: int) -> bool:
    """Whether value lines print one row's cells one a line, as many lines as columns: the
    template's layout for a row of text cells, which a justification's words do not take."""
    return columns > 1 and len(block) == columns and all(
        len(value.atoms) == 1 and min_cells(value.atoms) == 1 for value in block)


def joins_cells(row: DraftRow, line: TextLine) -> bool:
    """Whether a measure's first line follows the row's cells with no blank line between: printed in
    the same band as the row, the measure's cell spans that row too (rule 7)."""
    return line.line == max(cell.line for cell in row.cells) + 1


class RowAssembler:
    """Cuts a table's items into :class:`DraftRow` objects (rules 4-6)."""

    def __init__(self, columns: int, title: str, blank_lines: frozenset[int] = frozenset()):
        self.columns = columns
        self.title = title
        self.blank_lines = blank_lines
        self.rows: list[DraftRow] = []
        self.pending: list[TextLine] = []
        self.current: DraftRow | None = None
        self.measure = ""
        self.measure_open = False

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
        self.measure_open = False

    # -- text between rows -----------------------------------------------------------------
    def settle_before(self, lines: list[TextLine], row: DraftRow | None, last: bool, next_line: int = 0) -> None:
        """Give text printed after ``row``'s cells to its indicator, its justification or a measure.

        ``next_line``: the line where the next indicator starts (a measure printed on that line
        is the next rows' without doubt).
        """
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
            rest, measure = measure_suffix(lines)
            justification = self.open_text_rows(rest, row)
            if measure:
                self.set_measure(measure, continuing=False)
                self.measure_open = not rest and not row.comment and lines[-1].line != next_line
                if not rest and not row.comment and row.cells and joins_cells(row, lines[len(rest)]):
                    row.measure, row.measure_open = self.measure, self.measure_open
            lines = justification
        else:
            lines = self.open_text_rows(lines, row)
        text = " ".join(" ".join(line.text for line in lines).split())
        if text and self.complete(row):
            row.comment.append(text)
        elif text:
            row.extra.extend(Atom("text", block_text(part), part[0].line) for part in blocks(lines))

    def open_text_rows(self, lines: list[TextLine], row: DraftRow) -> list[TextLine]:
        """Open the rows of text cells printed after a full row (rule 8); the lines left, its
        justification."""
        if not self.complete(row):
            return lines
        parts = blocks(lines)
        found = text_rows(parts, self.starts_band, self.columns)
        if found is None:
            return lines
        first, rows = found
        for label, cells in rows:
            text_row = self.new_row(label, "", inherit=False)
            text_row.extra = [Atom("text", block_text(part), part[0].line) for part in cells]
            text_row.text_only = True
        return [line for part in parts[:first] for line in part]

    def text_row_label(self, block: list[ValueLine]) -> int | None:
        """Rule 8 with value lines among the cells ("Motif de sortie du logement (…)" / "Déménagement
        volontaire dans un autre département" / "/" / …): the index, among the pending text's blocks,
        of the name of the row those value lines continue, or ``None``."""
        if self.current is None or not self.complete(self.current):
            return None
        parts = blocks(self.pending)
        found = text_rows(parts, self.starts_band, self.columns)
        if found is None:
            return None
        _, cells = found[1][-1]
        atoms = [atom for value in block for atom in value.atoms]
        if len(cells) + min_cells(atoms) > self.columns:
            return None
        return len(parts) - 1 - len(cells)

    def open_text_row(self, label: int, item: ValueLine) -> None:
        """Close the text before block ``label`` of the pending text and open the row it names, its
        text cells printed before ``item`` kept with its name (:mod:`calpae_lib.tables.indicators.sheets`
        takes them back as cells)."""
        parts = blocks(self.pending)
        self.settle_before([line for part in parts[:label] for line in part], self.current, last=True)
        new = self.new_row([line for part in parts[label:] for line in part], "", inherit=False)
        self.pending = []
        new.cells.extend(item.atoms)
        new.leading_spaces = item.leading_spaces
        if item.suffix:
            new.comment.append(item.suffix)

    def starts_band(self, part: list[TextLine]) -> bool:
        """Whether a blank line precedes a block of text."""
        return part[0].line - 1 in self.blank_lines

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
        self.settle_before(before, self.current, last=len(segments) == 1 and not prefix,
                           next_line=segments[0][0].line)
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
        row = DraftRow(label=lines, measure=self.measure, measure_open=self.measure_open)
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
            label = self.text_row_label(block)
            if label is None:
                self.pending.append(TextLine(item.line, line_text(item)))
                return
            return self.open_text_row(label, item)
        new = self.open_rows(self.pending, item.prefix)
        self.pending = []
        new.cells.extend(item.atoms)
        new.leading_spaces = item.leading_spaces
        if item.suffix:
            new.comment.append(item.suffix)

    def finish(self) -> list[DraftRow]:
        before, segments = opener_segments(self.pending)
        self.settle_before(before, self.current, last=bool(segments))
        for segment in segments:
            row = self.new_row(blocks(segment)[0], "", inherit=False)
            tail = [line for part in blocks(segment)[1:] for line in part]
            self.settle_before(tail, row, last=False)
        first = next((row.measure for row in self.rows if row.measure), "")
        for row in self.rows:
            row.measure = row.measure or first
        return self.rows


def assemble_rows(items: list, columns: int, title: str, blank_lines: frozenset[int] = frozenset()) -> list[DraftRow]:
    """Rows of a table body from its items (see the module's rules); ``blank_lines``: the body's
    blank printed lines."""
    assembler = RowAssembler(columns, title, blank_lines)
    for index, item in enumerate(items):
        if isinstance(item, ValueLine):
            assembler.add_values(items, index)
        else:
            assembler.add_text(item)
    return assembler.finish()


def table_rows(doc: Document, region: TableRegion, model: PageModel) -> tuple[list[DraftRow], list[TextLine]]:
    """Draft rows of one indicator table, and the doubtful integers taken out of it."""
    header = " ".join(doc.line(n) for n in range(region.header.start, region.header.end + 1))
    lines, doubts = merged_lines(doc, region.body_start, region.body_end, header, model)
    blank = frozenset(n for n, text in doc.numbered(region.body_start, region.body_end) if not text.strip())
    return assemble_rows(read_items(lines), len(region.header.columns), region.title, blank), doubts
