"""The words of a check's outcome, defined once with their French labels.

Every finding of the reconciliation (``checks.csv``), of the RSA orientation
chain and of every display uses these words; ``tables.schemas`` allows exactly
them. Three enums:

* :class:`Status`: the outcome of one check on one scope;
* :class:`Category`: what the finding is about: the document's coherence, data the
  document does not print, or the actions' performance (results against
  targets, execution against the avenant);
* :class:`Grade`: what a finding touches: money, counts and rates, or wording
  (impossible dates, a header naming the wrong year); inconsistencies are
  graded by it, performance is split by it (execution of money, indicators).

>>> Status("ecart").label, Category.PERFORMANCE.label, Grade.REDACTION.label
('Écart', 'Cibles et résultats', 'Rédaction')
>>> status_label("ecart", "performance"), status_label("ecart", "coherence")
('Cible non atteinte', 'Écart')
>>> category_of("coherence", "manquant")
<Category.DONNEE_MANQUANTE: 'donnee_manquante'>
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """One check's outcome, from the most to the least serious (the order used for reading)."""

    ECART = "ecart"                    # the figures contradict each other (or a target is missed)
    MANQUANT = "manquant"              # the template expects a figure the document does not print
    AVERTISSEMENT = "avertissement"    # likely wrong, but the text alone does not establish it
    NON_VERIFIABLE = "non_verifiable"  # cannot be checked (no base, no direction)
    EXPLIQUE = "explique"              # two figures differ, and the document itself says why
    OK = "ok"                          # the figures agree (or the target is reached)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def meaning(self) -> str:
        return STATUS_MEANINGS[self]


class Category(StrEnum):
    """What a finding is about; the displays show each kind apart."""

    COHERENCE = "coherence"                # the document's figures against each other
    DONNEE_MANQUANTE = "donnee_manquante"  # what the document does not print
    PERFORMANCE = "performance"            # facts about the actions, not about the document
    EXECUTION = "execution"                # money engaged against the avenant, per action and financeur

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


class Grade(StrEnum):
    """What a finding touches: money, counts and rates, or wording (empty when a rule does not say)."""

    MONTANT = "montant"
    EFFECTIF = "effectif"
    REDACTION = "redaction"
    NONE = ""

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


#: What each status means, for a reader (the method page, the data dictionary).
STATUS_MEANINGS = {
    Status.ECART: "deux chiffres du rapport qui devraient être égaux ne le sont pas (un total et la somme de ses "
                  "lignes, une fiche et l'annexe, un pourcentage et ses effectifs) ; pour un résultat : la cible "
                  "n'est pas atteinte ; pour l'engagé : moins que l'avenant (sous-exécuté)",
    Status.MANQUANT: "le rapport n'imprime pas un chiffre que son modèle prévoit : le contrôle ne peut pas se faire",
    Status.AVERTISSEMENT: "une incohérence probable que le texte seul n'établit pas (un libellé d'un autre volet, "
                          "une parité annoncée en termes généraux, une valeur répétée) ; pour l'engagé : plus que "
                          "l'avenant (dépassé)",
    Status.NON_VERIFIABLE: "le contrôle ne peut pas conclure (pas d'effectif pour recalculer un pourcentage) ; pour "
                           "un résultat : un volume prévisionnel ou un indicateur de contexte, qui n'est pas un "
                           "objectif, n'est pas évalué",
    Status.EXPLIQUE: "deux chiffres diffèrent et le document dit lui-même pourquoi (son explication est citée) : "
                     "ce n'est pas une incohérence",
    Status.OK: "les chiffres comparés concordent ; pour un résultat : la cible est atteinte ; pour l'engagé : "
               "l'avenant exactement (conforme)",
}
CATEGORY_MEANINGS = {
    Category.COHERENCE: "les chiffres du document confrontés les uns aux autres",
    Category.DONNEE_MANQUANTE: "ce que le modèle de rapport prévoit et que le document n'imprime pas",
    Category.PERFORMANCE: "les résultats des actions confrontés à leurs cibles : des faits sur les actions, non sur "
                      "le document",
    Category.EXECUTION: "l'engagé de chaque action et financeur rapporté à l'avenant : sous-exécuté, conforme ou "
                        "dépassé ; un fait sur l'exécution, non sur le document",
}
GRADE_MEANINGS = {
    Grade.MONTANT: "des montants en euros", Grade.EFFECTIF: "des effectifs, des pourcentages, des taux",
    Grade.REDACTION: "la rédaction : une date impossible, un en-tête nommant une autre année, un libellé",
    Grade.NONE: "non précisé",
}
STATUS_LABELS = {Status.ECART: "Écart", Status.MANQUANT: "Manquant", Status.AVERTISSEMENT: "À vérifier",
                 Status.NON_VERIFIABLE: "Non vérifiable", Status.EXPLIQUE: "Expliqué par le rapport",
                 Status.OK: "Conforme"}
#: The same outcomes for a result against its target (only an objective is graded: the rest is « non évalué »).
PERFORMANCE_LABELS = {Status.ECART: "Cible non atteinte", Status.OK: "Cible atteinte",
                      Status.NON_VERIFIABLE: "Non évalué"}
#: The same outcomes for money engaged against money planned (:attr:`Category.EXECUTION`): never a target reached
#: or missed.
EXECUTION_LABELS = {Status.ECART: "Sous-exécuté", Status.OK: "Conforme", Status.AVERTISSEMENT: "Dépassé"}
CATEGORY_LABELS = {Category.COHERENCE: "Incohérences du document", Category.DONNEE_MANQUANTE: "Données manquantes",
               Category.PERFORMANCE: "Cibles et résultats", Category.EXECUTION: "Exécution budgétaire"}
GRADE_LABELS = {Grade.MONTANT: "Montants", Grade.EFFECTIF: "Effectifs et taux", Grade.REDACTION: "Rédaction",
                Grade.NONE: ""}

STATUSES = tuple(Status)
CATEGORIES = tuple(Category)
GRADES = tuple(Grade)
#: What ``calpae check --strict`` refuses: an established inconsistency or a missing figure.
FAILING = (Status.ECART, Status.MANQUANT)


def status_label(status: str, category: str = Category.COHERENCE, grade: str = Grade.NONE) -> str:
    """The French label of a status, in the words of its category.

    >>> status_label("ok", "performance", "effectif"), status_label("ok", "execution", "montant")
    ('Cible atteinte', 'Conforme')
    >>> status_label("avertissement", "execution", "montant"), status_label("ecart", "execution")
    ('Dépassé', 'Sous-exécuté')
    """
    status = Status(status)
    labels = {Category.PERFORMANCE: PERFORMANCE_LABELS, Category.EXECUTION: EXECUTION_LABELS}.get(Category(category))
    return labels.get(status, status.label) if labels else status.label


def category_of(rule_category: str, status: str) -> Category:
    """A finding's category: a missing figure is missing data whatever the rule compares."""
    return Category.DONNEE_MANQUANTE if Status(status) is Status.MANQUANT else Category(rule_category)


#: The agreeing coherence checks (and the gaps the document explains itself), listed after the three kinds.
AGREEING = "Contrôles conformes"
#: The coherence findings the text alone does not establish: apart from the inconsistencies, never counted with them.
TO_VERIFY = "À vérifier"
#: The sections a reader sees, in order: the established inconsistencies, what is to be verified, the two other
#: kinds, then the agreeing checks.
SECTIONS = (CATEGORY_LABELS[Category.COHERENCE], TO_VERIFY, CATEGORY_LABELS[Category.DONNEE_MANQUANTE],
            CATEGORY_LABELS[Category.PERFORMANCE], CATEGORY_LABELS[Category.EXECUTION], AGREEING)


def section_of(category: str, status: str) -> str:
    """The section a finding is listed in: only an established gap (``ecart``) is an inconsistency.

    >>> section_of("coherence", "ecart"), section_of("coherence", "avertissement"), section_of("coherence", "ok")
    ('Incohérences du document', 'À vérifier', 'Contrôles conformes')
    >>> section_of("coherence", "explique"), section_of("performance", "ok")
    ('Contrôles conformes', 'Cibles et résultats')
    """
    if Category(category) is Category.COHERENCE:
        status = Status(status)
        if status in (Status.OK, Status.EXPLIQUE):
            return AGREEING
        if status in (Status.AVERTISSEMENT, Status.NON_VERIFIABLE):
            return TO_VERIFY
    return Category(category).label


def fails(category: str, status: str) -> bool:
    """Whether a finding makes ``--strict`` fail: inconsistencies and missing data, never performance or
    execution."""
    return Category(category) not in (Category.PERFORMANCE, Category.EXECUTION) and Status(status) in FAILING


# --- a budget's stage and an indicator value's kind ------------------------------------------------

class Stage(StrEnum):
    """A budget amount's stage on the action sheets: planned (5.1) or engaged (5.2).

    >>> Stage("prevu").label, Stage.ENGAGE.in_sentence, Stage.PREVU.in_total, Stage.ENGAGE.described
    ('Prévu', 'engagé (5.2)', 'prévu (fiches 5.1)', 'Engagé (fiche 5.2)')
    """

    PREVU = "prevu"
    ENGAGE = "engage"

    @property
    def label(self) -> str:  # a column, a legend
        return STAGE_WORDS[self][0]

    @property
    def described(self) -> str:  # the data dictionary
        return STAGE_WORDS[self][1]

    @property
    def in_sentence(self) -> str:  # "le montant prévu (5.1) de la fiche"
        return STAGE_WORDS[self][2]

    @property
    def in_total(self) -> str:  # "Total prévu (fiches 5.1)"
        return STAGE_WORDS[self][3]


class Kind(StrEnum):
    """What an indicator value is: the situation before, the target, the result, the first half-year's result.

    >>> Kind("target").column, Kind.TARGET.in_chain, Kind.BASELINE.in_sentence, Kind.S1.described
    ('Cible', 'Objectif', 'situation', 'Résultat du 1er semestre')
    """

    BASELINE = "baseline"
    TARGET = "target"
    RESULT = "result"
    S1 = "s1"

    @property
    def described(self) -> str:  # the data dictionary
        return KIND_WORDS[self][0]

    @property
    def column(self) -> str:  # a column of the indicator tables: "Référence", "Cible"
        return KIND_WORDS[self][1]

    @property
    def in_sentence(self) -> str:  # a finding: "(cible 2022)"
        return KIND_WORDS[self][2]

    @property
    def in_chain(self) -> str:  # the orientation chain's columns: "Objectif 2022"
        return KIND_WORDS[self][3]


#: Each stage's words: label, described, in a sentence, in a total.
STAGE_WORDS = {
    Stage.PREVU: ("Prévu", "Prévu (fiche 5.1)", "prévu (5.1)", "prévu (fiches 5.1)"),
    Stage.ENGAGE: ("Engagé", "Engagé (fiche 5.2)", "engagé (5.2)", "engagé (fiches 5.2)"),
}
#: Each kind's words: described, a column, in a sentence, in the orientation chain.
KIND_WORDS = {
    Kind.BASELINE: ("Situation de départ", "Référence", "situation", "Situation"),
    Kind.TARGET: ("Cible", "Cible", "cible", "Objectif"),
    Kind.RESULT: ("Résultat", "Résultat", "résultat", "Résultat"),
    Kind.S1: ("Résultat du 1er semestre", "1er semestre", "1er semestre", "1er semestre"),
}
#: French names of the ``financeur`` codes (``budgets.csv``, the annex's État and Département lines).
FINANCEUR_LABELS = {"etat": "État", "departement": "Département"}
#: The same, by code, for the displays that map a column of codes.
STAGE_LABELS = {str(stage): stage.label for stage in Stage}
KIND_COLUMNS = {str(kind): kind.column for kind in Kind}
KIND_IN_SENTENCE = {str(kind): kind.in_sentence for kind in Kind}
KIND_IN_CHAIN = {str(kind): kind.in_chain for kind in Kind}
