"""The template's volets: the words that name each, and how a reader names it.

A volet's key is read once, from its heading in the report's contents
(:func:`calpae_lib.text.outline.volet_key`): the template volet whose words the
heading holds, else the heading's own acronym or first word. Annex tables and
the rapport's sentences name a volet with other words (« ACTION D'INITIATIVE
DEPARTEMENTALE », « Plan Pauvreté », « Bassin Minier »): they are attached to the
same key through the same words (:func:`calpae_lib.text.outline.volet_named`).

>>> [v.key for v in VOLETS], [key for key, _ in VOLET_PATTERNS]
(['socle', 'initiative', 'erbm'], ['initiative', 'erbm', 'socle'])
>>> VOLET_LABELS["socle"], VOLET_NAMES_IN_TEXT["erbm"], ENVELOPE_VOLETS
('Socle commun', 'ERBM', ('erbm',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateVolet:
    """A volet of the national template and its words."""

    key: str
    #: Words (accents folded, lower case, singular) that name it in a heading, an annex title or label,
    #: a sentence of the rapport; a final "s" is allowed.
    names: tuple[str, ...]
    label: str        # display name: "Socle commun", the one name of the volet on every page
    phrase: str       # "20 actions du socle commun"
    title: str        # a page's title when the volet has no axes: its label, or the label spelt out
    #: Whether the rapport announces its State money apart, as an envelope added to the participation.
    envelope: bool = False

    @property
    def in_text(self) -> str:
        """Its name inside a sentence ("le volet socle commun"); an acronym keeps its capitals."""
        return self.label if self.label.isupper() else self.label[0].lower() + self.label[1:]


#: In the order the template prints them.
VOLETS = (
    TemplateVolet("socle", ("socle", "plan pauvrete"), "Socle commun", "du socle commun",
                  "Socle commun"),
    TemplateVolet("initiative", ("initiative",), "Initiative départementale",
                  "de l'initiative départementale", "Initiative départementale"),
    TemplateVolet("erbm", ("erbm", "bassin minier"), "ERBM", "du volet ERBM",
                  "Engagement pour le renouveau du bassin minier (ERBM)", envelope=True),
)
#: The order their names are tried in, the most specific first: « Plan pauvreté », the socle's
#: programme, is also printed in the other volets' tables (« Plan pauvreté - ACTION D'INITIATIVE … »).
MATCH_ORDER = ("initiative", "erbm", "socle")

#: Each template volet's names as one pattern over folded text, in :data:`MATCH_ORDER`.
VOLET_PATTERNS = tuple(
    (volet.key, re.compile(r"\b(?:" + "|".join(r"\s+".join(n.split()) + "s?" for n in volet.names) + r")\b"))
    for volet in sorted(VOLETS, key=lambda volet: MATCH_ORDER.index(volet.key)))

VOLET_LABELS = {volet.key: volet.label for volet in VOLETS}
VOLET_NAMES_IN_TEXT = {volet.key: volet.in_text for volet in VOLETS}
VOLET_PHRASES = {volet.key: volet.phrase for volet in VOLETS}
VOLET_TITLES = {volet.key: volet.title for volet in VOLETS}
#: The volet whose indicators Annexe 4 lists, measure by measure under its axes.
ANNEX4_VOLET = "socle"
#: The volets whose State money the rapport announces as an envelope apart from the participation.
ENVELOPE_VOLETS = tuple(volet.key for volet in VOLETS if volet.envelope)

#: A volet heading's acronym in parentheses, at its end: "(ERBM)".
HEADING_ACRONYM = re.compile(r"\((?P<acronym>[A-Z]{2,})\)\s*$")

#: Words a volet heading opens with that do not name it: the template's ("mesures", "volet")
#: and French function words.
HEADING_FILLERS = frozenset(
    "mesures mesure volet actions action du de des d la le les l a au aux en et pour sur".split())
