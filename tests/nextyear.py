"""A seeded generator of next-year reports made from the bundled one, each with what it must yield.

A variant is the bundled report's lines edited the way another year's report
of the same template differs: every year moved, the amounts of the budget
sheets with other digit counts (some 5.2 lines then open with a small number,
"6 500 €"), page breaks moved into indicator tables (a page number, sometimes
the table's header printed again), a justification printed after a row's
values, an action removed and one added, an axis III.

What a variant must yield is known by construction, never by running the
parser on it: the generator knows each amount it printed and on which
action's sheet, which lines it inserted (and so where every original line
went) and which text it put where. Indicator cells are compared with the
bundled report's own reading, moved line by line (:func:`line_map`): a cell
read ``ok`` in the variant must be the cell the bundled report reads at that
original line (same column, same value), else it is *wrong*.

The generator knows the template (its headings, its section numbers): it is
a test tool, allowed to remember what the parser must read.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .variants import shift_years

#: Body headings of the volets and axes of the template (the generator's own knowledge).
VOLET_BODY = (("socle", re.compile(r"^\s*MESURES DU SOCLE\s*$")),
              ("initiative", re.compile(r"^\s*MESURES A L.INITIATIVE DU DEPARTEMENT\s*$")),
              ("erbm", re.compile(r"^\s*VOLET ENGAGEMENT POUR LE RENOUVEAU DU BASSIN MINIER")))
AXIS_BODY = re.compile(r"^\s*(?P<axis>[IVX]+)\.\s+[A-Z]")
ACTION_BODY = re.compile(r"^(?P<indent>\s*)ACTION (?P<number>\d+) :")
ACTION_TOC = re.compile(r"^(?P<indent>\s*)Action (?P<number>\d+) :")
LEADER = re.compile(r"(?:\.{5,}|\s\.{1,4})\s*(?P<page>\d+)\s*$")
ANNEX = re.compile(r"^\s*Montant\s+avenant\b")
PLANNED, EXECUTED = re.compile(r"^\s*5\.1\b"), re.compile(r"^\s*5\.2\b")
INDICATORS, BILAN = re.compile(r"^\s*6\.\s+Indicateurs"), re.compile(r"^\s*7\.\s+Bilan")
#: An amount in euros printed whole on one line ("110 000€", "184 217 €").
AMOUNT = re.compile(r"(?<![\d,.])(?P<digits>\d{1,3}(?: \d{3})*)(?![\d,.])(?P<sign> ?€)")
#: The first and last lines of an indicator table's header.
HEADER_FIRST = re.compile(r"^\s*Nom de la\s*$")
HEADER_LAST = re.compile(r"^\s*[ée]ch[ée]ant\)\s*$")
#: A value line of three numbers ("339 400 463"): a full row of a three-column table.
THREE_VALUES = re.compile(r"^\s*\d+ \d+ \d+\s*$")


def french(amount: int) -> str:
    """An integer with French grouping (ordinary spaces).

    >>> french(6500), french(1234567), french(12)
    ('6 500', '1 234 567', '12')
    """
    return f"{amount:,}".replace(",", " ")


@dataclass
class Sheet:
    """An action of the variant as the generator knows it: id, lines (0-based, end exclusive)."""

    action_id: str
    volet: str
    axis: str | None
    number: int
    start: int
    end: int
    toc_page: int


@dataclass
class Variant:
    """A generated report, what was done to it and what it must yield."""

    seed: int
    lines: list[str]
    origin: list[int | None]  # each line's 1-based line in the bundled report; None: inserted; 0: a page number
    offset: int = 0
    amounts: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (action, stage) -> amounts
    ids: dict[str, str] = field(default_factory=dict)  # bundled action_id -> variant action_id
    copies: dict[str, str] = field(default_factory=dict)  # added action_id -> the bundled one it copies
    justifications: list[tuple[int, str]] = field(default_factory=list)  # (bundled line of the values, text)
    events: list[str] = field(default_factory=list)
    annex4_extra: str = ""  # the period of the Annexe 4 column added (empty: none)
    running_title: str = ""  # printed at every page break the generator makes (empty: none)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line_map(self) -> dict[int, int]:
        """Variant line (1-based) -> bundled line, for the lines kept."""
        return {i + 1: o for i, o in enumerate(self.origin) if o}

    @property
    def page_numbers(self) -> list[int]:
        """1-based lines of the page numbers the generator printed."""
        return [i + 1 for i, o in enumerate(self.origin) if o == 0]

    def insert(self, index: int, new: list[str], origin: list[int | None] | None = None) -> None:
        """Lines inserted before ``index``; ``origin``: the bundled lines they copy, if any."""
        self.lines[index:index] = new
        self.origin[index:index] = origin if origin is not None else [None] * len(new)

    def delete(self, start: int, end: int) -> None:
        del self.lines[start:end]
        del self.origin[start:end]


# --- reading the template ---------------------------------------------------------------------

def body_start(lines: list[str]) -> int:
    return next(i for i, text in enumerate(lines) if VOLET_BODY[0][1].match(text) and not LEADER.search(text))


def toc_pages(lines: list[str], stop: int) -> dict[tuple, int]:
    """(volet, axis, number) -> page, from the contents."""
    pages, volet, axis, pending = {}, None, None, None
    for text in lines[:stop]:
        for key, pattern in VOLET_BODY:
            if pattern.match(without_leader(text)) and LEADER.search(text):
                volet, axis = key, None
        roman = AXIS_BODY.match(text.upper())
        if roman and LEADER.search(text):
            axis = roman.group("axis")
        action = ACTION_TOC.match(text)
        if action:
            pending = int(action.group("number"))
        leader = LEADER.search(text)
        if pending is not None and leader:
            pages[(volet, axis, pending)] = int(leader.group("page"))
            pending = None
    return pages


def without_leader(text: str) -> str:
    """A contents line without its leader and page number."""
    return LEADER.sub("", text).rstrip(" .")


def sheets(lines: list[str]) -> list[Sheet]:
    """The actions of the body with their line ranges, by the template's headings."""
    start = body_start(lines)
    annex = next(i for i in range(start, len(lines)) if ANNEX.match(lines[i]))
    pages = toc_pages(lines, start)
    found, volet, axis, open_ = [], None, None, False
    for index in range(start, annex):
        text = lines[index]
        part = False
        for key, pattern in VOLET_BODY:
            if pattern.match(text):
                volet, axis, part = key, None, True
        roman = AXIS_BODY.match(text)
        if roman and text.strip().upper() == text.strip():
            axis, part = roman.group("axis"), True
        action = ACTION_BODY.match(text)
        if (action or part) and open_:
            found[-1].end, open_ = index, False
        if action:
            number = int(action.group("number"))
            action_id = "-".join([volet] + ([axis] if axis else []) + [str(number)])
            found.append(Sheet(action_id, volet, axis, number, index, annex, pages.get((volet, axis, number), 0)))
            open_ = True
    return found


def section(lines: list[str], sheet: Sheet, pattern: re.Pattern, stop: re.Pattern | None = None):
    """``(first, last)`` 0-based line range of a section of a sheet (heading excluded), or None."""
    head = next((i for i in range(sheet.start, sheet.end) if pattern.match(lines[i])), None)
    if head is None:
        return None
    closers = [p for p in (EXECUTED, INDICATORS, BILAN) if p is not pattern and (stop is None or p is stop)]
    end = next((i for i in range(head + 1, sheet.end) if any(p.match(lines[i]) for p in closers)), sheet.end)
    return head + 1, end


# --- edits --------------------------------------------------------------------------------------

def scaled(amounts: list[int], rng: random.Random) -> list[int]:
    """The amounts of one section, all multiplied by one factor (so "dont" parts still add up)."""
    factors = [3, 7, 13, 0.01 if all(a % 100 == 0 for a in amounts) else 11]
    factor = rng.choice(factors)
    return [int(round(a * factor)) for a in amounts]


def rewrite_amounts(variant: Variant, rng: random.Random, small: bool = False) -> None:
    """Every amount of every 5.1 and 5.2 section printed anew, with its expected value recorded.

    ``small``: divide by 100 wherever the amounts allow (amounts of 4 digits, "6 500 €").
    """
    for sheet in sheets(variant.lines):
        for stage, pattern in (("prevu", PLANNED), ("engage", EXECUTED)):
            bounds = section(variant.lines, sheet, pattern)
            if bounds is None:
                continue
            found = [(i, m) for i in range(*bounds) for m in AMOUNT.finditer(variant.lines[i])]
            if not found:
                continue
            old = [int(m.group("digits").replace(" ", "")) for _, m in found]
            new = [a // 100 for a in old] if small and all(a % 100 == 0 for a in old) else scaled(old, rng)
            for (index, match), amount in sorted(zip(found, new), key=lambda p: (p[0][0], -p[0][1].start())):
                text = variant.lines[index]
                variant.lines[index] = text[:match.start()] + french(amount) + match.group("sign") + text[match.end():]
            variant.amounts[(sheet.action_id, stage)] = sorted(new)
    variant.events.append("montants réécrits" + (" (petits)" if small else ""))


def table_body(lines: list[str], sheet: Sheet) -> tuple[int, int] | None:
    """0-based range of an action's indicator table body: after its header, before section 7."""
    bounds = section(lines, sheet, INDICATORS, BILAN)
    if bounds is None:
        return None
    last = next((i for i in range(*bounds) if HEADER_LAST.match(lines[i])), None)
    return (last + 1, bounds[1]) if last is not None else None


#: A page mark of Annexe 4 ("1/2") alone on its line.
ANNEX4_PAGE_MARK = re.compile(r"^\s*\d+\s*/\s*\d+\s*$")


def indicator_table_lines(lines: list[str]) -> list[int]:
    """0-based lines of every indicator table: each sheet's section 6 (some tables print no
    "échéant)" closing their header) and each page of Annexe 4 (from its header to its page mark).
    Words renamed there leave the budget lines ("Part Etat", "Montant liquidé") alone."""
    out = [i for sheet in sheets(lines) if (body := section(lines, sheet, INDICATORS, BILAN))
           for i in range(*body)]
    for head in (i for i, text in enumerate(lines) if ANNEX4_HEADER.match(text)):
        mark = next(i for i in range(head, len(lines)) if ANNEX4_PAGE_MARK.match(lines[i]))
        out.extend(range(head + 1, mark))
    return out


def header_lines(lines: list[str], sheet: Sheet) -> list[str] | None:
    """The printed lines of a table's header, from "Nom de la" to "échéant)", or None."""
    bounds = section(lines, sheet, INDICATORS, BILAN)
    first = next((i for i in range(*bounds) if HEADER_FIRST.match(lines[i])), None)
    last = next((i for i in range(*bounds) if HEADER_LAST.match(lines[i])), None)
    return lines[first:last + 1] if first is not None and last is not None and first < last else None


def insert_page_breaks(variant: Variant, rng: random.Random, count: int, repeat_header: bool) -> None:
    """Page breaks inside ``count`` indicator tables, at a blank line: a page number, maybe the header again.

    The page number is one the action's pages may carry (its contents page or the next ones).
    """
    tables = [s for s in sheets(variant.lines) if table_body(variant.lines, s)
              and (not repeat_header or header_lines(variant.lines, s))]
    for sheet in rng.sample(tables, min(count, len(tables))):
        current = sheets(variant.lines)  # as moved by the breaks already inserted
        sheet = next(s for s in current if s.action_id == sheet.action_id)
        start, end = table_body(variant.lines, sheet)
        blanks = [i for i in range(start + 2, end - 1) if not variant.lines[i].strip()]
        if not blanks:
            continue
        at = rng.choice(blanks)
        low, high = page_range(current, sheet)
        page = rng.randint(low, min(high, low + 2))
        block = ["", " ", f"{page} ", "", " "] + ([variant.running_title, ""] if variant.running_title else [])
        if repeat_header:
            block += header_lines(variant.lines, sheet) + [""]
        variant.insert(at, block, [None, None, 0] + [None] * (len(block) - 3))
        variant.events.append(f"saut de page dans {sheet.action_id}" + (" avec en-tête" if repeat_header else ""))


#: Short justifications without a verb: they read like a measure's name (each used once in a variant).
JUSTIFICATIONS = ("Baisse liée au départ d'un prestataire", "Hausse due à la reprise de l'activité",
                  "Objectif revu avec les partenaires locaux", "Chiffres provisoires au 31 décembre",
                  "Données partielles du prestataire", "Effet de la fermeture estivale")


def add_running_titles(variant: Variant, rng: random.Random, count: int) -> None:
    """A running title printed at ``count`` page breaks of the sheets' texts (section 7), and from
    now on at every page break the generator makes."""
    variant.running_title = f"Rapport d'exécution {2022 + variant.offset} de la convention "
    places = []
    for sheet in sheets(variant.lines):
        bounds = section(variant.lines, sheet, BILAN)
        if bounds:
            places += [i for i in range(*bounds) if not variant.lines[i].strip()]
    for index in sorted(rng.sample(places, min(count, len(places))), reverse=True):
        variant.insert(index, ["", variant.running_title, ""])
    variant.events.append(f"titre courant à {count} sauts de page")


def add_justifications(variant: Variant, rng: random.Random, count: int) -> None:
    """A justification printed after a full row of three values (where a blank line follows them:
    text printed right under a row's cells is in the row's band, a justification would be there)."""
    candidates = []
    for sheet in sheets(variant.lines):
        body = table_body(variant.lines, sheet)
        if body:
            candidates += [i for i in range(*body) if THREE_VALUES.match(variant.lines[i])
                           and variant.origin[i] is not None and not variant.lines[i + 1].strip()]
    texts = rng.sample(JUSTIFICATIONS, count)
    for index, text in zip(sorted(rng.sample(candidates, min(count, len(candidates))), reverse=True), texts):
        variant.insert(index + 1, ["", text + " "])  # after a blank line, as the report prints them
        variant.justifications.append((variant.origin[index], text))
    variant.events.append(f"{count} justifications après les valeurs")


def renumber(variant: Variant, volet: str, axis: str | None, after: int, step: int) -> None:
    """Actions of one volet/axis numbered above ``after`` moved by ``step``, in the body and the contents."""
    for sheet in sheets(variant.lines):
        if sheet.volet == volet and sheet.axis == axis and sheet.number > after:
            text = variant.lines[sheet.start]
            variant.lines[sheet.start] = text.replace(f"ACTION {sheet.number} :", f"ACTION {sheet.number + step} :", 1)
            variant.ids[sheet.action_id] = sheet.action_id.rsplit("-", 1)[0] + f"-{sheet.number + step}"
    for index in toc_range(variant.lines, volet, axis):
        match = ACTION_TOC.match(variant.lines[index])
        if match and int(match.group("number")) > after:
            n = int(match.group("number"))
            variant.lines[index] = variant.lines[index].replace(f"Action {n} :", f"Action {n + step} :", 1)


def toc_range(lines: list[str], volet: str, axis: str | None) -> range:
    """0-based lines of the contents under a volet (and axis)."""
    stop = body_start(lines)
    heads = []
    for i in range(stop):
        upper = without_leader(lines[i])
        for key, pattern in VOLET_BODY:
            if pattern.match(upper) and LEADER.search(lines[i]):
                heads.append((i, key, None))
        roman = AXIS_BODY.match(lines[i].upper())
        if roman and LEADER.search(lines[i]):
            heads.append((i, heads[-1][1], roman.group("axis")))
    for n, (i, key, ax) in enumerate(heads):
        if key == volet and ax == axis:
            end = heads[n + 1][0] if n + 1 < len(heads) else stop
            return range(i + 1, end)
    raise AssertionError(f"{volet} {axis} not in the contents")


def toc_entry_lines(lines: list[str], volet: str, axis: str | None, number: int) -> tuple[int, int]:
    """0-based (first, end) of an action's contents entry (wrapped lines included)."""
    rng_ = toc_range(lines, volet, axis)
    first = next(i for i in rng_ if (m := ACTION_TOC.match(lines[i])) and int(m.group("number")) == number)
    last = next(i for i in range(first, rng_.stop) if LEADER.search(lines[i]))
    return first, last + 1


def remove_action(variant: Variant, action_id: str) -> None:
    """An action taken out of the body and the contents; the next ones renumbered."""
    sheet = next(s for s in sheets(variant.lines) if s.action_id == action_id)
    first, end = toc_entry_lines(variant.lines, sheet.volet, sheet.axis, sheet.number)
    variant.delete(sheet.start, sheet.end)
    variant.delete(first, end)
    variant.ids[action_id] = ""
    renumber(variant, sheet.volet, sheet.axis, sheet.number, -1)
    variant.events.append(f"action {action_id} retirée")


def add_action(variant: Variant, source_id: str, volet: str, axis: str | None) -> str:
    """A copy of an action's sheet appended to a volet (and axis) as its next action."""
    all_sheets = sheets(variant.lines)
    current = variant.ids.get(source_id, source_id)  # source_id is the bundled report's id
    source = next(s for s in all_sheets if s.action_id == current)
    last = [s for s in all_sheets if s.volet == volet and s.axis == axis][-1]
    number = last.number + 1
    page = page_range(all_sheets, all_sheets[-1])[1] + 1  # the new sheet comes last
    block = move_printed_pages(variant.lines, all_sheets, source, page - source.toc_page)
    block[0] = ACTION_BODY.sub(lambda m: f"{m.group('indent')}ACTION {number} :", block[0], count=1)
    first, end = toc_entry_lines(variant.lines, source.volet, source.axis, source.number)
    entry = list(variant.lines[first:end])
    entry[0] = ACTION_TOC.sub(lambda m: f"{m.group('indent')}Action {number} :", entry[0], count=1)
    entry[-1] = move_page(entry[-1], page - source.toc_page)
    variant.insert(last.end, block, variant.origin[source.start:source.end])
    _, toc_end = toc_entry_lines(variant.lines, last.volet, last.axis, last.number)
    variant.insert(toc_end, [""] + entry)
    new_id = "-".join([volet] + ([axis] if axis else []) + [str(number)])
    variant.copies[new_id] = source_id
    variant.events.append(f"action {new_id} ajoutée (copie de {source_id})")
    return new_id


LONE_INTEGER = re.compile(r"^(?P<before>\s*)(?P<number>\d{1,3})(?P<after>\s*)$")


def page_range(all_sheets: list[Sheet], sheet: Sheet) -> tuple[int, int]:
    """The pages a sheet runs over by the contents: its page to the next sheet's (the last: ten more)."""
    later = [s.toc_page for s in all_sheets if s.start > sheet.start]
    return sheet.toc_page, (later[0] if later else sheet.toc_page + 10)


def move_printed_pages(lines: list[str], all_sheets: list[Sheet], sheet: Sheet, delta: int,
                       start: int | None = None, end: int | None = None) -> list[str]:
    """A sheet's lines (or ``start:end`` of them) with every lone integer that may be a page number
    of the sheet moved by ``delta``: pages move together with the contents that announce them."""
    low, high = page_range(all_sheets, sheet)
    out = []
    for text in lines[sheet.start if start is None else start:sheet.end if end is None else end]:
        match = LONE_INTEGER.match(text)
        if match and low <= int(match.group("number")) <= high:
            text = f"{match.group('before')}{int(match.group('number')) + delta}{match.group('after')}"
        out.append(text)
    return out


def move_page(text: str, delta: int) -> str:
    """A contents line with its page number moved by ``delta`` (other lines unchanged)."""
    return LEADER.sub(lambda m: m.group(0).replace(m.group("page"), str(int(m.group("page")) + delta)), text)


def add_axis_to(variant: Variant, numeral: str, title: str, copies: int, in_contents: bool = True) -> list[str]:
    """A new axis at the end of the socle holding copies of the socle II's first sheets with a budget."""
    all_sheets = sheets(variant.lines)
    sources = [s for s in all_sheets if s.axis == "II" and s.number in (4, 14)][:copies]
    socle = [s for s in all_sheets if s.volet == "socle"]
    socle_end = socle[-1].end
    page = page_range(all_sheets, socle[-1])[1]  # the new axis starts where the next volet did
    shift = 3 * len(sources) if in_contents else 0
    for sheet in all_sheets:  # every page after the new axis moves on
        if sheet.start > socle_end:
            variant.lines[sheet.start:sheet.end] = move_printed_pages(variant.lines, all_sheets, sheet, shift)
    body = ["", f"{numeral}. {title.upper()} ", ""]
    origin: list[int | None] = [None] * 3
    added = []
    for number, source in enumerate(sources, start=1):
        block = move_printed_pages(variant.lines, all_sheets, source, page + 3 * (number - 1) - source.toc_page)
        block[0] = ACTION_BODY.sub(lambda m, n=number: f"{m.group('indent')}ACTION {n} :", block[0], count=1)
        body += block
        origin += variant.origin[source.start:source.end]
        added.append((f"socle-{numeral}-{number}", source))
    variant.insert(socle_end, body, origin)
    if in_contents:
        toc = toc_range(variant.lines, "socle", "II")
        for index in range(toc.stop, body_start(variant.lines)):
            variant.lines[index] = move_page(variant.lines[index], shift)
        entries = [f"{numeral}. {title} ..................................................... {page} ", ""]
        for number, (_new_id, source) in enumerate(added, start=1):
            first, end = toc_entry_lines(variant.lines, "socle", "II", source.number)
            entry = list(variant.lines[first:end])
            entry[0] = ACTION_TOC.sub(lambda m, n=number: f"{m.group('indent')}Action {n} :", entry[0], count=1)
            entry[-1] = move_page(entry[-1], page + 3 * (number - 1) - source.toc_page)
            entries += entry + [""]
        variant.insert(toc.stop, entries)
    for new_id, source in added:
        variant.copies[new_id] = source.action_id
    variant.events.append(f"axe {numeral} ajouté ({len(added)} actions)")
    return [new_id for new_id, _ in added]


ANNEX4_HEADER = re.compile(r"^\s*Mesures\s+Indicateurs\b")
FIRST_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def add_annex4_column(variant: Variant) -> None:
    """Annexe 4 with one more year column, printed first on every page and left empty by every row.

    Its year is the one before the first column's; no cell may be read in it.
    """
    heads = [i for i, text in enumerate(variant.lines) if ANNEX4_HEADER.match(text)]
    for index in reversed(heads):
        year = next(int(m.group(1)) for text in variant.lines[index + 1:index + 6]
                    if (m := FIRST_YEAR.search(text)))
        variant.insert(index + 1, ["Situation au 31 ", "", f"déc. {year - 1}", ""])
        variant.annex4_extra = str(year - 1)
    variant.events.append("Annexe 4 : une colonne d'année de plus")


def fill_annex4_column(variant: Variant, first_cells: list[tuple[int, str]], value: str) -> None:
    """The column added by :func:`add_annex4_column` filled: ``value`` printed before the first cell
    of each row, given as ``(bundled line, cell as printed)`` (the bundled report's own reading)."""
    back = {origin: index for index, origin in enumerate(variant.origin) if origin}
    for origin, raw in first_cells:
        index = back[origin]
        text = variant.lines[index]
        at = re.search(rf"(?:^|(?<= )){re.escape(raw)}", text)
        assert at, (origin, raw, text)
        variant.lines[index] = f"{text[:at.start()]}{value} {text[at.start():]}"
    variant.events.append(f"Annexe 4 : colonne ajoutée remplie ({len(first_cells)} lignes)")


# --- whole variants ------------------------------------------------------------------------------

def start(text: str, seed: int = 0) -> Variant:
    lines = text.split("\n")
    return Variant(seed, lines, list(range(1, len(lines) + 1)))


def make_variant(text: str, seed: int) -> Variant:
    """One next-year report: every edit above, chosen by ``seed``."""
    rng = random.Random(seed)
    variant = start(text, seed)
    variant.offset = rng.randint(1, 4)
    variant.lines = shift_years("\n".join(variant.lines), variant.offset).split("\n")
    rewrite_amounts(variant, rng, small=seed % 2 == 0)
    removed = rng.choice([s.action_id for s in sheets(variant.lines) if s.volet == "initiative"][:-1])
    remove_action(variant, removed)
    add_action(variant, rng.choice(["socle-II-4", "socle-II-14", "initiative-8"]), "erbm", None)
    if seed % 3 == 0:
        add_axis_to(variant, "III", "Accompagner les familles vers l'emploi", copies=2)
    if seed % 2 == 1:
        add_annex4_column(variant)
    add_running_titles(variant, rng, count=6)
    add_justifications(variant, rng, count=3)
    insert_page_breaks(variant, rng, count=4, repeat_header=False)
    insert_page_breaks(variant, rng, count=3, repeat_header=True)
    return variant


# --- small helpers for single-purpose tests ---------------------------------------------------

def add_axis(text: str, numeral: str, title: str, copies: int, in_contents: bool = True) -> tuple[str, int]:
    variant = start(text)
    added = add_axis_to(variant, numeral, title, copies, in_contents)
    return variant.text, len(added)


def rename_volet(text: str, old: str, new: str) -> str:
    return text.replace(old, new)


# --- another département's report of the same template -------------------------------------------

#: What the other département prints instead of the bundled report's words (the generator's own choice).
OTHER_NAMES = (("Pas-de-Calais", "Haute-Vienne"), ("PAS-DE-CALAIS", "HAUTE-VIENNE"), ("Pas de Calais", "Haute Vienne"),
               ("Pas-De-Calais", "Haute-Vienne"))
#: Its volet headings: the initiative volet's plural and unaccented, the socle's longer.
OTHER_HEADINGS = (("MESURES A L’INITIATIVE DU DEPARTEMENT", "INITIATIVES DEPARTEMENTALES"),
                  ("MESURES DU SOCLE", "ACTIONS DU SOCLE COMMUN"))


def replace_once(variant: Variant, old: str, new: str, after: int = 0) -> int:
    """``old`` replaced by ``new`` on the first line from ``after`` that holds it; that line's index."""
    index = next(i for i in range(after, len(variant.lines)) if old in variant.lines[i])
    variant.lines[index] = variant.lines[index].replace(old, new, 1)
    return index


def delete_through(variant: Variant, first: str, last: str, after: int = 0) -> None:
    """The lines from the first holding ``first`` through the next holding ``last`` taken out."""
    start = next(i for i in range(after, len(variant.lines)) if first in variant.lines[i])
    end = next(i for i in range(start, len(variant.lines)) if last in variant.lines[i])
    variant.delete(start, end + 1)


def annex_start(lines: list[str]) -> int:
    return next(i for i in range(body_start(lines), len(lines)) if ANNEX.match(lines[i]))


def drop_volet(variant: Variant, volet: str) -> None:
    """A whole volet taken out: its contents, its sheets (up to the annex) and its annex table, the last one."""
    pattern = dict(VOLET_BODY)[volet]
    heading = next(i for i in range(body_start(variant.lines), len(variant.lines)) if pattern.match(variant.lines[i]))
    variant.delete(heading, annex_start(variant.lines))
    rng_ = toc_range(variant.lines, volet, None)
    last = max(i for i in rng_ if LEADER.search(variant.lines[i]))
    variant.delete(rng_.start - 1, last + 1)
    headers = [i for i in range(len(variant.lines)) if ANNEX.match(variant.lines[i])]
    delete_through(variant, variant.lines[headers[-1]], "Total général", after=headers[-1])
    for action_id in [a for a in variant.ids if a.startswith(volet)]:
        variant.ids[action_id] = ""
    variant.events.append(f"volet {volet} retiré")


def other_departement(text: str) -> Variant:
    """Another département's report of the same national template, made from the bundled one.

    No ERBM volet (contents, sheets, annex table, the rapport's envelope and list), the initiative
    volet's sixth action taken out (its annex lines too, the sub-totals, totals and the rapport's
    figures lowered by its amounts: 10 000 € État, 10 000 € Département), the initiative volet's
    heading « INITIATIVES DEPARTEMENTALES » (its annex table keeps « ACTION D'INITIATIVE
    DEPARTEMENTALE »), the socle's « ACTIONS DU SOCLE COMMUN », and another département's name.
    What it must yield: the bundled report's reading of the actions kept, every annex line attached.
    """
    variant = start(text)
    for sheet in sheets(variant.lines):
        variant.ids[sheet.action_id] = sheet.action_id
    drop_volet(variant, "erbm")
    remove_action(variant, "initiative-6")
    delete_through(variant, "Etude sur les bénéficiaires de plus de 5 ans dans le RSA 20 000",
                   "Contrepartie Initiative départementale 10 000", after=annex_start(variant.lines))
    table = replace_once(variant, "Sous total Part Etat 1 238 500 € 1 238 500 €",
                         "Sous total Part Etat 1 228 500 € 1 228 500 €", after=annex_start(variant.lines))
    replace_once(variant, "Sous total part Département 1 238 500 € 1 292 800 €",
                 "Sous total part Département 1 228 500 € 1 282 800 €", after=table)
    replace_once(variant, "Total général 2 477 000 € 2 531 300 €", "Total général 2 457 000 € 2 511 300 €", after=table)
    rapport = replace_once(variant, "à hauteur de 6 636 490 €", "à hauteur de 6 626 490 €", after=table)
    replace_once(variant, "1 238 500 € sur le chapitre « initiative départementale »",
                 "1 228 500 € sur le chapitre « initiatives départementales »", after=rapport)
    delete_through(variant, "Participation financière à laquelle il convient d’ajouter",
                   "démonstrateur de la stratégie nationale", after=rapport)
    replace_once(variant, "Les  34  actions", "Les  27  actions", after=rapport)
    replace_once(variant, "Autre titre de l’initiative départementale (8)",
                 "Au titre des initiatives départementales (7)", after=rapport)
    delete_through(variant, " Etude sur les bénéficiaires de plus de 5 ans dans le RSA",
                   " Etude sur les bénéficiaires de plus de 5 ans dans le RSA", after=rapport)
    delete_through(variant, "Au titre de l’engagement ERBM (6)", "parcours institutionnel ASE.", after=rapport)
    delete_through(variant, "Vu la  délibération  n°2019-208", "de l'ERBM » ;")
    variant.lines = [rename(text, OTHER_HEADINGS + OTHER_NAMES) for text in variant.lines]
    for head, tail, new_head, new_tail in (("Pas-", "de-Calais", "Haute-", "Vienne"),
                                           ("Pas-de-", "Calais", "Haute-", "Vienne")):  # the name wrapped
        for index, text in enumerate(variant.lines):
            after = next((i for i in range(index + 1, len(variant.lines)) if variant.lines[i].strip()), None)
            if text.rstrip().endswith(head) and after and variant.lines[after].lstrip().startswith(tail):
                cut = text.rindex(head)
                variant.lines[index] = text[:cut] + new_head + text[cut + len(head):]
                variant.lines[after] = variant.lines[after].replace(tail, new_tail, 1)
    variant.events.append("autre département : volets renommés, sans ERBM, 27 actions")
    return variant


def rename(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in pairs:
        text = text.replace(old, new)
    return text
# --- the next year's indicator tables (cross-year checks) --------------------------------------

def update_indicators(variant: Variant, rows: dict[int, tuple[int, int, int]], keep: set[str],
                      contradict: set[int], rng: random.Random) -> list[int]:
    """The indicator rows of a next year: at each bundled line of ``rows`` (a row printing its situation,
    target and result as three whole numbers, ``(situation, target, result)``), the situation becomes last
    year's result and the result a new one; the lines of the sheets in ``keep`` (variant action ids) are
    left as printed, their tables copied; at the bundled lines of ``contradict`` the situation is not last
    year's result. Returns the bundled lines updated."""
    back = {origin: index for index, origin in enumerate(variant.origin) if origin}
    kept = {line for s in sheets(variant.lines) if s.action_id in keep
            for line in variant.origin[s.start:s.end] if line}
    updated = []
    for line, (_, target, result) in sorted(rows.items()):
        if line in kept or line not in back:
            continue
        index = back[line]
        situation = result + rng.randint(3, 40) if line in contradict else result
        indent = variant.lines[index][:len(variant.lines[index]) - len(variant.lines[index].lstrip())]
        variant.lines[index] = f"{indent}{situation} {target} {result + rng.randint(1, 9)} "
        updated.append(line)
    variant.events.append(f"indicateurs mis à jour ({len(updated)} lignes), tableaux recopiés : {sorted(keep)}, "
                          f"situations contredites : {sorted(contradict)}")
    return updated
