"""The template's annex budget tables: their header, the volet's title line, the kinds of lines.

>>> TABLE_HEADER.match("Montant avenant  Montant engagé/réalisé en 2022").group("year")
'2022'
>>> VOLET_TITLE.match("Plan pauvreté - ACTIONS SOCLE COMMUN").group("name")
'ACTIONS SOCLE COMMUN'
"""

from __future__ import annotations

import re

#: The header of an annex table and the year of its "engagé" column.
TABLE_HEADER = re.compile(
    r"""
    ^\s* Montant \s+ avenant \b              # first column
    .*? engag[ée] (?:\s*/\s*r[ée]alis[ée])?  # second column: "Montant engagé/réalisé"
    \s+ en \s+ (?P<year>\d{4})               # "en 2022"
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: The volet's title printed inside its table: "Plan pauvreté - ACTIONS SOCLE COMMUN".
VOLET_TITLE = re.compile(r"^\s*Plan\s+pauvret[ée]\s*[-–]\s*(?P<name>\S.*?)\s*$", re.IGNORECASE)

#: Row kinds recognised from the label, tried in order; anything else is an action line.
ROW_KINDS = (
    ("subtotal_etat", re.compile(r"^Sous[\s-]*total\s+part\s+[ÉE]tat\b", re.IGNORECASE)),
    ("subtotal_departement", re.compile(r"^Sous[\s-]*total\s+part\s+D[ée]partement\b", re.IGNORECASE)),
    ("total", re.compile(r"^Total(\s+g[ée]n[ée]ral)?$", re.IGNORECASE)),
    ("departement", re.compile(r"^Contre\s*-?\s*partie\b", re.IGNORECASE)),
    ("etat", re.compile(
        r"""^(?: Plan \s+ pauvret[ée] | Initiatives? \s+ d[ée]partementales? | ERBM )  # the State's envelope
            (?: \s* [-–] \s* part \s+ [ÉE]tat )? $                                      # "- part Etat", optional
        """, re.IGNORECASE | re.VERBOSE)),
)

#: Words of a financeur line that say who pays, not which programme pays.
FINANCEUR_WORDS = re.compile(r"contre\s*partie|part\s+(?:[ée]tat|d[ée]partement)|[-–:]", re.IGNORECASE)
