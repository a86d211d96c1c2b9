"""What the report's text claims, read once in the pipeline: the figures the checks reconcile.

The deliberation and the rapport du Président announce the State's
participation and its split per volet, a volet's envelope added to it, how
many actions each volet holds, that the State's credits were consumed, that
the two financeurs share the cost equally. Action sheets state percentages in
words ("818 BRSA soit 82,2 %") whose base count is printed just before. Each
claim keeps the line where it starts; sentences are read across line breaks.
The sentences' wording is the template's (:mod:`calpae_lib.template.claims`); a
volet a sentence names is the outline's key for it
(:func:`~calpae_lib.text.outline.volet_named`).

Nothing here knows the report's figures: every value comes from the text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal

from calpae_lib.template.claims import (
    ACTIONS_PER_VOLET,
    ACTIONS_TOTAL,
    ALL_ENGAGED,
    ENUMERATION_BASE,
    ENUMERATION_HEADING,
    ENUMERATION_ITEM,
    ENVELOPE,
    PARITY,
    STATE_CONSUMPTION,
    STATE_PARTICIPATION,
    VOLET_SHARE,
)
from calpae_lib.text.numbers import parse_amount, parse_number
from calpae_lib.text.outline import volet_named
from calpae_lib.text.reading import Document


@dataclass(frozen=True)
class Claim:
    """A figure the text states, with the sentence it comes from.

    ``kind`` is one of ``participation_etat``, ``participation_volet``,
    ``enveloppe`` (a volet's envelope added to the participation), ``nombre_actions_total``, ``nombre_actions_volet``,
    ``consommation_credits_etat`` (value in percent), ``actions_toutes_engagees``
    and ``parite_financeurs`` (no value).
    """

    kind: str
    volet: str | None
    value: int | Decimal | None
    text: str
    source_line: int


@dataclass(frozen=True)
class PercentStatement:
    """A percentage stated in words with the counts it can be recomputed from."""

    percent: Decimal
    decimals: int
    approximate: bool
    count: int
    base: int
    text: str
    source_line: int
    base_line: int


class LineIndex:
    """Offsets of a document's lines, to turn a match position into a line number."""

    def __init__(self, doc: Document):
        self.starts, offset = [], 0
        for text in doc.lines:
            self.starts.append(offset)
            offset += len(text) + 1

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def one_line(text: str) -> str:
    """A sentence spread over lines, on one line.

    >>> one_line("à hauteur de\\n 1 234 567 €")
    'à hauteur de 1 234 567 €'
    """
    return " ".join(text.split())


def amount_of(match: re.Match, line: int) -> int:
    return parse_amount(match.group("amount"), line=line)


def money_claims(doc: Document, index: LineIndex, volets: tuple[str, ...]) -> list[Claim]:
    """The State's participation, its split per chapter and the envelopes added to it."""
    claims = []
    for match in STATE_PARTICIPATION.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("participation_etat", None, amount_of(match, line), one_line(match.group(0)), line))
    for match in VOLET_SHARE.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("participation_volet", volet_named(match.group("chapter"), volets), amount_of(match, line),
                            one_line(match.group(0)), line))
    for match in ENVELOPE.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("enveloppe", volet_named(match.group("volet"), volets), amount_of(match, line),
                            one_line(match.group(0)), line))
    return claims


def count_claims(doc: Document, index: LineIndex, volets: tuple[str, ...]) -> list[Claim]:
    """The number of actions announced, in all and per volet."""
    claims = []
    for match in ACTIONS_TOTAL.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("nombre_actions_total", None, int(match.group("count")),
                            one_line(match.group(0)), line))
    for match in ACTIONS_PER_VOLET.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("nombre_actions_volet", volet_named(match.group("volet"), volets), int(match.group("count")),
                            one_line(match.group(0)), line))
    return claims


def execution_claims(doc: Document, index: LineIndex) -> list[Claim]:
    """Statements on the consumption of State credits, engagement and parity."""
    claims = []
    for match in STATE_CONSUMPTION.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("consommation_credits_etat", None, parse_number(match.group("percent"), line=line),
                            one_line(match.group(0)), line))
    for kind, pattern in (("actions_toutes_engagees", ALL_ENGAGED), ("parite_financeurs", PARITY)):
        for match in pattern.finditer(doc.text):
            line = index.line_of(match.start())
            claims.append(Claim(kind, None, None, one_line(match.group(0)), line))
    return claims


def read_claims(doc: Document, volets: tuple[str, ...] = ()) -> tuple[Claim, ...]:
    """Every figure the deliberation and rapport state about money and actions, in text order;
    ``volets``: the outline's keys, that a sentence may name."""
    index = LineIndex(doc)
    claims = (money_claims(doc, index, volets) + count_claims(doc, index, volets)
              + execution_claims(doc, index))
    return tuple(sorted(claims, key=lambda claim: claim.source_line))


def claims_of(claims, kind: str, volet: str | None = None) -> list[Claim]:
    """The claims of one kind (and volet, when given)."""
    return [c for c in claims if c.kind == kind and (volet is None or c.volet == volet)]


def decimals_of(printed: str) -> int:
    """How many decimals a printed number has.

    >>> decimals_of("82,2"), decimals_of("88")
    (1, 0)
    """
    return len(re.split(r"[,.]", printed)[1]) if re.search(r"[,.]", printed) else 0


def enumeration_statements(doc: Document, base_line: int, base: int) -> list[PercentStatement]:
    """Percentages of the items following an enumeration's base count."""
    statements = []
    for number, text in doc.numbered(base_line + 1):
        if not text.strip() or ENUMERATION_HEADING.match(text):
            continue
        item = ENUMERATION_ITEM.match(text)
        if not item:
            break
        printed = item.group("percent") or item.group("percent_b")
        if printed:
            statements.append(PercentStatement(
                percent=parse_number(printed, line=number), decimals=decimals_of(printed),
                approximate=bool(item.group("approx")), count=int(parse_number(item.group("count"), line=number)),
                base=base, text=one_line(text).strip(" ;.,"), source_line=number, base_line=base_line,
            ))
    return statements


def percent_statements(doc: Document) -> tuple[PercentStatement, ...]:
    """Percentages stated in words whose base count is identifiable.

    Only enumerations are read: a count followed by "dont :" and items
    "<count> <what> soit <p> %" or "<count> <what> (<p> %)". A percentage
    whose base is not printed as such (e.g. "soit 27 % des enfants dépistés"
    when the number of children screened is not given) is left out.
    """
    statements = []
    for number, text in doc.numbered():
        match = ENUMERATION_BASE.match(text)
        if match:
            base = int(parse_number(match.group("count"), line=number))
            statements.extend(enumeration_statements(doc, number, base))
    return tuple(statements)


# --- shares stated in the indicator tables' comments --------------------------------------------

#: "98% des nouveaux entrants sont orientés": a percentage and the population it is a share of.
PERCENT_OF = re.compile(
    r"""
    (?P<percent>\d+(?:[,.]\d+)?) \s* %         # "98%"
    \s+ des \s+                                # "des"
    (?P<population>(?:(?!sont\b|ont\b|est\b)[\w'-]+\s*){1,4})   # "nouveaux entrants", up to a verb
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class CommentShare:
    """A percentage a comment states of a population: "98% des nouveaux entrants", as printed."""

    percent: str
    population: str
    text: str


def comment_shares(tables: dict) -> dict[str, tuple[CommentShare, ...]]:
    """The shares each comment of the indicator tables (``indicators``, ``annex4``) states, by comment text
    (read once; the checks look a row's comment up).

    >>> import pandas as pd
    >>> shares = comment_shares({"annex4": pd.DataFrame({"comment": ["98% des nouveaux entrants sont orientés", None]})})
    >>> [(s.percent, s.population) for s in shares["98% des nouveaux entrants sont orientés"]]
    [('98', 'nouveaux entrants ')]
    """
    comments = {str(text) for name in ("indicators", "annex4") if name in tables and "comment" in tables[name]
                for text in tables[name]["comment"].dropna()}
    return {text: tuple(CommentShare(m.group("percent"), m.group("population"), m.group(0))
                        for m in PERCENT_OF.finditer(text)) for text in sorted(comments)}

