"""The template's title block: the words every CALPAE report's title carries, its year, its département."""

from __future__ import annotations

import re

#: Words that every CALPAE execution report carries in its title.
CALPAE_MARKER = re.compile(r"LUTTE\s+CONTRE\s+LA\s+PAUVRET[ÉE]", re.IGNORECASE)

YEAR_IN_TITLE = re.compile(
    r"""
    au \s+ titre \s+ de \s+ l'ann[ée]e \s+   # "au titre de l'année", any case, over lines
    (?P<year>(?:19|20)\d{2})                 # the report's year
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: Where the département's name starts: "... PAUVRETÉ DANS LE ".
DEPARTEMENT_LEAD = re.compile(r"PAUVRET[ÉE]\s+DANS\s+(?:LE\s+|LA\s+|L'|LES\s+)?")

#: What ends it: " - RAPPORT D'EXÉCUTION", found from its dash (the spaces before are walked back).
DEPARTEMENT_END = re.compile(r"-\s+RAPPORT")
