"""The words both indicator readers know, in one place: what opens an indicator, what says
"not available", which words give a unit, which words name a column's kind; the headers of the
sheets' indicator tables and of Annexe 4.

Used by the action sheets' tables (:mod:`calpae_lib.tables.indicators`) and by
Annexe 4 (:mod:`calpae_lib.tables.annex4`). Rows are recognised by the
tables' structure first (value lines, cell counts, page layout); these words
only tell an indicator's name from the text around it where the structure
cannot. They are the template's usual heads of indicator names, not the
bundled report's one-off titles.
"""

from __future__ import annotations

import re

#: Words that open an indicator's name ("Nombre de BRSA orientés", "Taux de couverture …"), each
#: opening several rows of the bundled report. Rows named otherwise are told by their layout
#: (:mod:`calpae_lib.tables.indicators.rows`, rules 4 and 8; :func:`calpae_lib.tables.annex4.names_next_row`),
#: never by a word the report prints once. Not in it: "Délai" (one row of the sheets, one of
#: Annexe 4), "Part", "Montant", "Dont" (one row each), "Pourcentage", "Proportion", "Durée",
#: "Coût" (none); the heads that give a unit ("Délai", "Part"…) stay in :data:`UNIT_WORDS`, a unit
#: rule, not a row rule.
OPENING_WORDS = ("Nombre", "Taux", "Motif", "D[ée]penses?")
OPENING = "(?:" + "|".join(OPENING_WORDS) + ")"

#: Words of a sentence (a justification, a comment), absent from the names of measures, indicators
#: and cells: what tells a name from a sentence where the layout alone cannot.
VERB_WORD = re.compile(r"\b(?:est|sont|ont|a|ne|qui|que|n'|s'|permet|explique|été)\b", re.IGNORECASE)

#: What completes "Non" in a spelled-out "not available" cell ("Non connu", "Non estimé"…).
NOT_AVAILABLE_WORDS = r"(?:connu|disponible|estim[ée]|renseign[ée]|communiqu[ée])e?s?"

#: Heads of indicator names that give the unit of their bare numbers.
UNIT_WORDS = (
    ("percent", re.compile(r"\s*(?:Taux|Pourcentage|Part|Proportion)\b")),
    ("days", re.compile(r"\s*(?:D[ée]lai|Dur[ée]e)\b")),
)

#: Words of a value column's header and the kind of value the column holds, tried in order.
KIND_WORDS = (
    ("target", re.compile(r"attendus?|objectif|pr[ée]vision\s*nel", re.IGNORECASE)),
    ("s1", re.compile(r"semestre", re.IGNORECASE)),
    ("baseline", re.compile(r"^\s*Situation", re.IGNORECASE)),
    ("result", re.compile(r"R[ée]sultat", re.IGNORECASE)),
)


def unit_of_indicator(indicator: str) -> str | None:
    """The unit an indicator's head word gives its bare numbers, or ``None``.

    >>> unit_of_indicator("Taux de couverture"), unit_of_indicator("Délai moyen"), unit_of_indicator("Nombre")
    ('percent', 'days', None)
    """
    return next((unit for unit, pattern in UNIT_WORDS if pattern.match(indicator)), None)


def column_kind(header: str) -> str:
    """The kind of value a column holds, from its printed header.

    >>> column_kind("Résultat attendu en 2022 (objectif fixé)"), column_kind("Prévisionnel 2022")
    ('target', 'target')
    >>> column_kind("Résultat atteint au 1er semestre 2022 (1/01 au 30/05/22)")
    's1'
    >>> column_kind("Situation au 31 déc. 2018"), column_kind("Résultat du Département en 2022")
    ('baseline', 'result')
    """
    return next((kind for kind, pattern in KIND_WORDS if pattern.search(header)), "result")


# --- Annexe 4's title and header -----------------------------------------------------------------

#: Annexe 4's title.
ANNEX4_TITLE = re.compile(r"ANNEXE\s*4\b.*INDICATEURS", re.IGNORECASE)

#: First line of a page's header block.
ANNEX4_HEADER_START = re.compile(r"^\s*Mesures\s+Indicateurs\b")

#: Last line of the header block: the comment column's title alone.
ANNEX4_HEADER_END = re.compile(r"^\s*Commentaires?\s*$")

#: Where a column header begins inside the joined header text (case matters:
#: "et situation au 31 dec. 2020" inside a header does not start a column).
ANNEX4_COLUMN_START = re.compile(r"(?=\b(?:Situation|Résultat)\b)")

#: The header cells of the label and indicator columns, where a PDF prints the header cell by cell
#: (the flattened text joins them: :data:`ANNEX4_HEADER_START`).
ANNEX4_MEASURE_HEADER = re.compile(r"^\s*Mesures?\b")
ANNEX4_INDICATOR_HEADER = re.compile(r"^\s*Indicateurs?\b")


# --- the sheets' indicator table header (section 6) ---------------------------------------------

#: A value column's keyword: where a column starts in the header (its kind is read from its whole
#: title by :func:`calpae_lib.template.indicators.column_kind`). Order matters: "Résultats attendus"
#: must be tried before "Résultat".
COLUMN_KEYWORD = re.compile(
    r"""
    (?P<target>Pr[ée]vision\s*nel|R[ée]sultats?\s+attendus?)   # forecast: "Prévisionnel", "Résultats attendus"
    | (?P<baseline>Situation)                                  # situation before the year
    | (?P<result>R[ée]sultat)                                  # achieved result
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: The justification column closes the header.
JUSTIFICATION = re.compile(r"Justification", re.IGNORECASE)
JUSTIFICATION_LETTERS = "justificationdesecartslecasecheant"  # "Justification des écarts (le cas échéant)"

#: The line that opens a table's header: "Indicateurs" after the measure column title.
SHEET_HEADER_START = re.compile(r"^\s*(?:Nom\s+de\s+la\s+Mesure\s+)?Indicateurs\b(?!\s+transmis)", re.IGNORECASE)

#: "Nom de la" opening the header on a line of its own ("Nom de la / Mesure / Indicateurs ...").
MEASURE_TITLE = re.compile(r"^\s*Nom\s+de\s+la\b", re.IGNORECASE)


# --- an indicator's wording ----------------------------------------------------------------------

#: The head of a counted or rated indicator, dropped to get what it measures.
DIRECTION_HEAD = re.compile(
    r"^(?:(?:dont\s+)?nombre(?:\s+total)?|taux|pourcentage|proportion)\s+(?:de\s+|d'|des\s+|du\s+)", re.IGNORECASE)
