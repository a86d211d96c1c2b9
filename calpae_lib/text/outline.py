"""The report's outline: volets, axes and actions, with their line ranges.

The structure is read, not remembered. The report opens with a table of
contents (lines ending in dot leaders and a page number) listing, in order,
its volets (headings in capitals: "MESURES DU SOCLE"), the roman-numbered axes
inside a volet ("II. Insertion des allocataires du rsa") and the actions
("Action 3 : …"). The body repeats each of these headings, in capitals,
possibly wrapped over lines or shortened ("VOLET … BASSIN MINIER" for
"VOLET … BASSIN MINIER (ERBM)").

* A volet's key is read from its heading: the acronym it ends with in
  parentheses ("(ERBM)" → ``erbm``), else its first word that is not a
  template or function word ("MESURES DU SOCLE" → ``socle``, "MESURES A
  L'INITIATIVE DU DEPARTEMENT" → ``initiative``).
* An axis's key is its roman numeral as printed (``I``, ``II``, ``III``…).
* Actions are numbered again from 1 in each axis and volet; an action is
  identified by ``<volet>[-<axis>]-<number>``.

What does not fit is an :class:`~calpae_lib.errors.InputError` (exit 2), never
filed elsewhere: a roman-numbered heading of the body that the contents do not
list, a part the contents list and the body lacks, two volets with one key.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

import pandas as pd

from calpae_lib.errors import InputError
from calpae_lib.text.flattened import letters_only
from calpae_lib.text.reading import Document, fold

#: A table-of-contents entry ends with a run of dots and a page number.
TOC_LEADER = re.compile(r"(?:\.{5,}|\s\.{1,4})\s*(?P<page>\d+)\s*$")

ACTION_HEADING = re.compile(
    r"""
    ^\s*
    action \s+ (?P<number>\d+)   # "ACTION 12" (body) or "Action 12" (contents)
    \s* : \s*
    (?P<title>.*?)               # the title's first line
    \s*$
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: The roman numeral opening an axis heading ("II. Insertion ...").
AXIS_HEADING = re.compile(r"^\s*(?P<axis>[IVXL]+)\.\s+(?P<title>\S.*?)\s*$")

#: Numbered section headings inside an action ("5. Budget", "5.1 Budget ..."): the title is words,
#: so that an amount line opening with a small number ("6 500 €") is never a heading.
SECTION_HEADING = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\.?\s+(?P<title>[^\W\d_].*)$")

#: The annex budget tables start with this header; it closes the last action.
ANNEX_START = re.compile(r"^\s*Montant\s+avenant\b", re.IGNORECASE)

#: A volet heading's acronym in parentheses, at its end: "(ERBM)".
HEADING_ACRONYM = re.compile(r"\((?P<acronym>[A-Z]{2,})\)\s*$")

#: Words a volet heading opens with that do not name it: the template's ("mesures", "volet")
#: and French function words.
HEADING_FILLERS = frozenset(
    "mesures mesure volet actions action du de des d la le les l a au aux en et pour sur".split())

#: A heading in the body is recognised from this many letters of its title on (or all of them).
HEADING_MIN_LETTERS = 12

#: Display names of the volets known to the template, used where a sentence needs a short name;
#: a volet not listed here is named by its own heading.
VOLET_LABELS = {
    "socle": "Socle commun",
    "initiative": "Initiative départementale",
    "erbm": "ERBM",
}


def volet_label(key: str, heading: str = "") -> str:
    """A volet's display name: the template's short name, else its heading in sentence case.

    >>> volet_label("socle"), volet_label("complementaires", "MESURES COMPLÉMENTAIRES")
    ('Socle commun', 'Mesures complémentaires')
    """
    if key in VOLET_LABELS:
        return VOLET_LABELS[key]
    text = " ".join(heading.split()) or key
    return text[:1].upper() + text[1:].lower()


def volet_name_in_text(key: str, heading: str = "") -> str:
    """A volet's name inside a sentence ("le volet socle commun"); acronyms keep their capitals.

    >>> volet_name_in_text("socle"), volet_name_in_text("erbm")
    ('socle commun', 'ERBM')
    """
    label = volet_label(key, heading)
    return label if label.isupper() else label[0].lower() + label[1:]


#: The same names inside a sentence, for the known volets.
VOLET_NAMES_IN_TEXT = {key: volet_name_in_text(key) for key in VOLET_LABELS}


def volet_key(heading: str) -> str:
    """The key of a volet read from its heading.

    >>> volet_key("MESURES DU SOCLE"), volet_key("MESURES A L’INITIATIVE DU DEPARTEMENT")
    ('socle', 'initiative')
    >>> volet_key("VOLET ENGAGEMENT POUR LE RENOUVEAU DU BASSIN MINIER (ERBM)")
    'erbm'
    >>> volet_key("MESURES COMPLÉMENTAIRES")
    'complementaires'
    """
    acronym = HEADING_ACRONYM.search(heading.strip())
    if acronym:
        return acronym.group("acronym").lower()
    words = re.findall(r"[a-z]+", fold(heading))
    named = [word for word in words if word not in HEADING_FILLERS]
    return named[0] if named else "-".join(words)


@dataclass(frozen=True)
class Group:
    """A volet (``axis`` None) or an axis of a volet, as the table of contents lists it."""

    volet: str
    axis: str | None
    title: str  # as printed in the contents, without its number and leader
    toc_line: int

    @property
    def key(self) -> str:
        return f"{self.volet}-{self.axis}" if self.axis else self.volet


def action_label(action_id: str) -> str:
    """How a reader names an action (never its internal id).

    >>> action_label("socle-II-8"), action_label("erbm-2")
    ('Socle commun, axe II, action 8', 'ERBM, action 2')
    >>> action_label("document")
    'document'
    """
    volet, *axis, number = action_id.split("-") if "-" in action_id else (action_id, "")
    if volet not in VOLET_LABELS or not number.isdigit():
        return action_id
    return ", ".join([VOLET_LABELS[volet]] + [f"axe {a}" for a in axis] + [f"action {number}"])


@dataclass(frozen=True)
class Action:
    """One action of the report and the lines of its body (inclusive)."""

    volet: str
    axis: str | None
    number: int
    title: str
    source_line: int
    start: int
    end: int
    has_budget: bool = False
    #: The page the contents give for the action's start (``None`` when not listed).
    toc_page: int | None = None
    #: Whether the sheet has a section "6" (its table, if any, is read by the indicators' reader,
    #: which sets ``actions.csv``'s ``has_indicators``: "Pas d'indicateurs" is a section without table).
    has_indicators: bool = False

    @property
    def action_id(self) -> str:
        parts = [self.volet] + ([self.axis] if self.axis else []) + [str(self.number)]
        return "-".join(parts)


@dataclass(frozen=True)
class Part:
    """A volet or axis heading in the body, and the lines it spans."""

    volet: str
    axis: str | None
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Outline:
    """Actions and parts of a report, the contents' groups, and where the annexes begin."""

    actions: tuple[Action, ...]
    parts: tuple[Part, ...]
    annex_start: int
    groups: tuple[Group, ...] = ()

    def action(self, action_id: str) -> Action:
        for action in self.actions:
            if action.action_id == action_id:
                return action
        raise KeyError(action_id)

    @property
    def volets(self) -> tuple[str, ...]:
        """The volets' keys in the report's order."""
        return tuple(g.volet for g in self.groups if g.axis is None)

    def volet_heading(self, volet: str) -> str:
        return next((g.title for g in self.groups if g.volet == volet and g.axis is None), "")


def is_toc_line(text: str) -> bool:
    return bool(TOC_LEADER.search(text))


def is_upper_text(text: str) -> bool:
    if not text.isupper():  # a lower-case letter, or no letter of either case: the common, quick answer
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def join_wrapped(head: str, tail: str) -> str:
    """Join a line and its continuation; a hyphen at the break joins without space.

    >>> join_wrapped("Pas-de-", "Calais")
    'Pas-de-Calais'
    >>> join_wrapped("accès", "aux soins")
    'accès aux soins'
    """
    head = head.rstrip()
    return head + tail if head.endswith("-") else f"{head} {tail}"


def entry_text(text: str) -> str:
    """A contents entry without its leader and page number."""
    return " ".join(TOC_LEADER.sub("", text).rstrip(" .").split())


# --- the table of contents ------------------------------------------------------------------

@dataclass(frozen=True)
class TocEntry:
    """One entry of the contents, continuation lines joined: its first line and text."""

    line: int
    text: str
    page: int


def toc_entries(doc: Document) -> list[TocEntry]:
    """The contents' entries, from its first leader line to its last.

    An entry wraps when its first line has no leader: the lines that follow,
    up to the one with the leader, continue it.
    """
    leaders = [n for n, text in doc.numbered() if is_toc_line(text)]
    if not leaders:
        return []
    entries, pending = [], None
    for number, text in doc.numbered(leaders[0], body_search_end(doc, leaders)):
        if not text.strip():
            continue
        opens = bool(ACTION_HEADING.match(text) or AXIS_HEADING.match(text) or is_upper_text(text))
        if pending is None and not opens:
            continue  # a page number, a running title
        pending = (number, join_wrapped(pending[1], text.strip())) if pending else (number, text.strip())
        if is_toc_line(text):
            entries.append(TocEntry(pending[0], entry_text(pending[1]), int(TOC_LEADER.search(text).group("page"))))
            pending = None
    return entries


def body_search_end(doc: Document, leaders: list[int]) -> int:
    """Last line of the contents: the last leader line of its run (gaps of a few pages allowed)."""
    last = leaders[0]
    for line in leaders[1:]:
        if line - last > 200:
            break
        last = line
    return last


def read_groups(entries: list[TocEntry], doc: Document) -> tuple[list[Group], dict[tuple, TocEntry]]:
    """Volets and axes of the contents, and the actions' entries (title and page) keyed by (volet, axis, number)."""
    groups: list[Group] = []
    titles: dict[tuple, TocEntry] = {}
    volet, axis = None, None
    for entry in entries:
        action = ACTION_HEADING.match(entry.text)
        roman = AXIS_HEADING.match(entry.text)
        if action:
            if volet is not None:
                title = " ".join(action.group("title").split())
                titles[(volet, axis, int(action.group("number")))] = TocEntry(entry.line, title, entry.page)
        elif roman:
            if volet is None:
                raise InputError(f"sommaire, ligne {entry.line} : l'axe « {entry.text} » précède tout volet.",
                                 path=doc.path, line=entry.line)
            axis = roman.group("axis")
            title = roman.group("title")
            groups.append(Group(volet, axis, title[:1].upper() + title[1:], entry.line))
        elif is_upper_text(entry.text):
            volet, axis = volet_key(entry.text), None
            if volet in {g.volet for g in groups}:
                raise InputError(f"sommaire, ligne {entry.line} : deux volets se nomment « {volet} » "
                                 f"(« {entry.text} »).", path=doc.path, line=entry.line)
            groups.append(Group(volet, None, entry.text, entry.line))
    return groups, titles


# --- the body ---------------------------------------------------------------------------------

def heading_letters(group: Group) -> str:
    return letters_only(group.title)


def is_group_heading(text: str, group: Group) -> bool:
    """Whether a body line (in capitals) opens ``group``: its letters begin the contents' title."""
    if not is_upper_text(text) or is_toc_line(text):
        return False
    roman = AXIS_HEADING.match(text)
    if group.axis:
        if not roman or roman.group("axis") != group.axis:
            return False
        text = roman.group("title")
    elif roman:
        return False
    letters, title = letters_only(text), heading_letters(group)
    return bool(letters) and title.startswith(letters) and len(letters) >= min(len(title), HEADING_MIN_LETTERS)


def find_body_start(doc: Document, entries: list[TocEntry], groups: list[Group]) -> int:
    """First body line: the heading of the contents' first volet, printed again after the contents."""
    if groups:
        after = entries[-1].line + 1
        for number, text in doc.numbered(after):
            if is_group_heading(text, groups[0]):
                return number
    raise InputError(
        "aucun sommaire suivi de ses parties (« MESURES DU SOCLE … ») : le fichier n'a pas la structure "
        "d'un rapport CALPAE.",
        path=doc.path,
    )


def find_annex_start(doc: Document, body_start: int) -> int:
    for number, text in doc.numbered(body_start):
        if ANNEX_START.match(text):
            return number
    raise InputError(
        "tableaux budgétaires en annexe introuvables (« Montant avenant … ») : le rapport semble tronqué.",
        path=doc.path,
    )


def scan_headings(doc: Document, groups: list[Group], start: int, stop: int):
    """Yield ``("part", volet, axis, line, text)`` and ``("action", ...)`` events in the body.

    A part opens where the body prints a group's heading; a roman-numbered
    heading in capitals that the contents do not list is refused.
    """
    volet, axis, found = None, None, set()
    for number, text in doc.numbered(start, stop - 1):
        group = None
        if is_upper_text(text) and not is_toc_line(text):  # what every group's heading is, first
            group = next((g for g in groups if g.key not in found and is_group_heading(text, g)), None)
        if group is not None:
            found.add(group.key)
            volet, axis = group.volet, group.axis
            yield ("part", volet, axis, number, text.strip())
            continue
        roman = AXIS_HEADING.match(text)
        if roman and is_upper_text(text) and len(letters_only(roman.group("title"))) >= HEADING_MIN_LETTERS:
            raise InputError(f"partie « {' '.join(text.split())} » absente du sommaire : calpae ne sait pas "
                             "à quel volet la rattacher.", path=doc.path, line=number)
        match = ACTION_HEADING.match(text)
        if match and is_upper_text(match.group("title")) and volet:
            yield ("action", volet, axis, number, match)
    missing = [g for g in groups if g.key not in found]
    if missing:
        raise InputError(f"partie « {missing[0].title} » du sommaire (ligne {missing[0].toc_line}) introuvable "
                         "dans le corps du rapport.", path=doc.path, line=missing[0].toc_line)


def body_title(doc: Document, line: int, first: str, stop: int) -> str:
    """An action's title in the body: its first line and following capitals."""
    words = [first]
    for number, text in doc.numbered(line + 1, stop):
        if not text.strip():
            continue
        if SECTION_HEADING.match(text) or not is_upper_text(text):
            break
        words.append(text.strip())
    return " ".join(" ".join(words).split())


def section_line(doc: Document, start: int, end: int, number: str) -> int | None:
    """Line of the numbered section heading ``number`` ("5.1", "6") in a range.

    >>> from calpae_lib.text.reading import document_from_text
    >>> doc = document_from_text("5.2 Budget exécuté\\n6 500 € \\n6. Indicateurs")
    >>> section_line(doc, 1, 3, "6")
    3
    """
    for line, text in doc.numbered(start, end):
        match = SECTION_HEADING.match(text)
        if match and match.group("number") == number:
            return line
    return None


#: The most actions calpae reads in one axis: a convention's axis holds a few dozen at most; far
#: more is no report calpae is made for (and its notebooks would need gigabytes).
MAX_ACTIONS_PER_AXIS = 200


def within_bounds(events, doc: Document) -> list:
    """The heading events of :func:`scan_headings`, refused as soon as one axis passes
    :data:`MAX_ACTIONS_PER_AXIS` actions (before the rest of the file is even scanned)."""
    kept, counts, first = [], Counter(), {}
    for event in events:
        kind, volet, axis, line, _ = event
        if kind == "action":
            counts[volet, axis] += 1
            first.setdefault((volet, axis), line)
            if counts[volet, axis] > MAX_ACTIONS_PER_AXIS:
                raise InputError(f"plus de {MAX_ACTIONS_PER_AXIS} actions dans l'axe de cette action : bien au-delà "
                                 "de ce que calpae sait lire ; vérifiez que ce fichier est bien un rapport CALPAE.",
                                 path=doc.path, line=first[volet, axis])
        kept.append(event)
    return kept


def parse_outline(doc: Document) -> Outline:
    """Find every volet, axis and action of the report with their line ranges."""
    entries = toc_entries(doc)
    groups, titles = read_groups(entries, doc)
    body_start = find_body_start(doc, entries, groups)
    annex_start = find_annex_start(doc, body_start)
    events = within_bounds(scan_headings(doc, groups, body_start, annex_start), doc)
    starts = [event[3] for event in events] + [annex_start]
    actions, parts = [], []
    for event, next_start in zip(events, starts[1:]):
        kind, volet, axis, line, payload = event
        if kind == "part":
            parts.append(Part(volet, axis, payload, line, next_start - 1))
            continue
        number = int(payload.group("number"))
        entry = titles.get((volet, axis, number))
        title = entry.text if entry else body_title(doc, line, payload.group("title"), next_start - 1)
        action = Action(volet, axis, number, title, line, line, next_start - 1,
                        toc_page=entry.page if entry else None)
        actions.append(replace(action, has_budget=has_budget(doc, action),
                               has_indicators=section_line(doc, line, next_start - 1, "6") is not None))
    if not actions:
        raise InputError("aucune action trouvée (« ACTION 1 : … ») : le fichier n'a pas la structure "
                         "d'un rapport CALPAE.", path=doc.path)
    duplicated = [a for i, a in enumerate(actions) if a.action_id in {b.action_id for b in actions[:i]}]
    if duplicated:
        raise InputError(f"action « {duplicated[0].action_id} » numérotée deux fois.", path=doc.path,
                         line=duplicated[0].source_line)
    return Outline(tuple(actions), tuple(close_parts(parts, actions)), annex_start, tuple(groups))


def close_parts(parts: list[Part], actions: list[Action]) -> list[Part]:
    """Extend each part to the end of its last action (parts nest: volet ⊃ axis)."""
    closed = []
    for part in parts:
        inside = [a for a in actions if a.volet == part.volet and (part.axis is None or a.axis == part.axis)
                  and a.start >= part.start]
        end = max((a.end for a in inside), default=part.end)
        closed.append(replace(part, end=max(end, part.end)))
    return closed


NO_FINANCING = re.compile(r"Pas\s+de\s+valorisation\s+financi[èe]re", re.IGNORECASE)


def has_budget(doc: Document, action: Action) -> bool:
    """Whether the action has a budget sheet with amounts (not "Pas de valorisation financière")."""
    start = section_line(doc, action.start, action.end, "5.1")
    if start is None:
        return False
    stop = section_line(doc, start, action.end, "6") or action.end
    block = [text for _, text in doc.numbered(start, stop)]
    return not any(NO_FINANCING.search(text) for text in block) and any("€" in text for text in block)


def actions_table(outline: Outline) -> pd.DataFrame:
    """``actions.csv``: one row per action."""
    rows = [
        {
            "action_id": a.action_id,
            "volet": a.volet,
            "axis": a.axis or "",
            "number": a.number,
            "title": a.title,
            "source_line": a.source_line,
            "has_budget": a.has_budget,
            "has_indicators": a.has_indicators,
        }
        for a in outline.actions
    ]
    return pd.DataFrame(rows, columns=["action_id", "volet", "axis", "number", "title", "source_line",
                                       "has_budget", "has_indicators"])
