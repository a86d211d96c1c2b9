"""Whether two names printed in different places name the same thing: one measure, named thresholds.

The report prints an action's title on its sheet and again, often shortened,
in the annex budget tables; it prints an indicator's name on the action sheet
and again in Annexe 4. calpae compares such names in one way: their words
(:func:`name_words`: folded, without function words or a plural ``s``) and the
mean of two coefficients of those words (:func:`similarity`):

- the Dice coefficient, 2 |A ∩ B| / (|A| + |B|), prefers names of close length;
- the overlap coefficient, |A ∩ B| / min(|A|, |B|), lets a short name
  ("ASTRE") match the long one that holds it.

What counts as "the same" differs by use, for a reason:

- :data:`SAME_ACTION` (with :data:`SAME_ACTION_MARGIN`): an annex line names an
  action of its volet in a few words of the sheet's title; lines and actions
  are paired one to one, best first, and a pair must also lead every other free
  candidate by the margin, so a lenient threshold is enough.
- :data:`SAME_INDICATOR`: an indicator is printed twice with its whole name,
  and the indicators of one action share most of their words ("Nombre de 1ers
  rendez-vous fixés", "Nombre de 1ers rendez-vous à 2 semaines ou moins
  fixés"): two names are the same indicator only when they differ by little
  more than a plural or an article.
"""

from __future__ import annotations

import re
from functools import lru_cache

from calpae_lib.text.reading import fold

#: Words too common in names to tell them apart: function words, and the head words of indicator names.
STOP_WORDS = frozenset(
    "a au aux avec d dans de des du en et l la le les leur leurs ou par pour sur un une"
    " nombre total moins".split()
)

#: An annex budget line names a sheet's action from this similarity on ...
SAME_ACTION = 0.5
#: ... when it also leads every other free line and action by this much.
SAME_ACTION_MARGIN = 0.1
#: A sheet's indicator and an Annexe 4 indicator are the same from this similarity on.
SAME_INDICATOR = 0.88
#: Two indicators that print the same unit, target and result are one indicator printed twice from
#: this similarity on: the equal figures already say much, so a typo or a shortened name is tolerated.
SAME_INDICATOR_SAME_VALUES = 0.55


@lru_cache(maxsize=4096)
def name_words(text: str) -> frozenset[str]:
    """The words that tell a name apart: folded, no stop word, no plural ``s``.

    >>> sorted(name_words("Nombre total de 1ers rendez-vous fixés"))
    ['1er', 'fixe', 'rendez', 'vou']
    >>> name_words("Pacte d'ambition IAE") == name_words("Pacte ambition IAE")
    True
    """
    tokens = re.findall(r"[a-z0-9]+", fold(str(text)))
    return frozenset(t[:-1] if t.endswith("s") and len(t) > 2 else t for t in tokens if t not in STOP_WORDS)


def similarity(a: str, b: str) -> float:
    """Mean of the Dice and overlap coefficients of two names' words (0 to 1).

    >>> similarity("Pacte ambition IAE", "Pacte d'ambition IAE")
    1.0
    >>> round(similarity("ASTRE", "ASTRE : Accompagnement Social Travaux de Rénovation"), 2)
    0.67
    >>> similarity("Projets innovants", "Coup de pouce compétences")
    0.0
    """
    words_a, words_b = name_words(a), name_words(b)
    if not words_a or not words_b:
        return 0.0
    common = len(words_a & words_b)
    return (2 * common / (len(words_a) + len(words_b)) + common / min(len(words_a), len(words_b))) / 2
