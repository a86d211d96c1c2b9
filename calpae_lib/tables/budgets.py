"""The action sheets' budgets: section 5.1 (prévisionnel) and 5.2 (exécuté).

Each financed action sheet has two small tables, flattened in reading order:

* 5.1 "Budget prévisionnel figurant dans la convention": a column header
  ("Part Etat Part Département") and one ``TOTAL`` row with the État amount,
  then the Département amount. An amount may be split
  ("TOTAL 900 000 € dont 200 000 € (crédits fléchés mobilité) 700 000 € (socle)
  700 000 €"): the parts go to ``budget_details.csv`` with their parent
  amount, and only the whole goes to ``budgets.csv``, so that sums of
  ``budgets.csv`` count each euro once.
* 5.2 "Budget exécuté": column headers ("Engagé en 2022", sometimes split
  over lines or "Montant liquidé 2022"), then for each financeur a label
  ("Plan Pauvreté – Part Etat : …", "Contrepartie Plan Pauvreté – Part
  Département : PLIE") followed by its amount. Labels and amounts wrap over
  lines, and two of them can share a line.

Rules:

* "Pas de valorisation financière" (or no amount at all): no rows.
* A 5.2 section without amounts gives no ``engage`` rows (the reconciliation
  reports it), unless the sheet prints its executed lines elsewhere (the PDF's
  text flow can move "… – Part Etat : …  139 700 €" into the bilan): one amount
  per financeur after such a label, further down the same sheet, is read with
  its own line (:func:`displaced_executed`); two different amounts for one
  financeur are left unread and the reconciliation says « à vérifier », unless
  the report was read from its PDF and one of them alone is printed in a
  table's cells (the others are sentences quoting an amount).
* Every amount keeps the line it is printed on (``source_line``).
* Malformed amounts raise :class:`~calpae_lib.errors.NumberFormatError`;
  a 5.1 row whose columns cannot be told apart, or a 5.2 amount whose label
  names no financeur, raises :class:`~calpae_lib.errors.ParseError` rather
  than guessing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from calpae_lib.errors import ParseError
from calpae_lib.text.numbers import find_amounts
from calpae_lib.tables.vocabulary import Stage
from calpae_lib.template.budgets import (
    DEPARTEMENT_LABEL,
    ETAT_LABEL,
    EXECUTED_HEADER,
    PARTS_FOLLOW,
    PLANNED_COLUMNS,
    TOTAL_ROW,
)
from calpae_lib.template.outline import (
    EXECUTED_SECTION,
    INDICATORS_SECTION,
    NO_FINANCING,
    PLANNED_SECTION,
)
from calpae_lib.text.outline import (
    Action,
    Outline,
    join_wrapped,
    section_line,
)
from calpae_lib.text.reading import Document

#: The two stages of a budget sheet, in order: planned (5.1) and engaged (5.2).
STAGES = tuple(str(stage) for stage in Stage)

BUDGET_COLUMNS = ["action_id", "stage", "financeur", "amount_eur", "label", "source_line"]
DETAIL_COLUMNS = ["action_id", "stage", "financeur", "amount_eur", "parent_amount_eur", "label", "source_line"]

@dataclass(frozen=True)
class Token:
    """A piece of a flattened table: some text or one amount, with its line."""

    line: int
    text: str
    amount: int | None = None


@dataclass(frozen=True)
class BudgetRow:
    action_id: str
    stage: str
    financeur: str
    amount_eur: int
    label: str
    source_line: int


@dataclass(frozen=True)
class BudgetDetail:
    action_id: str
    stage: str
    financeur: str
    amount_eur: int
    parent_amount_eur: int
    label: str
    source_line: int


def tokens(doc: Document, start: int, end: int) -> list[Token]:
    """Text pieces and amounts of lines ``start..end`` in reading order.

    >>> from calpae_lib.text.reading import document_from_text
    >>> doc = document_from_text("Part Etat  25 000 € Part Département : AFP 150 039 €")
    >>> [(t.text, t.amount) for t in tokens(doc, 1, 1)]
    [('Part Etat', None), ('25 000 €', 25000), ('Part Département : AFP', None), ('150 039 €', 150039)]
    """
    out = []
    for number, text in doc.numbered(start, end):
        position = 0
        for found in find_amounts(text, line=number, path=doc.path):
            out.extend(text_token(number, text[position:found.start]))
            out.append(Token(number, found.text, found.value))
            position = found.end
        out.extend(text_token(number, text[position:]))
    return out


def text_token(line: int, text: str) -> list[Token]:
    text = " ".join(text.split())
    return [Token(line, text)] if text else []


def joined(texts) -> str:
    """Join wrapped pieces of a label (a hyphen at a break joins without space)."""
    label = ""
    for text in texts:
        label = join_wrapped(label, text) if label else text
    return " ".join(label.split())


@dataclass(frozen=True)
class BudgetSections:
    """Line ranges (inclusive) of an action's 5.1 and 5.2 sections."""

    planned: tuple[int, int] | None
    executed: tuple[int, int] | None


def budget_sections(doc: Document, action: Action) -> BudgetSections:
    """Where the 5.1 and 5.2 sections of an action's sheet are, if present."""
    planned = section_line(doc, action.start, action.end, PLANNED_SECTION)
    executed = section_line(doc, planned or action.start, action.end, EXECUTED_SECTION)
    after = section_line(doc, executed or planned or action.start, action.end, INDICATORS_SECTION)
    end = (after - 1) if after else action.end
    planned_range = (planned + 1, (executed - 1) if executed else end) if planned else None
    executed_range = (executed + 1, end) if executed else None
    return BudgetSections(planned_range, executed_range)


def is_unfinanced(doc: Document, start: int, end: int) -> bool:
    return any(NO_FINANCING.search(text) for _, text in doc.numbered(start, end))


def planned_rows(doc: Document, action: Action, start: int, end: int):
    """Rows and part-amounts of a 5.1 section (lines ``start..end``)."""
    total = next((n for n, text in doc.numbered(start, end) if TOTAL_ROW.match(text)), None)
    if total is None or is_unfinanced(doc, start, end):
        return [], []
    pieces = tokens(doc, total, end)
    columns, details = split_parts(pieces, action, doc.path)
    if len(columns) != len(PLANNED_COLUMNS):
        raise ParseError(
            f"budget prévisionnel (5.1) de l'action {action.action_id} : {len(columns)} montant(s) au lieu de "
            f"{len(PLANNED_COLUMNS)} (Part Etat, Part Département) ; impossible d'attribuer les colonnes.",
            path=doc.path, line=total,
        )
    rows = [BudgetRow(action.action_id, "prevu", financeur, token.amount, f"TOTAL {name}", token.line)
            for (financeur, name), token in zip(PLANNED_COLUMNS, columns)]
    details = [BudgetDetail(action.action_id, "prevu", financeur_of_parent(columns, parent), token.amount,
                            parent.amount, label, token.line)
               for parent, token, label in details]
    return rows, details


def financeur_of_parent(columns: list[Token], parent: Token) -> str:
    return PLANNED_COLUMNS[columns.index(parent)][0]


def split_parts(pieces: list[Token], action: Action, path=None):
    """Column amounts of a TOTAL row, and ``(parent, part, label)`` for "dont" parts.

    After "X € dont", the following amounts are parts of X until they add up
    to X; each part's label is the text printed after it ("(socle)").
    """
    columns, details = [], []
    amounts = [i for i, token in enumerate(pieces) if token.amount is not None]
    position = 0
    while position < len(amounts):
        index = amounts[position]
        parent = pieces[index]
        columns.append(parent)
        position += 1
        if not (index + 1 < len(pieces) and pieces[index + 1].amount is None
                and PARTS_FOLLOW.match(pieces[index + 1].text)):
            continue
        remaining = parent.amount or 0  # an index of ``amounts``: its piece has an amount
        while remaining > 0 and position < len(amounts):
            part_index = amounts[position]
            part = pieces[part_index]
            details.append((parent, part, part_label(pieces, part_index)))
            remaining -= part.amount or 0
            position += 1
        if remaining != 0:
            raise ParseError(
                f"budget prévisionnel (5.1) de l'action {action.action_id} : les montants détaillés après "
                f"« dont » ne font pas {parent.text} ; découpage ambigu.",
                path=path, line=parent.line,
            )
    return columns, details


def part_label(pieces: list[Token], index: int) -> str:
    """The text printed after a part-amount, up to the next amount, without brackets."""
    texts = []
    for token in pieces[index + 1:]:
        if token.amount is not None:
            break
        texts.append(token.text)
    return joined(texts).strip("() ")


def executed_rows(doc: Document, action: Action, start: int, end: int) -> list[BudgetRow]:
    """Rows of a 5.2 section: each amount with the label printed before it."""
    if is_unfinanced(doc, start, end):
        return []
    rows, pending = [], []
    for token in tokens(doc, start, end):
        if token.amount is None:
            pending.append(token.text)
            continue
        label = " ".join(EXECUTED_HEADER.sub(" ", joined(pending)).split()).rstrip(" :")
        rows.append(BudgetRow(action.action_id, "engage", executed_financeur(label, token, action, doc),
                              token.amount, label, token.line))
        pending = []
    return rows


def executed_financeur(label: str, token: Token, action: Action, doc: Document) -> str:
    """``departement`` or ``etat`` from the label printed before an executed amount."""
    if DEPARTEMENT_LABEL.search(label):
        return "departement"
    if ETAT_LABEL.search(label):
        return "etat"
    raise ParseError(
        f"budget exécuté (5.2) de l'action {action.action_id} : le montant {token.text} n'est précédé "
        f"d'aucun libellé « Part Etat » ou « Part Département » (« {label} ») ; financeur inconnu.",
        path=doc.path, line=token.line,
    )


#: How many text pieces before an amount may carry its financeur's label ("Contrepartie ERBM – Part" /
#: "Département : PLIEs" / "151 250 €").
LABEL_PIECES = 2


@dataclass(frozen=True)
class DisplacedExecuted:
    """Executed lines a sheet prints after its 5.2 section: the rows when each financeur has one amount,
    else ``ambiguous`` (the lines of the competing amounts)."""

    rows: tuple[BudgetRow, ...]
    ambiguous: tuple[int, ...] = ()


def displaced_executed(doc: Document, action: Action) -> DisplacedExecuted:
    r"""The « Part Etat / Part Département » executed lines printed in the sheet after its 5.2 section.

    >>> from calpae_lib.text.reading import document_from_text
    >>> from calpae_lib.text.outline import Action
    >>> doc = document_from_text("5.2 Budget exécuté\nEngagé en 2022\n6. Indicateurs\n7. Bilan\n"
    ...                          "Texte. X – Part Etat : Mesure\n139 700 €\nContrepartie X – Part\n"
    ...                          "Département : PLIEs\n151 250 €\nSuite du bilan.")
    >>> found = displaced_executed(doc, Action("v", None, 1, "Mesure", 1, 1, 10))
    >>> for row in found.rows:
    ...     print(row.financeur, row.amount_eur, row.label, row.source_line)
    etat 139700 X – Part Etat : Mesure 6
    departement 151250 Contrepartie X – Part Département : PLIEs 9
    """
    sections = budget_sections(doc, action)
    if sections.executed is None or sections.executed[1] >= action.end:
        return DisplacedExecuted(())
    found: dict[str, list[BudgetRow]] = {}
    pending: list[str] = []
    for token in tokens(doc, sections.executed[1] + 1, action.end):
        if token.amount is None:
            pending.append(token.text)
            continue
        label = financeur_label(pending)
        pending = []
        if label is not None:
            financeur = "departement" if DEPARTEMENT_LABEL.search(label) else "etat"
            found.setdefault(financeur, []).append(
                BudgetRow(action.action_id, "engage", financeur, token.amount, label, token.line))
    settled = {financeur: printed_in_tables(doc, rows) for financeur, rows in found.items()}
    if any(len({row.amount_eur for row in rows}) > 1 for rows in settled.values()):
        return DisplacedExecuted((), tuple(row.source_line for rows in found.values() for row in rows))
    return DisplacedExecuted(tuple(rows[0] for rows in settled.values()))


def printed_in_tables(doc: Document, rows: list[BudgetRow]) -> list[BudgetRow]:
    """Of a financeur's competing executed amounts, those a report read from its PDF printed in a table's cells.

    A sentence that quotes an amount after a « Part … » label is no executed line; a table's cell is.
    When the amounts agree already, or none is placed in a table (a text report), ``rows`` unchanged.
    """
    if len({row.amount_eur for row in rows}) < 2:
        return rows
    in_tables = [row for row in rows if (place := doc.place(row.source_line)) is not None and place.table is not None]
    return in_tables or rows


def financeur_label(pending: list[str]) -> str | None:
    """The shortest run of the last text pieces before an amount that names a financeur, or None."""
    for size in range(1, LABEL_PIECES + 1):
        if size > len(pending):
            break
        label = joined(pending[-size:])
        start = min((m.start() for m in (DEPARTEMENT_LABEL.search(label), ETAT_LABEL.search(label)) if m),
                    default=None)
        if start is not None:
            head = label[:start]
            cut = max(head.rfind(". "), head.rfind("; "))  # the label starts after the prose's last sentence
            return label[cut + 2:].strip() if cut >= 0 else label
    return None


@dataclass(frozen=True)
class ExecutedHeader:
    """A 5.2 column header ("Engagé en 2022", "Montant liquidé 2022") and the year it names."""

    action_id: str
    text: str
    year: int
    source_line: int


@dataclass(frozen=True)
class Budgets:
    """The budget rows of every action sheet, the part-amounts of split amounts and the 5.2 headers."""

    rows: tuple[BudgetRow, ...]
    details: tuple[BudgetDetail, ...]
    headers: tuple[ExecutedHeader, ...]


def parse_budgets(doc: Document, outline: Outline) -> Budgets:
    """Read 5.1 and 5.2 of every action sheet."""
    rows, details, headers = [], [], []
    for action in outline.actions:
        sections = budget_sections(doc, action)
        if sections.planned:
            planned, parts = planned_rows(doc, action, *sections.planned)
            rows += planned
            details += parts
        if sections.executed:
            executed = executed_rows(doc, action, *sections.executed)
            if not executed and not is_unfinanced(doc, *sections.executed):
                executed = list(displaced_executed(doc, action).rows)
            rows += executed
            headers += executed_headers(doc, action, *sections.executed)
    return Budgets(tuple(rows), tuple(details), tuple(headers))


def budget_tables(budgets: Budgets) -> dict[str, pd.DataFrame]:
    """``budgets`` and ``budget_details`` as tidy tables."""
    return {
        "budgets": pd.DataFrame([asdict(r) for r in budgets.rows], columns=BUDGET_COLUMNS),
        "budget_details": pd.DataFrame([asdict(d) for d in budgets.details], columns=DETAIL_COLUMNS),
    }


def executed_headers(doc: Document, action: Action, start: int, end: int) -> list[ExecutedHeader]:
    """The column headers of a 5.2 section (lines ``start..end``), with their year, even when split over lines.

    The reconciliation compares these years with the report's year.
    """
    headers = []
    pieces = [t for t in tokens(doc, start, end) if t.amount is None]
    text, starts = "", []
    for piece in pieces:
        starts.append(len(text) + (1 if text else 0))
        text = f"{text} {piece.text}" if text else piece.text
    for match in EXECUTED_HEADER.finditer(text):
        year_at = match.end() - 1
        line = next(p.line for p, s in reversed(list(zip(pieces, starts))) if s <= year_at)
        headers.append(ExecutedHeader(action.action_id, " ".join(match.group(0).split()),
                                      int(match.group(0)[-4:]), line))
    return headers
