"""The cells of an indicator table's value lines, read without guessing.

A value line of the flattened text prints the cells of one row side by side
("4 150 4 000 4935"), or a few of them, or a cell that goes on over the next
lines ("NC (maintien de structures engagées)", "69 jeunes ont été accompagnés").
This module groups a line's tokens (:mod:`calpae_lib.tables.tokens`, the
grammar Annexe 4 reads with too) into *atoms*:

- ``na``: a "not available" mark: NC, Non connu, Non disponible, Non estimé, "/";
- ``numbers``: a run of digit groups separated by single spaces, possibly ended
  by "%" or "€" ("526 471 450 000"); how many cells it holds is decided later,
  with :func:`split_numbers`, from the number of columns;
- ``text``: a text cell, started by a number followed by a word ("18 privés
  264 bailleurs sociaux") or by "De <n> à" ("De 50 à 100 jeunes"); it runs to
  the end of the line and may go on over the next lines;
- ``several``: one cell of a PDF's grid printing more than one value ("2364  2 573"),
  that the text route would read as several cells (:func:`prints_several_values`):
  no value is read from it, it is shown as printed.

Two spaces always separate two cells: a number never spans them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import product

from calpae_lib.tables.grouping import digit_spread, most_balanced, number_splits
from calpae_lib.tables.tokens import NUMERIC, Token, is_cut_mark, mark_of, tokenize
from calpae_lib.text.numbers import parse_number

#: A grouped number with a decimal point ("163 342.80"): the point is read as the decimal comma.
GROUPED_POINT_DECIMAL = re.compile(r"^(\d{1,3}(?: \d{3})+)\.(\d{1,2})$")

#: A word made of a number and letters ("1er", "4ème."): a text cell.
NUMBER_GLUED_TO_WORD = re.compile(r"\d+(?:[,.]\d+)?%?(?:[^\W\d_]|\()")

#: Words after which a line cannot end a cell or a label: what follows continues it.
FUNCTION_WORD = re.compile(
    r"(?:\b(?:de|du|des|d'|le|la|les|l'|à|au|aux|en|et|ou|sur|pour|par|avec|dans|vers|chez|entre)"
    r"|[+:;,-])\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Atom:
    """A piece of a value line: ``na``, ``numbers``, ``text`` or ``several``; ``line`` is 1-based."""

    kind: str
    text: str
    line: int

    def extend(self, more: str, joiner: str = " ") -> "Atom":
        return replace(self, text=f"{self.text}{joiner}{more.strip()}")

    @property
    def is_open(self) -> bool:
        """A cell whose parenthesis is still open goes on on the next line."""
        return self.text.count("(") > self.text.count(")")


@dataclass(frozen=True)
class ValueLine:
    """A line read as cells: text before them, the atoms, text after them."""

    line: int
    prefix: str
    atoms: tuple[Atom, ...]
    suffix: str
    leading_spaces: int


def read_atoms(text: str, line: int) -> tuple[list[Atom], str]:
    """Atoms from the start of ``text`` and the text left after them.

    >>> atoms, rest = read_atoms("34 608 Non estimé Non connu Le changement", 5)
    >>> [(a.kind, a.text) for a in atoms], rest
    ([('numbers', '34 608'), ('na', 'Non estimé'), ('na', 'Non connu')], 'Le changement')
    >>> [(a.kind, a.text) for a in read_atoms("526 471 450 000  320 800", 1)[0]]
    [('numbers', '526 471 450 000'), ('numbers', '320 800')]
    >>> [(a.kind, a.text) for a in read_atoms("18 privés 264", 1)[0]]
    [('text', '18 privés 264')]
    >>> [(a.kind, a.text) for a in read_atoms("NC (indicateur", 1)[0]]
    [('na', 'NC (indicateur')]
    """
    return atoms_from(tokenize(text, line), 0, text, line)


def atoms_from(tokens: list[Token], index: int, text: str, line: int) -> tuple[list[Atom], str]:
    """The atoms of ``text`` read from its token ``index`` on, and the text left after them."""
    atoms: list[Atom] = []
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "na" and has_reason(tokens, index):
            mark = mark_of(token, text)
            reason = text[token.start + len(mark):].strip()
            return atoms + [Atom("na", f"{mark} {reason}", line)], ""
        if token.kind == "na":
            atoms.append(Atom("na", text[token.start:token.end], line))
            index += 1
        elif opens_text_cell(tokens, index):
            return atoms + [Atom("text", text[token.start:].strip(), line)], ""
        elif token.kind in NUMERIC:
            stop = number_run_end(tokens, index)
            atoms.append(Atom("numbers", text[token.start:tokens[stop - 1].end], line))
            index = stop
        else:
            return atoms, text[token.start:].strip()
    return atoms, ""


def has_reason(tokens: list[Token], index: int) -> bool:
    """Whether a "not available" mark is followed by its reason in parentheses: the reason then
    belongs to the cell, up to the line's end ("NC (maintien de" / "structures engagées)")."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return "(" in tokens[index].text or (following is not None and following.text.startswith("("))


def number_run_end(tokens: list[Token], index: int) -> int:
    """End (exclusive) of the run of numbers starting at ``index``: digit groups single-spaced,
    decimals or a sign only on the last one ("526 471 450 000", "163 342.80€").

    >>> number_run_end(tokenize("526 471 450 000  320 800", 1), 0), number_run_end(tokenize("16,7 12", 1), 0)
    (4, 1)
    """
    stop = index + 1
    while (stop < len(tokens) and tokens[stop - 1].is_integer and tokens[stop].kind in NUMERIC
           and tokens[stop].gap == 1):
        stop += 1
    return stop


def opens_text_cell(tokens: list[Token], index: int) -> bool:
    """Whether a text cell starts at token ``index``: numbers followed by a word ("18 privés",
    "98% des", "1er contrats", "25 jours", "3 à 4 mois") or "De <n> à" ("De 50 à 100 jeunes").

    >>> [opens_text_cell(tokenize(t, 1), 0) for t in ("18 privés 264", "De 50 à 100", "1er contrats", "2 156 € pour", "4 NC")]
    [True, True, True, False, False]
    """
    if tokens[index].kind == "word":
        return opens_range(tokens, index) or bool(NUMBER_GLUED_TO_WORD.match(tokens[index].text))
    stop = index
    while stop < len(tokens) and tokens[stop].is_integer:
        stop += 1
    if stop < len(tokens) and (tokens[stop].kind in ("days", "range")
                               or NUMBER_GLUED_TO_WORD.match(tokens[stop].text)):
        return True
    if stop < len(tokens) and tokens[stop].kind in ("number", "percent"):
        stop += 1  # the last number may carry decimals or a percent sign
    following = tokens[stop] if index < stop < len(tokens) else None
    return following is not None and following.kind == "word" and may_follow_a_number(tokens, stop)


def opens_range(tokens: list[Token], index: int) -> bool:
    """Whether token ``index`` opens "De <n> à" ("De 50 à 100 jeunes", "De 3 à 4 mois")."""
    after = tokens[index + 1:index + 3]
    if tokens[index].text != "De" or not after:
        return False
    return after[0].kind == "range" or (len(after) == 2 and after[0].is_integer and after[1].text in ("à", "a"))


def may_follow_a_number(tokens: list[Token], index: int) -> bool:
    """Whether word token ``index`` can follow a number inside a text cell: it starts with a letter
    or a parenthesis and is not a "not available" mark cut by punctuation ("NC,") or from its
    second word ("Non" / "estimé")."""
    word = tokens[index].text
    return bool(re.match(r"[^\W\d_]|\(", word)) and not is_cut_mark(word)


def starts_with_value(text: str) -> bool:
    """Whether a line opens with a cell (a number, a "not available" mark, "De n à").

    >>> starts_with_value(" 213 117"), starts_with_value("Non estimé 1200"), starts_with_value("Nombre de")
    (True, True, False)
    """
    tokens = tokenize(text, 0)
    return bool(tokens) and (tokens[0].kind == "na" or opens_range(tokens, 0) or bool(re.match(r"\d", tokens[0].text)))


def read_value_line(text: str, line: int) -> ValueLine | None:
    """A line that opens with cells, or ``None``.

    >>> vl = read_value_line(" 213 117", 7)
    >>> [a.text for a in vl.atoms], vl.leading_spaces
    (['213 117'], 1)
    """
    if not starts_with_value(text):
        return None
    atoms, suffix = read_atoms(text, line)
    if not atoms:
        return None
    return ValueLine(line, "", tuple(atoms), suffix, len(text) - len(text.lstrip(" ")))


def trailing_values(text: str, line: int) -> ValueLine | None:
    """A label followed by cells on one line ("Nombre d'offres déposées 1172 30 000 33 863").

    Only numbers and "not available" marks count here, never a text cell,
    so that a label ending in a number ("orientés en 1") can be told apart
    by the caller from its cell count.

    >>> vl = trailing_values("ORL 703 815", 3)
    >>> vl.prefix, [a.text for a in vl.atoms]
    ('ORL', ['703 815'])
    >>> trailing_values("Nombre de BRSA orientés", 3) is None
    True
    """
    tokens = tokenize(text, line)
    for index, token in enumerate(tokens[1:], start=1):
        head = text[:token.start]
        if not re.search(r"[^\W\d_]", head):
            continue
        if token.kind == "word" and re.match(r"[^\W\d_]", token.text):
            continue
        atoms, rest = atoms_from(tokens, index, text, line)
        if atoms and not rest and all(atom.kind != "text" for atom in atoms):
            return ValueLine(line, head.strip(), tuple(atoms), "", 0)
    return None


def split_numbers(atoms: list[Atom], count: int) -> tuple[list[Atom], str] | None:
    """Atoms with each number run split so that the row holds ``count`` cells.

    Returns the split atoms and the rule used: ``"unique"`` when only one
    reading gives ``count`` cells, ``"balanced"`` when several do and one
    alone keeps all the row's numbers within the fewest digits of each other
    (the report's cells of one row are of one magnitude: "526 471 450 000"
    then "320 800" reads 526 471 | 450 000 | 320 800). ``None`` when no
    reading, or no single best one, gives ``count`` cells.

    >>> atoms, rule = split_numbers([Atom("numbers", "526 471 450 000", 1), Atom("numbers", "320 800", 1)], 3)
    >>> [a.text for a in atoms], rule
    (['526 471', '450 000', '320 800'], 'balanced')
    >>> split_numbers([Atom("numbers", "10 144 13 773", 1)], 2)[0][1].text
    '13 773'
    """
    options = [number_splits(a.text) if a.kind == "numbers" else [[a.text]] for a in atoms]
    readings = []
    for combination in product(*options):
        if sum(len(part) for part in combination) != count:
            continue
        readings.append(combination)
    if not readings:
        return None
    rule = "unique"
    if len(readings) > 1:
        def spread(reading) -> int:
            return digit_spread([n for part, a in zip(reading, atoms) if a.kind == "numbers" for n in part])
        chosen = most_balanced([spread(r) for r in readings])
        if chosen is None:
            return None
        readings, rule = [readings[chosen]], "balanced"
    cells = [replace(atom, text=text) for part, atom in zip(readings[0], atoms) for text in part]
    return cells, rule


#: The kind of the atom of a grid's cell printing more than one value (:func:`prints_several_values`).
SEVERAL = "several"


def prints_several_values(atoms: list[Atom], rest: str) -> bool:
    """Whether a cell read as ``atoms`` and ``rest`` (:func:`read_atoms`) prints more than one value: values
    only (no text cell, nothing after them) that no reading takes for one cell (:func:`split_numbers`),
    as the text route would split them into several cells.

    >>> [prints_several_values(*read_atoms(t, 1)) for t in ("2364  2 573", "5 000 6 000", "12 NC")]
    [True, True, True]
    >>> [prints_several_values(*read_atoms(t, 1)) for t in ("10 144", "2 156 €", "NC (en cours)", "18 privés 264",
    ...                                                     "12/05/2022", "Restitution 2023")]
    [False, False, False, False, False, False]
    """
    if not atoms or rest or any(atom.kind == "text" for atom in atoms):
        return False
    return split_numbers(atoms, 1) is None


def natural_split(atoms: list[Atom]) -> list[Atom]:
    """Atoms with number runs read as few numbers as possible (for display when ambiguous)."""
    out = []
    for atom in atoms:
        if atom.kind != "numbers":
            out.append(atom)
            continue
        splits = number_splits(atom.text) or [[atom.text]]
        out.extend(replace(atom, text=text) for text in min(splits, key=len))
    return out


def cell_value(text: str, line: int) -> tuple[Decimal, str | None] | None:
    """The number and unit of a numeric cell ("98%", "2 156 €", "17,4").

    >>> cell_value("2 156 €", 1), cell_value("98%", 1), cell_value("17,4", 1)
    ((Decimal('2156'), 'eur'), (Decimal('98'), 'percent'), (Decimal('17.4'), None))
    >>> cell_value("163 342.80€", 1)
    (Decimal('163342.80'), 'eur')
    """
    unit = "percent" if "%" in text else "eur" if "€" in text else None
    number = text.replace("%", "").replace("€", "").strip()
    if not re.fullmatch(r"[\d ,.]+", number):
        return None
    return parse_number(GROUPED_POINT_DECIMAL.sub(r"\1,\2", number), line=line), unit
