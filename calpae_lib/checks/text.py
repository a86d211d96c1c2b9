"""Rules on the text: the rapport's claims, percentages in words, document consistency.

The rapport du Président states the State's participation, its split per
volet, the envelope a volet adds to it and the number of actions per volet
(read once, in the pipeline: :mod:`calpae_lib.tables.claims`): each is checked
against the annex and the outline. Percentages stated in words are
recomputed from the counts printed with them. Budget headers must name the
report's year, dates must exist, and the annex's financeur lines must carry
the wording of the volet they stand in.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pandas as pd

from calpae_lib.checks.budget import amount, line_of, rows_of, short
from calpae_lib.checks.registry import ANNEX_LINES, DOCUMENT, Finding, rule
from calpae_lib.tables.claims import claims_of
from calpae_lib.tables.vocabulary import Grade
from calpae_lib.template.annex import FINANCEUR_WORDS
from calpae_lib.template.volets import ENVELOPE_VOLETS, VOLET_NAMES_IN_TEXT
from calpae_lib.text.dates import date_problem
from calpae_lib.text.formatting import format_eur, format_number, format_percent
from calpae_lib.text.numbers import percentage

# --- the rapport against the annex and the outline ---------------------------------------


def state_subtotal(annex: pd.DataFrame, volet: str) -> tuple[int | None, int | None]:
    """The annex's État sub-total (montant avenant) of a volet, and its line."""
    rows = rows_of(annex, volet, "subtotal_etat")
    if rows.empty:
        return None, None
    return amount(rows.iloc[0]["avenant"]), line_of(rows.iloc[0])


def money_finding(check_id, scope, claim, observed, what: str,
                  compared: str = "le sous-total part État de l'annexe") -> Finding:
    """A stated amount against the annex's amount it should equal (``compared`` names the latter)."""
    if observed is None:
        return Finding(check_id, scope, "manquant", "", format_eur(claim.value),
                       f"Le rapport annonce {format_eur(claim.value)} pour {what}, mais l'annexe n'a pas le "
                       f"sous-total à comparer.", claim.source_line)
    status = "ok" if observed == claim.value else "ecart"
    return Finding(check_id, scope, status, format_eur(observed), format_eur(claim.value),
                   f"Le rapport annonce {format_eur(claim.value)} pour {what} ; "
                   + (f"c'est {compared}." if status == "ok" else f"{compared} est de {format_eur(observed)}."),
                   claim.source_line, basis=compared)


def claim_missing(check_id, scope, what) -> Finding:
    return Finding(check_id, scope, "manquant", "", "",
                   f"Le rapport n'énonce pas {what} (phrase introuvable).", None)


@rule("rapport.participation_volet", needs=("annex_budget",), reads=("claims",), grade=Grade.MONTANT)
def check_volet_participation(tables, doc, meta, claims) -> list[Finding]:
    """La participation de l'État annoncée par chapitre égale le sous-total part État de l'annexe du volet."""
    annex = tables[ANNEX_LINES]
    split = claims_of(claims, "participation_volet")
    if not split:
        return [claim_missing("rapport.participation_volet", DOCUMENT,
                              "la répartition par chapitre de la participation de l'État")]
    return [money_finding("rapport.participation_volet", claim.volet or DOCUMENT, claim,
                          state_subtotal(annex, claim.volet)[0],
                          f"le chapitre {VOLET_NAMES_IN_TEXT.get(claim.volet, claim.volet)}")
            for claim in split]


@rule("rapport.participation_etat", needs=("annex_budget",), reads=("claims",), grade=Grade.MONTANT)
def check_state_participation(tables, doc, meta, claims) -> list[Finding]:
    """La participation totale de l'État égale la somme des sous-totaux État des volets qu'elle répartit."""
    annex = tables[ANNEX_LINES]
    totals = claims_of(claims, "participation_etat")
    if not totals:
        return [claim_missing("rapport.participation_etat", DOCUMENT, "la participation financière de l'État")]
    named = [c.volet for c in claims_of(claims, "participation_volet") if c.volet]
    volets = named or [v for v in dict.fromkeys(annex["volet"]) if v not in ENVELOPE_VOLETS]
    subtotals = [state_subtotal(annex, v)[0] for v in volets]
    observed = None if None in subtotals else sum(subtotals)
    what = "la participation de l'État (" + " + ".join(VOLET_NAMES_IN_TEXT.get(v, v) for v in volets) + ")"
    return [money_finding("rapport.participation_etat", DOCUMENT, claim, observed, what,
                          compared="la somme des sous-totaux part État de l'annexe") for claim in totals]


@rule("rapport.enveloppe_erbm", needs=("annex_budget",), reads=("claims",), grade=Grade.MONTANT)
def check_envelopes(tables, doc, meta, claims) -> list[Finding]:
    """L'enveloppe ERBM annoncée par le rapport égale le sous-total part État de l'annexe ERBM."""
    annex, findings = tables[ANNEX_LINES], []
    stated = claims_of(claims, "enveloppe")
    for volet in [v for v in ENVELOPE_VOLETS if (annex["volet"] == v).any() or claims_of(stated, "enveloppe", v)]:
        what = f"l'enveloppe {VOLET_NAMES_IN_TEXT[volet]}"
        findings += ([money_finding("rapport.enveloppe_erbm", volet, claim, state_subtotal(annex, volet)[0], what)
                      for claim in claims_of(stated, "enveloppe", volet)]
                     or [claim_missing("rapport.enveloppe_erbm", volet, what)])
    return findings


@rule("rapport.nombre_actions", needs=("actions",), reads=("claims",), grade=Grade.EFFECTIF)
def check_action_counts(tables, doc, meta, claims) -> list[Finding]:
    """Le nombre d'actions annoncé par le rapport (au total et par volet) égale celui des fiches trouvées."""
    actions = tables["actions"]
    counts = actions["volet"].value_counts()
    findings = []
    for claim in claims_of(claims, "nombre_actions_total"):
        findings.append(count_finding(DOCUMENT, "au total", claim, len(actions)))
    for claim in claims_of(claims, "nombre_actions_volet"):
        found = int(counts.get(claim.volet, 0))
        findings.append(count_finding(claim.volet, f"au titre du volet {VOLET_NAMES_IN_TEXT.get(claim.volet)}", claim,
                                      found))
    if not findings:
        findings.append(claim_missing("rapport.nombre_actions", DOCUMENT, "le nombre d'actions de la convention"))
    return findings


def count_finding(scope, where, claim, found: int) -> Finding:
    status = "ok" if found == claim.value else "ecart"
    tail = "autant de fiches action." if status == "ok" else f"mais le rapport contient {found} fiches action."
    return Finding("rapport.nombre_actions", scope, status, str(found), str(claim.value),
                   f"Le rapport annonce {claim.value} actions {where}, {tail}", claim.source_line,
                   basis="les fiches action du rapport")


# --- percentages stated in words ---------------------------------------------


def percent_agrees(stated: Decimal, decimals: int, approximate: bool, computed: float) -> bool:
    """Whether a stated percentage is the computed one, rounded or truncated as printed.

    >>> percent_agrees(Decimal("82.2"), 1, False, 82.21)
    True
    >>> percent_agrees(Decimal("88"), 0, True, 84.32)
    False
    """
    tolerance = 10 ** -decimals + (1 if approximate else 0)
    return abs(float(stated) - computed) < tolerance


@rule("texte.pourcentage", reads=("outline", "stated_percentages"), grade=Grade.EFFECTIF)
def check_stated_percentages(tables, doc, meta, outline, stated_percentages) -> list[Finding]:
    """Chaque pourcentage énoncé en toutes lettres est recalculé à partir des effectifs qu'il rapporte."""
    findings = []
    for statement in stated_percentages:
        computed = percentage(statement.count, statement.base)
        ok = computed is not None and percent_agrees(statement.percent, statement.decimals, statement.approximate,
                                                     computed)
        stated = format_percent(statement.percent, statement.decimals)
        recomputed = format_percent(computed, max(statement.decimals, 1))
        message = (f"« {short(statement.text, 60)} » : {format_number(statement.count)} sur "
                   f"{format_number(statement.base)} (ligne {statement.base_line}) font {recomputed}"
                   + ("." if ok else f", et non {stated}."))
        findings.append(Finding("texte.pourcentage", action_at(outline, statement.source_line),
                                "ok" if ok else "ecart", recomputed, stated, message, statement.source_line,
                                basis=f"recalcul : {format_number(statement.count)} sur "
                                      f"{format_number(statement.base)} (ligne {statement.base_line})"))
    return findings


def action_at(outline, line: int) -> str:
    """The action whose sheet holds a line, else ``document`` (the rapport, the annexes)."""
    for action in outline.actions:
        if action.start <= line <= action.end:
            return action.action_id
    return DOCUMENT


# --- document consistency -----------------------------------------------------------------

@rule("document.date_impossible", reads=("outline", "dates"), grade=Grade.REDACTION)
def check_dates(tables, doc, meta, outline, dates) -> list[Finding]:
    """Les dates imprimées (jj/mm/aaaa) existent."""
    findings = []
    for date in dates:
        problem = date_problem(date.day, date.month, date.year)
        if problem:
            findings.append(Finding("document.date_impossible", action_at(outline, date.source_line), "ecart",
                                    "une date valide", date.text,
                                    f"La date « {date.text} » est impossible : {problem}.", date.source_line,
                                    basis="le calendrier"))
    return findings


@rule("document.annee_entete", reads=("sheet_headers", "annex_headers"), grade=Grade.REDACTION)
def check_header_years(tables, doc, meta, sheet_headers, annex_headers) -> list[Finding]:
    """Les en-têtes des budgets exécutés (fiches et annexe) nomment l'année du rapport."""
    findings = []
    years = ([(h.action_id, h.year, h.source_line) for h in sheet_headers]
             + [(volet, year, line) for volet, line, year in annex_headers])
    for scope, year, line in years:
        if year != meta.year:
            where = "l'annexe budgétaire" if scope in VOLET_NAMES_IN_TEXT else "la fiche"
            findings.append(Finding("document.annee_entete", scope, "ecart", str(meta.year), str(year),
                                    f"L'en-tête du budget exécuté de {where} porte sur {year} alors que le "
                                    f"rapport est celui de {meta.year}.", line, basis="l'année du rapport"))
    if not findings:
        findings.append(Finding("document.annee_entete", DOCUMENT, "ok", str(meta.year), str(meta.year),
                                f"Tous les en-têtes de budget exécuté nomment l'année {meta.year}.", None))
    return findings


def programme_of(label: str) -> str:
    """The programme a financeur line names, without who pays.

    >>> programme_of("Contrepartie Plan Pauvreté - part Département")
    'plan pauvreté'
    >>> programme_of("Contre partie plan pauvreté")
    'plan pauvreté'
    >>> programme_of("Initiative Départementale")
    'initiative départementale'
    """
    return " ".join(FINANCEUR_WORDS.sub(" ", label).lower().split())


@rule("document.libelle_volet", needs=("annex_budget",), grade=Grade.REDACTION)
def check_volet_labels(tables, doc, meta) -> list[Finding]:
    """Les lignes État / Département de chaque tableau d'annexe portent le libellé de leur volet."""
    annex, findings = tables[ANNEX_LINES], []
    parts = annex[annex["row_kind"].isin(["etat", "departement"])]
    for volet, lines in parts.groupby("volet", sort=False):
        programmes = lines["label"].map(programme_of)
        usual, _ = Counter(programmes).most_common(1)[0]
        odd = lines[programmes != usual]
        for _, row in odd.iterrows():
            findings.append(Finding(
                "document.libelle_volet", row["action_id"] if isinstance(row["action_id"], str) and row["action_id"]
                else volet, "avertissement", usual, programme_of(row["label"]),
                f"Dans le tableau {VOLET_NAMES_IN_TEXT.get(volet, volet)} de l'annexe, la ligne « {short(row['label'])} » "
                f"porte un libellé d'un autre volet (les autres lignes disent « {usual} »).", line_of(row),
                basis="les autres lignes du tableau"))
        if odd.empty:
            findings.append(Finding("document.libelle_volet", volet, "ok", usual, usual,
                                    f"Toutes les lignes État / Département du tableau {VOLET_NAMES_IN_TEXT.get(volet, volet)} "
                                    f"portent le libellé « {usual} ».", line_of(lines.iloc[0]),
                                    basis="les autres lignes du tableau"))
    return findings
