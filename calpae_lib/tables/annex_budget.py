"""The annex budget tables: montant avenant and montant engagé per action and volet.

After the last action sheet, the report prints one table per volet, each
opened by the header "Montant avenant  Montant engagé/réalisé en <year>".
Every printed line ends with its two amounts (avenant, engagé)::

    Généralisation de la démarche référent de Parcours 160 000 €   160 000 €   <- action (total)
    Plan Pauvreté 80 000 €   80 000 €                                          <- État
    Contrepartie Plan Pauvreté 80 000 €   80 000 €                             <- Département
    …
    Sous total Part Etat … / Sous total part Département … / TOTAL GENERAL …

Quirks handled generically:

* an action title may wrap: a line without amounts is joined to the next;
* the volet's title ("Plan pauvreté - ACTIONS SOCLE COMMUN") is printed as a
  line of its own, anywhere in its table: it names the volet and is not part
  of any title;
* annex titles differ from the sheets' titles ("Pacte ambition IAE", "BRSA
  primo-arrivants") and come in another order: each action line is matched to
  the outline's action of the same volet whose title shares most normalised
  words (see :func:`match_titles`); a line with no clear match keeps an empty
  ``action_id`` and is listed by :func:`unmatched_lines`;
* the header's year is kept (:func:`annex_header_years`): a 2022 report may
  print "engagé/réalisé en 2021", which the reconciliation reports.

Where the PDF places the tables' cells (issue 30, :func:`placed_annex`), a
table is read from its grid instead: the header row's cells « Montant avenant »
and « Montant engagé/réalisé en <year> » give the two amount columns, a row is
the cells of one ``Place.row``, its label is its cell(s) left of the amounts (a
wrapped title is one cell: nothing to join) and each amount is the one of its
column. A row printing one amount only is refused naming the empty column (the
text can only say that one of two is missing); a row printing none is the
volet's title, or a label cut by a page break, joined to the next row's as on
the text route. A table ends at its total row: rows after it in the same placed
table are the next annex table, printed at the top of a page under a header the
same as this one's, which the PDF's reading took for this table's header
repeated on a continued page and left out (:func:`placed_bodies`). Fewer tables
read from the grid than annex headers printed in the text (one whose header the
placed reading does not recognise) is refused naming that header's line
(:func:`check_all_read`): never an annex published with a table missing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import pandas as pd

from calpae_lib.errors import InputError, ParseError
from calpae_lib.tables.placed import PlacedCell, grid_rows, placed_tables
from calpae_lib.tables.schemas import ANNEX_STAGES, TABLE_COLUMNS
from calpae_lib.text.numbers import find_amounts
from calpae_lib.template.annex import ROW_KINDS, TABLE_HEADER, VOLET_TITLE
from calpae_lib.template.outline import ANNEX_START
from calpae_lib.text.outline import Outline, join_wrapped, volet_named
from calpae_lib.text.reading import Document
from calpae_lib.text.similarity import SAME_ACTION, SAME_ACTION_MARGIN, similarity

#: The annex's two amount columns, in printed order: the ``stage`` of each amount of ``annex_budget.csv``.
STAGES = tuple(ANNEX_STAGES)
#: What identifies a printed line of the annex (every amount of the line repeats it).
LINE_COLUMNS = ["volet", "row_kind", "action_id", "label", "source_line"]

@dataclass(frozen=True)
class AnnexRow:
    volet: str
    row_kind: str
    action_id: str
    label: str
    avenant: int
    engage: int
    source_line: int


@dataclass(frozen=True)
class AnnexTable:
    """One annex table: its volet, header line and year, and its rows."""

    volet: str
    header_line: int
    header_year: int
    title_line: int | None
    rows: tuple[AnnexRow, ...]


def header_lines(doc: Document, start: int) -> list[int]:
    """The lines, from line ``start`` on, that open an annex table's header (« Montant avenant »)."""
    return [number for number, text in doc.numbered(start) if ANNEX_START.match(text)]


def table_headers(doc: Document, start: int) -> list[tuple[int, int]]:
    """``(line, year)`` of every annex table header from line ``start`` on (:func:`header_lines`)."""
    headers = []
    for number in header_lines(doc, start):
        text = doc.line(number)
        match = TABLE_HEADER.match(text)
        if not match:
            raise ParseError(f"en-tête de tableau annexe sans année « {text.strip()} » : "
                             "« Montant engagé/réalisé en AAAA » était attendu.", path=doc.path, line=number)
        headers.append((number, int(match.group("year"))))
    return headers


def row_kind(label: str) -> str:
    """The kind of an annex line, from its label.

    >>> [row_kind(x) for x in ("Plan Pauvreté - part Etat", "Contre partie plan pauvreté", "ERBM",
    ...                        "Sous total part Département", "TOTAL GENERAL", "ASTRE")]
    ['etat', 'departement', 'etat', 'subtotal_departement', 'total', 'action']
    """
    label = " ".join(label.split())
    for kind, pattern in ROW_KINDS:
        if pattern.match(label):
            return kind
    return "action"


def read_table(doc: Document, header: int, stop: int, volets: tuple[str, ...]):
    """Rows (volet unknown yet) of the table under ``header``, up to its total line; ``volets``: the
    outline's, that the table's title may name.

    Returns ``(rows, title_line, title_volet)``. Raises :class:`InputError` if
    the table has no total line before ``stop`` (a truncated report).
    """
    rows, pending, title_line, title_volet = [], [], None, None
    for number, text in doc.numbered(header + 1, stop):
        if not text.strip():
            continue
        title = VOLET_TITLE.match(text)
        amounts = find_amounts(text, line=number, path=doc.path)
        if title and not amounts:
            title_line, title_volet = number, volet_named(title.group("name"), volets)
            continue
        if not amounts:
            pending.append((number, text.strip()))
            continue
        rows.append(table_row(doc, number, text, amounts, pending))
        pending = []
        if rows[-1].row_kind == "total":
            return rows, title_line, title_volet
    raise InputError(
        "le tableau budgétaire annexe qui commence ici s'arrête sans ligne « Total général » : "
        "le rapport semble tronqué.", path=doc.path, line=header,
    )


def table_row(doc: Document, number: int, text: str, amounts, pending) -> AnnexRow:
    """One annex line with two amounts; wrapped title lines before it are joined."""
    if len(amounts) != 2:
        raise ParseError(
            f"ligne du tableau annexe avec {len(amounts)} montant(s) au lieu de 2 (avenant, engagé) : "
            f"« {text.strip()} ».", path=doc.path, line=number,
        )
    return annex_row(doc, number, text[:amounts[0].start].strip(), amounts[0].value, amounts[1].value, pending)


def annex_row(doc: Document, number: int, label: str, avenant: int, engage: int, pending) -> AnnexRow:
    """One annex line: its label (after the wrapped title lines ``pending``), kind and two amounts."""
    kind = row_kind(label)
    if pending and kind != "action":
        raise ParseError(f"texte « {pending[-1][1]} » avant une ligne « {label} » du tableau annexe : "
                         "titre d'action sans montants.", path=doc.path, line=pending[-1][0])
    full = label
    for _, head in reversed(pending):
        full = join_wrapped(head, full)
    return AnnexRow("", kind, "", " ".join(full.split()), avenant, engage, number)


def match_titles(labels: list[str], titles: dict[str, str]) -> list[str]:
    """``action_id`` for each annex label ("" when no clear match), one-to-one.

    Pairs are taken best first; a pair is kept when its
    :func:`~calpae_lib.text.similarity.similarity` reaches ``SAME_ACTION`` and
    leads every other free candidate of the label and of the action by
    ``SAME_ACTION_MARGIN``.

    >>> match_titles(["Pacte ambition IAE", "Solution logement jeunes", "Vélo"],
    ...              {"a-1": "Solution logement pour les jeunes", "a-2": "Pacte d'ambition IAE",
    ...               "a-3": "Accompagnement au logement des jeunes"})
    ['a-2', 'a-1', '']
    """
    scores = {(i, action_id): similarity(label, title)
              for i, label in enumerate(labels) for action_id, title in titles.items()}
    matched: dict[int, str] = {}
    for (i, action_id), score in sorted(scores.items(), key=lambda item: -item[1]):
        if score < SAME_ACTION:
            break
        if i in matched or action_id in matched.values():
            continue
        rivals = [s for (j, other), s in scores.items() if (j == i) != (other == action_id)
                  and j not in matched and other not in matched.values()]
        if all(score - rival >= SAME_ACTION_MARGIN for rival in rivals):
            matched[i] = action_id
    return [matched.get(i, "") for i in range(len(labels))]


def table_volet(index: int, rows: list[AnnexRow], title_volet: str | None, order: tuple[str, ...]) -> str:
    """The volet of the ``index``-th table: its title line, else its État labels, else its rank in ``order``
    (the volets in the report's order)."""
    if title_volet:
        return title_volet
    votes = [volet_named(row.label, order) for row in rows if row.row_kind == "etat"]
    named = [v for v in votes if v]
    if named:
        return max(set(named), key=named.count)
    return order[index] if index < len(order) else ""


def attach_actions(rows: list[AnnexRow], volet: str, outline: Outline) -> list[AnnexRow]:
    """Set the volet, match action lines to ``action_id`` and pass it to their État/Département lines."""
    titles = {a.action_id: a.title for a in outline.actions if a.volet == volet}
    actions = [row for row in rows if row.row_kind == "action"]
    ids = iter(match_titles([row.label for row in actions], titles))
    out, current = [], ""
    for row in rows:
        if row.row_kind == "action":
            current = next(ids)
        owner = current if row.row_kind in ("action", "etat", "departement") else ""
        out.append(replace(row, volet=volet, action_id=owner))
    return out


def parse_annex(doc: Document, outline: Outline) -> list[AnnexTable]:
    """Every annex budget table from ``outline.annex_start`` on: from the cells where the PDF places
    them (:func:`placed_annex`), else from the text."""
    placed = placed_annex(doc, outline)
    if placed is not None:
        return placed
    headers = table_headers(doc, outline.annex_start)
    tables = []
    for index, (header, year) in enumerate(headers):
        stop = headers[index + 1][0] - 1 if index + 1 < len(headers) else len(doc.lines)
        rows, title_line, title_volet = read_table(doc, header, stop, outline.volets)
        volet = table_volet(index, rows, title_volet, outline.volets)
        tables.append(AnnexTable(volet, header, year, title_line, tuple(attach_actions(rows, volet, outline))))
    return tables


# --- the tables where the PDF places their cells --------------------------------------------------


#: How many rows of a placed table may come before its header (the volet's title printed above it).
ROWS_ABOVE_HEADER = 3


@dataclass(frozen=True)
class PlacedHeader:
    """A placed annex table's header: its row, line, year and the grid columns of its two amounts."""

    row: int
    line: int
    year: int
    avenant: int
    engage: int


def placed_annex(doc: Document, outline: Outline) -> list[AnnexTable] | None:
    """The annex budget tables from ``outline.annex_start`` on, read from the tables the PDF places
    (:func:`placed_header`), or ``None`` when it places none (a text report: the text route reads it)."""
    tables: list[AnnexTable] = []
    for cells in placed_tables(doc).values():
        rows = grid_rows(cells)
        header = placed_header(doc, rows)
        if header is None or header.line < outline.annex_start:
            continue
        for header_line, (body, title_line, title_volet) in placed_bodies(doc, rows, header, outline.volets):
            volet = table_volet(len(tables), body, title_volet, outline.volets)
            tables.append(AnnexTable(volet, header_line, header.year, title_line,
                                     tuple(attach_actions(body, volet, outline))))
    if tables:
        check_all_read(doc, outline.annex_start, tables)
    return tables or None


def check_all_read(doc: Document, start: int, tables: list[AnnexTable]) -> None:
    """Refuse placed annex tables fewer than the annex table headers the text prints from line ``start``
    on (:func:`header_lines`): a table whose header the placed reading does not recognise would be left
    out of the annex, silently. The error names the first header with no row read between it and the
    next header (:func:`unread_header`)."""
    headers = header_lines(doc, start)
    if len(tables) >= len(headers):
        return
    line = unread_header(headers, [row.source_line for table in tables for row in table.rows])
    raise ParseError(f"tableau budgétaire annexe non lu : {len(headers)} en-têtes « Montant avenant » imprimés "
                     f"mais {len(tables)} tableau(x) lu(s) des cellules du PDF ; le tableau dont l'en-tête est "
                     "imprimé ici n'est pas lu, l'annexe serait publiée sans lui.", path=doc.path, line=line)


def unread_header(headers: list[int], read: list[int]) -> int:
    """The first of the ``headers`` (lines) with none of the ``read`` rows' lines between it and the next
    header; the last header when each has some.

    >>> unread_header([10, 40, 70], [12, 30, 75]), unread_header([10, 40], [12, 45])
    (40, 40)
    """
    bounds = [*headers[1:], float("inf")]
    return next((header for header, stop in zip(headers, bounds)
                 if not any(header < line < stop for line in read)), headers[-1])


def placed_bodies(doc: Document, rows: dict[int, dict[int, PlacedCell]], header: PlacedHeader,
                  volets: tuple[str, ...]) -> list[tuple[int, tuple[list[AnnexRow], int | None, str | None]]]:
    """``(header line, placed_rows(…))`` of each annex table one placed table holds: the first under
    ``header``, then, while rows printing an amount follow a total row, the next table read from them
    under the same header (the same text, hence the same year: the reading left it out as a repeated
    header); its header line is its first printed line, its own header printing none."""
    bodies = []
    start, line = header.row + 1, header.line
    while True:
        body, title_line, title_volet, stop = placed_rows(doc, rows, header, volets, (start, line))
        bodies.append((line, (body, title_line, title_volet)))
        rest = [number for number in rows if number > stop]
        if not any(prints_amount(doc, rows[number], header) for number in rest):
            return bodies
        start, line = rest[0], min(cell.line for cell in rows[rest[0]].values())


def prints_amount(doc: Document, cells: dict[int, PlacedCell], header: PlacedHeader) -> bool:
    """Whether a placed row prints an amount in one of the two amount columns."""
    return any(find_amounts(cells[column].text, line=cells[column].line, path=doc.path)
               for column in (header.avenant, header.engage) if column in cells)


def placed_amounts(doc: Document, cells: dict[int, PlacedCell], header: PlacedHeader) -> tuple[int | None, int | None]:
    """The avenant and engagé amounts a placed row prints (``None`` for an empty cell)."""
    avenant, engage = (placed_amount(doc, cells.get(column)) for column in (header.avenant, header.engage))
    return avenant, engage


def placed_header(doc: Document, rows: dict[int, dict[int, PlacedCell]]) -> PlacedHeader | None:
    """The header of a placed table if one of its first rows is an annex table's: a cell « Montant
    avenant » and, right of it, « Montant engagé/réalisé en <year> » (the header's cells from the
    first, joined, read as the text route reads the header line); else ``None``."""
    found = next(((number, column) for number in list(rows)[:ROWS_ABOVE_HEADER] for column, cell in rows[number].items()
                  if ANNEX_START.match(cell.text)), None)
    if found is None:
        return None
    number, start = found
    first = rows[number]
    columns = [column for column in first if column >= start]
    text = "  ".join(first[column].text for column in columns)
    match = TABLE_HEADER.match(text)
    if not match or len(columns) < 2:
        raise ParseError(f"en-tête de tableau annexe sans année « {text} » : "
                         "« Montant engagé/réalisé en AAAA » était attendu.", path=doc.path, line=first[start].line)
    return PlacedHeader(number, first[start].line, int(match.group("year")), columns[0], columns[1])


def placed_rows(doc: Document, rows: dict[int, dict[int, PlacedCell]], header: PlacedHeader,
                volets: tuple[str, ...], opening: tuple[int, int]):
    """Rows (volet unknown yet) of the annex table opening at ``(row, line)`` of a placed table, up to
    its total row; ``volets``: the outline's, that the table's title may name. Returns ``(rows,
    title_line, title_volet, total_row)``, the first three as :func:`read_table` does, and raises as
    it does for a table without total row. Rows above the header (read when the table opens under
    it) may hold the title."""
    start, opening_line = opening
    out: list[AnnexRow] = []
    pending: list[tuple[int, str]] = []
    title_line, title_volet = None, None
    for number, cells in rows.items():
        if number == header.row or header.row < number < start:
            continue
        label = " ".join(cell.text for column, cell in cells.items() if column < header.avenant)
        line = min(cell.line for cell in cells.values())
        if number < header.row:  # above the header: the volet's title, if anything
            if start == header.row + 1 and (title := VOLET_TITLE.match(" ".join(c.text for c in cells.values()))):
                title_line, title_volet = line, volet_named(title.group("name"), volets)
            continue
        avenant, engage = placed_amounts(doc, cells, header)
        if avenant is None and engage is None:
            title = VOLET_TITLE.match(label)
            if title:
                title_line, title_volet = line, volet_named(title.group("name"), volets)
            elif label:
                pending.append((line, label))
            continue
        if avenant is None or engage is None:
            empty = "avenant" if avenant is None else "engagé/réalisé"
            raise ParseError(f"ligne du tableau annexe « {label} » sans montant {empty} : la cellule de la "
                             "colonne est vide (deux montants attendus : avenant, engagé).", path=doc.path,
                             line=line)
        out.append(annex_row(doc, line, label, avenant, engage, pending))
        pending = []
        if out[-1].row_kind == "total":
            return out, title_line, title_volet, number
    raise InputError(
        "le tableau budgétaire annexe qui commence ici s'arrête sans ligne « Total général » : "
        "le rapport semble tronqué.", path=doc.path, line=opening_line,
    )


def placed_amount(doc: Document, cell: PlacedCell | None) -> int | None:
    """The amount an amount cell prints (``None`` for an empty cell); a cell printing anything but
    one amount is refused."""
    if cell is None:
        return None
    amounts = find_amounts(cell.text, line=cell.line, path=doc.path)
    if len(amounts) != 1:
        raise ParseError(f"cellule de montant du tableau annexe avec {len(amounts)} montant(s) au lieu d'un : "
                         f"« {cell.text} ».", path=doc.path, line=cell.line)
    return amounts[0].value


def annex_header_years(annex: list[AnnexTable]) -> list[tuple[str, int, int]]:
    """``(volet, header_line, year)`` of each annex table (:func:`parse_annex`), as printed in its header."""
    return [(t.volet, t.header_line, t.header_year) for t in annex]


def annex_table(annex: list[AnnexTable]) -> pd.DataFrame:
    """``annex_budget.csv``: every amount of the annex budget tables (:func:`parse_annex`), two per printed
    line (avenant, engagé)."""
    records = [{**asdict(row), "stage": stage, "amount_eur": getattr(row, stage)}
               for table in annex for row in table.rows for stage in STAGES]
    return pd.DataFrame(records, columns=TABLE_COLUMNS["annex_budget"])


def annex_lines(annex: pd.DataFrame) -> pd.DataFrame:
    """The annex as printed: one row per line, its amounts side by side in columns ``avenant`` and ``engage``.

    >>> long = pd.DataFrame({"volet": ["erbm"] * 2, "row_kind": ["total"] * 2, "action_id": [""] * 2,
    ...                      "label": ["TOTAL"] * 2, "stage": ["avenant", "engage"], "amount_eur": [10, 12],
    ...                      "source_line": [7, 7]})
    >>> annex_lines(long)[["label", "avenant", "engage", "source_line"]].values.tolist()
    [['TOTAL', 10, 12, 7]]
    """
    lines = annex.drop_duplicates("source_line")[LINE_COLUMNS].set_index("source_line", drop=False)
    for stage in STAGES:
        lines[stage] = annex[annex["stage"] == stage].set_index("source_line")["amount_eur"]
    return lines.reset_index(drop=True)


def unmatched_lines(annex: pd.DataFrame) -> pd.DataFrame:
    """Annex action lines that could not be matched to an action of the outline."""
    return annex[(annex.row_kind == "action") & (annex.action_id == "")].drop_duplicates("source_line")


def unmatched_warnings(annex: pd.DataFrame) -> list[str]:
    """One French sentence per unmatched annex action line."""
    return [f"ligne {row.source_line} : action de l'annexe « {row.label} » ({row.volet}) non rattachée "
            "à une fiche action" for row in unmatched_lines(annex).itertuples()]
