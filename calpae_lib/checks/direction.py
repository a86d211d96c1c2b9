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
from calpae_lib.text.formatting import format_number
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


#: What an indicator is, as its wording says: an objective (a direction is known, the Département acts on it),
#: a forecast volume (what arrives: people entering, files lodged; its « cible » is a forecast) or context.
OBJECTIVE, VOLUME, CONTEXT = "objectif", "volume", "contexte"
INDICATOR_KIND_LABELS = {OBJECTIVE: "objectif", VOLUME: "volume prévisionnel", CONTEXT: "contexte"}

#: What arrives rather than what is done: counted in-flows, as the last word of what is measured (accents
#: folded). A count of people *entering*, of files *lodged* or *received*, of *referrals*: demand the Département
#: forecasts. « nouveaux entrants orientés » counts what was done to them: an objective.
VOLUME_WORDS = re.compile(r"\b(?:entrants?|entrees?|deposee?s?|recue?s?|saisines?|signalements?|sollicitations?"
                          r"|arrivees?)$")


def indicator_kind(indicator: str) -> str:
    """An indicator's kind read from its wording: :data:`OBJECTIVE`, :data:`VOLUME` or :data:`CONTEXT`.

    A wording that tells no direction is context; one that counts what arrives
    (people entering, files lodged) is a forecast volume; the rest are objectives.

    >>> indicator_kind("Nombre de nouveaux entrants"), indicator_kind("Nombre de dossiers déposés")
    ('volume', 'volume')
    >>> indicator_kind("Nombre de CER signés dans le délai de 2 mois"), indicator_kind("Délai moyen d'orientation")
    ('objectif', 'objectif')
    >>> indicator_kind("Nombre de nouveaux entrants orientés en 1 mois et moins")
    'objectif'
    >>> indicator_kind("Part des bénéficiaires du RSA plus de 5 ans")
    'contexte'
    """
    if direction(indicator) is None:
        return CONTEXT
    return VOLUME if VOLUME_WORDS.search(measured(indicator)) else OBJECTIVE


def attained(indicator: str, result: float, target: float) -> bool | None:
    """Whether a result reaches its target in the indicator's direction; ``None`` when the indicator is no
    objective (a forecast volume, context: :func:`indicator_kind`).

    >>> attained("Délai moyen du démarrage", 16.7, 21), attained("Nombre de CER signés", 60, 65)
    (True, False)
    >>> attained("Nombre de nouveaux entrants", 6060, 6500) is None
    True
    """
    if indicator_kind(indicator) != OBJECTIVE:
        return None
    return result <= target if direction(indicator) == LESS else result >= target


#: How a gap is counted in each unit of the indicator tables (a count has no word).
GAP_UNITS = {"percent": " points", "eur": " €", "days": " jours"}


def gap_words(result: float, target: float, unit: str = "") -> str:
    """The gap of a result to its forecast in words, for what is not graded (``unit`` as the tables write it).

    >>> gap_words(6060, 6500), gap_words(158, 100), gap_words(5, 5), gap_words(12, 10, "percent")
    ('440 de moins que prévu', '58 de plus que prévu', 'autant que prévu', '2 points de plus que prévu')
    """
    gap = result - target
    if not gap:
        return "autant que prévu"
    amount = format_number(abs(gap), 1 if abs(gap) % 1 else 0)
    return f"{amount}{GAP_UNITS.get(unit, '')} de {'plus' if gap > 0 else 'moins'} que prévu"
