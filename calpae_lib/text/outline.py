"""The report's outline: volets, axes and actions, with their line ranges.

The structure is read, not remembered. The report opens with a table of
contents (lines ending in dot leaders and a page number) listing, in order,
its volets (headings in capitals: "MESURES DU SOCLE"), the roman-numbered axes
inside a volet ("II. Insertion des allocataires du rsa") and the actions
("Action 3 : …"). The body repeats each of these headings, in capitals,
possibly wrapped over lines or shortened ("VOLET … BASSIN MINIER" for
"VOLET … BASSIN MINIER (ERBM)").

* A volet's key is read once, from its heading: the template's volet whose
  words it holds (:mod:`calpae_lib.template.volets`: "MESURES DU SOCLE" →
  ``socle``, "INITIATIVES DEPARTEMENTALES" → ``initiative``), else the acronym
  it ends with in parentheses, else its first word that is not a template or
  function word ("MESURES COMPLÉMENTAIRES" → ``complementaires``). The annex
  tables and the rapport's sentences are attached to the same key by the same
  words (:func:`volet_named`).
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
from calpae_lib.template.outline import (
    ACTION_HEADING,
    ANNEX_START,
    AXIS_HEADING,
    INDICATORS_SECTION,
    NO_FINANCING,
    PLANNED_SECTION,
    SECTION_HEADING,
    TOC_LEADER,
)
from calpae_lib.template.volets import (
    HEADING_ACRONYM,
    HEADING_FILLERS,
    VOLET_LABELS,
    VOLET_PATTERNS,
)
from calpae_lib.text.flattened import letters_only
from calpae_lib.text.reading import Document, fold

#: A heading in the body is recognised from this many letters of its title on (or all of them).
HEADING_MIN_LETTERS = 12

def volet_label(key: str, heading: str = "") -> str:
    """A volet's display name: the template's short name, else its heading in sentence case.

    >>> volet_label("socle"), volet_label("complementaires", "MESURES COMPLÉMENTAIRES")
    ('Socle commun', 'Mesures complémentaires')
    """
    if key in VOLET_LABELS:
        return VOLET_LABELS[key]
    text = " ".join(heading.split()) or key
    return text[:1].upper() + text[1:].lower()


def template_volet(text: str) -> str | None:
    """The template volet whose words ``text`` holds (:data:`~calpae_lib.template.volets.VOLETS`), if any.

    >>> template_volet("INITIATIVES DEPARTEMENTALES"), template_volet("Contre partie plan pauvreté")
    ('initiative', 'socle')
    >>> template_volet("Mobilité") is None
    True
    """
    folded = fold(text)
    return next((key for key, pattern in VOLET_PATTERNS if pattern.search(folded)), None)


def volet_named(text: str, volets: tuple[str, ...] = ()) -> str | None:
    """The volet a title, a label or a sentence names: a template volet by its words, else one of
    ``volets`` (the outline's keys) by its key's word; ``None`` when it names none.

    >>> volet_named("ACTION D'INITIATIVE DEPARTEMENTALE"), volet_named("Renouveau du Bassin Minier")
    ('initiative', 'erbm')
    >>> volet_named("tableau des mesures complémentaires", ("socle", "complementaires"))
    'complementaires'
    """
    named = template_volet(text)
    if named:
        return named
    words = set(re.findall(r"[a-z]+", fold(text)))
    return next((key for key in volets if key in words), None)


def volet_key(heading: str) -> str:
    """The key of a volet read from its heading: the template volet it names, else its acronym,
    else its first word that is not a template or function word.

    >>> volet_key("MESURES DU SOCLE"), volet_key("MESURES A L’INITIATIVE DU DEPARTEMENT")
    ('socle', 'initiative')
    >>> volet_key("VOLET ENGAGEMENT POUR LE RENOUVEAU DU BASSIN MINIER (ERBM)")
    'erbm'
    >>> volet_key("INITIATIVES DEPARTEMENTALES"), volet_key("MESURES COMPLÉMENTAIRES")
    ('initiative', 'complementaires')
    """
    named = template_volet(heading)
    if named:
        return named
    acronym = HEADING_ACRONYM.search(heading.strip())
    if acronym:
        return acronym.group("acronym").lower()
    words = re.findall(r"[a-z]+", fold(heading))
    meaningful = [word for word in words if word not in HEADING_FILLERS]
    return meaningful[0] if meaningful else "-".join(words)


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
        leader = TOC_LEADER.search(text)  # what makes a line of the table of contents (is_toc_line)
        if leader is not None:
            entries.append(TocEntry(pending[0], entry_text(pending[1]), int(leader.group("page"))))
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
    for _number, text in doc.numbered(line + 1, stop):
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


#: The title of a sheet's section where the Département gives its own account of the year, folded
#: ("7. Bilan d'exécution"; the number varies from one sheet to another, the title does not).
BILAN_TITLE = re.compile(r"^bilan\b")
#: A line that closes a sentence: the next line opening with a capital starts a paragraph.
PARAGRAPH_END = re.compile(r"[.!?]\s*$")


@dataclass(frozen=True)
class SheetSection:
    """A numbered section of an action's sheet as printed: its heading and its paragraphs, with their lines."""

    title: str
    line: int
    #: ``(first line, text)`` of each paragraph, the text's lines joined.
    paragraphs: tuple[tuple[int, str], ...]


def sheet_section(doc: Document, action: Action, title: re.Pattern) -> SheetSection | None:
    """The section of ``action``'s sheet whose folded title matches ``title``, up to the next section.

    The next section is the heading numbered one more, with its dot ("8. Perspectives …"): a line of
    the text opening with a number ("3 ateliers …") is no heading. ``None`` when the sheet has no such section.

    >>> from calpae_lib.text.reading import document_from_text
    >>> doc = document_from_text("Action 1 : A\\n7. Bilan d’exécution \\nLe travail a\\n\\navancé :\\n"
    ...                          "3 ateliers ont eu lieu ;\\n Lancement d'un outil.\\n8. Perspectives\\nSuite.")
    >>> part = sheet_section(doc, Action("socle", "I", 1, "A", 1, 1, 9), BILAN_TITLE)
    >>> part.title, part.line, part.paragraphs
    ("Bilan d'exécution", 2, ((3, 'Le travail a avancé : 3 ateliers ont eu lieu ;'), (7, "Lancement d'un outil.")))
    """
    lines = list(doc.numbered(action.start, action.end))
    for index, (line, text) in enumerate(lines):
        match = SECTION_HEADING.match(text)
        if not (match and title.match(fold(match.group("title")).strip()) and "." in match.group("number") + text):
            continue
        following = f"{int(float(match.group('number'))) + 1}."
        paragraphs: list[list] = []
        for number, body in lines[index + 1:]:
            if body.strip().startswith(following) and SECTION_HEADING.match(body):
                break
            if not body.strip():
                continue
            opening = body.strip()[:1]
            # an indented line opening with a capital or a digit is a bullet (its glyph is lost in the text)
            new = (not paragraphs or (body[:1].isspace() and (opening.isupper() or opening.isdigit()))
                   or (opening.isupper() and PARAGRAPH_END.search(paragraphs[-1][1]) is not None))
            if new:
                paragraphs.append([number, body.strip()])
            else:
                paragraphs[-1][1] += " " + body.strip()
        return SheetSection(" ".join(match.group("title").split()), line,
                            tuple((n, " ".join(t.split())) for n, t in paragraphs))
    return None
#: The most actions calpae reads in one axis: a convention's axis holds a few dozen at most; far
#: more is no report calpae is made for (and its notebooks would need gigabytes).
MAX_ACTIONS_PER_AXIS = 200


def within_bounds(events, doc: Document) -> list:
    """The heading events of :func:`scan_headings`, refused as soon as one axis passes
    :data:`MAX_ACTIONS_PER_AXIS` actions (before the rest of the file is even scanned)."""
    kept, counts, first = [], Counter[tuple](), dict[tuple, int]()
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
                               has_indicators=section_line(doc, line, next_start - 1, INDICATORS_SECTION) is not None))
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


def has_budget(doc: Document, action: Action) -> bool:
    """Whether the action has a budget sheet with amounts (not "Pas de valorisation financière")."""
    start = section_line(doc, action.start, action.end, PLANNED_SECTION)
    if start is None:
        return False
    stop = section_line(doc, start, action.end, INDICATORS_SECTION) or action.end
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
