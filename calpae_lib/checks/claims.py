"""What the report's text claims, read from its sentences: the figures to reconcile.

The deliberation and the rapport du Président announce the State's
participation and its split per volet, the ERBM envelope, how many actions
each volet holds, that the State's credits were consumed, that the two
financeurs share the cost equally. Action sheets state percentages in words
("818 BRSA soit 82,2 %") whose base count is printed just before. Each claim
keeps the line where it starts; sentences are read across line breaks.

Nothing here knows the report's figures: every value comes from the text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from calpae_lib.text.numbers import parse_amount, parse_number
from calpae_lib.text.reading import Document

#: An amount in euros in running text: "1 234 567 €", "500 000 euros".
AMOUNT = r"(?P<amount>\d{1,3}(?:[ ]\d{3})+|\d+)\s*(?:€|euros?\b)"

STATE_PARTICIPATION = re.compile(
    r"""
    participation \s+ financi[èe]re \s+ de \s+ l'[ÉE]tat   # "participation financière de l'Etat"
    \s+ (?:à|a) \s+ hauteur \s+ de \s+                     # "à hauteur de"
    """ + AMOUNT,
    re.IGNORECASE | re.VERBOSE,
)

#: "1 234 567 € sur le chapitre « socle commun »": the State's money per volet.
VOLET_SHARE = re.compile(
    AMOUNT + r"""
    \s+ sur \s+ le \s+ chapitre \s*
    «\s* (?P<chapter>[^»]+?) \s*»                          # the chapter's name in quotes
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: "ajouter les 500 000 euros pour le Pas-de-Calais au titre de l'Engagement
#: pour le Renouveau du Bassin Minier": the ERBM envelope.
ERBM_ENVELOPE = re.compile(
    AMOUNT + r"""
    [^.€]{0,120}?                                          # "pour le Pas-de-Calais au titre de l'"
    Renouveau \s+ du \s+ Bassin \s+ Minier
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: "Les 34 actions, dont certaines ... figurant dans la CALPAE".
ACTIONS_TOTAL = re.compile(
    r"""
    \bLes \s+ (?P<count>\d+) \s+ actions \b                # "Les 34 actions"
    [^.:]{0,120}? figurant                                 # "..., figurant dans la CALPAE"
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: "Au titre du socle commun (20)", "initiative départementale (8)", "ERBM (6)".
ACTIONS_PER_VOLET = re.compile(
    r"""
    (?P<volet>socle \s+ commun | initiative \s+ d[ée]partementale | ERBM)
    \s* \( \s* (?P<count>\d{1,3}) \s* \)                   # the count in brackets (not a year)
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: "les crédits alloués par l'Etat consommés à hauteur de 100 %".
STATE_CONSUMPTION = re.compile(
    r"""
    cr[ée]dits \s+ allou[ée]s \s+ par \s+ l'[ÉE]tat
    \s+ (?:ont \s+ été \s+ | sont \s+ )? consomm[ée]s
    \s+ (?:à|a) \s+ hauteur \s+ de \s+
    (?P<percent>\d+(?:[,.]\d+)?) \s* %
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: "toutes les actions ont été engagées".
ALL_ENGAGED = re.compile(r"toutes\s+les\s+actions\s+ont\s+été\s+engagées", re.IGNORECASE)

#: "Financée à part égale par l'Etat et le Département".
PARITY = re.compile(
    r"""
    (?:à \s+ parts? \s+ [ée]gales? | [àa] \s+ parit[ée])   # "à part égale", "à parité"
    \s+ (?:entre|par) \s+ l'[ÉE]tat \s+ et \s+ le \s+ D[ée]partement
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: The chapter or volet names of the text, mapped to the outline's volets.
VOLET_NAMES = (
    ("socle", re.compile(r"socle", re.IGNORECASE)),
    ("initiative", re.compile(r"initiative", re.IGNORECASE)),
    ("erbm", re.compile(r"ERBM|Bassin\s+Minier", re.IGNORECASE)),
)

#: A count that opens an enumeration: "995 personnes ont été missionnées sur le marché dont :".
ENUMERATION_BASE = re.compile(
    r"""
    ^\s* (?P<count>\d{1,3}(?:[ ]\d{3})+|\d+)               # the base count
    \s+ (?P<what>[^\d:]+?)                                  # what is counted, and the rest
    \s+ dont \s* :? \s* $                                   # ends with "dont :"
    """,
    re.VERBOSE,
)

#: One item of the enumeration: "818 BRSA soit 82,2 % ;", "81 jeunes de moins de 26 ans (8,5 %) ;".
ENUMERATION_ITEM = re.compile(
    r"""
    ^\s* (?:[o•\-–]\s+)?                                    # an optional bullet
    (?P<count>\d{1,3}(?:[ ]\d{3})+|\d+) \s+                 # the part's count
    (?P<what>.*?)                                           # what it counts
    (?:                                                     # its share, stated either way:
        \bsoit \s+ (?P<approx>environ \s+ | près \s+ de \s+)?
        (?P<percent>\d+(?:[,.]\d+)?) \s* %                 #   "soit [environ] 88%"
      | \( \s* (?P<percent_b>\d+(?:[,.]\d+)?) \s* % \s* \) #   "(8,5 %)"
    )?
    \s* [;.,]? \s* $
    """,
    re.VERBOSE,
)

#: A short heading inside an enumeration ("Caractéristiques :"): the base still applies.
ENUMERATION_HEADING = re.compile(r"^\s*[A-ZÀ-Ÿ][\w' ]{0,40}:\s*$")


@dataclass(frozen=True)
class Claim:
    """A figure the text states, with the sentence it comes from.

    ``kind`` is one of ``participation_etat``, ``participation_volet``,
    ``enveloppe_erbm``, ``nombre_actions_total``, ``nombre_actions_volet``,
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


def volet_of(name: str) -> str | None:
    """The outline's volet named by a chapter title of the text.

    >>> volet_of("socle commun"), volet_of("initiative départementale"), volet_of("ERBM")
    ('socle', 'initiative', 'erbm')
    >>> volet_of("mobilité") is None
    True
    """
    for volet, pattern in VOLET_NAMES:
        if pattern.search(name):
            return volet
    return None


def amount_of(match: re.Match, line: int) -> int:
    return parse_amount(match.group("amount"), line=line)


def money_claims(doc: Document, index: LineIndex) -> list[Claim]:
    """The State's participation, its split per chapter and the ERBM envelope."""
    claims = []
    for match in STATE_PARTICIPATION.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("participation_etat", None, amount_of(match, line), one_line(match.group(0)), line))
    for match in VOLET_SHARE.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("participation_volet", volet_of(match.group("chapter")), amount_of(match, line),
                            one_line(match.group(0)), line))
    for match in ERBM_ENVELOPE.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("enveloppe_erbm", "erbm", amount_of(match, line), one_line(match.group(0)), line))
    return claims


def count_claims(doc: Document, index: LineIndex) -> list[Claim]:
    """The number of actions announced, in all and per volet."""
    claims = []
    for match in ACTIONS_TOTAL.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("nombre_actions_total", None, int(match.group("count")),
                            one_line(match.group(0)), line))
    for match in ACTIONS_PER_VOLET.finditer(doc.text):
        line = index.line_of(match.start())
        claims.append(Claim("nombre_actions_volet", volet_of(match.group("volet")), int(match.group("count")),
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


def read_claims(doc: Document) -> list[Claim]:
    """Every figure the deliberation and rapport state about money and actions, in text order.

    Several rules ask for them: the whole text is searched once per document.
    """
    return list(document_claims(doc))


@lru_cache(maxsize=8)
def document_claims(doc: Document) -> tuple[Claim, ...]:
    index = LineIndex(doc)
    claims = money_claims(doc, index) + count_claims(doc, index) + execution_claims(doc, index)
    return tuple(sorted(claims, key=lambda claim: claim.source_line))


def claims_of(claims: list[Claim], kind: str, volet: str | None = None) -> list[Claim]:
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


def percent_statements(doc: Document) -> list[PercentStatement]:
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
    return statements
