"""Display tables for the notebooks: what a reader sees, in French.

Each function takes a parsed report (:class:`~calpae_lib.pipeline.ParsedReport`)
and returns either a numeric :class:`pandas.DataFrame` (for charts and
narrative) or a :class:`Table` ready to display: French labels, French number
formats, every piece of text escaped, missing values written as such
(« non renseigné », « non disponible », « ambigu »), never as zeros.

Tables that a report's parsing did not produce (yet) are read as empty tables
with their documented columns, so a notebook still runs and says so.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from calpae_lib.checks.direction import INDICATOR_KIND_LABELS, MORE, OBJECTIVE, attained, direction, gap_words, indicator_kind
from calpae_lib.checks.indicators import probable_copies
from calpae_lib.checks.registry import DOCUMENT
from calpae_lib.analysis.axes import actions_with_axis, axis_actions, axis_key
from calpae_lib.analysis.budget import (
    budget_by_action,
    budget_by_axis,
    budget_by_volet,
    summarise_budget,
)
from calpae_lib.tables.pages import PageModel
from calpae_lib.tables.vocabulary import FINANCEUR_LABELS, KIND_COLUMNS, STAGE_LABELS
from calpae_lib.text.formatting import format_eur, format_number, format_percent, format_value, is_missing
from calpae_lib.template.volets import VOLET_LABELS, VOLET_TITLES
from calpae_lib.text.outline import volet_label
from calpae_lib.text.reading import fold

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport

def axis_label(key: str) -> str:
    """An axis's display name (one HTML report each).

    >>> axis_label("socle-II"), axis_label("socle-III"), axis_label("complementaires")
    ('Socle commun — axe II', 'Socle commun — axe III', 'Complementaires')
    """
    if key in VOLET_TITLES:
        return VOLET_TITLES[key]
    volet, _, axis = key.partition("-")
    return f"{volet_label(volet)} — axe {axis}" if axis else volet_label(volet)


NOT_AVAILABLE = "non disponible"
NOT_PRINTED = "non renseigné"
#: How an ambiguous value's cell starts: « ambigu : « 12 15 » … ».
AMBIGUOUS = "ambigu"


def row_label(labels: list[str]) -> str:
    """A table line named by its label cells: the first, the others in brackets.

    >>> row_label(["ERBM", "État"]), row_label(["Total"]), row_label([])
    ('ERBM (État)', 'Total', '')
    """
    return f"{labels[0]} ({', '.join(labels[1:])})" if len(labels) > 1 else "".join(labels)


@dataclass
class Table:
    """A table of display strings that renders as escaped HTML or plain text.

    >>> t = Table(pd.DataFrame({"Action": ["<b>x</b>"], "Montant": ["1 €"]}), numeric=["Montant"])
    >>> "&lt;b&gt;x&lt;/b&gt;" in t._repr_html_()
    True
    """

    frame: pd.DataFrame
    caption: str = ""
    numeric: list[str] = field(default_factory=list)
    empty_message: str = "Aucune donnée."
    #: Shown folded (an HTML ``<details>``, opened by a click, no script needed).
    folded: bool = False
    #: A column shown as a heading row each time its value changes, not as a column.
    group: str | None = None
    #: A rate column and the two columns it divides: ``{rate: (engagé, prévu)}``, written on its header
    #: (``data-engage``, ``data-prevu``) so that a reader's tool, and the tests, can check each line.
    ratios: dict = field(default_factory=dict)
    #: How many last rows are totals (shown in bold, under a rule).
    totals: int = 0
    #: A sentence under a row, across the table (``{row position: text}``): what a reader must know of that line.
    notes: dict = field(default_factory=dict)

    def _repr_html_(self) -> str:
        if self.frame.empty:
            return f'<p class="calpae-empty">{html.escape(self.empty_message)}</p>'
        columns = [c for c in self.frame.columns if c != self.group]
        head = "".join(f"<th{self.header_attributes(c)}>{html.escape(str(c))}</th>" for c in columns)
        rows, current = [], None
        first_total = len(self.frame) - self.totals
        for index, record in enumerate(self.frame.to_dict("records")):
            if self.group and record[self.group] != current:
                current = record[self.group]
                rows.append(f'<tr class="group"><td colspan="{len(columns)}">{html.escape(str(current))}</td></tr>')
            cells = "".join(f'<td class="{self.cell_class(col, record[col])}">{html.escape(str(record[col]))}</td>'
                            for col in columns)
            rows.append(f'<tr class="total">{cells}</tr>' if index >= first_total else f"<tr>{cells}</tr>")
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        kind = "calpae-table money" if self.ratios else "calpae-table"
        table_html = (f'<table class="{kind}">{caption}<thead><tr>{head}</tr></thead>'
                      f'<tbody>{"".join(rows)}</tbody></table>{self.notes_html(columns)}')
        if self.folded:
            summary = f"{self.caption} ({len(self.frame)} lignes) : cliquer pour afficher"
            return f'<details class="calpae-details"><summary>{html.escape(summary)}</summary>{table_html}</details>'
        return table_html

    def notes_html(self, columns) -> str:
        """The notes under the table, out of its rows: each names the line(s) it is about, and is said once."""
        said: dict[str, list[str]] = {}
        labels = [c for c in columns if c not in self.numeric]
        for index, note in sorted(self.notes.items()):
            if note:
                record = self.frame.iloc[index]
                said.setdefault(note, []).append(row_label([str(record[c]) for c in labels]) or str(index + 1))
        if not said:
            return ""
        items = "".join(f"<li><strong>{html.escape(' ; '.join(rows))}</strong>\u00a0: {html.escape(note)}</li>"
                        for note, rows in said.items())
        return f'<ul class="calpae-table-notes">{items}</ul>'

    def header_attributes(self, column) -> str:
        """A numeric column's header is ``num`` (right-aligned over its numbers); a rate's names its two columns."""
        kind = ' class="num"' if column in self.numeric else ""
        if column not in self.ratios:
            return kind
        engage, prevu = self.ratios[column]
        return f'{kind} data-engage="{html.escape(str(engage))}" data-prevu="{html.escape(str(prevu))}"'

    def cell_class(self, column, text) -> str:
        """``num`` or ``text``; ``ambigu`` too for a value whose column cannot be told."""
        kind = "num" if column in self.numeric else "text"
        return f"{kind} ambigu" if str(text).startswith(AMBIGUOUS) else kind

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False) if not self.frame.empty else self.empty_message
        return f"{self.caption}\n{text}" if self.caption else text


# --- structure ----------------------------------------------------------------------------

def axis_subtitle(report: ParsedReport, key: str) -> str | None:
    """An axis's heading as the table of contents prints it, without its number.

    Only numbered axes have one: a volet's heading is the volet's own name,
    which the axis label already says.
    """
    volet, _, axis = key.partition("-")
    titles = {(g.volet, g.axis): g.title for g in report.outline.groups if g.axis}
    title = titles.get((volet, axis)) if axis else None
    return with_acronyms(title, report.doc.text) if title else title


def with_acronyms(text: str, document: str) -> str:
    """Acronyms that a heading prints in lower case ("allocataires du rsa") as the document writes them.

    A short lower-case word becomes upper case when the document prints it in
    capitals far more often than in lower case.

    >>> with_acronyms("Insertion des allocataires du rsa", "le RSA, du RSA, au RSA ; le rsa ; du lien")
    'Insertion des allocataires du RSA'
    """
    def restore(match: re.Match) -> str:
        word = match.group(0)
        if not (word.islower() and 2 <= len(word) <= ACRONYM_MAX):
            return word
        upper = len(re.findall(rf"\b{word.upper()}\b", document))
        lower = len(re.findall(rf"\b{word}\b", document))
        return word.upper() if upper >= ACRONYM_RATIO * max(lower, 1) else word
    return re.sub(r"\w+", restore, text)


#: An acronym has at most this many letters, and the document prints it in capitals this many times as often.
ACRONYM_MAX, ACRONYM_RATIO = 5, 2



# --- money --------------------------------------------------------------------------------

def money_cell(value, missing: str = NOT_PRINTED) -> str:
    return format_eur(value, missing=missing)


def rate_cell(value) -> str:
    return format_percent(value, missing="—")


#: The money columns of a budget line: the sheets' figures, and the same completed from the annex.
PREVU, ENGAGE, RATE = "Prévu", "Engagé (fiches)", "Taux d'exécution (fiches)"
#: The prévu the sheets' rate divides by, shown when some sheet of a table prints no engagé.
PREVU_COUNTED = "Prévu des fiches qui impriment l'engagé"
ENGAGE_COMPLETE, RATE_COMPLETE = "Engagé complété par l'annexe", "Taux complété par l'annexe"


def money_columns(summary: pd.DataFrame) -> dict:
    """Prévu, engagé and their rate, line by line (rows of :func:`calpae_lib.analysis.budget.summarise_budget`).

    One definition (:func:`~calpae_lib.analysis.budget.amounts_of`): the sheets'
    rate is their engagé over the prévu of the sheets that print it; when some
    sheet of the table prints none, that prévu is a column of its own, so that
    every rate is the ratio of two figures on its line. Where the annex gives
    the missing amounts, the engagé completed by the annex (the printed engagé
    on the lines that need no completion) and its rate over the whole prévu
    stand beside them. :func:`missing_engage_note` says it in words under the line.
    """
    columns = {PREVU: [money_cell(v) for v in summary["prevu"]],
               ENGAGE: [money_cell(v) for v in summary["engage"]]}
    if summary["engage_manquant"].sum():
        columns[PREVU_COUNTED] = [money_cell(v, missing="—") for v in summary["prevu_compte"]]
    columns[RATE] = [rate_cell(v) for v in summary["taux"]]
    if summary["completees"].sum():
        columns[ENGAGE_COMPLETE] = [money_cell(v) for v in summary["engage_complete"]]
        columns[RATE_COMPLETE] = [rate_cell(v) for v in summary["taux_complete"]]
    return columns


def money_ratios(columns: dict) -> dict:
    """Each rate column and the two columns it divides: ``{rate: (engagé, prévu)}``."""
    ratios = {RATE: (ENGAGE, PREVU_COUNTED if PREVU_COUNTED in columns else PREVU),
              RATE_COMPLETE: (ENGAGE_COMPLETE, PREVU)}
    return {rate: pair for rate, pair in ratios.items() if rate in columns}


def missing_engage_note(row) -> str:
    """Under a line whose sheets print no engagé: what its rates count. The same words for every such line of a
    table, so that the table says it once (:meth:`Table.notes_html`); the amounts are the line's own columns."""
    if not row.engage_manquant:
        return ""
    if row.engage != row.engage:
        return "Engagé non renseigné : aucune fiche de la ligne n'imprime de montant engagé."
    text = ("Engagé non renseigné sur une partie des fiches : le taux des fiches ne compte ni leur prévu ni leur "
            "engagé (le prévu qu'il compte est celui des fiches qui impriment l'engagé)")
    if row.completees:
        text += (" ; l'engagé que l'annexe budgétaire donne pour elles est compté dans l'engagé complété"
                 + (", rapporté à tout le prévu" if row.taux_complete == row.taux_complete else ""))
    return text + "."


def money_table(labels: dict, summary: pd.DataFrame, caption: str, totals: int = 0, empty: str = "",
                with_notes: bool = True) -> Table:
    """``summary``'s money with its ``labels``; ``with_notes``: the missing-engagé note under the table, unless the
    page says it in a sentence beside it."""
    columns = money_columns(summary)
    frame = pd.DataFrame({**labels, **columns})
    notes = {i: missing_engage_note(row) for i, row in enumerate(summary.itertuples())} if with_notes else {}
    return Table(frame, caption=caption, numeric=list(columns) + [c for c in labels if c == "Actions"],
                 ratios=money_ratios(columns), totals=totals,
                 notes={i: n for i, n in notes.items() if n},
                 empty_message=empty or "Aucun budget n'est lu dans ce rapport.")


def with_totals(per_action: pd.DataFrame, summary: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, int]:
    """``summary`` followed by one total line per financeur and, with several financeurs, a grand total."""
    by_financeur = summarise_budget(per_action, ["financeur"])
    lines = [by_financeur.assign(**{k: TOTAL for k in keys if k != "financeur"})]
    if len(by_financeur) > 1:
        lines.append(summarise_budget(per_action.assign(financeur=TOTAL), ["financeur"])
                     .assign(**{k: TOTAL for k in keys if k != "financeur"}))
    totals = pd.concat(lines, ignore_index=True)
    return pd.concat([summary, totals], ignore_index=True), len(totals)


TOTAL = "Ensemble"


def financeur_label(financeur) -> str:
    return FINANCEUR_LABELS.get(financeur, financeur) if financeur != TOTAL else "Total"


def financeur_budget_table(report: ParsedReport) -> Table:
    """The whole convention per financeur, with a total line: prévu, engagé, rate. No note under it: the
    synthesis's sentence on the execution (:func:`~calpae_lib.present.narrative.money_sentence`), right after
    it, says which sheets print no engagé and what the annex gives for them."""
    per_action = budget_by_action(report)
    summary = summarise_budget(per_action, ["financeur"])
    if len(summary) > 1:
        summary = pd.concat([summary, summarise_budget(per_action.assign(financeur=TOTAL), ["financeur"])],
                            ignore_index=True)
    labels = {"Financeur": [financeur_label(f) for f in summary["financeur"]],
              "Actions": [format_number(n) for n in summary["actions"]]}
    return money_table(labels, summary, f"Budget {report.meta.year} de la convention par financeur",
                       totals=1 if len(summary) > 2 else 0, with_notes=False)


def volet_budget_table(report: ParsedReport) -> Table:
    """Money per volet and financeur, prévu against engagé, with totals per financeur."""
    per_action = budget_by_action(report).merge(
        actions_with_axis(report)[["action_id", "volet"]], on="action_id", how="left")
    summary = budget_by_volet(report)
    if summary.empty:
        return money_table({}, summary, "Budget par volet et par financeur")
    summary, totals = with_totals(per_action, summary, ["volet", "financeur"])
    labels = {"Volet": [VOLET_LABELS.get(v, v) if v != TOTAL else "Toute la convention" for v in summary["volet"]],
              "Financeur": [financeur_label(f) for f in summary["financeur"]],
              "Actions": [format_number(n) for n in summary["actions"]]}
    return money_table(labels, summary, "Budget par volet et par financeur", totals=totals)


def axis_budget_table(report: ParsedReport, key: str) -> Table:
    """Each action of an axis: prévu, engagé and taux per financeur."""
    rows = summarise_budget(budget_by_axis(report, key), ["number", "title", "financeur"])
    rows = rows.sort_values("number", kind="stable").reset_index(drop=True)
    labels = {"Action": [f"{n}. {t}" for n, t in zip(rows["number"], rows["title"])],
              "Financeur": [financeur_label(f) for f in rows["financeur"]]}
    return money_table(labels, rows, f"Budget des actions — {axis_label(key)}",
                       empty="Aucune de ces actions n'a de budget lu dans le rapport.")


def action_budget_table(report: ParsedReport, action_id: str) -> Table:
    """The printed budget lines of one action, with their source lines."""
    budgets = report.tables["budgets"]
    rows = budgets[budgets["action_id"] == action_id]
    frame = pd.DataFrame({
        "Étape": [STAGE_LABELS.get(s, s) for s in rows["stage"]],
        "Financeur": [FINANCEUR_LABELS.get(f, f) for f in rows["financeur"]],
        "Montant": [money_cell(v) for v in rows["amount_eur"]],
        "Libellé du rapport": [text_cell(v) for v in rows["label"]],
        "Ligne": [line_cell(v) for v in rows["source_line"]],
    })
    return pages_for_lines(report, Table(frame, caption="Budget de l'action", numeric=["Montant", "Ligne"],
                                         empty_message="Pas de montant lu pour cette action."))


def text_cell(value) -> str:
    return "" if is_missing(value) else str(value)


#: French prepositions, folded as :func:`~calpae_lib.text.reading.fold` writes them. A printed name that opens
#: with one (« En cours », « À venir », « Sur l'année ») is a circumstance, a state: it names nothing counted,
#: so it is no title. « Dont nombre de sorties positives » is one: a part of the line above, named.
QUALIFIER_OPENERS = frozenset("a apres au aux avant avec chez dans depuis en entre hors par parmi pour sans"
                              " selon sous sur vers".split())
#: An indicator whose table prints no name of its own.
UNTITLED = "Intitulé absent du tableau"


def indicator_name(name) -> str:
    """An indicator's name as a reader should see it: the printed name, unless it cannot be one.

    A name says what is counted (« Nombre de BRSA orientés », « Dont nombre de
    sorties positives »); a phrase that opens with a preposition names none,
    whatever its words, so it is shown for what it is, with the text the report prints.

    >>> indicator_name("Nombre de BRSA orientés")
    'Nombre de BRSA orientés'
    >>> indicator_name("En cours")
    'Intitulé absent du tableau, qui porte «\\xa0En cours\\xa0» à sa place'
    >>> indicator_name("À venir")
    'Intitulé absent du tableau, qui porte «\\xa0À venir\\xa0» à sa place'
    >>> indicator_name("Dont nombre de sorties"), indicator_name(None)
    ('Dont nombre de sorties', 'Intitulé absent du tableau')
    """
    text = " ".join(text_cell(name).split())
    if not text:
        return UNTITLED
    words = re.findall(r"[a-z0-9]+", fold(text))
    if words and words[0] not in QUALIFIER_OPENERS:
        return text
    return f"{UNTITLED}, qui porte «\u00a0{text}\u00a0» à sa place"


def line_cell(value) -> str:
    return "" if is_missing(value) else str(int(value))


def printed_page(report: ParsedReport, line) -> str:
    """Where a line of the text sits in the printed report, as a reader holding the PDF looks for it.

    A report read from its PDF knows each line's page (:meth:`~calpae_lib.text.reading.Document.page`,
    the number printed in the page's footer when it prints one): « p. 37 », exactly, annexes included. For a text, the
    pages the contents give for each action's sheet bound the pages of its lines
    (:meth:`calpae_lib.tables.pages.PageModel.possible`): « p. 12 », « p. 12 à 14 », or "" when unknown
    (before the first sheet, and in the annexes, which the contents do not bound).
    """
    if is_missing(line):
        return ""
    if report.doc.places:
        page = report.doc.page(int(line))
        return f"p.\u00a0{page}" if page is not None else ""
    if int(line) >= report.outline.annex_start:
        return ""  # the annexes: no page of the contents bounds them
    starts = tuple(sorted((a.start, a.toc_page) for a in report.outline.actions if a.toc_page is not None))
    bounds = PageModel((), starts).possible(int(line))
    if bounds is None:
        return ""
    low, high = bounds
    if low == high or int(line) in {start for start, _ in starts}:  # a sheet's first line: its page, exactly
        return f"p.\u00a0{low}"
    return f"p.\u00a0{low} à {high}"


def place_cell(report: ParsedReport, lines) -> str:
    """« p. 12 à 14, lignes 1098 et 1102 du texte »: where a value is printed, as its reader can find it.

    ``lines``: one source line, or several (each page said once, its lines together). For a text, the
    printed page (bounded by the contents) and the lines of the file. For a report read from its PDF, the
    page alone, exact: « p. 37 », « p. 37 et 38 » (a PDF numbers no lines; the tables' ``source_line`` counts
    the lines of the text calpae read from it, which its reader has not got). No brackets: the pages quote
    this inside brackets of their own.
    """
    lines = [lines] if not isinstance(lines, (list, tuple, pd.Series)) else list(lines)
    if report.doc.places:
        return pages_cell([printed_page(report, line) for line in lines if line_cell(line)])
    by_page: dict[str, list[str]] = {}
    for line in lines:
        if line_cell(line):
            by_page.setdefault(printed_page(report, line), []).append(line_cell(line))
    parts = []
    for page, found in by_page.items():
        found = list(dict.fromkeys(found))
        words = f"ligne{'s' if len(found) > 1 else ''} {', '.join(found[:-1]) + ' et ' if len(found) > 1 else ''}{found[-1]} du texte"
        parts.append(f"{page}, {words}" if page else words)
    return " ; ".join(parts)


def pages_cell(pages) -> str:
    """Printed pages (« p. 37 ») said once each, in order: « p. 37 », « p. 37 et 38 », « p. 12, 37 et 38 ».

    >>> pages_cell(["p.\u00a037", "p.\u00a038", "p.\u00a037", ""])
    'p.\xa037 et 38'
    >>> pages_cell([])
    ''
    """
    numbers = list(dict.fromkeys(page.removeprefix("p.\u00a0") for page in pages if page))
    if not numbers:
        return ""
    listed = ", ".join(numbers[:-1]) + " et " + numbers[-1] if len(numbers) > 1 else numbers[0]
    return f"p.\u00a0{listed}"


#: « ligne 2276 », « lignes 6647, 6656 », « lignes 12 et 14 »: the line numbers a check's words cite.
CITED_LINES = re.compile(
    r"""
    \b(?:à\ la\ |la\ |aux\ |les\ )?   # its article, if any: replaced with the rest
    lignes?\                        # « ligne » or « lignes »
    (\d+(?:(?:,\ |\ et\ )\d+)*)       # the numbers, « 2276 », « 6647, 6656 », « 12 et 14 »: group 1
    \b
    """,
    re.VERBOSE,
)


def lines_as_pages(report: ParsedReport, text):
    """A check's words as the reader of ``report`` can follow them: for a report read from its PDF, each
    « ligne 2276 » (a line of the text calpae read from it) becomes the page that prints it, « p. 23 »;
    a text's words are returned as they are (its reader has the lines). Not a string: returned unchanged.
    """
    if not report.doc.places or not isinstance(text, str):
        return text

    def pages(match: re.Match) -> str:
        cited = pages_cell([printed_page(report, int(n)) for n in re.findall(r"\d+", match.group(1))])
        return cited or match.group(0)

    return CITED_LINES.sub(pages, text)


#: The columns of source lines a table may have (« Ligne », « Lignes »), and what they become for a report
#: read from its PDF (« Page », « Pages »).
LINE, LINES, PAGE, PAGES = "Ligne", "Lignes", "Page", "Pages"
LINE_COLUMNS = {LINE: PAGE, LINES: PAGES}


def pages_for_lines(report: ParsedReport, table: Table) -> Table:
    """``table`` as the reader of ``report`` can follow it: for a report read from its PDF, its « Ligne » /
    « Lignes » columns (lines of the text calpae read from it, « 1098, 9720 ») become « Page » / « Pages »
    (« p. 37 et 88 »), and so do the lines its unplaced values cite; a text's table is returned as it is.
    """
    if not report.doc.places or table.frame.empty:
        return table
    frame = table.frame.copy()
    for column in frame.columns:
        if column in LINE_COLUMNS:
            frame[column] = [pages_cell(printed_page(report, int(n)) for n in re.findall(r"\d+", str(cell)))
                             or "—" for cell in frame[column]]
        elif column == UNPLACED:  # « 12 15 (ligne 1098) »: the only cells whose words cite a line
            frame[column] = [lines_as_pages(report, cell) for cell in frame[column]]
    return replace(table, frame=frame.rename(columns=LINE_COLUMNS),
                   numeric=[c for c in table.numeric if c not in LINE_COLUMNS])


# --- indicators ---------------------------------------------------------------------------



def value_cell(value, unit, raw, status) -> str:
    """One indicator value as a reader should see it; never a zero for a gap.

    >>> value_cell(98.0, "percent", "98%", "ok")
    '98\\xa0%'
    >>> value_cell(None, "count", "NC", "not_available")
    'non disponible (NC)'
    >>> value_cell(None, "count", "NC (maintien)", "not_available")  # no brackets within brackets
    'non disponible : «\\xa0NC (maintien)\\xa0»'
    >>> value_cell(None, "count", "12 15", "ambiguous")
    'ambigu : «\\xa012 15\\xa0»'
    """
    raw = text_cell(raw)
    if status == "not_available":
        if not raw or raw.lower() == NOT_AVAILABLE:
            return NOT_AVAILABLE
        return f"{NOT_AVAILABLE} : «\u00a0{raw}\u00a0»" if "(" in raw else f"{NOT_AVAILABLE} ({raw})"
    if status == "ambiguous":
        return f"ambigu : «\u00a0{raw}\u00a0»"
    if unit == "text" or is_missing(value):
        return raw or NOT_AVAILABLE
    return format_value(value, unit)


def indicator_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (measure, indicator): reference, target and result with their periods.

    A cell names its period in brackets ("98 % (2021)"); several periods of
    one kind are listed. Attainment compares result and target of one period, in the indicator's direction.
    """
    records = []
    copies = probable_copies("indicators", frame) if {"status", "action_id"} <= set(frame.columns) else {}
    for (measure, indicator), cells in cells_by_indicator(frame).items():
        copy_of = copies.get((text_cell(getattr(cells[0], "action_id", "")) or DOCUMENT, measure, indicator))
        by_kind: dict[str, list] = {}
        for cell in cells:
            if isinstance(cell.kind, str):
                by_kind.setdefault(cell.kind, []).append(cell)
        records.append({
            "Mesure": measure, "Indicateur": indicator_name(indicator),
            **{label: "; ".join(dated_cell(r) for r in by_kind.get(kind, [])) or "—"
               for kind, label in ((k, KIND_COLUMNS[k]) for k in ("baseline", "target", "result"))},
            "Atteinte de la cible": (copy_cell(copy_of) if copy_of
                                     else "; ".join(attainment_cells(by_kind)) or "—"),
            UNPLACED: "; ".join(unplaced_cell(r) for r in cells if not isinstance(r.kind, str)),
            JUSTIFICATION: " ".join(dict.fromkeys(text_cell(getattr(r, "comment", "")) for r in cells)).strip(),
            "Lignes": ", ".join(dict.fromkeys(line_cell(r.source_line) for r in cells)),
        })
    frame = pd.DataFrame(records, columns=["Mesure", "Indicateur", "Référence", "Cible", "Résultat",
                                           "Atteinte de la cible", UNPLACED, JUSTIFICATION, "Lignes"])
    empty = [c for c in (UNPLACED, JUSTIFICATION) if not frame[c].ne("").any()]
    return frame.drop(columns=empty)


#: The Département's own explanation of an indicator (the table's « Justification des écarts » column).
JUSTIFICATION = "Explication du Département"


def justifications_by_line(report: ParsedReport) -> dict[int, str]:
    """The Département's explanations, by the source line of the indicator's values they sit beside."""
    cells = report.tables["indicators"]
    cells = cells[cells["comment"].fillna("").astype(str).str.strip() != ""]
    found: dict[int, str] = {}
    for line, comment in zip(cells["source_line"], cells["comment"]):
        if line == line:
            found.setdefault(int(line), " ".join(str(comment).split()))
    return found


def justification_of(lines, by_line: dict[int, str]) -> str:
    """The explanations printed beside any of ``lines`` (an indicator printed in several places), each once.

    >>> justification_of([12, 40, 41], {40: "Structure fermée.", 41: "Structure fermée.", 7: "Autre."})
    'Structure fermée.'
    """
    return " ".join(dict.fromkeys(by_line[n] for n in lines if n in by_line))


def with_justifications(report: ParsedReport, table: Table) -> Table:
    """``table`` (one indicator a row, its source lines in « Lignes ») with the Département's explanation beside,
    its lines then given as pages for a report read from its PDF (:func:`pages_for_lines`).

    The lines are read from the « Lignes » column as shown (« 1098, 9720 »), so the table's other columns are
    left as their own function makes them.
    """
    if table.frame.empty or "Lignes" not in table.frame.columns:
        return pages_for_lines(report, table)
    by_line = justifications_by_line(report)
    lines = [[int(n) for n in re.findall(r"\d+", str(cell))] for cell in table.frame["Lignes"]]
    explained = [justification_of(found, by_line) for found in lines]
    if not any(explained):
        return pages_for_lines(report, table)
    frame = table.frame.copy()
    frame.insert(list(frame.columns).index("Lignes"), JUSTIFICATION, explained)
    return pages_for_lines(report, replace(table, frame=frame))


def cells_by_indicator(frame: pd.DataFrame) -> dict[tuple[str, str], list]:
    """The cells of an indicators table grouped by (measure, indicator), in reading order.

    Plain tuples read once: a table of an action has a few dozen cells, for which pandas'
    grouping costs more than the work (a third of an axis report's time, measured).
    """
    groups: dict[tuple[str, str], list] = {}
    for cell in frame.assign(**{k: frame[k].fillna("") for k in ("measure", "indicator")}).itertuples():
        groups.setdefault((cell.measure, cell.indicator), []).append(cell)
    return groups


#: The column of an indicator's table that holds the values whose column the text does not tell.
UNPLACED = "Valeurs de colonne indéterminée"


def unplaced_cell(row) -> str:
    """A value printed on an indicator's line whose column cannot be told: shown, marked, with its line."""
    return f"{value_cell(row.value, row.unit, row.raw, row.status)} (ligne {line_cell(row.source_line)})"


def dated_cell(row) -> str:
    period = period_cell(row.period)
    cell = value_cell(row.value, row.unit, row.raw, row.status)
    return f"{cell} ({period})" if period else cell


def period_cell(period) -> str:
    if is_missing(period):
        return ""
    return str(int(period)) if isinstance(period, float) and period == int(period) else str(period)


def action_indicators_table(report: ParsedReport, action_id: str) -> Table:
    """An action's indicators: reference, target, result and attainment per period."""
    indicators = report.tables["indicators"]
    return pages_for_lines(report, indicators_table(indicators[indicators["action_id"] == action_id],
                                                    "Indicateurs de l'action", "Pas d'indicateur lu pour cette action."))


# --- attainment: results against targets (here and in the findings) -------------------------------

#: The attainment of an indicator whose direction (more or less is better) its name does not tell.
UNDETERMINED = "sens non déterminé"


def attainment(result, target, result_unit, target_unit, indicator: str = ""):
    """Result as a percentage of its target, when both are numbers of one unit and more is better.

    >>> attainment(45, 50, "count", "count")
    90.0
    >>> attainment(45, None, "count", "count") is None
    True
    >>> attainment(16.7, 21, "days", "days", "Délai moyen") is None
    True
    """
    if result_unit != target_unit or result_unit == "text" or direction(indicator) != MORE \
            or indicator_kind(indicator) != OBJECTIVE:
        return None
    if not target or result is None or pd.isna(result) or pd.isna(target):
        return None
    return 100 * float(result) / float(target)


def attainment_word(indicator: str, result: float, target: float, unit: str = "", kind_said: bool = False) -> str:
    """The attainment of an indicator whose direction forbids a percentage: reached or not for an objective;
    for a forecast volume or context, not graded, the gap in words (its kind too, unless ``kind_said``
    because a column beside it says it).

    >>> attainment_word("Nombre de nouveaux entrants", 6060, 6500)
    'non évaluée (volume prévisionnel) : 440 de moins que prévu'
    >>> attainment_word("Nombre de nouveaux entrants", 6060, 6500, kind_said=True)
    'non évaluée : 440 de moins que prévu'
    """
    kind = indicator_kind(indicator)
    if kind != OBJECTIVE:
        said = "" if kind_said else f" ({INDICATOR_KIND_LABELS[kind]})"
        return f"{NOT_GRADED}{said} : {gap_words(result, target, unit)}"
    return "atteinte" if attained(indicator, result, target) else "non atteinte"


#: The attainment of what is no objective (a forecast volume, context).
NOT_GRADED = "non évaluée"


def copy_cell(other: str) -> str:
    """Why a result printed like another indicator's is not graded.

    >>> copy_cell("Nombre de BRSA orientées")
    'non évaluée : mêmes cible et résultat que «\xa0Nombre de BRSA orientées\xa0», copier-coller probable'
    """
    return f"{NOT_GRADED} : mêmes cible et résultat que «\u00a0{indicator_name(other)}\u00a0», copier-coller probable"


def attainment_cell(indicator: str, result, target, unit: str, kind_said: bool = False) -> str:
    """« 93,2 % » for an objective where more is better, « atteinte » / « non atteinte » where less is; for a
    forecast volume or context, « non évaluée » and the gap in words."""
    rate = attainment(result, target, unit, unit, indicator)
    return rate_cell(rate) if rate is not None else attainment_word(indicator, result, target, unit, kind_said)


def attainment_cells(by_kind: dict) -> list[str]:
    """Result against target for each period that has both, as numbers of one unit."""
    targets = {period_cell(r.period): r for r in by_kind.get("target", []) if r.status == "ok"}
    cells = []
    for result in by_kind.get("result", []):
        target = targets.get(period_cell(result.period))
        if target is None or result.status != "ok" or result.unit != target.unit or result.unit == "text" \
                or pd.isna(result.value) or pd.isna(target.value):
            continue
        cell = attainment_cell(result.indicator, result.value, target.value, result.unit)
        cells.append(f"{cell} ({period_cell(result.period)})")
    return cells


def axis_level_indicators_table(report: ParsedReport, key: str) -> Table | None:
    """Indicators printed for a whole axis (no action), e.g. the garantie d'activité; else None."""
    indicators = report.tables["indicators"]
    no_action = indicators["action_id"].fillna("") == ""
    actions = report.tables["actions"]
    volet_of = {a: v for v, a in zip(actions["volet"], actions["axis"].fillna("")) if a}
    volet_axis = [axis_key(volet_of.get(a, ""), a) if a else "" for a in indicators["axis"].fillna("")]
    rows = indicators[no_action & (pd.Series(volet_axis, index=indicators.index) == key)]
    if rows.empty:
        return None
    return pages_for_lines(report, indicators_table(rows, "Indicateurs communs à l'axe", ""))


#: The group of indicators whose table names no measure.
UNNAMED_MEASURE = "Indicateurs sans mesure nommée dans le tableau"


def indicators_table(rows: pd.DataFrame, caption: str, empty_message: str) -> Table:
    """Indicator rows for display; each measure named once, on its first row."""
    frame = indicator_rows(rows)
    named = frame["Mesure"].ne("").any()  # a table that names no measure needs no group heading
    frame["Mesure"] = ["Mesure : " + m if m else UNNAMED_MEASURE for m in frame["Mesure"]]
    return Table(frame if named else frame.drop(columns="Mesure"), caption=caption, group="Mesure" if named else None,
                 numeric=["Référence", "Cible", "Résultat", "Atteinte de la cible", "Lignes"],
                 empty_message=empty_message)


def indicator_status_counts(report: ParsedReport, action_ids=None) -> dict:
    """Counts of indicator values by status (``ok``, ``not_available``, ``ambiguous``)."""
    indicators = report.tables["indicators"]
    if action_ids is not None:
        indicators = indicators[indicators["action_id"].isin(list(action_ids))]
    return {status: int(n) for status, n in indicators["status"].value_counts().items()}


# --- actions ------------------------------------------------------------------------------

def actions_overview_table(report: ParsedReport, key: str | None = None) -> Table:
    """The actions (of one axis, or all), with what the report gives for each."""
    actions = axis_actions(report, key) if key else actions_with_axis(report)
    frame = pd.DataFrame({
        "N°": [str(n) for n in actions["number"]],
        "Action": actions["title"],
        "Volet": [axis_label(k) for k in actions["axis_key"]],
        "Budget": ["oui" if b else "pas de valorisation financière" for b in actions["has_budget"]],
        "Indicateurs": ["oui" if b else "non" for b in actions["has_indicators"]],
        "Fiche": [place_cell(report, v) for v in actions["source_line"]],
    })
    if key:
        frame = frame.drop(columns="Volet")
    return Table(frame, caption="Actions")


# --- ambiguous values ---------------------------------------------------------------------

#: Why a sheet's value is ambiguous, when its table gives no reason of its own.
SHEET_AMBIGUITY = ("Sur la ligne d'un indicateur, le rapport imprime moins de valeurs que son tableau n'a de "
                   "colonnes : rien ne dit à quelle colonne (référence, cible ou résultat, et quelle année) "
                   "appartient chacune.")


def action_name(report: ParsedReport, action_id) -> str:
    """« Socle commun, axe II, action 8 : titre », as a reader names an action."""
    actions = actions_with_axis(report).set_index("action_id")
    if action_id not in actions.index:
        return "Indicateurs communs à l'axe"
    row = actions.loc[action_id]
    axis = f", axe {row['axis']}" if isinstance(row["axis"], str) and row["axis"] else ""
    return f"{VOLET_LABELS.get(row['volet'], row['volet'])}{axis}, action {row['number']} : {row['title']}"


def column_names(rows: pd.DataFrame) -> str:
    """The columns of a table as its placed values name them: « Situation 2018, Résultat 2019, … »."""
    placed = rows[rows["kind"].notna()].drop_duplicates(["period", "kind"])
    labels = [f"{KIND_COLUMNS.get(k, k)} {period_cell(p)}".strip() for p, k in zip(placed["period"], placed["kind"])]
    return ", ".join(dict.fromkeys(labels))


#: What settles an ambiguous value, said once above the table of them.
AMBIGUITY_ADVICE = ("Pour trancher, regarder dans le PDF d'origine, à la page indiquée, sous quelle colonne "
                    "chaque valeur est imprimée.")


def ambiguous_values(report: ParsedReport) -> pd.DataFrame:
    """The ambiguous values of the sheets' indicators and of Annexe 4, one row per indicator that has some."""
    records = []
    for name, keys, where in (("indicators", ["action_id", "measure"], lambda r: action_name(report, r["action_id"])),
                              ("annex4", ["measure"], lambda r: f"Annexe 4 : {r['measure']}")):
        cells = report.tables[name]
        cells = cells.assign(**{k: cells[k].fillna("") for k in keys})
        for _, group in cells.groupby(keys, sort=False):
            columns = column_names(group)
            ambiguous = group[group["status"] == "ambiguous"]
            notes = [n for n in dict.fromkeys(text_cell(n) for n in ambiguous.get("note", [])) if n]
            reason = f" (pourquoi : {'; '.join(notes)})" if notes else ""
            for indicator, rows in ambiguous.groupby(ambiguous["indicator"].fillna(""), sort=False):
                first = rows.iloc[0]
                records.append({
                    "Où": where(first) + reason, "Indicateur": indicator_name(indicator),
                    "Valeurs imprimées": " ; ".join(value_cell(r["value"], r["unit"], r["raw"], r["status"])
                                                    for _, r in rows.iterrows()),
                    "Dans le rapport": place_cell(report, rows["source_line"]),
                    "Colonnes du tableau": columns})
    return pd.DataFrame(records, columns=["Où", "Indicateur", "Valeurs imprimées", "Dans le rapport",
                                          "Colonnes du tableau"])


def ambiguous_count(report: ParsedReport) -> int:
    """How many printed values, of the sheets and of Annexe 4, have no certain column."""
    return sum(int((report.tables[name]["status"] == "ambiguous").sum()) for name in ("indicators", "annex4"))


def ambiguous_values_table(report: ParsedReport) -> Table:
    """The ambiguous values of the whole report, one row per indicator, with where they are printed."""
    return Table(ambiguous_values(report), caption="Valeurs ambiguës du rapport", group="Où",
                 empty_message="Aucune : chaque valeur imprimée dans un tableau du rapport y a une place certaine (colonne, année, nature).")
