"""Render a report's text into a PDF twin, the way a département's word processor would print it.

The text route's own parse of the text says where each table is (the outline,
the indicator table regions, the budget sections) and what its cells are (the
tidy tables); the lines between tables are printed as they are, one text line
one printed line, so that the PDF route's text of the twin is a text the
readers know. Action sheets start on a new page; every page has a running
title and its number in the footer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Spacer

from calpae_lib.pipeline import ParsedReport, parse_document
from calpae_lib.tables.budgets import budget_sections, tokens
from calpae_lib.tables.pages import footer_anchors
from calpae_lib.tables.indicators.headers import TableRegion, table_regions
from calpae_lib.template.budgets import DEPARTEMENT_LABEL, ETAT_LABEL
from calpae_lib.template.indicators import COLUMN_KEYWORD, JUSTIFICATION
from calpae_lib.text.flattened import join_cut_lines
from calpae_lib.text.reading import document_from_text
from tests.pdf_twins.annexes import annex_flowables
from tests.pdf_twins.flowables import TruthTable, cell, prose_flowables
from tests.pdf_twins.model import (
    INDICATOR_COLUMNS,
    LANDSCAPE,
    PORTRAIT,
    TableTruth,
    Twin,
    TwinContext,
    empty_annex4,
    empty_indicators,
)

STAGE_WORD = r"Engag[ée]|Montant\s+liquid[ée]|R[ée]alis[ée]"
MARGIN = 2 * cm
HEADER_SIZE = 8.0
#: Cell text of the tables.
CELL_SIZE = 7.5
INDICATORS_WORD = re.compile(r"\bIndicateurs\b", re.IGNORECASE)
#: Where a budget header's column title starts: a share ("Part Etat") or a stage ("Engagé", "Montant liquidé").
BUDGET_COLUMN_START = re.compile(rf"{ETAT_LABEL.pattern}|{DEPARTEMENT_LABEL.pattern}|{STAGE_WORD}", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")

Block = tuple[int, int, Callable[[], tuple[list, list[TableTruth]]]]


def twin_styles() -> StyleSheet1:
    """The sample styles plus ``cell`` and ``cell_header`` for table cells."""
    styles = getSampleStyleSheet()
    styles.add(ParagraphStyle("cell", parent=styles["Normal"], fontName="Helvetica", fontSize=CELL_SIZE,
                              leading=CELL_SIZE * 1.2))
    styles.add(ParagraphStyle("cell_header", parent=styles["cell"], fontName="Helvetica-Bold"))
    return styles


def running_title(report: ParsedReport) -> str:
    """The title repeated at the top of every page."""
    return f"Rapport d'exécution {report.meta.year} - {report.meta.departement}"


def page_decoration(title: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    """What onPage draws: the running title at the top, the page number at the bottom, both centred."""
    def decorate(canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", HEADER_SIZE)
        canvas.drawCentredString(width / 2, height - MARGIN / 2, title)
        canvas.setFont("Helvetica", HEADER_SIZE)
        canvas.drawCentredString(width / 2, MARGIN / 2, str(canvas.getPageNumber()))
        canvas.restoreState()
    return decorate


def page_templates(title: str) -> list[PageTemplate]:
    """A4 portrait and A4 landscape, each one frame within the margins."""
    templates = []
    for template_id, size in ((PORTRAIT, A4), (LANDSCAPE, landscape(A4))):
        width, height = size
        frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, id=f"{template_id}-frame",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        templates.append(PageTemplate(id=template_id, frames=[frame], onPage=page_decoration(title),
                                      pagesize=size))
    return templates


# --- indicator tables -------------------------------------------------------------------------------------------


def header_cells(header_text: str) -> tuple[str, str, list[str], str]:
    """The printed header's cells: measure title ("" if none), indicators title, value titles, justification.

    >>> header_cells("Nom de la Mesure Indicateurs Situation 2021 du Département Prévisionnel 2022 "
    ...              "Justification des écarts (le cas échéant)")
    ('Nom de la Mesure', 'Indicateurs', ['Situation 2021 du Département', 'Prévisionnel 2022'], \
'Justification des écarts (le cas échéant)')
    """
    text = " ".join(header_text.split())
    justification = JUSTIFICATION.search(text)
    justification_title = text[justification.start():] if justification else ""
    values_text = text[: justification.start()] if justification else text
    keywords = list(COLUMN_KEYWORD.finditer(values_text))
    indicators = INDICATORS_WORD.search(values_text)
    first_value = keywords[0].start() if keywords else len(values_text)
    split = indicators.start() if indicators and indicators.start() < first_value else 0
    measure_title = values_text[:split].strip()
    indicators_title = values_text[split:first_value].strip()
    titles = [values_text[a.start(): (b.start() if b else len(values_text))].strip()
              for a, b in zip(keywords, keywords[1:] + [None])]
    return measure_title, indicators_title, titles, justification_title


def region_records(indicators: pd.DataFrame, region: TableRegion) -> pd.DataFrame:
    """The text route's indicator records of one table region, in text order."""
    inside = indicators["source_line"].between(region.header.end + 1, region.body_end)
    return indicators[inside & (indicators["action_id"] == region.action_id)]


def indicator_rows(records: pd.DataFrame, columns: list[tuple[str, str]]):
    """Group records into printed rows: (measure, indicator, {column index: raw}, comment, chosen cells).

    A record the text route could not place (no kind or period) goes into the
    first value column its row leaves empty; ``chosen`` lists those columns.
    """
    rows: list[dict] = []
    for record in records.itertuples(index=False):
        kind, period = record.kind, record.period
        known = isinstance(kind, str) and kind and isinstance(period, str) and period
        index = columns.index((kind, period)) if known and (kind, period) in columns else None
        same = bool(rows) and (rows[-1]["measure"], rows[-1]["indicator"]) == (record.measure, record.indicator)
        full = same and (index in rows[-1]["values"] if index is not None
                         else len(rows[-1]["values"]) == len(columns))
        if not same or full:  # a new row (an indicator printed twice in a row gets two rows)
            rows.append({"measure": record.measure, "indicator": record.indicator, "values": {},
                         "comment": "", "chosen": [], "records": []})
        row = rows[-1]
        if record.comment and record.comment not in row["comment"]:
            row["comment"] = (row["comment"] + " " + record.comment).strip()
        if index is None:
            index = next(i for i in range(len(columns)) if i not in row["values"])
            row["chosen"].append(index)
        row["values"][index] = record.raw
        row["records"].append({"action_id": record.action_id, "measure": record.measure,
                               "indicator": record.indicator, "period": columns[index][1],
                               "kind": columns[index][0], "raw": record.raw})
    return rows


def indicator_table(ctx: TwinContext, region: TableRegion) -> tuple[list, list[TableTruth]]:
    """One indicator table, ruled, header repeated on continued pages, measure cells spanning their rows."""
    header_text = join_cut_lines([ctx.line(n) for n in range(region.header.start, region.header.end + 1)])
    measure_title, indicators_title, titles, justification_title = header_cells(header_text)
    columns = [(column.kind, column.period) for column in region.header.columns]
    titles = (titles + [c.title for c in region.header.columns][len(titles):])[: len(columns)]
    records = region_records(ctx.report.tables["indicators"], region)
    rows = indicator_rows(records, columns)
    with_measure = bool(measure_title) or any(row["measure"] for row in rows)
    with_justification = bool(justification_title) or any(row["comment"] for row in rows)
    first_value = 2 if with_measure else 1

    header = ([measure_title] if with_measure else []) + [indicators_title] + titles + (
        [justification_title] if with_justification else [])
    printed: list[list[str]] = [header]
    placed: list[tuple[int, int]] = []
    spans: list[tuple[int, int]] = []
    for number, row in enumerate(rows, start=1):
        starts_measure = number == 1 or rows[number - 2]["measure"] != row["measure"]
        if with_measure and starts_measure:
            spans.append((number, number))
        elif with_measure:
            spans[-1] = (spans[-1][0], number)
        values = [row["values"].get(i, "") for i in range(len(columns))]
        printed.append(([row["measure"] if starts_measure else ""] if with_measure else []) + [row["indicator"]]
                       + values + ([row["comment"]] if with_justification else []))
        placed.extend((number, first_value + i) for i in row["chosen"])

    styles = ctx.styles
    widths = indicator_widths(len(header), with_measure, with_justification)
    data = [[cell(text, styles["cell_header"], width) for text, width in zip(header, widths)]]
    data += [[cell(text, styles["cell"], width) for text, width in zip(row, widths)] for row in printed[1:]]
    table = TruthTable(data, colWidths=widths, repeatRows=1, splitInRow=0)
    style: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]
    style += [("SPAN", (0, first), (0, last)) for first, last in spans if last > first]
    table.setStyle(style)
    truth = TableTruth("indicators", 0, printed, placed, line=region.header.start, end=region.body_end,
                       records=pd.DataFrame([r for row in rows for r in row["records"]],
                                            columns=list(INDICATOR_COLUMNS)))
    table.truth = truth
    return [Spacer(1, 4), table, Spacer(1, 6)], [truth]


def indicator_widths(count: int, with_measure: bool, with_justification: bool) -> list[float]:
    """Column widths (points) within the portrait frame: text columns wide, value columns narrow."""
    total = A4[0] - 2 * MARGIN
    fixed = [78.0] if with_measure else []
    fixed.append(118.0)
    values = count - len(fixed) - (1 if with_justification else 0)
    justification = 110.0 if with_justification else 0.0
    value_width = (total - sum(fixed) - justification) / max(values, 1)
    return fixed + [value_width] * values + ([justification] if with_justification else [])


# --- budget tables without rules -----------------------------------------------------------------------------------


def budget_lines(ctx: TwinContext, start: int, end: int) -> tuple[int, int] | None:
    """The lines of a 5.1/5.2 section that its table spans: first non-empty line to the last with an amount."""
    amounts = [t.line for t in tokens(ctx.doc, start, end) if t.amount is not None]
    if not amounts:
        return None
    first = next(n for n in range(start, end + 1) if ctx.line(n).strip())
    return first, max(amounts)


def header_lines(ctx: TwinContext, pieces: list) -> set[int]:
    """The lines of a budget table's header: the text-only lines before its first amount, up to the last one
    that names a year (all of them if none does), stopping at a label ending with a colon."""
    first_amount = next(t.line for t in pieces if t.amount is not None)
    leading = sorted({t.line for t in pieces if t.line < first_amount})
    prefix = []
    for number in leading:
        if ctx.line(number).rstrip().endswith(":"):
            break
        prefix.append(number)
    with_year = [n for n in prefix if YEAR.search(ctx.line(n))]
    return set(prefix[: prefix.index(with_year[-1]) + 1] if with_year else prefix)


def header_pieces(text: str) -> list[str]:
    """A budget header line cut into its columns' titles: a new column at each share or stage named.

    >>> header_pieces("Part Etat Part Département")
    ['Part Etat', 'Part Département']
    >>> header_pieces("Engagé en 2022 Engagé en")
    ['Engagé en 2022', 'Engagé en']
    >>> header_pieces("2022")
    ['2022']
    """
    starts = sorted({0} | {m.start() for m in BUDGET_COLUMN_START.finditer(text)})
    pieces = [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)])]
    return [piece for piece in pieces if piece]


def amount_column(ctx: TwinContext, line: int, texts: list[str]) -> int:
    """The column a line holding only amounts starts in: 1, or 2 for a lone amount the text route
    gives to the Département (printed under the second column, as the sheet's table has it)."""
    if len(texts) != 1:
        return 1
    budgets = ctx.report.tables["budgets"]
    payers = set(budgets.loc[budgets["source_line"] == line, "financeur"])
    return 2 if payers == {"departement"} else 1


def budget_table(ctx: TwinContext, start: int, end: int) -> tuple[list, list[TableTruth]]:
    """A budget table without rules: one row per text line, its label then its amounts, left to right.

    Lines before the first amount are the header: printed over the amount columns.
    """
    pieces = tokens(ctx.doc, start, end)
    lines: dict[int, list] = {}
    for piece in pieces:
        lines.setdefault(piece.line, []).append(piece)
    header = header_lines(ctx, pieces)
    printed: list[list[str]] = []
    header_rows = 0
    for number in sorted(lines):
        texts = [piece.text for piece in lines[number]]
        if number in header:
            printed.append([""] + header_pieces(" ".join(texts)))
            header_rows += 1
        elif lines[number][0].amount is not None:
            printed.append([""] * amount_column(ctx, number, texts) + texts)
        else:
            printed.append(texts)
    width = max(2, *(len(row) for row in printed))
    printed = [row + [""] * (width - len(row)) for row in printed]
    style_name = ctx.styles["cell"]
    total = A4[0] - 2 * MARGIN
    widths = [total * 0.45] + [total * 0.55 / (width - 1)] * (width - 1)
    data = [[cell(text, style_name, column) for text, column in zip(row, widths)] for row in printed]
    table = TruthTable(data, colWidths=widths, repeatRows=header_rows)
    style: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    table.setStyle(style)
    truth = TableTruth("budget", 0, printed, line=start, end=end)
    table.truth = truth
    return [Spacer(1, 4), table, Spacer(1, 6)], [truth]


# --- the whole report ------------------------------------------------------------------------------------------------


def table_blocks(ctx: TwinContext) -> list[Block]:
    """Every table of the sheets: (first line, last line, what renders it), in text order."""
    blocks: list[Block] = []
    for region in table_regions(ctx.doc, ctx.report.outline):
        blocks.append((region.header.start, region.body_end, partial(indicator_table, ctx, region)))
    for action in ctx.report.outline.actions:
        sections = budget_sections(ctx.doc, action)
        for section in (sections.planned, sections.executed):
            span = budget_lines(ctx, *section) if section else None
            if span is not None:
                blocks.append((span[0], span[1], partial(budget_table, ctx, *span)))
    blocks.sort(key=lambda block: block[0])
    kept: list[Block] = []
    for block in blocks:
        if kept and block[0] <= kept[-1][1]:
            continue  # an overlap: the earlier table wins, the other's lines are inside it
        kept.append(block)
    return kept


def body_flowables(ctx: TwinContext) -> tuple[list, list[TableTruth]]:
    """Lines 1 to the annexes' start: prose and the sheets' tables; each action sheet on a new page."""
    annex_start = ctx.report.outline.annex_start
    sheet_starts = {action.start for action in ctx.report.outline.actions}
    blocks = table_blocks(ctx)
    footers = {line for line, _ in footer_anchors(ctx.doc, annex_start - 1, [(a, b) for a, b, _ in blocks])}
    story: list = []
    truths: list[TableTruth] = []
    line = 1

    def prose(first: int, last: int) -> None:
        for number in range(first, last + 1):
            if number in sheet_starts and story:
                story.append(PageBreak())
            if number not in footers:  # the text's page numbers: the twin prints its own in the footers
                story.extend(prose_flowables(ctx, number, number))

    for first, last, render in blocks:
        if first >= annex_start:
            break
        prose(line, first - 1)
        flowables, printed = render()
        story.extend(flowables)
        truths.extend(printed)
        line = last + 1
    prose(line, annex_start - 1)
    return story, truths


def render_twin(text: str, out: Path) -> Twin:
    """Render ``text`` (a report's text) into the PDF ``out``; its truth is what the PDF route must give back."""
    doc = document_from_text(text)
    report = parse_document(doc)
    ctx = TwinContext(report=report, doc=doc, styles=twin_styles())
    story, truths = body_flowables(ctx)
    annex_start = report.outline.annex_start
    if annex_start <= len(doc.lines):
        annex_story, annex_truths = annex_flowables(ctx, annex_start, len(doc.lines))
        story += [PageBreak(), *annex_story]
        truths += annex_truths
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    template = BaseDocTemplate(str(out), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                               bottomMargin=MARGIN, title=running_title(report), author="calpae tests",
                               pageTemplates=page_templates(running_title(report)), invariant=1)
    template.build(story)
    return Twin(path=out, truth=truths, indicators=gathered(truths, "indicators", empty_indicators()),
                annex4=gathered(truths, "annex4", empty_annex4()), pages=template.page)


def gathered(truths: list[TableTruth], kind: str, empty: pd.DataFrame) -> pd.DataFrame:
    """The records of every table of one kind, in print order."""
    frames = [t.records for t in truths if t.kind == kind and t.records is not None and len(t.records)]
    return pd.concat(frames, ignore_index=True) if frames else empty
