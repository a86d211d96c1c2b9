"""The reconciliation as a reader sees it: the document's inconsistencies, missing data and performance, apart.

Three kinds of result are never mixed (:mod:`calpae_lib.tables.vocabulary`):
inconsistencies of the document (graded by what they touch: money, counts and
rates, wording), data the document does not print, and the actions'
performance, shown in « Cibles et résultats » with one line per indicator
however many sheets print it. Nothing on screen is an internal code: scopes
are named in words, the rules by what they found.
"""

from __future__ import annotations

import pandas as pd

from calpae_lib.checks.direction import LESS, MORE
from calpae_lib.checks.engine import reading_order, section_counts, sections
from calpae_lib.checks.indicators import performance_rows
from calpae_lib.present.views import (
    UNDETERMINED,
    Table,
    attainment_cell,
    indicator_name,
    line_cell,
    text_cell,
    value_cell,
)
from calpae_lib.tables.vocabulary import AGREEING, GRADES, SECTIONS, Grade, Category, section_of, status_label
from calpae_lib.text.outline import VOLET_LABELS, action_label

DIRECTION_LABELS = {MORE: "plus est mieux", LESS: "moins est mieux", None: "non déterminé"}
WHOLE_REPORT = "Ensemble du rapport"


def scope_label(scope) -> str:
    """A finding's scope in words: an action, a volet or the whole report.

    >>> scope_label("socle-II-8"), scope_label("erbm"), scope_label("document")
    ('Socle commun, axe II, action 8', 'ERBM', 'Ensemble du rapport')
    """
    scope = text_cell(scope)
    if scope in VOLET_LABELS:
        return VOLET_LABELS[scope]
    return WHOLE_REPORT if scope in ("", "document") else action_label(scope)


# --- the checks -----------------------------------------------------------------------------

def ordered_checks(report, scopes=None) -> pd.DataFrame:
    """The checks in reading order (inconsistencies, missing data, performance, agreeing checks), then by line."""
    checks = report.tables["checks"]
    if scopes is not None:
        checks = checks[checks["scope"].isin(list(scopes))]
    return reading_order(checks.sort_values("source_line", kind="stable", na_position="last"))


def check_counts(report) -> dict[str, int]:
    """How many findings in each section (« Incohérences du document », …, « Contrôles conformes »)."""
    return {section: count[""] for section, count in section_counts(report.tables["checks"]).items()}


def heading_of(category: str, status: str, grade) -> str:
    """The group a finding is shown under.

    >>> heading_of("coherence", "ecart", "montant"), heading_of("donnee_manquante", "manquant", "montant")
    ('Incohérences du document — Montants', 'Données manquantes')
    """
    section = section_of(category, status)
    label = Grade(grade if isinstance(grade, str) else "").label
    return f"{section} — {label}" if section == Category.COHERENCE.label and label else section


def checks_table(report, scopes=None, only_findings: bool = False, only_ok: bool = False) -> Table:
    """The checks with their explanations, grouped by kind (and grade for inconsistencies).

    ``only_findings`` keeps the inconsistencies and the missing data (performance is in
    :func:`attainment_table`); ``only_ok`` the agreeing checks, shown folded.
    """
    checks = ordered_checks(report, scopes)
    grade_rank = checks["grade"].map({grade: i for i, grade in enumerate(GRADES)}).fillna(len(GRADES))
    checks = checks.assign(_section=sections(checks).map(SECTIONS.index), _grade=grade_rank)
    checks = checks.sort_values(["_section", "_grade"], kind="stable")
    where = sections(checks)
    if only_findings:
        checks = checks[where.isin([Category.COHERENCE.label, Category.DONNEE_MANQUANTE.label])]
    if only_ok:
        checks = checks[where == AGREEING]
    frame = pd.DataFrame({
        "Nature": [heading_of(k, s, g) for k, s, g in zip(checks["category"], checks["status"], checks["grade"])],
        "Statut": [status_label(s, k) for s, k in zip(checks["status"], checks["category"])],
        "Portée": [scope_label(v) for v in checks["scope"]],
        "Attendu": [text_cell(v) for v in checks["expected"]],
        "Constaté": [text_cell(v) for v in checks["observed"]],
        "Explication": [text_cell(v) for v in checks["message"]],
        "Ligne": [line_cell(v) for v in checks["source_line"]],
    })
    caption = (AGREEING if only_ok else "Anomalies relevées dans le document" if only_findings
               else "Contrôles de cohérence")
    return Table(frame, caption=caption, numeric=["Ligne"], empty_message="Aucune anomalie relevée.", folded=only_ok,
                 group=None if only_ok else "Nature")


def check_counts_table(report) -> Table:
    """The findings per section, inconsistencies per grade and performance per outcome."""
    rows = []
    for section, count in section_counts(report.tables["checks"]).items():
        rows.append({"Résultat": section, "Nombre": str(count[""])})
        rows.extend({"Résultat": f"    dont {key.lower()}", "Nombre": str(n)} for key, n in count.items() if key)
    return Table(pd.DataFrame(rows, columns=["Résultat", "Nombre"]), caption="Résultats des contrôles",
                 numeric=["Nombre"])


# --- performance: results against targets ------------------------------------------------------

def targets_against_results(report) -> pd.DataFrame:
    """The year's indicators with a numeric target and result, one row per indicator (its places listed)."""
    return performance_rows(report.tables, report.meta.year)


def attainment_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Targets missed first (the furthest below first), then undetermined, then reached."""
    rank = [1 if not isinstance(a, bool) else 2 if a else 0 for a in rows["attained"]]
    ratio = [float(r) / float(t) if t else 0.0 for r, t in zip(rows["result"], rows["target"])]
    return rows.assign(_rank=rank, _ratio=ratio).sort_values(["_rank", "_ratio"], kind="stable")


def attainment_table(report) -> Table:
    """Targets against results across the convention, one line per indicator, the furthest below target first."""
    rows = attainment_order(targets_against_results(report))
    frame = pd.DataFrame({
        "Indicateur": [indicator_name(v) for v in rows["indicator"]],
        "Imprimé dans": ["; ".join(places) for places in rows["places"]],
        "Cible": [value_cell(v, u, "", "ok") for v, u in zip(rows["target"], rows["unit"])],
        "Résultat": [value_cell(v, u, "", "ok") for v, u in zip(rows["result"], rows["unit"])],
        "Sens": [DIRECTION_LABELS[d if isinstance(d, str) else None] for d in rows["direction"]],
        # beside a « Sens » column that says the direction is not known, « non évaluée » says the rest
        "Atteinte": [attainment_cell(i, r, t, u).replace(UNDETERMINED, "non évaluée") for i, r, t, u in
                     zip(rows["indicator"], rows["result"], rows["target"], rows["unit"])],
        "Lignes": [", ".join(str(n) for n in lines) for lines in rows["lines"]],
    })
    year = report.meta.year
    return Table(frame, caption=f"Cibles et résultats {year} (un indicateur imprimé sur plusieurs fiches : une ligne)",
                 numeric=["Cible", "Résultat", "Atteinte", "Lignes"],
                 empty_message="Aucun indicateur n'a à la fois une cible et un résultat chiffrés.")
