"""Which way an indicator is better, read from its wording through one word list.

For most indicators of the convention a higher result is better (people
reached, contracts signed). For some, less is better: a délai, a durée, a
number of exits without solution or of ruptures; "Délai moyen : cible 21 j,
résultat 16,7 j" is a target reached, not "80 % d'atteinte". For others the
wording does not say (a share of a population, an amount spent, sanctions):
those are not graded.

The wording is read in two parts: its head ("Délai moyen", "Nombre de",
"Taux de") and what it measures, cut before its first qualifier ("fixés
*dans le délai de* 2 semaines" counts appointments, it is not a délai).
:data:`DIRECTION_WORDS` is the only list; the first row that matches decides.

>>> direction("Délai moyen du démarrage de l'accompagnement global")
'moins'
>>> direction("Nombre de 1er rendez-vous fixés dans le délai de 2 semaines")
'plus'
>>> direction("Nombre de ruptures d'accompagnement"), direction("Nombre de sorties sans solution")
('moins', 'moins')
>>> direction("Part des bénéficiaires du RSA plus de 5 ans sur le département") is None
True
"""

from __future__ import annotations

import re

from calpae_lib.template.indicators import DIRECTION_HEAD
from calpae_lib.text.reading import fold

LESS, MORE = "moins", "plus"

#: (direction, words read, pattern without accents, lower case); direction ``None``: the wording does not say.
#: Words read: ``measured`` (what is counted, see :func:`measured`) or ``wording`` (the whole indicator).
DIRECTION_WORDS = (
    (LESS, "measured", re.compile(r"^(?:delai|duree|temps|attente)\b")),          # a time to wait
    (LESS, "measured", re.compile(r"\b(?:ruptures?|abandons?|echecs?|impayes?|sans\s+solution|sorties?\s+seches?"
                                  r"|non[-\s]recours)\b")),                         # a failure counted
    (None, "wording", re.compile(r"^(?:part|montant|depenses?|couts?|typologie|motifs?|repartition)\b")),
    (None, "wording", re.compile(r"\bsanctions?\b")),                              # more sanctions: better?
)

#: The first qualifier after what is measured: "fixés dans le délai", "orientés vers", "ayant perçu".
QUALIFIER = re.compile(r"\s(?:dans|en|a|au|aux|par|via|vers|pour|sur|ayant|afin|avec|hors|lors)\s")


def plain(indicator: str) -> str:
    return " ".join(fold(str(indicator)).replace("’", "'").split())


def measured(indicator: str) -> str:
    """What an indicator measures: its words after its head, before its first qualifier.

    >>> measured("Nombre de 1er rendez-vous fixés dans le délai de 2 semaines")
    '1er rendez-vous fixes'
    >>> measured("Délai moyen du démarrage de l'accompagnement global")
    "delai moyen du demarrage de l'accompagnement global"
    """
    text = DIRECTION_HEAD.sub("", plain(indicator), count=1)
    return QUALIFIER.split(text, maxsplit=1)[0].strip(" :.")


def direction(indicator: str) -> str | None:
    """``"plus"`` when a higher result is better, ``"moins"`` when a lower one is, ``None`` when the wording
    does not tell."""
    read = {"measured": measured(indicator), "wording": plain(indicator)}
    for said, where, pattern in DIRECTION_WORDS:
        if pattern.search(read[where]):
            return said
    return MORE


def attained(indicator: str, result: float, target: float) -> bool | None:
    """Whether a result reaches its target in the indicator's direction; ``None`` when it cannot be told.

    >>> attained("Délai moyen du démarrage", 16.7, 21), attained("Nombre de nouveaux entrants", 6060, 6500)
    (True, False)
    """
    said = direction(indicator)
    if said is None:
        return None
    return result <= target if said == LESS else result >= target
