"""The annexes of a twin: the annex budget tables, Annexe 4 and the prose between them.

From ``outline.annex_start`` to the end, a département's word processor prints:

* each annex budget table (:mod:`calpae_lib.tables.annex_budget`) as a ruled table on portrait
  pages: a header row (an empty cell over the labels, then the two amount columns' titles),
  the volet's title on a row of its own spanning the three columns, then one row per printed
  line (label, avenant, engagé); the header is repeated on a continued page;
* Annexe 4 (:mod:`calpae_lib.tables.annex4`) on landscape pages: its title, then one ruled
  table per run of text pages printing the same columns. Columns: the axis (« 1. Enfants et
  jeunes ») and the measure (« 1.1. … »), each merged over its rows, under one header cell
  « Mesures » spanning both; the indicator, its definition, one column per value column of the
  report, the comment. A body row is the report's indicator row; the header is repeated on
  each continued page, and a label merged over rows that run onto the next page is continued
  there as an empty merged cell (as a word processor splits a merged cell);
* every other line as a paragraph of its own.

The truth of each table is what it printed (:class:`~tests.pdf_twins.model.TableTruth`). Where
the text route left an Annexe 4 cell without a column (status ``ambiguous``), the twin prints it
in the first column the text route allowed (:func:`place_cells`) and lists it in
``TableTruth.placed``; :func:`annex4_frame` gives the records the PDF route must give back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import NextPageTemplate, PageBreak, Paragraph, Spacer, Table

from calpae_lib.tables.annex4 import LABEL_START, PageRows, printed_label, read_pages
from calpae_lib.tables.annex_budget import AnnexRow, AnnexTable
from calpae_lib.template.indicators import ANNEX4_HEADER_START, ANNEX4_TITLE
from calpae_lib.text.numbers import find_amounts
from tests.pdf_twins.flowables import TruthTable, cell, prose_flowables
from tests.pdf_twins.model import ANNEX4_COLUMNS, TableTruth, TwinContext, empty_annex4

#: How many Annexe 4 columns hold labels merged over their rows (axis, measure).
LABEL_COLUMNS = 2
#: Share of the line given to Annexe 4's columns: axis, measure, indicator, definition, then each
#: value column; the comment takes the rest. A column narrower than its longest word is widened
#: (:func:`fit_widths`): the twin never cuts a word.
ANNEX4_SHARES = (0.07, 0.09, 0.13, 0.12)
VALUE_SHARE = 0.055
RULE = 0.5
#: Annexe 4's cell padding, left and right (points).
PADDING = 2
HEADER_BACKGROUND = colors.Color(0.85, 0.85, 0.85)
TOTAL_BACKGROUND = colors.Color(0.93, 0.93, 0.93)


# --- the whole annex ---------------------------------------------------------------------------


#: What a stretch of the annexes' lines prints: an annex budget table, Annexe 4 (its pages as
#: :func:`read_pages` reads them) or prose (``None``).
Printed = AnnexTable | list[PageRows] | None


def annex_flowables(ctx: TwinContext, start: int, end: int) -> tuple[list, list[TableTruth]]:
    """The flowables printing lines ``start`` to ``end`` (inclusive, 1-based) and the tables they print."""
    flowables: list = []
    truths: list[TableTruth] = []
    for first, last, item in annex_segments(ctx, start, end):
        if isinstance(item, AnnexTable):
            table, truth = budget_table(ctx, item)
            flowables += [Spacer(1, 6), table, Spacer(1, 6)]
            truths.append(truth)
        elif item:
            printed, found = annex4_flowables(ctx, item, first, last)
            flowables += printed
            truths += found
        else:
            flowables += prose_flowables(ctx, first, last)
    return flowables, truths


def annex_segments(ctx: TwinContext, start: int, end: int) -> list[tuple[int, int, Printed]]:
    """``(first, last, printed)`` covering lines ``start``..``end`` in order: each annex budget table,
    Annexe 4, and the prose between them."""
    blocks: list[tuple[int, int, Printed]] = []
    for table in ctx.report.annex:
        if start <= table.header_line <= end:
            blocks.append((table.header_line, budget_last_line(table), table))
    pages = read_pages(ctx.doc)
    if pages:
        first, last = annex4_bounds(ctx, pages)
        if start <= first <= end:
            blocks.append((first, last, pages))
    segments: list[tuple[int, int, Printed]] = []
    line = start
    for first, last, item in sorted(blocks, key=lambda block: block[0]):
        if first > line:
            segments.append((line, first - 1, None))
        segments.append((first, min(last, end), item))
        line = max(line, last + 1)
    if line <= end:
        segments.append((line, end, None))
    return segments


def small_style(ctx: TwinContext, name: str, size: float, **more) -> ParagraphStyle:
    """A paragraph style of ``size`` points in the twin's body font."""
    parent = ctx.styles["cell"] if "cell" in ctx.styles else ctx.styles["Normal"]
    return ParagraphStyle(name, parent=parent, fontSize=size, leading=size * 1.2,
                          spaceBefore=0, spaceAfter=0, **more)


# --- the annex budget tables -------------------------------------------------------------------


def budget_last_line(table: AnnexTable) -> int:
    """The last line the table prints (its total, or its title when printed after it)."""
    return max([row.source_line for row in table.rows] + [table.title_line or 0])


def header_cells(text: str) -> list[str]:
    """The two amount columns' titles of an annex table header, as printed side by side.

    >>> header_cells("Montant avenant  Montant engagé/réalisé en 2022")
    ['Montant avenant', 'Montant engagé/réalisé en 2022']
    >>> header_cells("Montant avenant Montant engagé en 2023")
    ['Montant avenant', 'Montant engagé en 2023']
    """
    parts = [part for part in re.split(r"\s{2,}", text.strip()) if part]
    if len(parts) == 2:
        return parts
    words = text.split()
    return [" ".join(words[:2]), " ".join(words[2:])]


def amount_cells(ctx: TwinContext, row: AnnexRow) -> list[str]:
    """The two amounts of an annex line as printed (« 1 320 000 € »)."""
    return [amount.text for amount in find_amounts(ctx.line(row.source_line))]


def budget_table(ctx: TwinContext, annex: AnnexTable) -> tuple[Table, TableTruth]:
    """One annex budget table, ruled, its header repeated on continued pages, and its truth."""
    header = ["", *header_cells(ctx.line(annex.header_line))]
    rows = [header]
    if annex.title_line:
        rows.append([" ".join(ctx.line(annex.title_line).split()), "", ""])
    for row in annex.rows:
        rows.append([row.label, *amount_cells(ctx, row)])
    label = small_style(ctx, "annex-label", 8)
    amount = small_style(ctx, "annex-amount", 8, alignment=TA_RIGHT)
    centred = small_style(ctx, "annex-head", 8, alignment=TA_CENTER)
    data = [[cell(text, centred) for text in header]]
    data += [[cell(text, centred if annex.title_line and index == 0 else label if column == 0 else amount)
              for column, text in enumerate(cells)] for index, cells in enumerate(rows[1:])]
    commands = [("GRID", (0, 0), (-1, -1), RULE, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND)]
    if annex.title_line:
        commands += [("SPAN", (0, 1), (-1, 1)), ("BACKGROUND", (0, 1), (-1, 1), TOTAL_BACKGROUND)]
    offset = len(rows) - len(annex.rows)
    for index, row in enumerate(annex.rows):
        if row.row_kind not in ("action", "etat", "departement"):
            commands.append(("BACKGROUND", (0, index + offset), (-1, index + offset), TOTAL_BACKGROUND))
    table = TruthTable(data, colWidths=["56%", "22%", "22%"], repeatRows=1, style=commands)
    table.truth = TableTruth("annex_budget", 0, rows, line=annex.header_line, end=budget_last_line(annex))
    return table, table.truth


# --- Annexe 4 ------------------------------------------------------------------------------------


def annex4_bounds(ctx: TwinContext, pages: list[PageRows]) -> tuple[int, int]:
    """The first line of Annexe 4 (its first header) and its last (the last page mark)."""
    return page_header_line(ctx, pages[0]), pages[-1].page.labels[1] + 1


def page_header_line(ctx: TwinContext, page: PageRows) -> int:
    """The line opening a page's header (« Mesures Indicateurs … »)."""
    first = page.page.columns[0].source_line
    return max(n for n, text in ctx.doc.numbered(1, first) if ANNEX4_HEADER_START.match(text))


def place_cells(columns: list[int | None], width: int) -> list[int]:
    """The column of each of a row's cells in printed order: the text route's where it gave one,
    else the first column after the previous cell's (the first placement keeping the order).

    >>> place_cells([None, None, None, None], 7)
    [1, 2, 3, 4]
    >>> place_cells([None, 5, None], 7)
    [1, 5, 6]
    """
    placed, previous = [], 0
    for column in columns:
        previous = column if column is not None else previous + 1
        placed.append(previous)
    if placed and placed[-1] > width:
        raise ValueError(f"{len(columns)} cellules pour {width} colonnes : {columns}")
    return placed


@dataclass
class Annex4Row:
    """An indicator row of Annexe 4 as the twin prints it (labels filled down, cells by column)."""

    axis: str
    measure: str
    indicator: str
    definition: str
    cells: dict[int, str]
    comment: str  # its printed lines, as the report breaks them, joined by "\n"
    placed: list[int]
    records: list[dict]

    def texts(self, width: int) -> list[str]:
        return [self.axis, self.measure, self.indicator, self.definition,
                *[self.cells.get(position, "") for position in range(1, width + 1)], self.comment]


def axis_labels(ctx: TwinContext, pages: list[PageRows]) -> dict[str, str]:
    """The axes' printed labels by number (« 1 » → « 1. Enfants et jeunes »)."""
    return {label.number: printed_label(label, ctx.doc)
            for page in pages for label in page.labels if "." not in label.number}


def axis_of(measure: str, axes: dict[str, str]) -> str:
    """The printed label of the axis a measure belongs to (« 3.2. … » → axis « 3 »), "" if none."""
    match = LABEL_START.match(measure)
    return axes.get(match.group("number").split(".")[0], "") if match else ""


def annex4_rows(page: PageRows, axes: dict[str, str], by_row: dict[int, pd.DataFrame]) -> list[Annex4Row]:
    """The rows one text page of Annexe 4 prints, their cells placed in columns (``by_row``: the text
    route's cells, table ``annex4``, by the line of their row's indicator)."""
    columns = {column.position: column for column in page.page.columns}
    rows = []
    for raw in page.rows:
        group = by_row.get(raw.line)
        records = [] if group is None else group.to_dict("records")
        measure = records[0]["measure"] if records else ""
        known = [None if pd.isna(r["column"]) else int(r["column"]) for r in records]
        positions = place_cells(known, len(columns))
        printed, truth = {}, []
        for record, position in zip(records, positions):
            printed[position] = record["raw"]
            truth.append({"label": record["indicator"], "period": columns[position].period,
                          "kind": columns[position].kind, "raw": record["raw"]})
        placed = [p for p, k in zip(positions, known) if k is None]
        rows.append(Annex4Row(axis_of(measure, axes), measure, raw.indicator, " ".join(raw.definition),
                              printed, "\n".join(raw.comment), placed, truth))
    return rows


def page_headers(ctx: TwinContext, page: PageRows) -> list[str]:
    """A page's header cells: « Mesures » (over the two label columns), indicator, definition,
    each value column's title, comment."""
    words = ctx.line(page_header_line(ctx, page)).split()
    comment = ctx.line(page.page.body[0] - 1).strip()
    return [words[0], "", words[1], " ".join(words[2:]), *[c.header for c in page.page.columns], comment]


def annex4_flowables(ctx: TwinContext, pages: list[PageRows], first: int, last: int) -> tuple[list, list[TableTruth]]:
    """Annexe 4 on landscape pages: its title, its tables (one per run of pages printing the same
    columns), then back to portrait."""
    title = next((" ".join(text.split()) for _, text in ctx.doc.numbered(first, last) if ANNEX4_TITLE.search(text)),
                 "")
    flowables: list = [NextPageTemplate(ctx.landscape), PageBreak()]
    if title:
        flowables += [Paragraph(escape(title), ctx.styles["Heading2"]), Spacer(1, 4)]
    axes = axis_labels(ctx, pages)
    by_row = dict(list(ctx.report.tables["annex4"].groupby("indicator_line", sort=False)))
    truths: list[TableTruth] = []
    for header, run in same_header_runs(ctx, pages):
        rows = [row for page in run for row in annex4_rows(page, axes, by_row)]
        table, truth = annex4_table(ctx, header, rows, (page_header_line(ctx, run[0]), run[-1].page.labels[1] + 1))
        flowables += [table, Spacer(1, 8)]
        truths.append(truth)
    flowables += [NextPageTemplate(ctx.portrait), PageBreak()]
    return flowables, truths


def same_header_runs(ctx: TwinContext, pages: list[PageRows]) -> list[tuple[list[str], list[PageRows]]]:
    """Consecutive text pages printing the same header, grouped: each group is one printed table."""
    runs: list[tuple[list[str], list[PageRows]]] = []
    for page in pages:
        header = page_headers(ctx, page)
        if runs and runs[-1][0] == header:
            runs[-1][1].append(page)
        else:
            runs.append((header, [page]))
    return runs


def column_shares(values: int) -> list[float]:
    """Annexe 4's column widths as shares of the frame's width, for ``values`` value columns.

    >>> [round(share, 3) for share in column_shares(2)]
    [0.07, 0.09, 0.13, 0.12, 0.055, 0.055, 0.48]
    """
    comment = 1 - sum(ANNEX4_SHARES) - VALUE_SHARE * values
    return [*ANNEX4_SHARES, *[VALUE_SHARE] * values, comment]


def longest_words(columns: list[list[str]], styles: list[ParagraphStyle], padding: float) -> list[float]:
    """The width each column needs for its longest word (``styles``: each column's), padding included."""
    return [max((stringWidth(word, style.fontName, style.fontSize) for text in texts for word in text.split()),
                default=0.0) + padding for texts, style in zip(columns, styles)]


def fit_widths(shares: list[float], minimums: list[float], available: float) -> list[float]:
    """Column widths (points): ``shares`` of ``available``, each widened to its minimum, what that takes
    given back by the columns wider than theirs, in proportion to their room.

    >>> fit_widths([0.5, 0.25, 0.25], [0, 40, 0], 100)
    [40.0, 40.0, 20.0]
    """
    widths = [share * available for share in shares]
    lacking = sum(max(0.0, low - width) for low, width in zip(minimums, widths))
    room = sum(max(0.0, width - low) for low, width in zip(minimums, widths))
    if not lacking or room <= lacking:
        return widths
    return [float(low) if width <= low else width - (width - low) * lacking / room
            for low, width in zip(minimums, widths)]


def annex4_table(ctx: TwinContext, header: list[str], rows: list[Annex4Row],
                 lines: tuple[int, int]) -> tuple[Table, TableTruth]:
    """One Annexe 4 table and its truth (``lines``: the first and last text lines it prints): labels in
    the first row of their merged cells, the records (columns :data:`ANNEX4_COLUMNS`) one per value
    cell, ``label`` the indicator's text, ``period`` and ``kind`` those of the column the cell is
    printed in, ``raw`` the cell as printed."""
    width = len(header) - 5  # axis, measure, indicator, definition … comment
    body = [row.texts(width) for row in rows]
    text = small_style(ctx, "annex4-text", 6.5)
    value = small_style(ctx, "annex4-value", 6.5, alignment=TA_CENTER)
    head = small_style(ctx, "annex4-head", 6.5, alignment=TA_CENTER)

    def style_of(column: int, is_header: bool) -> ParagraphStyle:
        return head if is_header else value if 4 <= column < 4 + width else text

    def render(printed: str, column: int, is_header: bool) -> Paragraph:
        return cell(printed, style_of(column, is_header))

    columns = list(zip(*([header] + body)))
    minimums = [max(a, b) for a, b in zip(longest_words([[t] for t in header], [head] * len(header), PADDING * 2),
                                          longest_words([list(c[1:]) for c in columns],
                                                        [style_of(c, False) for c in range(len(header))],
                                                        PADDING * 2))]
    table = MergedLabelTable(header, body, LABEL_COLUMNS, render, column_shares(width), minimums)
    printed = [header] + [[text if r == start else "" for text, start in zip(cells[:LABEL_COLUMNS], starts)]
                          + cells[LABEL_COLUMNS:-1] + [" ".join(cells[-1].split())]
                          for r, (cells, starts) in enumerate(zip(body, run_starts(body)))]
    placed = [(index + 1, 3 + position) for index, row in enumerate(rows) for position in row.placed]
    records = pd.DataFrame([r for row in rows for r in row.records], columns=list(ANNEX4_COLUMNS))
    table.truth = TableTruth("annex4", 0, printed, placed, line=lines[0], end=lines[1], records=records)
    return table, table.truth


def run_starts(body: list[list[str]], labels: int = LABEL_COLUMNS) -> list[list[int]]:
    """For each row and label column, the first row of the merged cell it belongs to: a run of
    rows printing the same labels up to that column (an empty label merges nothing).

    >>> run_starts([["a", "x"], ["a", "x"], ["a", "y"], ["b", "y"], ["", ""], ["", ""]])
    [[0, 0], [0, 0], [0, 2], [3, 3], [4, 4], [5, 5]]
    """
    starts: list[list[int]] = []
    for r, row in enumerate(body):
        mine = []
        for c in range(labels):
            same = r > 0 and row[c] != "" and body[r - 1][:c + 1] == row[:c + 1]
            mine.append(starts[r - 1][c] if same else r)
        starts.append(mine)
    return starts


class MergedLabelTable(TruthTable):
    """A ruled table whose first ``labels`` columns hold labels merged over their rows, its header
    row repeated on continued pages. It splits between any two body rows: a merged label running
    onto the next page is continued there as an empty merged cell (``carried``: the label columns
    whose first merged cell continues one of the previous page). Its columns take ``shares`` of the
    frame's width, each at least its ``minimums`` (:func:`fit_widths`)."""

    def __init__(self, header: list[str], body: list[list[str]], labels: int, render, shares: list[float],
                 minimums: list[float] | None = None, carried: frozenset[int] = frozenset()):
        self.header_texts, self.body_texts, self.labels = header, body, labels
        self.render, self.shares, self.carried = render, shares, carried
        self.minimums = minimums or [0.0] * len(shares)
        starts = run_starts(body, labels)
        data = [[render(text, c, True) for c, text in enumerate(header)]]
        for r, row in enumerate(body):
            data.append([render(text if c >= labels or (starts[r][c] == r and not (r == 0 and c in carried)) else "",
                                c, False) for c, text in enumerate(row)])
        commands = [("GRID", (0, 0), (-1, -1), RULE, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                    ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING)]
        if labels > 1 and all(not text for text in header[1:labels]):
            commands.append(("SPAN", (0, 0), (labels - 1, 0)))
        for c in range(labels):
            r = 0
            while r < len(body):
                end = r
                while end + 1 < len(body) and starts[end + 1][c] == r:
                    end += 1
                if end > r:
                    commands.append(("SPAN", (c, r + 1), (c, end + 1)))
                r = end + 1
        super().__init__(data, colWidths=[f"{share * 100:.4f}%" for share in shares], repeatRows=1,
                         style=commands)

    def fit(self, available: float) -> None:
        """Fix the columns' widths in points for a frame ``available`` wide (before the first layout)."""
        if not getattr(self, "_width_calculated_once", None):
            self._argW = self._colWidths = fit_widths(self.shares, self.minimums, available)

    def wrap(self, availWidth, availHeight):
        self.fit(availWidth)
        return super().wrap(availWidth, availHeight)

    def part(self, body: list[list[str]], carried: frozenset[int]) -> MergedLabelTable:
        part = MergedLabelTable(self.header_texts, body, self.labels, self.render, self.shares, self.minimums,
                                carried)
        part.truth = self.truth
        return part

    def split(self, availWidth, availHeight):
        self.fit(availWidth)
        self._calc(availWidth, availHeight)
        heights = self._rowHeights
        used, n = heights[0], 1
        while n < len(heights) and used + heights[n] <= availHeight:
            used += heights[n]
            n += 1
        if n == len(heights):
            return [self]
        if n == 1:
            return []
        cut = n - 1
        before, after = self.body_texts[:cut], self.body_texts[cut:]
        carried = frozenset(c for c in range(self.labels)
                            if after[0][c] and before[-1][:c + 1] == after[0][:c + 1])
        return [self.part(before, self.carried), self.part(after, carried)]


def annex4_frame(truths: list[TableTruth]) -> pd.DataFrame:
    """The Annexe 4 records the PDF route must give back (:attr:`Twin.annex4`), from the tables
    :func:`annex_flowables` printed."""
    frames = [truth.records for truth in truths if truth.kind == "annex4" and truth.records is not None]
    if not frames:
        return empty_annex4()
    return pd.concat(frames, ignore_index=True)
