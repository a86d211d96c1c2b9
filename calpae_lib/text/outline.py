"""The report's outline: volets, axes and actions, with their line ranges.

The report opens with a table of contents (lines ending in dot leaders and a
page number), then repeats each heading in the body. Actions are numbered
again from 1 in each axis and volet; an action is identified by
``<volet>[-<axis>]-<number>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from calpae_lib.errors import InputError
from calpae_lib.text.reading import Document

#: A table-of-contents entry ends with a run of dots and a page number.
TOC_LEADER = re.compile(r"(?:\.{5,}|\s\.{1,4})\s*\d+\s*$")

#: Headings that open a volet or an axis, in the body and in the contents.
VOLET_HEADINGS = (
    ("socle", None, re.compile(r"^\s*MESURES\s+DU\s+SOCLE\b", re.IGNORECASE)),
    ("socle", "I", re.compile(r"^\s*I\.\s+\S", re.IGNORECASE)),
    ("socle", "II", re.compile(r"^\s*II\.\s+\S", re.IGNORECASE)),
    ("initiative", None, re.compile(r"^\s*MESURES\s+[AÀ]\s+L'INITIATIVE\s+DU\s+D[ÉE]PARTEMENT", re.IGNORECASE)),
    ("erbm", None, re.compile(r"^\s*VOLET\s+ENGAGEMENT\s+POUR\s+LE\s+RENOUVEAU\s+DU\s+BASSIN\s+MINIER",
                              re.IGNORECASE)),
)

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

#: Numbered section headings inside an action ("5. Budget", "5.1 Budget ...").
SECTION_HEADING = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\.?\s+(?P<title>\S.*)$")

#: The annex budget tables start with this header; it closes the last action.
ANNEX_START = re.compile(r"^\s*Montant\s+avenant\b", re.IGNORECASE)

VOLET_ORDER = ("socle", "initiative", "erbm")
VOLET_LABELS = {
    "socle": "Socle commun",
    "initiative": "Initiative départementale",
    "erbm": "ERBM",
}
#: The same names inside a sentence ("le volet socle commun"); acronyms keep their capitals.
VOLET_NAMES_IN_TEXT = {key: label if label.isupper() else label[0].lower() + label[1:]
                       for key, label in VOLET_LABELS.items()}


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
    """Actions and parts of a report, and where the annexes begin."""

    actions: tuple[Action, ...]
    parts: tuple[Part, ...]
    annex_start: int

    def action(self, action_id: str) -> Action:
        for action in self.actions:
            if action.action_id == action_id:
                return action
        raise KeyError(action_id)


def is_toc_line(text: str) -> bool:
    return bool(TOC_LEADER.search(text))


def volet_heading(text: str):
    """``(volet, axis)`` when the line opens a volet or an axis, else ``None``."""
    for volet, axis, pattern in VOLET_HEADINGS:
        if pattern.match(text):
            return volet, axis
    return None


def is_upper_text(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


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


def toc_titles(doc: Document, body_start: int) -> dict[tuple, str]:
    """Titles as printed in the table of contents, keyed by (volet, axis, number)."""
    titles, volet, axis, pending = {}, None, None, None
    for number, text in doc.numbered(1, body_start - 1):
        heading = volet_heading(text)
        if heading and is_toc_line(text):
            volet, axis = heading if heading[1] or heading[0] != "socle" else (heading[0], axis)
            continue
        match = ACTION_HEADING.match(text)
        if match and volet:
            pending = [(volet, axis, int(match.group("number"))), match.group("title")]
        elif pending and text.strip():
            pending[1] = join_wrapped(pending[1], text.strip())
        if pending and is_toc_line(pending[1]):
            titles[pending[0]] = " ".join(TOC_LEADER.sub("", pending[1]).rstrip(" .").split())
            pending = None
    return titles


def join_wrapped(head: str, tail: str) -> str:
    """Join a line and its continuation; a hyphen at the break joins without space.

    >>> join_wrapped("Pas-de-", "Calais")
    'Pas-de-Calais'
    >>> join_wrapped("accès", "aux soins")
    'accès aux soins'
    """
    head = head.rstrip()
    return head + tail if head.endswith("-") else f"{head} {tail}"


#: The number opening an axis heading ("II. Insertion ...").
AXIS_NUMBER = re.compile(r"^\s*[IVX]+\.\s+")


def toc_axis_titles(doc: Document) -> dict[str, str]:
    """Axis headings as the table of contents prints them, without their number, keyed by axis.

    Only numbered axes (socle I, socle II) are listed: a volet's heading is the
    volet's own name.
    """
    titles = {}
    for _, text in doc.numbered(1, find_body_start(doc) - 1):
        heading = volet_heading(text)
        if heading and heading[1] and is_toc_line(text):
            title = AXIS_NUMBER.sub("", TOC_LEADER.sub("", text)).strip()
            titles.setdefault(heading[1], title[:1].upper() + title[1:])
    return titles


def find_body_start(doc: Document) -> int:
    """First body line: the first volet heading that is not a contents entry."""
    for number, text in doc.numbered():
        if volet_heading(text) and not is_toc_line(text) and text.strip().upper() == text.strip():
            return number
    raise InputError(
        "aucune partie « MESURES DU SOCLE » trouvée : le fichier n'a pas la structure d'un rapport CALPAE.",
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


def scan_headings(doc: Document, start: int, stop: int):
    """Yield ``("part", volet, axis, line, text)`` and ``("action", ...)`` events in the body."""
    volet, axis = None, None
    for number, text in doc.numbered(start, stop - 1):
        heading = volet_heading(text)
        if heading and is_upper_text(text):
            volet, axis = heading[0], heading[1] if heading[0] == "socle" else None
            if heading[0] == "socle" and heading[1] is None:
                axis = None
            yield ("part", volet, axis, number, text.strip())
            continue
        match = ACTION_HEADING.match(text)
        if match and is_upper_text(match.group("title")) and volet:
            yield ("action", volet, axis, number, match)


def section_line(doc: Document, start: int, end: int, number: str) -> int | None:
    """Line of the numbered section heading ``number`` ("5.1", "6") in a range."""
    for line, text in doc.numbered(start, end):
        match = SECTION_HEADING.match(text)
        if match and match.group("number") == number:
            return line
    return None


def parse_outline(doc: Document) -> Outline:
    """Find every volet, axis and action of the report with their line ranges."""
    body_start = find_body_start(doc)
    annex_start = find_annex_start(doc, body_start)
    titles = toc_titles(doc, body_start)
    events = list(scan_headings(doc, body_start, annex_start))
    starts = [event[3] for event in events] + [annex_start]
    actions, parts = [], []
    for event, next_start in zip(events, starts[1:]):
        kind, volet, axis, line, payload = event
        if kind == "part":
            parts.append(Part(volet, axis, payload, line, next_start - 1))
            continue
        number = int(payload.group("number"))
        title = titles.get((volet, axis, number)) or body_title(doc, line, payload.group("title"), next_start - 1)
        action = Action(volet, axis, number, title, line, line, next_start - 1)
        actions.append(replace(action, has_budget=has_budget(doc, action),
                               has_indicators=section_line(doc, line, next_start - 1, "6") is not None))
    if not actions:
        raise InputError("aucune action trouvée (« ACTION 1 : … ») : le fichier n'a pas la structure "
                         "d'un rapport CALPAE.", path=doc.path)
    return Outline(tuple(actions), tuple(close_parts(parts, actions)), annex_start)


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
