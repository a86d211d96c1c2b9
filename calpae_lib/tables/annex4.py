"""Annexe 4, « Tableau des indicateurs de la contractualisation », as long-format data.

The annex is a table flattened in reading order. Each page prints the column
headers, then the rows (indicator, definition, values, comment), then the
labels of the measures ("3.1. Orienter et accompagner les allocataires du
RSA"), then a page mark ("1/2"). :func:`annex4_table` returns one row per cell:
``measure, indicator, definition, period, kind, value, unit, raw, comment,
source_line, status`` plus ``column`` (1-based value column, empty when
unknown), ``indicator_line`` (line of the indicator's text) and ``note``
(French: how a cell was placed, or why it could not be).

How a row is read
-----------------
* A row starts at a line beginning with an indicator word (``Nombre``,
  ``Taux``…), or, for a row named otherwise (``Délai moyen …``), at a line that
  reads as a name after a row's values when values follow before any other row
  (:func:`names_next_row`). Its text runs until the first *value run*: a run of
  value tokens (number, ``98%``, ``25 jours``, ``3 à 4 mois``, ``NC``,
  ``NC (raison)``, ``Non disponible``: the tokens of :mod:`calpae_lib.tables.tokens`,
  which the action sheets' tables read with too) that ends the line or is followed by a
  comment (a capitalised word, or a percentage followed by words: ``99% ont eu
  un rendez-vous``). A number followed by a lowercase word (``18 ans``,
  ``2 semaines``) is text. The text before the run splits into indicator (first
  line, up to a capitalised word, and its continuation lines starting in lower
  case or with an acronym) and definition (the rest). Later lines made only of
  values add values; anything else is the comment.
* Splitting values into cells (:func:`cell_splits`): a number of 1-3 digits
  followed, after a single space on the same line, by a number of exactly
  3 digits *may* be one grouped number ("6 500") or two cells ("596 612").
  A 3-digit group starting with 0 ("000", "058") cannot begin a number and must
  join; two spaces, a line break or any other token always separate cells.
  Among the splits giving exactly as many cells as a full row of the page
  prints (:func:`printed_width`: the value columns, unless every row read
  with certainty prints fewer, as when a year column is added and left
  empty): one split → kept; several → the split whose numbers have the same
  number of digits (spread of at most one digit), if it alone reaches the
  smallest spread, is kept and the ``note`` says so; otherwise ``ambiguous``.
  A kept split that fills every column is placed (``ok``).
* A row with fewer cells than columns cannot be placed from the text alone:
  its cells stay ``ambiguous`` (no period, no kind) except those that every
  order-keeping placement agreeing with the same indicator's values on an
  action sheet (table ``indicators``) puts in one column, which are placed
  with a note (:func:`sheet_placement`).
* Measure labels (``measure``) come after the rows of their page: they are
  ordered by number and each gets a contiguous block of the page's rows; the
  blocks are chosen to maximise the words shared by rows and labels (weighted
  by rarity). A row whose block is not decided that way is given the label
  whose other rows alone share its distinctive words; if none or several do,
  ``measure`` stays empty and ``note`` says between which labels.

Where the PDF places the cells
------------------------------
A report read from its PDF says, for each line printed in a table, its row and
grid column (:class:`~calpae_lib.text.reading.Place`, :mod:`calpae_lib.tables.placed`).
Where Annexe 4's table is placed so (:func:`placed_pages`), nothing above is
guessed: the header's own cells say what each grid column holds (the label
columns left of « Indicateurs », the indicator, its definition, the value
columns « Situation … » / « Résultat … » read as above, the comment); a row is
the cells of one ``Place.row``; each value cell is one cell of its column,
``ok`` with its period and kind (a cell printing several values stays
``ambiguous``, words alone are a text cell); a label cell (a measure or an
axis, merged over its rows: printed once, in its first row) names its row and
the rows below it up to the next label of its column, and the row's measure is
its numbered measure label (« 3.1. … »). Page marks (« 1/2 ») the reading left
around the table are checked as on the text route. A document without places,
or without a placed table under a header « Mesures / Indicateurs / Situation… »,
is read from its text as above.

Outcomes: no Annexe 4 title in the document → an empty table (another year's
report may not have it); a title without a readable header → ParseError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import pandas as pd

from calpae_lib.errors import ParseError
from calpae_lib.tables.grouping import digit_spread, is_grouped, may_join, most_balanced
from calpae_lib.tables.placed import PlacedCell, grid_rows, placed_tables
from calpae_lib.tables.schemas import TABLE_COLUMNS
from calpae_lib.template.indicators import (
    ANNEX4_COLUMN_START,
    ANNEX4_HEADER_END,
    ANNEX4_HEADER_START,
    ANNEX4_INDICATOR_HEADER,
    ANNEX4_MEASURE_HEADER,
    ANNEX4_TITLE,
    OPENING,
    VERB_WORD,
    column_kind,
    unit_of_indicator,
)
from calpae_lib.tables.tokens import NUMERIC, OPEN_REASON, Token, tokenize
from calpae_lib.text.dates import DATE
from calpae_lib.text.numbers import parse_number
from calpae_lib.text.reading import Document, fold
from calpae_lib.text.similarity import SAME_INDICATOR, similarity

COLUMNS = TABLE_COLUMNS["annex4"]

#: A page mark such as "1/2" alone on its line.
PAGE_MARK = re.compile(r"^\s*(?P<page>\d+)\s*/\s*(?P<pages>\d+)\s*$")

YEAR = re.compile(r"\b((?:19|20)\d\d)\b")

#: A line starting an indicator row by its head word (rows named otherwise: :func:`names_next_row`).
INDICATOR_START = re.compile(rf"^\s*{OPENING}\b")

#: A measure label line: "3.1. Orienter et …", "5.1 Mobilités …", "1. Enfants et jeunes".
LABEL_START = re.compile(
    r"""^\s*(?P<number>\d+(?:\.\d+)?)\.?\s+   # 1. / 3.1. / 5.1
        (?P<title>[A-ZÀ-Ý].*?)\s*$           # a capitalised title""", re.VERBOSE)

#: A capitalised word (not an acronym) starting the definition inside a line.
DEFINITION_START = re.compile(r"\s(?=[A-ZÀ-Ý](?:[a-zà-ÿ']|\s))")

#: A line continuing the indicator: starts in lower case, with an acronym, or punctuation.
CONTINUATION = re.compile(r"^\s*(?:[a-zà-ÿ(/°]|[A-Z]{2,}\b)")


#: Splits tried at most per row before giving up as ambiguous.
MAX_SPLITS = 5000


# --- header and pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A value column: its position (1-based), kind, year and printed header."""

    position: int
    kind: str
    period: str
    header: str
    source_line: int


def parse_header(doc: Document, start: int, end: int) -> list[Column]:
    """The value columns printed between ``start`` (Mesures…) and ``end`` (Commentaire)."""
    pieces = []  # (line, text) of each non-blank header line
    for number, text in doc.numbered(start + 1, end - 1):
        if text.strip():
            pieces.append((number, " ".join(text.split())))
    joined, starts = "", []
    for number, text in pieces:
        starts.append((len(joined) + (1 if joined else 0), number))
        joined = f"{joined} {text}" if joined else text
    columns = []
    bounds = [m.start() for m in ANNEX4_COLUMN_START.finditer(joined)] + [len(joined)]
    for position, (begin, stop) in enumerate(zip(bounds, bounds[1:]), start=1):
        line = max(n for offset, n in starts if offset <= begin)
        columns.append(header_column(doc, position, joined[begin:stop].strip(), line))
    if not columns:
        raise ParseError("Annexe 4 : en-tête sans colonnes « Situation … » / « Résultat … ».",
                         line=start, path=doc.path)
    return columns


def header_column(doc: Document, position: int, header: str, line: int) -> Column:
    """The value column a header prints (its kind and year), at ``position``; a header without a year
    is refused."""
    year = YEAR.search(header)
    if not year:
        raise ParseError(f"Annexe 4 : en-tête de colonne sans année « {header} » : "
                         "chaque colonne doit nommer son année.", line=line, path=doc.path)
    return Column(position, column_kind(header), year.group(1), header, line)


@dataclass(frozen=True)
class Page:
    """One printed page of the annex: header, body lines, label block."""

    columns: tuple[Column, ...]
    body: tuple[int, int]  # first and last line of the rows
    labels: tuple[int, int]  # first and last line of the label block


def find_pages(doc: Document) -> list[Page]:
    """The annex's pages, from the header before its title to the last page mark."""
    title = next((n for n, text in doc.numbered() if ANNEX4_TITLE.search(text)), None)
    if title is None:
        return []
    headers = [n for n, text in doc.numbered() if ANNEX4_HEADER_START.match(text)]
    first = max((n for n in headers if n < title), default=None)
    if first is None:
        raise ParseError("Annexe 4 : titre trouvé mais pas d'en-tête « Mesures Indicateurs … » avant lui.",
                         line=title, path=doc.path)
    pages, start = [], first
    while start is not None:
        end = next((n for n, text in doc.numbered(start) if ANNEX4_HEADER_END.match(text)), None)
        mark = next((n for n, text in doc.numbered(start) if PAGE_MARK.match(text)), None)
        if end is None or mark is None or end > mark:
            raise ParseError("Annexe 4 : page sans fin d'en-tête (« Commentaire ») ou sans numéro de page "
                             "(« 1/2 »).", line=start, path=doc.path)
        label_start = label_block_start(doc, end + 1, mark - 1)
        pages.append(Page(tuple(parse_header(doc, start, end)), (end + 1, label_start - 1),
                          (label_start, mark - 1)))
        page, count = page_counter(doc, mark, len(pages))
        if page >= count:
            break
        start = next((n for n in headers if n > mark), None)
        if start is None:
            raise missing_page(doc, mark, page, count)
    return pages


def missing_page(doc: Document, mark: int, page: int, count: int) -> ParseError:
    """The error for an annex whose last page mark, on line ``mark``, is ``page/count`` with ``page < count``."""
    return ParseError(f"Annexe 4 : la page « {page}/{count} » annonce {count} pages, mais la page "
                      f"{page + 1} manque : le rapport semble tronqué ou incomplet ; donnez le rapport "
                      "entier.", line=mark, path=doc.path)


def page_counter(doc: Document, mark: int, read: int) -> tuple[int, int]:
    """The ``(page, pages)`` of the page mark on line ``mark``, the ``read``-th page read: a page
    left out ("1/3" then "3/3") is refused, never read as a shorter annex."""
    numbers = PAGE_MARK.match(doc.line(mark))
    assert numbers is not None  # ``mark`` is a page mark's line
    page, count = int(numbers.group("page")), int(numbers.group("pages"))
    if page != read:
        raise ParseError(f"Annexe 4 : page « {page}/{count} » à la place de la page {read} : une page manque "
                         "ou est en double ; donnez le rapport entier, dans l'ordre.", line=mark, path=doc.path)
    return page, count


def is_label_line(text: str) -> bool:
    return bool(LABEL_START.match(text) or ANNEX4_TITLE.search(text))


def label_block_start(doc: Document, start: int, stop: int) -> int:
    """First line of the labels printed after a page's rows (``stop + 1`` if none).

    The block is the earliest label line after which every non-blank line up to
    the page mark is a label, a label's continuation (lower case) or the title.
    """
    candidates = [n for n, text in doc.numbered(start, stop) if is_label_line(text)]
    for candidate in candidates:
        tail = [text for _, text in doc.numbered(candidate, stop) if text.strip()]
        if all(is_label_line(t) or re.match(r"^\s*[a-zà-ÿ]", t) for t in tail):
            return candidate
    return stop + 1


# --- tokens and rows --------------------------------------------------------------------------


def starts_comment(tokens: list[Token], index: int) -> bool:
    """Whether ``tokens[index]`` can open a comment after values (capitalised word)."""
    token = tokens[index]
    return token.kind == "word" and token.text[:1].isupper()


def value_run(tokens: list[Token], from_start: bool = False) -> tuple[int, int] | None:
    """``(i, j)`` of the first run of values ending the line or followed by a comment.

    >>> value_run(tokenize("Jeunes ayant eu 18 ans au cours", 1)) is None
    True
    >>> value_run(tokenize("d'orientation Non disponible 555", 1))
    (1, 3)
    >>> value_run(tokenize("2488 3612 60% est proposés", 1))
    (0, 2)
    """
    i = 0
    while i < len(tokens):
        if tokens[i].kind == "word":
            if from_start:
                return None
            i += 1
            continue
        j = i
        while j < len(tokens) and tokens[j].kind != "word":
            j += 1
        if j < len(tokens) and not starts_comment(tokens, j):
            if tokens[j - 1].kind == "percent" and j - 1 > i:
                return i, j - 1  # "99% ont eu …": the percentage opens the comment
            if from_start:
                return None
            i = j
            continue
        return i, j
    return None


@dataclass
class RawRow:
    """An indicator row as printed: texts, value tokens and comment."""

    indicator: str
    line: int
    definition: list[str] = field(default_factory=list)
    values: list[Token] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    comment_lines: list[int] = field(default_factory=list)
    state: str = "text"
    placed: tuple[PlacedValue, ...] | None = None  # the value cells, where the PDF places them
    measure: str | None = None  # the measure label printed beside the row, where the PDF places it

    def add_comment(self, text: str, line: int) -> None:
        self.comment.append(" ".join(text.split()))
        self.comment_lines.append(line)

    def add_text(self, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if not self.definition and CONTINUATION.match(text):
            self.indicator = f"{self.indicator} {text}"
        else:
            self.definition.append(text)


@dataclass(frozen=True)
class PlacedValue:
    """A value cell where the PDF places it: its value column (1-based ``position``), its first line,
    its text, and its tokens when they read as one value (``None`` for words alone or several values:
    ``several`` tells which)."""

    position: int
    line: int
    text: str
    cell: tuple[Token, ...] | None
    several: bool = False
    doubt: str = ""  # why the row the cell stands in is not sure ("" when it is)


def logical_lines(doc: Document, start: int, end: int) -> list[tuple[int, str]]:
    """Non-blank lines; a reason left open ("NC (maintien de") is joined with its continuation."""
    out, pending = [], None
    for number, text in doc.numbered(start, end):
        if not text.strip():
            continue
        if pending is not None:
            pending = (pending[0], f"{pending[1].rstrip()} {text.strip()}")
            if ")" in text:
                out.append(pending)
                pending = None
            continue
        if OPEN_REASON.search(text):
            pending = (number, text)
        else:
            out.append((number, text))
    if pending is not None:
        out.append(pending)
    return out


def split_rows(doc: Document, start: int, end: int) -> list[RawRow]:
    """The indicator rows of a page body."""
    rows: list[RawRow] = []
    lines = logical_lines(doc, start, end)
    for index, (number, text) in enumerate(lines):
        if INDICATOR_START.match(text) or names_next_row(lines, index, rows):
            head, rest = split_first_line(text)
            rows.append(RawRow(head, number))
            text = rest
            if not text.strip():
                continue
        if not rows:
            continue
        feed_line(rows[-1], tokenize(text, number), text)
    return rows


def names_next_row(lines: list[tuple[int, str]], index: int, rows: list[RawRow]) -> bool:
    """Whether ``lines[index]`` opens a row named by a word of no list, told by the layout: the
    previous row's values are read, the line reads as a name (a capital first, no digit, no verb, no
    closing stop) and the next line printing values comes before any line opening a row by its head
    word ("Délai moyen du démarrage …" / "L'objectif à atteindre est de" / … / "Non disponible 25
    jours 16,7 …"). A comment printed after a row's values is a sentence, holds a date, or is
    followed by the next row's name before any value.

    >>> row = RawRow("Nombre de personnes", 1, state="comment")
    >>> lines = [(2, "Latence moyenne du démarrage"), (3, "L'objectif à atteindre est de"), (4, "25 jours 16,7 21")]
    >>> names_next_row(lines, 0, [row]), names_next_row(lines, 1, [row])
    (True, False)
    >>> names_next_row([(2, "Mise en place"), (3, "Nombre de jeunes 582 735")], 0, [row])
    False
    """
    text = lines[index][1].strip()
    if not rows or rows[-1].state == "text" or not re.match(r"[A-ZÀ-Ý]", text) or CONTINUATION.match(text):
        return False
    if re.search(r"\d", text) or VERB_WORD.search(text) or re.search(r"[.!?:;]$", text):
        return False
    for _, after in lines[index + 1:]:
        if INDICATOR_START.match(after):
            return False
        if value_run(tokenize(after, 0)) is not None:
            return True
    return False


def split_first_line(text: str) -> tuple[str, str]:
    """An indicator line cut into indicator text and the rest (definition, values).

    >>> split_first_line("Nombre de jeunes devenus majeurs Jeunes confiés à l'ASE 582")
    ('Nombre de jeunes devenus majeurs', "Jeunes confiés à l'ASE 582")
    """
    tokens = tokenize(text, 0)
    run = value_run(tokens)
    cut = len(text)
    if run:
        cut = tokens[run[0]].start
    match = DEFINITION_START.search(text, 1, cut)
    if match:
        cut = match.start()
    return " ".join(text[:cut].split()), text[cut:].strip()


def feed_line(row: RawRow, tokens: list[Token], text: str) -> None:
    """Add one line to a row according to its state (text, values, comment)."""
    if row.state == "comment":
        row.add_comment(text, tokens[0].line)
        return
    run = value_run(tokens, from_start=row.state == "values")
    if run is None:
        if row.state == "values":
            row.state = "comment"
            row.add_comment(text, tokens[0].line)
        else:
            row.add_text(text)
        return
    i, j = run
    if i:
        row.add_text(" ".join(t.text for t in tokens[:i]))
    row.values.extend(tokens[i:j])
    row.state = "values"
    if j < len(tokens):
        row.add_comment(" ".join(t.text for t in tokens[j:]), tokens[j].line)
        row.state = "comment"


# --- cells ------------------------------------------------------------------------------------


def gap_kinds(tokens: list[Token]) -> list[str]:
    """For each gap between consecutive value tokens: ``split``, ``join`` or ``optional``.

    Two numbers a single space apart on one line may be one grouped number
    (:mod:`calpae_lib.tables.grouping`), the second maybe closed by its sign
    ("2 156 €"); a group that cannot begin a number ("000", "058") must join.

    >>> gap_kinds(tokenize("2364  2 573 4 000 2353 2 156 €", 1))
    ['split', 'optional', 'split', 'join', 'split', 'split', 'optional']
    """
    kinds = []
    for left, right in zip(tokens, tokens[1:]):
        digits = right.digits or ""  # a numeric token's are never None
        joinable = (left.kind == "number" and right.kind in NUMERIC and right.gap == 1
                    and right.line == left.line and may_join(left.text, digits))
        if not joinable:
            kinds.append("split")
        elif not is_grouped(digits):
            kinds.append("join")
        else:
            kinds.append("optional")
    return kinds


def cells_from_joins(tokens: list[Token], joins: set[int]) -> list[tuple[Token, ...]]:
    """Cells when gap ``k`` (between token k and k+1) is joined for each k in ``joins``."""
    cells, current = [], [tokens[0]]
    for k, token in enumerate(tokens[1:]):
        if k in joins:
            current.append(token)
        else:
            cells.append(tuple(current))
            current = [token]
    cells.append(tuple(current))
    return cells


def cell_splits(tokens: list[Token], count: int | None) -> list[list[tuple[Token, ...]]]:
    """Every reading of the tokens as cells; with ``count``, only those with that many cells.

    >>> [[cell_text(c) for c in s] for s in cell_splits(tokenize("6596 6 500 3 435", 1), 3)]
    [['6596', '6 500', '3 435']]
    >>> len(cell_splits(tokenize("6596 6 500 3 435", 1), 4))  # 6 500|3|435 or 6|500|3 435
    2
    >>> len(cell_splits(tokenize("596 612", 1), None))
    2
    """
    kinds = gap_kinds(tokens)
    forced = {k for k, kind in enumerate(kinds) if kind == "join"}
    optional = [k for k, kind in enumerate(kinds) if kind == "optional"]
    sizes: list[int] | range = range(len(optional) + 1)
    if count is not None:
        needed = len(tokens) - len(forced) - count
        sizes = [needed] if 0 <= needed <= len(optional) else []
    splits = []
    for size in sizes:
        for chosen in combinations(optional, size):
            split = cells_from_joins(tokens, forced | set(chosen))
            if all(is_grouped(cell_digits(c) or "") for c in split if cell_kind(c) in NUMERIC):
                splits.append(split)
            if len(splits) > MAX_SPLITS:
                return splits
    return splits


def cell_text(cell: tuple[Token, ...]) -> str:
    return " ".join(t.text for t in cell)


def cell_kind(cell: tuple[Token, ...]) -> str:
    """A cell's kind: its last token's, since a sign closes the number ("2 156 €" is ``euro``)."""
    return cell[-1].kind


def cell_digits(cell: tuple[Token, ...]) -> str | None:
    """A numeric cell's number as printed, without its sign or unit ("2 156" of "2 156 €")."""
    if cell[-1].digits is None:
        return None
    return " ".join([t.text for t in cell[:-1]] + [cell[-1].digits])


def split_spread(split: list[tuple[Token, ...]]) -> int:
    """The digit spread (:func:`calpae_lib.tables.grouping.digit_spread`) of a split's numeric cells."""
    return digit_spread([cell_text(c) for c in split if cell_kind(c) == "number"])


def choose_split(splits: list) -> tuple[list | None, str]:
    """The split to keep and how it was chosen ("" if unique), or ``None`` if ambiguous."""
    if len(splits) == 1:
        return splits[0], ""
    if not splits or len(splits) > MAX_SPLITS:
        return None, ""
    chosen = most_balanced([split_spread(s) for s in splits])
    if chosen is not None:
        return splits[chosen], ("découpage des nombres choisi parmi "
                                f"{len(splits)} possibles : le seul aux ordres de grandeur homogènes")
    return None, ""


def row_unit(row: RawRow) -> str:
    kinds = {t.kind for t in row.values}
    named = unit_of_indicator(row.indicator)
    if "percent" in kinds or named == "percent":
        return "percent"
    if "days" in kinds or named == "days":
        return "days"
    if "euro" in kinds or "€" in row.indicator:
        return "eur"
    return "count"


def cell_record(cell: tuple[Token, ...], row_unit_: str) -> dict:
    """Value, unit, raw and status of one cell."""
    text, kind = cell_text(cell), cell_kind(cell)
    if kind == "na":
        return {"value": None, "unit": row_unit_, "raw": text, "status": "not_available"}
    if kind == "range":
        return {"value": None, "unit": "text", "raw": text, "status": "ok"}
    number = cell_number(cell)
    assert number is not None  # neither "na" nor "range": a number
    value = float(number)
    unit = {"percent": "percent", "days": "days", "euro": "eur"}.get(kind, row_unit_)
    return {"value": value, "unit": unit, "raw": text, "status": "ok"}


# --- placing cells in columns -----------------------------------------------------------------


def sheet_placement(options: list, columns: tuple[Column, ...], known: dict[int, Decimal]):
    """``(placed, loose)``: the cells that every placement agreeing with the sheets puts in one
    column (by column position), and the others, each with whether its reading is certain.

    ``options`` are the readings of the row's values (:func:`cell_splits`); ``known`` maps column
    positions to the value an action sheet gives for that column's year and kind. A placement
    reads the values one way, keeps the cells' order, puts a known column's value in that
    column, and puts no cell in a known column with another value. A column to which all such
    placements give the same printed cell (same text, same line: "98%" whichever of seven
    "98%" it is) gets it; the other tokens are left out (ambiguous). ``None`` when no placement
    agrees.
    """
    if not known:
        return None
    agreeing: list[tuple[int, dict]] = []
    positions = [c.position for c in columns]
    for index, split in enumerate(options):
        if len(split) > len(positions):
            continue
        for chosen in combinations(positions, len(split)):
            placed = dict(zip(chosen, split))
            if all(p in placed and cell_number(placed[p]) == v for p, v in known.items()):
                agreeing.append((index, placed))
                if len(agreeing) > MAX_SPLITS:
                    return None
    if not agreeing:
        return None
    index, first = agreeing[0]
    fixed = {p: cell for p, cell in first.items()
             if all(p in other and printed(other[p]) == printed(cell) for _, other in agreeing)}
    kept = set(fixed.values())
    if len({index for index, _ in agreeing}) == 1:  # one reading: the other cells are read, not placed
        return fixed, [(cell, True) for cell in options[index] if cell not in kept]
    return fixed, unread_cells(options[index], {token for cell in kept for token in cell})


def printed(cell: tuple[Token, ...]) -> tuple[int, str]:
    """A cell as a reader sees it: its line and its text."""
    return cell[0].line, cell_text(cell)


def unread_cells(split: list[tuple[Token, ...]], taken: set[Token]) -> list[tuple[tuple[Token, ...], bool]]:
    """The tokens of a row outside ``taken``, as :func:`unplaced_cells` reads them, run by run."""
    tokens = [token for cell in split for token in cell]
    runs: list[list[Token]] = []
    for index, token in enumerate(tokens):
        if token in taken:
            continue
        if runs and index > 0 and tokens[index - 1] is runs[-1][-1]:
            runs[-1].append(token)
        else:
            runs.append([token])
    return [pair for run in runs for pair in unplaced_cells(run)]


def cell_number(cell: tuple[Token, ...]) -> Decimal | None:
    """The number of a numeric cell (without its sign or "jours"), else ``None``."""
    digits = cell_digits(cell)
    return None if digits is None else parse_number(digits, line=cell[0].line)


def printed_width(rows: list[RawRow], columns: int) -> int:
    """How many values a full row of a page prints: ``columns``, unless the rows read with
    certainty (one reading of their numbers) are two or more and all print fewer.

    A page whose rows all leave a column empty (a year column added and not filled) is read
    with that many cells a row; only the action sheets can then tell the columns.

    >>> printed_width([RawRow("a", 1, values=tokenize("71 68 70", 1)), RawRow("b", 2, values=tokenize("NC 5 6", 2))], 4)
    3
    >>> printed_width([RawRow("a", 1, values=tokenize("71 68 70", 1))], 4)
    4
    """
    certain = [len(readings[0]) for row in rows if row.values
               and len(readings := cell_splits(row.values, None)) == 1]
    if len(certain) < 2:
        return columns
    return min(max(certain), columns)


def place_row(row: RawRow, columns: tuple[Column, ...], known: dict[int, Decimal], width: int | None = None):
    """``(placed, note, loose)``: cells by column position, the note, and the cells left without a
    column (ambiguous), each with whether its reading is certain.

    ``width``: how many values the page's full rows print (:func:`printed_width`; all columns by
    default). A row read with that many cells fills the columns in order when the page's rows fill
    them all; otherwise the action sheets place what they can (:func:`sheet_placement`).
    """
    width = len(columns) if width is None else width
    split, note = choose_split(cell_splits(row.values, width))
    if split is not None and width == len(columns):
        return dict(zip((c.position for c in columns), split)), note, []
    options = [split] if split is not None else cell_splits(row.values, None)
    found = sheet_placement(options, columns, known) if len(options) <= MAX_SPLITS else None
    if found and found[0]:
        placed, loose = found
        note = "colonnes déduites des valeurs de la fiche action pour le même indicateur"
        if loose:
            note += f" ; {len(loose)} valeur(s) sans colonne certaine"
        return placed, note, loose
    if split is not None:
        return {}, (f"{width} valeurs par ligne sur la page pour {len(columns)} colonnes : "
                    "colonnes indéterminées"), [(cell, True) for cell in split]
    return {}, unplaced_note(options, width, len(columns)), unplaced_cells(row.values)


def unplaced_note(options: list, width: int, columns: int) -> str:
    """Why a row's cells have no column: several readings, too few or too many values."""
    splits = [split for split in options if len(split) == width]
    most = max((len(s) for s in options), default=0)
    if splits and width < columns:
        return f"{len(splits)} découpages des nombres possibles pour {width} valeurs par ligne ({columns} colonnes)"
    if splits:
        return f"{len(splits)} découpages des nombres possibles pour {columns} colonnes"
    if most < columns:
        return f"{most} valeurs au plus pour {columns} colonnes : colonnes indéterminées"
    return f"plus de valeurs que de colonnes ({columns})"


def unplaced_cells(tokens: list[Token]) -> list[tuple[tuple[Token, ...], bool]]:
    """Cells of the finest split, each with whether its reading is certain (not a possible group)."""
    kinds = gap_kinds(tokens)
    finest = cells_from_joins(tokens, {k for k, kind in enumerate(kinds) if kind == "join"})
    out, k = [], -1
    for cell in finest:
        k += len(cell)
        before = kinds[k - len(cell)] if k - len(cell) >= 0 else "split"
        after = kinds[k] if k < len(kinds) else "split"
        out.append((cell, before != "optional" and after != "optional"))
    return out


# --- measure labels (axis) --------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    number: str
    title: str
    line: int

    @property
    def key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))

    @property
    def printed(self) -> str:
        dot = "." if "." in self.number and self.title else ""
        return f"{self.number}{dot} {self.title}".strip() if dot else f"{self.number} {self.title}"


def read_labels(doc: Document, start: int, end: int) -> list[Label]:
    """The labels of a label block, continuation lines joined."""
    labels: list[Label] = []
    raw = [(n, text) for n, text in doc.numbered(start, end) if text.strip()]
    for number, text in raw:
        match = LABEL_START.match(text)
        if ANNEX4_TITLE.search(text):
            continue
        if match:
            labels.append(Label(match.group("number"), " ".join(match.group("title").split()), number))
        elif labels:
            last = labels[-1]
            labels[-1] = Label(last.number, f"{last.title} {' '.join(text.split())}", last.line)
    return labels


def printed_label(label: Label, doc: Document) -> str:
    """The label as printed on its first line ("3.1. Orienter …" or "5.1 Mobilités …")."""
    head = LABEL_START.match(doc.line(label.line))
    assert head is not None  # a label is read where its start is printed
    return f"{doc.line(label.line)[:head.start('title')].strip()} {label.title}"


def stems(text: str) -> set[str]:
    """Comparable word stems: accents off, elisions off, 6 first letters of words of 4+ letters, acronyms.

    >>> sorted(stems("Orienter et accompagner les allocataires du RSA"))
    ['accomp', 'alloca', 'orient', 'rsa']
    """
    out = set()
    for word in re.findall(r"[^\W\d_]+", text):
        if len(word) >= 2 and word.isupper():
            out.add(fold(word))
        elif len(word) >= 4:
            out.add(fold(word)[:6])
    return out


def segment_candidates(scores: list[list[Fraction]]) -> list[set[int]]:
    """For each row, the labels it takes in some best ordered segmentation.

    Rows and labels are in order; each label covers a non-empty contiguous
    block of rows (when there are at least as many rows as labels).
    """
    rows, labels = len(scores), len(scores[0]) if scores else 0
    if not rows or not labels:
        return [set() for _ in range(rows)]
    if rows < labels:
        return [set(range(labels)) for _ in range(rows)]
    low = Fraction(-10**9)
    fwd = [[low] * labels for _ in range(rows)]
    bwd = [[low] * labels for _ in range(rows)]
    fwd[0][0] = scores[0][0]
    for i in range(1, rows):
        for j in range(labels):
            best = max(fwd[i - 1][j], fwd[i - 1][j - 1] if j else low)
            fwd[i][j] = scores[i][j] + best if best > low else low
    bwd[-1][-1] = scores[-1][-1]
    for i in range(rows - 2, -1, -1):
        for j in range(labels):
            best = max(bwd[i + 1][j], bwd[i + 1][j + 1] if j + 1 < labels else low)
            bwd[i][j] = scores[i][j] + best if best > low else low
    optimum = fwd[-1][-1]
    return [{j for j in range(labels) if fwd[i][j] > low and bwd[i][j] > low
             and fwd[i][j] + bwd[i][j] - scores[i][j] == optimum} for i in range(rows)]


@dataclass
class PageRows:
    """A page of the annex as read; ``placed``: read from the cells where the PDF places them."""

    page: Page
    rows: list[RawRow]
    labels: list[Label]
    placed: bool = False


def assign_axes(pages: list[PageRows], groups: dict[str, Label]) -> dict[int, tuple[Label | None, str]]:
    """``{indicator_line: (label or None, note)}`` for every row of every page."""
    row_stems = {r.line: stems(r.indicator + " " + " ".join(r.definition)) for p in pages for r in p.rows}
    frequency: dict[str, int] = {}
    for words in row_stems.values():
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    candidates: dict[int, list[Label]] = {}
    for page in pages:
        labels = sorted((lab for lab in page.labels if "." in lab.number), key=lambda lab: lab.key)
        label_stems = [stems(lab.title + " " + (groups[lab.number.split(".")[0]].title
                                                 if lab.number.split(".")[0] in groups else ""))
                       for lab in labels]
        scores = [[sum((Fraction(1, frequency[w]) for w in row_stems[r.line] & ls), Fraction(0))
                   for ls in label_stems] for r in page.rows]
        for row, chosen in zip(page.rows, segment_candidates(scores)):
            candidates[row.line] = [labels[j] for j in sorted(chosen)]
    resolve_by_neighbours(pages, candidates, row_stems, frequency)
    out: dict[int, tuple[Label | None, str]] = {}
    for line, labs in candidates.items():
        if len(labs) == 1:
            out[line] = (labs[0], "")
        else:
            names = " / ".join(f"« {lab.number} {lab.title} »" for lab in labs)
            out[line] = (None, f"mesure indéterminée ({names})" if labs else "aucune mesure imprimée sur la page")
    return out


def resolve_by_neighbours(pages, candidates, row_stems, frequency) -> None:
    """Decide undecided rows by words shared only with the rows of one candidate label."""
    changed = True
    while changed:
        changed = False
        decided: dict[str, set[str]] = {}
        for line, labs in candidates.items():
            if len(labs) == 1:
                decided.setdefault(labs[0].number, set()).update(row_stems[line])
        for page in pages:
            for index, row in enumerate(page.rows):
                labs = candidates[row.line]
                if len(labs) < 2:
                    continue
                votes = []
                for lab in labs:
                    others = set().union(*(decided.get(o.number, set()) for o in labs if o is not lab))
                    own = decided.get(lab.number, set()) - others
                    votes.append(sum(Fraction(1, frequency[w]) for w in row_stems[row.line] & own))
                if sum(1 for v in votes if v > 0) == 1:
                    winner = labs[next(i for i, v in enumerate(votes) if v > 0)]
                    keep_order(page.rows, candidates, index, winner)
                    changed = True


def keep_order(rows: list[RawRow], candidates, index: int, winner: Label) -> None:
    """Fix a row's label and drop, before and after it, labels that would break the order."""
    candidates[rows[index].line] = [winner]
    for row in rows[:index]:
        candidates[row.line] = [lab for lab in candidates[row.line] if lab.key <= winner.key]
    for row in rows[index + 1:]:
        candidates[row.line] = [lab for lab in candidates[row.line] if lab.key >= winner.key]


# --- the table --------------------------------------------------------------------------------


def read_pages(doc: Document) -> list[PageRows]:
    """Annexe 4 as read: each page's columns, rows and labels (what the functions below take); from
    the cells where the PDF places them (:func:`placed_pages`), else from the text."""
    placed = placed_pages(doc)
    if placed is not None:
        return placed
    return [PageRows(page, split_rows(doc, *page.body), read_labels(doc, *page.labels))
            for page in find_pages(doc)]


def annex4_columns(pages: list[PageRows]) -> pd.DataFrame:
    """The value columns of each page: ``page, column, kind, period, header, source_line``."""
    records = [{"page": number, "column": c.position, "kind": c.kind, "period": c.period,
                "header": c.header, "source_line": c.source_line}
               for number, page in enumerate(pages, start=1) for c in page.page.columns]
    return pd.DataFrame(records, columns=["page", "column", "kind", "period", "header", "source_line"])


def annex4_comments(pages: list[PageRows]) -> pd.DataFrame:
    """Each printed line of the rows' comments: ``indicator_line, indicator, source_line, text``."""
    records = [{"indicator_line": row.line, "indicator": row.indicator, "source_line": line, "text": text}
               for page in pages for row in page.rows
               for line, text in zip(row.comment_lines, row.comment)]
    return pd.DataFrame(records, columns=["indicator_line", "indicator", "source_line", "text"])


def sheet_groups(sheet: pd.DataFrame | None) -> list[tuple[str, list]]:
    """The sheets' readable values grouped by indicator."""
    if sheet is None or sheet.empty:
        return []
    groups: dict[str, list] = {}
    for row in sheet[sheet["status"] == "ok"].itertuples():  # once: itertuples per group is slow
        if not pd.isna(row.indicator):
            groups.setdefault(row.indicator, []).append(row)
    return [(str(text), groups[text]) for text in sorted(groups)]


def sheet_values(groups: list[tuple[str, list]], indicator: str, columns: tuple[Column, ...]) -> dict[int, Decimal]:
    """Values the action sheets (:func:`sheet_groups`) give for an annex indicator, by annex column position.

    The sheet's indicator must be the same (``SAME_INDICATOR``). A sheet ``baseline`` or ``result`` of year Y fills
    the annex column of kind baseline/result for Y; a ``target`` fills the
    target column. Two sheet values disagreeing on one column give no clue.
    """
    known: dict[int, Decimal] = {}
    for other, records in groups:
        if similarity(indicator, other) < SAME_INDICATOR:
            continue
        for record in records:
            for column in columns:
                same_kind = (column.kind == "target") == (record.kind == "target") and column.kind != "s1"
                if same_kind and str(record.period) == column.period and pd.notna(record.value):
                    value = Decimal(str(record.value)).normalize()
                    if known.setdefault(column.position, value) != value:
                        return {}
    return known


def annex4_table(doc: Document, sheet: pd.DataFrame | None = None,
                 pages: list[PageRows] | None = None) -> pd.DataFrame:
    """``annex4.csv``: one row per cell of Annexe 4 (see the module docstring).

    ``sheet`` is the action sheets' ``indicators`` table, used only to place
    the cells of rows that print fewer values than columns. ``pages`` is
    Annexe 4 as :func:`read_pages` read it (read here when not given).
    """
    pages = read_pages(doc) if pages is None else pages
    groups = {lab.number: lab for p in pages for lab in p.labels if "." not in lab.number}
    axes = assign_axes([page for page in pages if not page.placed], groups)
    from_sheets = sheet_groups(sheet)
    records = []
    for page in pages:
        width = None if page.placed else printed_width(page.rows, len(page.page.columns))
        for row in page.rows:
            measure, axis_note = row_measure(row, axes, doc)
            base = {"measure": measure,
                    "indicator": row.indicator, "definition": " ".join(row.definition),
                    "comment": " ".join(row.comment), "indicator_line": row.line}
            known = {} if page.placed else sheet_values(from_sheets, row.indicator, page.page.columns)
            records.extend(row_records(row, page.page.columns, base, axis_note, known, width))
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["column"] = frame["column"].astype("Int64")
    frame["source_line"] = frame["source_line"].astype(int)
    frame["indicator_line"] = frame["indicator_line"].astype(int)
    return frame


def row_measure(row: RawRow, axes: dict[int, tuple[Label | None, str]], doc: Document) -> tuple[str, str]:
    """A row's measure as printed and the note on it: the label the PDF prints beside it, else the
    label :func:`assign_axes` gave it."""
    if row.placed is not None:
        return row.measure or "", "" if row.measure else "aucune mesure imprimée à côté de la ligne"
    label, note = axes[row.line]
    return (printed_label(label, doc) if label else ""), note


def row_records(row: RawRow, columns, base: dict, axis_note: str, known, width: int | None = None) -> list[dict]:
    """The records of one row's cells (``width``: see :func:`place_row`)."""
    if row.placed is not None:
        return placed_records(row, columns, base, axis_note)
    if not row.values:
        return []
    unit = row_unit(row)
    by_position = {c.position: c for c in columns}
    placed, note, loose = place_row(row, columns, known, width)
    note = "; ".join(n for n in (axis_note, note) if n)
    cells = [(cell, position, True) for position, cell in placed.items()] + [(c, None, sure) for c, sure in loose]
    records = []
    for cell, position, certain in sorted(cells, key=lambda item: (item[0][0].line, item[0][0].start)):
        column = by_position.get(position)
        record = {**base, **cell_record(cell, unit), "period": column.period if column else None,
                  "kind": column.kind if column else None, "column": position,
                  "source_line": cell[0].line, "note": note}
        if column is None:
            record["status"] = "ambiguous"
        if not certain:
            record["value"] = None
        records.append(record)
    return records


# --- the table where the PDF places its cells -----------------------------------------------------

#: How many rows a placed table's header may take, down to the row of its value columns.
HEADER_ROWS = 3


@dataclass(frozen=True)
class PlacedHeader:
    """What each grid column of a placed Annexe 4 table holds, and the header's last row.

    ``values``: ``(grid column, value column)``; ``indicator``: the indicator's grid column (the
    label columns are those left of it); ``definitions`` and ``comments``: grid columns.
    """

    last_row: int
    values: tuple[tuple[int, Column], ...]
    indicator: int
    definitions: tuple[int, ...]
    comments: tuple[int, ...]


def placed_pages(doc: Document) -> list[PageRows] | None:
    """Annexe 4 read from the tables the PDF places, one page per placed table with Annexe 4's
    header (:func:`placed_header`; one table when the reading stitched the printed pages), or
    ``None`` when the document places none (a text report: the text route reads it)."""
    if not doc.places:  # the header's cells tell the annex, printed under its title or not
        return None
    pages, others = [], []
    for cells in placed_tables(doc).values():
        rows = grid_rows(cells)
        header = placed_header(doc, rows)
        if header is None:
            others.append(cells)
            continue
        first, last = min(cell.line for cell in cells), max(cell.lines[-1][0] for cell in cells)
        page = Page(tuple(column for _, column in header.values), (first, last), (last + 1, last))
        pages.append(PageRows(page, placed_rows(rows, header), [], placed=True))
    if not pages:
        return None
    check_unread_tables(doc, pages, others)
    check_page_marks(doc, pages)
    return pages


def annex_end(doc: Document, pages: list[PageRows]) -> int:
    """The annex's last line: its last page mark (« 2/2 », printed outside the tables, the first after
    its first placed table whose page is its page count), else its last placed table's last line."""
    first, last = min(page.page.body[0] for page in pages), max(page.page.body[1] for page in pages)
    for number, text in doc.numbered(first):
        mark = PAGE_MARK.match(text)
        if mark and not in_table(doc, number) and int(mark.group("page")) == int(mark.group("pages")):
            return max(number, last)
    return last


def check_unread_tables(doc: Document, pages: list[PageRows], others: list[list[PlacedCell]]) -> None:
    """Refuse a placed table printed among the annex's pages (from its first placed table to its last
    page mark, :func:`annex_end`) whose header the placed reading does not recognise: a page of the
    annex that would otherwise be left out, silently."""
    first, end = min(page.page.body[0] for page in pages), annex_end(doc, pages)
    for cells in others:
        line = min(cell.line for cell in cells)
        if first < line < end:
            place = doc.place(line)
            page = place.page if place is not None else None
            where = f"page {page}" if page is not None else f"ligne {line}"
            raise ParseError(f"Annexe 4 : le tableau imprimé {where}, parmi les pages de l'annexe, n'a pas "
                             "l'en-tête de l'annexe (« Mesures », « Indicateurs », « Situation … », « Résultat … ») "
                             "et n'a pas pu être lu : ses lignes seraient perdues ; vérifiez le PDF ou donnez le "
                             "rapport en texte.", line=line, page=page, path=doc.path)


def placed_header(doc: Document, rows: dict[int, dict[int, PlacedCell]]) -> PlacedHeader | None:
    """The header of a placed table, if it is Annexe 4's: down to the first row (of its first
    :data:`HEADER_ROWS`) printing a value column's header, a « Mesures » column left of an
    « Indicateurs » column and, right of it, value columns (« Situation … », « Résultat … », read as
    :func:`header_column` reads them); else ``None``. A column's header is its header cells' texts.
    """
    order = list(rows)[:HEADER_ROWS]
    last = next((r for r in order if any(ANNEX4_COLUMN_START.match(cell.text) for cell in rows[r].values())),
                None)
    if last is None:
        return None
    cells: dict[int, list[PlacedCell]] = {}
    for row in order[:order.index(last) + 1]:
        for column, cell in rows[row].items():
            if not ANNEX4_TITLE.search(cell.text):  # a title printed in the table's first row
                cells.setdefault(column, []).append(cell)
    texts = {column: " ".join(cell.text for cell in found) for column, found in sorted(cells.items())}
    indicator = next((column for column, text in texts.items() if ANNEX4_INDICATOR_HEADER.match(text)), None)
    if indicator is None or not any(ANNEX4_MEASURE_HEADER.match(text) for column, text in texts.items()
                                    if column < indicator):
        return None
    starts = {column: start for column, text in texts.items() if column > indicator
              and (start := ANNEX4_COLUMN_START.search(text)) is not None}  # after a header over the columns
    grid = sorted(starts)
    if not grid:
        return None
    values = tuple((column, header_column(doc, position, texts[column][starts[column].start():],
                                          cells[column][-1].line))  # its own cell, under any spanning one
                   for position, column in enumerate(grid, start=1))
    others = {column for found in rows.values() for column in found} - set(grid)
    return PlacedHeader(last, values, indicator, tuple(sorted(c for c in others if indicator < c < grid[0])),
                        tuple(sorted(c for c in others if c > grid[0])))


def placed_rows(rows: dict[int, dict[int, PlacedCell]], header: PlacedHeader) -> list[RawRow]:
    """The indicator rows under a placed header. A label cell (left of the indicator's column) names
    its row and the rows below it, up to the next label of its column or of a column left of it (a
    merged cell is printed once, in its first row); the title, printed in the table, names nothing.
    A row printing values but no indicator goes on with the row above (:func:`continue_row`)."""
    labels: dict[int, str] = {}
    out: list[RawRow] = []
    for number, cells in rows.items():
        if number <= header.last_row:
            continue
        for column in sorted(c for c in cells if c < header.indicator):
            if not ANNEX4_TITLE.search(cells[column].text):
                labels = {c: text for c, text in labels.items() if c < column}
                labels[column] = cells[column].text
        row = placed_row(cells, header, measure_of(labels))
        if row is not None and not row.indicator and out:
            filled = filled_positions(out[-1])
            taken = {value.position for value in row.placed or ()}
            if taken and taken <= filled:  # its own values under a merged indicator cell
                out.append(filled_down(out[-1], row))
            elif taken & filled:  # its own row, or the row above broken by a page: not told apart
                out.append(filled_down(out[-1], row, doubt=UNSURE_ROW))
            else:  # a row broken by a page: its cells fill what the row above left empty
                continue_row(out[-1], row)
        elif row is not None:
            out.append(row)
    return out


#: The note on the values of a row printing no indicator, some in columns the row above filled, some not.
UNSURE_ROW = ("ligne sans indicateur imprimé : suite de la ligne au-dessus coupée par une page ou "
              "ligne à part sous le même indicateur (cellule fusionnée), non tranché")


def filled_positions(row: RawRow) -> set[int]:
    """The value columns (positions) a placed row printed a cell in."""
    return {value.position for value in row.placed or ()}


def filled_down(above: RawRow, row: RawRow, doubt: str = "") -> RawRow:
    """A row printing no indicator (its indicator cell merged with the row above's) as a row of its own,
    under the indicator above, and the definition above when it prints none; ``doubt``: the note its
    values then carry (see :data:`UNSURE_ROW`)."""
    row.indicator = above.indicator
    if not row.definition:
        row.definition.extend(above.definition)
    if doubt:
        row.placed = tuple(replace(value, doubt=doubt) for value in row.placed or ())
    return row


def continue_row(row: RawRow, more: RawRow) -> None:
    """Add to ``row`` what a row printing no indicator of its own prints below it (a row broken by a
    page: its value cells in columns ``row`` left empty)."""
    row.definition.extend(more.definition)
    row.values.extend(more.values)
    for text, line in zip(more.comment, more.comment_lines):
        row.add_comment(text, line)
    row.placed = (row.placed or ()) + (more.placed or ())


def measure_of(labels: dict[int, str]) -> str | None:
    """The measure among a row's labels (by grid column): the rightmost numbered as a measure
    (« 3.1. … », « 5.1 … »), else the rightmost not numbered as an axis (« 3. … »).

    >>> measure_of({0: "3. Insertion des allocataires", 1: "3.2. Garantie d'activité"})
    "3.2. Garantie d'activité"
    >>> measure_of({0: "3. Insertion des allocataires"}) is None
    True
    """
    texts = [labels[column] for column in sorted(labels)]
    numbered = [text for text in texts if (match := LABEL_START.match(text)) and "." in match.group("number")]
    plain = [text for text in texts if not LABEL_START.match(text)]
    found = numbered or plain
    return found[-1] if found else None


def placed_row(cells: dict[int, PlacedCell], header: PlacedHeader, measure: str | None) -> RawRow | None:
    """One body row of a placed table (``None`` for a row printing neither indicator nor values: a
    label's row): the indicator cell, the definition, each value cell in its column, the comment."""
    indicator = cells.get(header.indicator)
    values = [(column.position, cells[grid]) for grid, column in header.values if grid in cells]
    if indicator is None and not values:
        return None
    line = indicator.line if indicator else min(cell.line for cell in cells.values())
    row = RawRow(indicator.text if indicator else "", line, state="values", measure=measure)
    row.definition.extend(cells[column].text for column in header.definitions if column in cells)
    placed = []
    for position, cell in values:
        value, rest = placed_value(position, cell)
        placed.append(value)
        row.values.extend(value.cell or ())
        if rest:
            row.add_comment(rest, cell.line)
    for column in header.comments:
        if column in cells:
            for number, text in cells[column].glued_lines:
                row.add_comment(text, number)
    row.placed = tuple(placed)
    return row


def placed_value(position: int, cell: PlacedCell) -> tuple[PlacedValue, str]:
    """A value cell read as one value, and what it prints after its value (a comment, "" if none).

    >>> value, rest = placed_value(3, PlacedCell(4, 6, ((12, "6 500 "),)))
    >>> value.text, value.cell is not None, rest
    ('6 500', True, '')
    >>> placed_value(4, PlacedCell(4, 7, ((12, "5973 99% ont eu un rendez-vous"),)))[1]
    '99% ont eu un rendez-vous'
    >>> placed_value(5, PlacedCell(4, 8, ((12, "2364  2 573"),)))[0].several
    True
    """
    tokens = tokenize(cell.as_printed, cell.line)
    run = value_run(tokens, from_start=True)
    if run is None:
        return PlacedValue(position, cell.line, cell.text, None), ""
    values, rest = tokens[:run[1]], " ".join(token.text for token in tokens[run[1]:])
    readings = cell_splits(values, 1)  # each reading: one cell
    if len(readings) == 1:
        return PlacedValue(position, cell.line, cell_text(readings[0][0]), readings[0][0]), rest
    return PlacedValue(position, cell.line, cell_text(tuple(values)), None, several=True), rest


def placed_records(row: RawRow, columns: tuple[Column, ...], base: dict, axis_note: str) -> list[dict]:
    """The records of a placed row's value cells: each in its column, with its period and kind."""
    unit = row_unit(row)
    by_position = {column.position: column for column in columns}
    records = []
    for value in row.placed or ():
        note = axis_note
        if value.cell is not None:
            fields = cell_record(value.cell, unit)
        elif value.several:
            fields = {"value": None, "unit": unit, "raw": value.text, "status": "ambiguous"}
            note = "; ".join(n for n in (axis_note, "plusieurs valeurs imprimées dans une même cellule") if n)
        else:
            fields = {"value": None, "unit": "text", "raw": value.text, "status": "ok"}
        if value.doubt:
            fields = {**fields, "status": "ambiguous"}
            note = "; ".join(n for n in (note, value.doubt) if n)
        column = by_position[value.position]
        records.append({**base, **fields, "period": column.period, "kind": column.kind, "column": value.position,
                        "source_line": value.line, "note": note})
    return records


def in_table(doc: Document, line: int) -> bool:
    """Whether the PDF printed line ``line`` in a table cell."""
    place = doc.place(line)
    return place is not None and place.table is not None


def check_page_marks(doc: Document, pages: list[PageRows]) -> None:
    """Page marks (« 1/2 ») printed outside the placed tables, among their lines or right after them,
    checked as on the text route (:func:`page_counter`): in order, none left out, the last one the
    annex's last page. A reading that drops them (page footers) leaves nothing to check."""
    first, last = min(page.page.body[0] for page in pages), max(page.page.body[1] for page in pages)
    end = last
    for number, text in doc.numbered(last + 1):
        if text.strip() and not PAGE_MARK.match(text):
            break
        end = number
    marks = [number for number, text in doc.numbered(first, end) if PAGE_MARK.match(text) and not in_table(doc, number)]
    page = count = 0
    for read, mark in enumerate(marks, start=1):
        page, count = page_counter(doc, mark, read)
    if marks and page < count:
        raise missing_page(doc, marks[-1], page, count)


# --- what the comments and headers state: read once, for the analyses ----------------------------

#: A percentage in a comment and the rest of its sentence.
STATED_PERCENT = re.compile(r"""(?P<value>\d+(?:[,.]\d+)?)\s?%(?P<context>[^.]*)""", re.VERBOSE)

DATE_COLUMNS = ["date", "day", "month", "year"]


@dataclass(frozen=True)
class Annex4Notes:
    """What Annexe 4's comments and column headers state, read once: ``comment_dates`` (each date of
    a comment line), ``comment_percents`` (each percentage of a row's comment, its lines joined, with
    the rest of its sentence) and ``header_dates`` (each date of a column header)."""

    comment_dates: pd.DataFrame
    comment_percents: pd.DataFrame
    header_dates: pd.DataFrame


def dates_in(text: str) -> list[dict]:
    """The dates printed in a text: as printed, day, month and year as printed ("" when absent).

    >>> dates_in("arrêtés au 30/06 puis au 31/112/22")
    [{'date': '30/06', 'day': 30, 'month': 6, 'year': ''}, {'date': '31/112/22', 'day': 31, 'month': 112, 'year': '22'}]
    """
    return [{"date": m.group(0), "day": int(m.group("day")), "month": int(m.group("month")),
             "year": m.group("year") or ""} for m in DATE.finditer(text)]


def joined_with_offsets(group: pd.DataFrame) -> tuple[str, list[tuple[int, int]]]:
    """A comment's lines joined with spaces, and the offset where each printed line starts."""
    text, starts = "", []
    for row in group.itertuples():
        starts.append((len(text), row.source_line))
        text += row.text + " "
    return text, starts


def comment_percents(comments: pd.DataFrame) -> pd.DataFrame:
    """Each percentage a row's comment states (its lines joined): ``indicator_line, indicator, source_line,
    printed, number`` (the number as printed), ``value, context``."""
    records = []
    for indicator_line, group in comments.groupby("indicator_line", sort=False):
        text, starts = joined_with_offsets(group)
        for match in STATED_PERCENT.finditer(text):
            line = int(next(n for offset, n in reversed(starts) if offset <= match.start()))
            records.append({"indicator_line": indicator_line, "indicator": group["indicator"].iloc[0],
                            "source_line": line, "printed": match.group(0), "number": match.group("value"),
                            "value": float(match.group("value").replace(",", ".")),
                            "context": match.group("context").strip()})
    return pd.DataFrame(records, columns=["indicator_line", "indicator", "source_line", "printed", "number",
                                          "value", "context"])


def annex4_notes(columns: pd.DataFrame, comments: pd.DataFrame) -> Annex4Notes:
    """What the comments (:func:`annex4_comments`) and the column headers (:func:`annex4_columns`) state."""
    dates = [{**row._asdict(), **date} for row in comments.itertuples(index=False) for date in dates_in(row.text)]
    headers = [{**row._asdict(), **date}
               for row in columns.drop_duplicates(["column", "header"]).itertuples(index=False)
               for date in dates_in(row.header)]
    return Annex4Notes(pd.DataFrame(dates, columns=list(comments.columns) + DATE_COLUMNS),
                       comment_percents(comments),
                       pd.DataFrame(headers, columns=list(columns.columns) + DATE_COLUMNS))

