"""The template's budget sections of an action sheet: 5.1 (prévisionnel) and 5.2 (exécuté).

>>> bool(EXECUTED_HEADER.search("Montant liquidé 2022")), bool(ETAT_LABEL.search("ERBM – Part Etat : …"))
(True, True)
"""

from __future__ import annotations

import re

#: The two columns of the 5.1 table, in the template's order, with their printed names.
PLANNED_COLUMNS = (("etat", "Part Etat"), ("departement", "Part Département"))

#: The row of the 5.1 table that carries the amounts.
TOTAL_ROW = re.compile(r"^\s*TOTAL\b", re.IGNORECASE)

#: "dont" after an amount announces its parts.
PARTS_FOLLOW = re.compile(r"^\s*dont\b", re.IGNORECASE)

#: Column headers of the 5.2 table, possibly split over lines once joined.
EXECUTED_HEADER = re.compile(
    r"""
    (?: Engag[ée] | Montant \s+ liquid[ée] | R[ée]alis[ée] )   # the stage named in the header
    (?: \s+ en )?                                              # "en", optional ("Montant liquidé 2022")
    \s+ \d{4}                                                  # the year
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: A label naming the Département's share ("Contrepartie …", "Part Département").
DEPARTEMENT_LABEL = re.compile(r"Contre\s*partie|Part\s+D[ée]partement", re.IGNORECASE)

#: A label naming the State's share ("… – Part Etat : …").
ETAT_LABEL = re.compile(r"Part\s+[ÉE]tat", re.IGNORECASE)

#: What a sheet's budget line names after who pays: "Contrepartie … – Part Département : AFP" -> "AFP".
LINE_NAME = re.compile(r"part\s+(?:[ée]tat|d[ée]partement)\s*:\s*(?P<name>\S.*)$", re.IGNORECASE)
