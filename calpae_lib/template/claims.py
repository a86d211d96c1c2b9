"""The rapport's sentences that state figures: the participation, its split, an envelope, the number
of actions, the consumption of credits, the parity of financeurs, percentages in enumerations.

The readers are in :mod:`calpae_lib.tables.claims`; a volet a sentence names is attached by the
template's volet words (:mod:`calpae_lib.template.volets`).

>>> ACTIONS_PER_VOLET.search("Au titre des initiatives départementales (7)").group("count")
'7'
"""

from __future__ import annotations

import re

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
#: pour le Renouveau du Bassin Minier": a volet's envelope, added to the participation
#: (the volet is the one its last words name).
ENVELOPE = re.compile(
    AMOUNT + r"""
    [^.€]{0,120}?                                          # "pour le Pas-de-Calais au titre de l'"
    (?P<volet>Renouveau \s+ du \s+ Bassin \s+ Minier)
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
    (?P<volet>socle \s+ commun | initiatives? \s+ d[ée]partementales? | ERBM)
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
