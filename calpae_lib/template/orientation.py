"""The RSA orientation chain's indicators as Annexe 4 words them: each step of the chain, and the
accompagnement global's delay (read by :mod:`calpae_lib.analysis.orientation`).

>>> [step for step, _, pattern in STEPS if pattern.search("Nombre de 1ers rendez-vous fixés")]
['rdv']
"""

from __future__ import annotations

import re

#: The chain's steps, in order: identifier, French label, wording of the indicator.
STEPS = (
    ("entrants", "Nouveaux entrants",
     re.compile(r"""nouveaux\ entrants\s*$""", re.VERBOSE | re.IGNORECASE)),
    ("orientes_delai", "Orientés dans le délai",
     re.compile(r"""nouveaux\ entrants\ orient\w*\ en\ \d+\ \w+   # "… orientés en 1 mois et moins" """,
                re.VERBOSE | re.IGNORECASE)),
    ("rdv", "1ers rendez-vous fixés",
     re.compile(r"""1ers?\ rendez-vous(?!.*\d+\ (?:semaines?|jours?|mois))  # no delay in the wording""",
                re.VERBOSE | re.IGNORECASE)),
    ("rdv_delai", "1ers rendez-vous dans le délai",
     re.compile(r"""1ers?\ rendez-vous.*\d+\ (?:semaines?|jours?|mois)""", re.VERBOSE | re.IGNORECASE)),
    ("cer", "1ers CER",
     re.compile(r"""1ers?\ (?:contrats?|contacts?)\ d.engagements\ réciproques\s*$  # "contacts" misprinted""",
                re.VERBOSE | re.IGNORECASE)),
    ("cer_delai", "1ers CER dans le délai",
     re.compile(r"""1ers?\ (?:contrats?|contacts?)\ d.engagements\ réciproques\ dans\ les\ \d+\ \w+""",
                re.VERBOSE | re.IGNORECASE)),
)

#: The accompagnement global's average start delay.
GLOBAL_DELAY = re.compile(r"""^Délai\ moyen\b.*accompagnement\ global""", re.VERBOSE | re.IGNORECASE)
