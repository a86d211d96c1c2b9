"""Schemas of the processed tables, validated with pandera: every column, its type, unit and allowed values.

This module is the one definition of the published tables: the builders take
their columns from :data:`TABLE_COLUMNS` (derived from :data:`SCHEMAS`), the
workbook its French headers and number formats, ``datapackage.json`` its Table
Schemas and ``docs/dictionnaire.md`` its text (:mod:`calpae_lib.tables.dictionary`).
Each column carries, in pandera's ``title`` / ``description`` / ``metadata``,
its French header, its meaning, its unit and the French labels of its codes.

Conventions shared by every table:

* tables are long (tidy): one observed value per row, an amount in ``amount_eur``
  with its ``stage``; never one column per stage;
* column names are stable English machine names, except the report's own terms
  ``volet`` and ``financeur``; codes are lower-case ASCII;
* one word for one thing: an indicator's column ``kind`` is ``baseline`` (the
  report's "Situation"), ``target``, ``result`` or ``s1`` (first half-year) in
  every table; ``axis`` is the socle's axis (``I`` / ``II``), ``measure`` the
  measure's printed title; ``period`` is always text (``2022``, ``2020/2021``);
* every row keeps ``source_line``, the 1-based line it was read from: of the raw text, or of the text
  the PDF route made of a PDF (whose places give the printed page).

:func:`validate_tables` runs at the end of :func:`calpae_lib.pipeline.parse_document`; a
table that breaks its schema raises :class:`~calpae_lib.errors.SchemaError`
naming the table, the column, the rule broken and the offending rows (with
their ``source_line`` when the table has one).

>>> import pandas as pd
>>> bad = pd.DataFrame({"check_id": ["annexe.total"], "scope": ["document"], "category": ["coherence"],
...                     "grade": ["montant"], "status": ["faux"], "expected": [""], "observed": [""], "basis": [""],
...                     "message": ["m"], "source_line": pd.array([3], dtype="Int64")})
>>> validate_tables({"checks": bad})
Traceback (most recent call last):
...
calpae_lib.errors.SchemaError: table « checks » non conforme à son schéma : colonne status, isin(['ecart', 'manquant', 'avertissement', 'non_verifiable', 'explique', 'ok']) refuse « faux » (rang 0, ligne source 3). Corrigez le module qui construit cette table.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from calpae_lib.errors import SchemaError
from calpae_lib.tables import vocabulary
from calpae_lib.template.volets import VOLET_LABELS

#: A volet's key, read from its heading (:func:`calpae_lib.text.outline.volet_key`): lower-case letters.
VOLET_KEY = r"^[a-z][a-z-]*$"
#: An axis: a roman numeral as printed, or empty for a volet without axes.
AXIS = r"^(?:[IVXL]+)?$"
ACTION_ID = r"^[a-z][a-z-]*?(?:-[IVXL]+)?-\d+$"
#: How many broken cells a message quotes before saying "and N more".
QUOTED_FAILURES = 5

# --- vocabularies: each code once, with its French label ------------------------------------

#: The French names of the volets calpae knows; a report's other volets keep their key.
VOLETS = dict(VOLET_LABELS)
FINANCEURS = dict(vocabulary.FINANCEUR_LABELS)
#: The sheets' stages (5.1 prévu, 5.2 engagé) and the annex's columns (avenant, engagé).
STAGES = {str(stage): stage.described for stage in vocabulary.Stage}
ANNEX_STAGES = {"avenant": "Montant avenant", "engage": "Montant engagé/réalisé"}
ANNEX_ROW_KINDS = {"action": "Action", "etat": "Part État", "departement": "Part Département",
                   "subtotal_etat": "Sous-total part État", "subtotal_departement": "Sous-total part Département",
                   "total": "Total général"}
#: What an indicator column holds; the sheets print no first half-year column.
KINDS = {str(kind): kind.described for kind in vocabulary.Kind}
SHEET_KINDS = {k: v for k, v in KINDS.items() if k != "s1"}
UNITS = {"count": "nombre", "percent": "pourcentage", "days": "jours", "eur": "euros", "text": "texte"}
INDICATOR_STATUSES = {"ok": "lue", "not_available": "non disponible", "ambiguous": "ambiguë"}
#: A check's words (:mod:`calpae_lib.tables.vocabulary`), each with its label and what it means.
CHECK_STATUSES = {str(status): status.label for status in vocabulary.Status}
CHECK_CATEGORIES = {str(category): category.label for category in vocabulary.Category}
CHECK_GRADES = {str(grade): grade.label for grade in vocabulary.Grade if grade}
#: What each status means, for the people who read the tables.
INDICATOR_STATUS_MEANINGS = {"ok": "valeur lue sans doute possible",
                   "not_available": "le rapport n'imprime pas de valeur (NC, /, non connu…)",
                   "ambiguous": "le texte ne dit pas à quelle colonne ou quelle valeur la cellule appartient "
                                "(ni, pour un rapport lu depuis son PDF, la place de la cellule sur la page) : "
                                "à vérifier dans le rapport, jamais à prendre pour un chiffre sûr"}
CHECK_STATUS_MEANINGS = {str(status): status.meaning for status in vocabulary.Status}

# --- columns ----------------------------------------------------------------------------------


def column(dtype, label: str, description: str, *checks: pa.Check, unit: str | None = None,
           values: dict[str, str] | None = None, labels: dict[str, str] | None = None,
           meanings: dict[str, str] | None = None, nullable: bool = False, coerce: bool = False) -> pa.Column:
    """A column with its French ``label``, its meaning, its ``unit`` and the French labels of its codes.

    ``values``: the only codes allowed, with their French labels; ``labels``: French
    labels of the codes known so far, where a report may print others (volets);
    ``meanings``: what each code means, in a sentence (statuses).
    """
    all_checks: list[pa.Check] = list(checks)
    metadata: dict[str, object] = {"unit": unit}
    if values is not None:
        allowed = [*values, ""] if nullable and dtype is str else list(values)
        all_checks.insert(0, pa.Check.isin(allowed))
        metadata["values"] = dict(values)
    if labels is not None:
        metadata["labels"] = dict(labels)
    if meanings is not None:
        metadata["meanings"] = dict(meanings)
    return pa.Column(dtype, all_checks, nullable=nullable, coerce=coerce, title=label, description=description,
                     metadata=metadata)


def integer(label: str, description: str, minimum: int | None = 0, unit: str | None = None,
            nullable: bool = False) -> pa.Column:
    checks = [pa.Check.ge(minimum)] if minimum is not None else []
    return column("Int64" if nullable else int, label, description, *checks, unit=unit, nullable=nullable,
                  coerce=nullable)


def amount(label: str = "Montant (€)", description: str = "montant en euros, tel qu'imprimé") -> pa.Column:
    return integer(label, description, unit="eur")


def source_line(nullable: bool = False) -> pa.Column:
    return integer("Ligne source", "ligne (à partir de 1) du texte lu où la valeur est imprimée : celle du "
                   "fichier texte brut, ou, pour un rapport lu depuis son PDF, celle du texte extrait du PDF "
                   "(les pages publiées donnent alors aussi la page imprimée)",
                   minimum=1, unit="line", nullable=nullable)


def title(label: str, description: str, nullable: bool = False) -> pa.Column:
    return column(str, label, description, pa.Check.str_length(min_value=1), nullable=nullable)


#: An action_id, or empty where the table allows a line that is not an action's.
ACTION_OR_EMPTY = pa.Check.str_matches(ACTION_ID[:-1] + "|^$")


def action_id(nullable: bool = False) -> pa.Column:
    check = ACTION_OR_EMPTY if nullable else pa.Check.str_matches(ACTION_ID)
    return column(str, "Action", "identifiant de l'action : volet, axe et numéro (socle-II-8, erbm-2)",
                  check, nullable=nullable)


def table(name: str, label: str, description: str, columns: dict[str, pa.Column], **options) -> pa.DataFrameSchema:
    """A table's schema: every column, in the order written, nothing else."""
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=name, title=label, description=description,
                              **options)


VOLET = column(str, "Volet", "volet de la convention : clé lue dans son titre (minuscules, sigle ou premier mot)",
               pa.Check.str_matches(VOLET_KEY), labels=VOLETS)


def axis(description: str) -> pa.Column:
    return column(str, "Axe", description, pa.Check.str_matches(AXIS), nullable=True)


def spelled_action_id(frame: pd.DataFrame) -> pd.Series:
    """The ``action_id`` each row's volet, axis and number spell (``socle-II-3``, ``erbm-2``)."""
    axis = frame["axis"].fillna("").astype(str)
    return frame["volet"].astype(str) + axis.map(lambda a: f"-{a}" if a else "") + "-" + frame["number"].astype(str)

STAGE = column(str, "Étape", "prévu (fiche 5.1) ou engagé (fiche 5.2)", values=STAGES)
FINANCEUR = column(str, "Financeur", "qui finance : l'État ou le Département", values=FINANCEURS)
LABEL = column(str, "Libellé", "libellé de la ligne, tel qu'imprimé")
PERIOD = column(str, "Période", "année ou période de la colonne, telle qu'imprimée (2022, 2020/2021) ; "
                "vide quand la colonne est incertaine", nullable=True)
VALUE = column(float, "Valeur", "valeur lue ; l'unité est dans « unit » (un pourcentage vaut 98 pour 98 %) ; "
               "vide quand non disponible ou incertaine", nullable=True, coerce=True, unit="per_row")
UNIT = column(str, "Unité", "unité de la valeur", values=UNITS)
RAW = column(str, "Texte imprimé", "la cellule telle qu'imprimée dans le rapport", nullable=True)
COMMENT = column(str, "Commentaire", "commentaire imprimé à côté de l'indicateur", nullable=True)
INDICATOR = title("Indicateur", "intitulé de l'indicateur, tel qu'imprimé")
MEASURE = column(str, "Mesure", "intitulé de la mesure sous laquelle l'indicateur est imprimé", nullable=True)
STATUS = column(str, "Statut", "fiabilité de la lecture de la cellule", values=INDICATOR_STATUSES,
                meanings=INDICATOR_STATUS_MEANINGS)



def cell_columns(kinds: dict[str, str]) -> dict[str, pa.Column]:
    """The columns of an indicator table's cell: its column's period and kind, its value and how it was read."""
    return {
        "period": PERIOD,
        "kind": column(str, "Nature", "ce que tient la colonne ; vide quand la colonne est incertaine",
                       values=kinds, nullable=True),
        "value": VALUE,
        "unit": UNIT,
        "raw": RAW,
        "comment": COMMENT,
        "source_line": source_line(),
        "status": STATUS,
    }


ACTIONS = table("actions", "Actions", "une ligne par action du rapport (fiches actions)", {
    "action_id": action_id(),
    "volet": VOLET,
    "axis": axis("axe du volet, en chiffres romains comme imprimé (I, II) ; vide pour un volet sans axes"),
    "number": integer("N°", "numéro de l'action dans son volet et son axe", minimum=1),
    "title": title("Intitulé", "intitulé de l'action, tel qu'imprimé en tête de sa fiche"),
    "source_line": source_line(),
    "has_budget": column(bool, "Budget imprimé", "la fiche imprime un budget (5.1 ou 5.2)"),
    "has_indicators": column(bool, "Indicateurs imprimés", "la fiche imprime un tableau d'indicateurs"),
}, unique=["action_id"], checks=[pa.Check(lambda frame: frame["action_id"] == spelled_action_id(frame),
                                           name="action_id spells volet-axis-number",
                                           error="action_id = volet[-axis]-number")])

BUDGETS = table("budgets", "Budgets des fiches", "montants des fiches actions : prévu (5.1) et engagé (5.2), "
                "par financeur ; une ligne par montant", {
    "action_id": action_id(),
    "stage": STAGE,
    "financeur": FINANCEUR,
    "amount_eur": amount(),
    "label": LABEL,
    "source_line": source_line(),
}, unique=["action_id", "stage", "financeur"])

BUDGET_DETAILS = table("budget_details", "Détail des montants", "parties d'un montant imprimé « X € dont Y € … », "
                       "gardées à part pour que les sommes de budgets comptent chaque euro une fois", {
    "action_id": action_id(),
    "stage": STAGE,
    "financeur": FINANCEUR,
    "amount_eur": amount("Montant de la partie (€)", "montant de la partie, en euros"),
    "parent_amount_eur": amount("Montant total (€)", "montant dont la partie fait partie, en euros"),
    "label": LABEL,
    "source_line": source_line(),
}, unique=["action_id", "stage", "financeur", "source_line", "amount_eur"])

ANNEX_BUDGET = table("annex_budget", "Annexe financière", "tableaux de l'annexe financière, un par volet : "
                     "montant avenant et montant engagé de chaque ligne ; une ligne par montant", {
    "volet": VOLET,
    "row_kind": column(str, "Nature de la ligne", "action, part d'un financeur, sous-total ou total",
                       values=ANNEX_ROW_KINDS),
    "action_id": action_id(nullable=True),
    "label": LABEL,
    "stage": column(str, "Colonne", "colonne de l'annexe : montant avenant ou montant engagé", values=ANNEX_STAGES),
    "amount_eur": amount(),
    "source_line": source_line(),
}, unique=["source_line", "stage"])

INDICATORS = table("indicators", "Indicateurs des fiches", "tableaux d'indicateurs des fiches actions ; "
                   "une ligne par cellule", {
    "action_id": action_id(nullable=True),
    "axis": axis("axe du volet de l'action (I, II) ; vide pour un volet sans axes"),
    "measure": MEASURE,
    "indicator": INDICATOR,
    **cell_columns(SHEET_KINDS),
    "measure_status": column(str, "Statut de la mesure", "« ok », ou « ambiguous » quand le texte lu comme la "
                             "mesure peut aussi être la justification de la ligne précédente",
                             values={"ok": "lue", "ambiguous": "incertaine"},
                             meanings={"ok": "mesure lue sans doute",
                                       "ambiguous": "mesure ou justification de la ligne précédente : incertain"}),
})

ANNEX4 = table("annex4", "Annexe 4", "tableau des indicateurs de l'Annexe 4 ; une ligne par cellule", {
    "measure": MEASURE,
    "indicator": INDICATOR,
    "definition": column(str, "Définition", "définition de l'indicateur, telle qu'imprimée", nullable=True),
    **cell_columns(KINDS),
    "column": integer("Colonne", "rang (à partir de 1) de la colonne de valeurs ; vide quand incertaine",
                      minimum=1, nullable=True),
    "indicator_line": integer("Ligne de l'indicateur", "ligne du texte lu (fichier texte brut, ou "
                              "texte extrait du PDF) où l'indicateur est imprimé",
                              minimum=1, unit="line"),
    "note": column(str, "Note de lecture", "pourquoi une cellule est incertaine ou comment elle a été placée",
                   nullable=True),
})

CHECKS = table("checks", "Contrôles", "contrôles de cohérence : chaque total, fiche, annexe et pourcentage "
               "confronté aux autres ; une ligne par contrôle et par objet", {
    "check_id": column(str, "Contrôle", "identifiant de la règle (famille.règle)",
                       pa.Check.str_matches(r"^[a-z_]+\.[a-z0-9_]+$")),
    "scope": title("Objet", "ce qui est contrôlé : une action, un volet ou le document"),
    "category": column(str, "Nature", "incohérence du document, donnée manquante, performance ou exécution budgétaire",
                       values=CHECK_CATEGORIES, meanings={str(c): vocabulary.CATEGORY_MEANINGS[c]
                                                          for c in vocabulary.Category}),
    "grade": column(str, "Gravité", "ce que le constat touche ; vide quand la règle ne le dit pas",
                    values=CHECK_GRADES, nullable=True,
                    meanings={str(g): vocabulary.GRADE_MEANINGS[g] for g in vocabulary.Grade if g}),
    "status": column(str, "Statut", "résultat du contrôle", values=CHECK_STATUSES, meanings=CHECK_STATUS_MEANINGS),
    "expected": column(str, "Devrait être", "ce que le chiffre imprimé devrait être, d'après la source que donne "
                       "« basis » (1 320 000 €, 98 %)", nullable=True),
    "observed": column(str, "Le rapport imprime", "ce que le rapport imprime à la ligne « source_line », écrit en "
                       "français", nullable=True),
    "basis": column(str, "D'après", "d'où vient la valeur de « expected » : une autre ligne du rapport, une somme, "
                    "un recalcul", nullable=True),
    "message": title("Message", "le constat, en une phrase"),
    "source_line": source_line(nullable=True),
})

# --- the RSA orientation chain of Annexe 4 and its reference figures (written beside the report's tables) ------

STEP = column(str, "Étape", "étape de la chaîne d'orientation : entrants, orientes_delai, rdv, rdv_delai, cer, "
              "cer_delai (nouveaux entrants, orientés dans le délai, 1ers rendez-vous, 1ers CER…)")
YEAR = integer("Année", "année de la colonne, en nombre (la période imprimée commence par elle)", minimum=1900,
               nullable=True)
RATE_PERCENT = column(float, "Taux (%)", "taux en pourcentage de sa base (98 pour 98 %) ; vide quand une des deux "
                      "valeurs manque ; le classeur l'écrit en fraction affichée en %", unit="percent", nullable=True)
COPIED = "reprend la valeur d'une étape antérieure de la même colonne (cellule sans doute recopiée)"

ORIENTATION_STEPS = table("orientation_steps", "Orientation, effectifs", "chaîne d'orientation des nouveaux "
                          "entrants au RSA (annexe 4) ; une ligne par étape et par colonne", {
    "step": STEP,
    "step_label": title("Libellé de l'étape", "nom court de l'étape"),
    "delay": column(str, "Délai", "délai écrit dans l'intitulé de l'indicateur (1 mois) ; vide sans délai",
                    nullable=True),
    "definition": column(str, "Définition imprimée", "éléments de définition que l'annexe 4 imprime pour "
                         "l'indicateur ; vide quand elle n'en donne pas", nullable=True),
    "period": PERIOD,
    "year": YEAR,
    "kind": column(str, "Nature", "ce que tient la colonne", values=KINDS),
    "value": column(float, "Effectif", "nombre de personnes lu ; vide quand il n'est pas disponible",
                    unit="count", nullable=True),
    "raw": RAW,
    "status": STATUS,
    "source_line": source_line(),
    "indicator": INDICATOR,
})

ORIENTATION_RATES = table("orientation_rates", "Orientation, taux", "taux de la chaîne d'orientation : chaque "
                          "étape rapportée à sa base, par colonne, avec les signalements qui le concernent", {
    "period": PERIOD,
    "year": YEAR,
    "kind": column(str, "Nature", "ce que tient la colonne", values=KINDS),
    "rate_id": column(str, "Taux", "identifiant du taux (orientation_delai, rdv_sur_entrants, rdv_delai, "
                      "cer_sur_entrants, cer_delai)"),
    "label": title("Libellé", "ce que le taux rapporte à quoi"),
    "numerator": STEP,
    "denominator": column(str, "Base", "étape rapportée (la base du taux)"),
    "numerator_value": column(float, "Effectif", "effectif de l'étape", unit="count", nullable=True),
    "denominator_value": column(float, "Effectif de la base", "effectif de la base", unit="count", nullable=True),
    "rate": RATE_PERCENT,
    "delay": column(str, "Délai", "délai écrit dans l'intitulé de l'étape", nullable=True),
    "national_delay": column(str, "Délai national", "délai fixé au niveau national pour l'étape", nullable=True),
    "delay_is_national": column(bool, "Délai de l'intitulé national", "le délai de l'intitulé est le délai national "
                                "(faux pour une étape sans délai) : ne dit rien du taux atteint"),
    "target_rate": column(float, "Taux des objectifs (%)", "le même taux calculé sur les objectifs chiffrés de "
                          "l'année", unit="percent", nullable=True),
    "gap_to_target": column(float, "Écart aux objectifs (points)", "taux moins taux des objectifs, en points",
                            unit="points", nullable=True),
    "numerator_copied": column(bool, "Effectif recopié", "l'effectif " + COPIED),
    "base_copied": column(bool, "Base recopiée", "la base " + COPIED + " : le taux n'a pas de base propre"),
    "narrower_count": column(bool, "Effectif plus étroit", "la définition imprimée de l'effectif exclut une partie "
                             "de sa base (« hors … ») : le taux n'est la part de personne"),
})

ORIENTATION_LOSSES = table("orientation_losses", "Orientation, pertes", "personnes perdues entre une étape et "
                           "sa base, par colonne", {
    "period": PERIOD,
    "year": YEAR,
    "kind": column(str, "Nature", "ce que tient la colonne", values=KINDS),
    "rate_id": column(str, "Taux", "identifiant du taux qui relie les deux étapes"),
    "from_step": STEP,
    "from_label": title("De", "étape de départ (la base)"),
    "to_step": column(str, "Vers", "étape d'arrivée"),
    "to_label": title("À", "étape d'arrivée"),
    "from_value": column(float, "Effectif de départ", "effectif de la base", unit="count", nullable=True),
    "to_value": column(float, "Effectif d'arrivée", "effectif de l'étape", unit="count", nullable=True),
    "lost": column(float, "Perdus", "effectif de départ moins effectif d'arrivée (négatif : l'étape compte plus "
                   "que sa base)", unit="count", nullable=True),
    "lost_share": column(float, "Part perdue (%)", "perdus rapportés à l'effectif de départ", unit="percent",
                         nullable=True),
    "base_copied": column(bool, "Base recopiée", "l'effectif de départ " + COPIED),
    "to_copied": column(bool, "Arrivée recopiée", "l'effectif d'arrivée " + COPIED),
})

REFERENCE_SOURCES = {"annexe4": "Annexe 4 du rapport", "reperes": "repère national publié",
                     "oarsa": "DREES, enquête OARSA"}
REFERENCE_SYMBOLS = {"/": "non collecté cette année-là", "NR": "pas de réponse du département",
                     "NC": "non concerné (dénominateur nul)", "ND": "non disponible"}

REFERENCES = table("references", "Repères", "le taux d'orientation du rapport à côté des repères d'autres sources "
                   "(enquête OARSA de la DREES, repères nationaux) : d'autres indicateurs, chacun avec sa définition", {
    "series": column(str, "Série", "la série : orientation_delai (le taux de l'annexe 4) ou la feuille OARSA "
                     "(Tableau B1…)"),
    "source": column(str, "Source", "d'où vient le chiffre", values=REFERENCE_SOURCES),
    "territory": title("Territoire", "département ou France"),
    "code": column(str, "Code", "code du territoire dans le classeur OARSA (62, France) ; vide pour le rapport",
                   nullable=True),
    "year": YEAR,
    "value": column(float, "Valeur", "valeur ; l'unité est dans « unit » ; vide quand la source ne la donne pas "
                    "(voir « symbol »), jamais zéro", nullable=True),
    "unit": column(str, "Unité", "unité de la valeur", values={"percent": "pourcentage", "days": "jours"}),
    "symbol": column(str, "Symbole", "ce que la source imprime à la place d'une valeur", values=REFERENCE_SYMBOLS,
                     nullable=True),
    "definition": title("Définition", "ce que la série mesure, selon sa source"),
    "citation": title("Source citée", "la référence à citer"),
    "url": column(str, "Adresse", "adresse de la publication", nullable=True),
})

SCHEMAS: dict[str, pa.DataFrameSchema] = {schema.name: schema for schema in (
    ACTIONS, BUDGETS, BUDGET_DETAILS, ANNEX_BUDGET, INDICATORS, ANNEX4, CHECKS, ORIENTATION_STEPS, ORIENTATION_RATES,
    ORIENTATION_LOSSES, REFERENCES)}

# --- the comparison of a département's years (its own tables folder, beside the years') ----------

YEAR = integer("Exercice", "année du rapport (exercice) d'où vient la ligne", minimum=1)
#: How the checks across years mark an indicator's row.
ROW_MARKS = {"copie": "probablement recopiée", "contradiction": "situation N−1 contredite"}

COMPARISON_MONEY = table("comparison_money", "Comparaison, montants", "montants par volet, financeur et étape de "
                         "chaque exercice comparé, l'engagé complété par l'annexe comme dans la synthèse ; une ligne "
                         "par montant", {
    "year": YEAR,
    "volet": VOLET,
    "financeur": FINANCEUR,
    "stage": STAGE,
    "amount_eur": integer("Montant (€)", "somme des montants du volet, en euros ; vide quand aucune fiche ne "
                          "l'imprime", unit="eur", nullable=True),
}, unique=["year", "volet", "financeur", "stage"])

COMPARISON_INDICATORS = table("comparison_indicators", "Comparaison, indicateurs", "résultats de l'année de chaque "
                              "exercice pour les indicateurs présents dans plusieurs exercices ; une ligne par "
                              "résultat", {
    "year": YEAR,
    "action_id": action_id(nullable=True),
    "axis": axis("axe du volet de l'action (I, II) ; vide pour un volet sans axes"),
    "measure": MEASURE,
    "indicator": INDICATOR,
    "unit": UNIT,
    "occurrence": integer("Rang", "rang (à partir de 0) de l'indicateur parmi ceux de même mesure, nom et unité"),
    "value": VALUE,
    "status": STATUS,
    "raw": RAW,
    "source_line": source_line(),
    "mark": column(str, "Repère", "ce que les contrôles entre exercices disent de la ligne ; vide : rien",
                   values=ROW_MARKS, nullable=True),
})

COMPARISON_CHECKS = table("comparison_checks", "Comparaison, contrôles", "contrôles entre exercices : programme, "
                          "situation N−1, copies, constats déjà relevés ; une ligne par constat", {
    "year": YEAR,
    "previous_year": integer("Exercice précédent", "année du rapport comparé", minimum=1),
    **CHECKS.columns,
})

#: The tables of a comparison across years, in the order written.
COMPARISON_SCHEMAS: dict[str, pa.DataFrameSchema] = {schema.name: schema for schema in (
    COMPARISON_MONEY, COMPARISON_INDICATORS, COMPARISON_CHECKS)}

#: Every column of each tidy table, in order: the schemas' columns.
#: Every published schema: a report's tables and a comparison's.
ALL_SCHEMAS: dict[str, pa.DataFrameSchema] = {**SCHEMAS, **COMPARISON_SCHEMAS}
TABLE_COLUMNS: dict[str, list[str]] = {name: list(schema.columns) for name, schema in ALL_SCHEMAS.items()}


def allowed_values(column: pa.Column) -> dict[str, str]:
    """The codes a column allows, with their French labels (empty for a free column)."""
    return column.metadata.get("values", {}) if column.metadata else {}


def code_labels(column: pa.Column) -> dict[str, str]:
    """French labels of a column's codes: the allowed ones, or those known of an open list."""
    return allowed_values(column) or (column.metadata.get("labels", {}) if column.metadata else {})


def code_meanings(column: pa.Column) -> dict[str, str]:
    """What each code of a column means, where the schema says (statuses)."""
    return column.metadata.get("meanings", {}) if column.metadata else {}


def column_unit(column: pa.Column) -> str | None:
    return column.metadata.get("unit") if column.metadata else None

def describe_failures(name: str, frame: pd.DataFrame, failures: pd.DataFrame) -> str:
    """One sentence naming the table, the columns and rules broken, and the first offending rows."""
    quoted = []
    for _, failure in failures.head(QUOTED_FAILURES).iterrows():
        where = ""
        index = failure["index"]
        if index is not None and not pd.isna(index):
            where = f"rang {int(index)}"
            if "source_line" in frame.columns and index in frame.index and not pd.isna(frame.at[index, "source_line"]):
                where += f", ligne source {int(frame.at[index, 'source_line'])}"
            where = f" ({where})"
        column = failure["column"] if failure["column"] is not None else "table"
        quoted.append(f"colonne {column}, {failure['check']} refuse « {failure['failure_case']} »{where}")
    more = len(failures) - len(quoted)
    tail = f" ; et {more} autre(s) cas" if more > 0 else ""
    return (f"table « {name} » non conforme à son schéma : " + " ; ".join(quoted) + tail
            + ". Corrigez le module qui construit cette table.")


def validate_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate one table against its schema (a copy is validated); tables without a schema pass."""
    schema = SCHEMAS.get(name) or COMPARISON_SCHEMAS.get(name)
    if schema is None:
        return frame
    try:
        return schema.validate(frame.copy(), lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise SchemaError(describe_failures(name, frame, errors.failure_cases)) from None


def validate_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Validate every table that has a schema; raise :class:`SchemaError` on the first broken one.

    The tables themselves are left as they are (validation never changes a dtype).
    """
    for name, frame in tables.items():
        validate_table(name, frame)
