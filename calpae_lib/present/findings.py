"""The reconciliation as a reader sees it: the document's inconsistencies, missing data and performance, apart.

Three kinds of result are never mixed (:mod:`calpae_lib.tables.vocabulary`):
inconsistencies of the document (graded by what they touch: money, counts and
rates, wording), data the document does not print, and the actions'
performance, shown in « Cibles et résultats » with one line per indicator
however many sheets print it. Nothing on screen is an internal code: scopes
are named in words, the rules by what they found.
"""

from __future__ import annotations

import re

import pandas as pd

from calpae_lib.checks.direction import INDICATOR_KIND_LABELS, LESS, MORE, OBJECTIVE
from calpae_lib.checks.engine import reading_order, section_counts, sections
from calpae_lib.checks.indicators import performance_rows
from calpae_lib.present.views import (
    LINE,
    PAGE,
    Table,
    attainment_cell,
    copy_cell,
    indicator_name,
    line_cell,
    lines_as_pages,
    printed_page,
    text_cell,
    value_cell,
)
from calpae_lib.tables.vocabulary import (
    AGREEING,
    GRADES,
    SECTIONS,
    STATUSES,
    TO_VERIFY,
    Category,
    Grade,
    section_of,
    status_label,
)
from calpae_lib.template.volets import VOLET_LABELS
from calpae_lib.text.outline import action_label

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
    """The checks in reading order: by section (inconsistencies, to verify, missing data, performance, agreeing
    checks), then the one that matters most first (:func:`importance_order`)."""
    checks = report.tables["checks"]
    if scopes is not None:
        checks = checks[checks["scope"].isin(list(scopes))]
    return importance_order(reading_order(checks))


def importance_order(checks: pd.DataFrame) -> pd.DataFrame:
    """Within each section and status: money first, then counts and rates, then wording; within a grade, the
    largest gap first (in euros for money, relative otherwise), then by line.

    >>> frame = pd.DataFrame({"category": ["coherence"] * 3, "status": ["ecart"] * 3,
    ...                       "grade": ["redaction", "montant", "montant"], "expected": ["", "160 000 €", "10 €"],
    ...                       "observed": ["31/112/22", "200 000 €", "12 €"], "source_line": [5, 90, 10]})
    >>> list(importance_order(frame)["source_line"])
    [90, 10, 5]
    """
    grade_rank = checks["grade"].map({grade: i for i, grade in enumerate(GRADES)}).fillna(len(GRADES))
    gaps = [-gap_size(e, o, g) for e, o, g in zip(checks["expected"], checks["observed"], checks["grade"])]
    status_rank = checks["status"].map({status: i for i, status in enumerate(STATUSES)})
    keyed = checks.assign(_section=sections(checks).map(SECTIONS.index), _status=status_rank, _grade=grade_rank,
                          _gap=gaps, _line=checks["source_line"])
    return (keyed.sort_values(["_section", "_status", "_grade", "_gap", "_line"], kind="stable", na_position="last")
            .drop(columns=["_section", "_status", "_grade", "_gap", "_line"]))


def gap_size(expected, observed, grade) -> float:
    """How far the printed figure is from what it should be: in euros for money, relative otherwise; 0 when
    either is no number.

    >>> gap_size("160 000 €", "200 000 €", "montant"), round(gap_size("84,3 %", "88 %", "effectif"), 3)
    (40000.0, 0.042)
    """
    values = [number_of(v) for v in (expected, observed)]
    if None in values:
        return 0.0
    gap = abs(values[0] - values[1])
    return gap if grade == Grade.MONTANT else gap / max(abs(values[0]), abs(values[1]), 1e-9)


def number_of(text) -> float | None:
    """A figure as the findings write it (« 1 320 000 € », « 84,3 % »), as a number; ``None`` for words."""
    cleaned = re.sub(r"[\s\u202f\xa0€%]", "", text_cell(text)).replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def check_counts(report) -> dict[str, int]:
    """How many findings in each section (« Incohérences du document », …, « Contrôles conformes »)."""
    return {section: count[""] for section, count in section_counts(report.tables["checks"]).items()}


def heading_of(category: str, status: str, grade) -> str:
    """The group a finding is shown under.

    >>> heading_of("coherence", "ecart", "montant"), heading_of("donnee_manquante", "manquant", "montant")
    ('Incohérences du document — Montants', 'Données manquantes')
    >>> heading_of("coherence", "avertissement", "montant")
    'À vérifier — Montants'
    """
    section = section_of(category, status)
    label = Grade(grade if isinstance(grade, str) else "").label
    return f"{section} — {label}" if section in (Category.COHERENCE.label, TO_VERIFY) and label else section


#: The findings' columns, each with one meaning on every row (and :data:`~calpae_lib.present.views.LINE`,
#: or :data:`~calpae_lib.present.views.PAGE` for a report read from its PDF, where it is known exactly).
PRINTED, SHOULD_BE, BASIS = "Le rapport imprime", "Devrait être", "D'après"


def checks_table(report, scopes=None, only_findings: bool = False, only_ok: bool = False,
                 only_execution: bool = False) -> Table:
    """The checks with their explanations, grouped by kind (and grade for inconsistencies).

    Each column means one thing on every row: what the report prints, and at
    which line (for a report read from its PDF: on which printed page,
    « p. 37 », exact, its words citing pages too); what it should be, and where that comes from. ``only_findings``
    keeps the inconsistencies, what is to be verified and the missing data
    (performance is in :func:`attainment_table`); ``only_ok`` the agreeing
    checks and the gaps the report explains itself, shown folded.
    """
    checks = ordered_checks(report, scopes)
    where = sections(checks)
    if only_findings:
        checks = checks[where.isin([Category.COHERENCE.label, TO_VERIFY, Category.DONNEE_MANQUANTE.label])]
    if only_ok:
        checks = checks[where == AGREEING]
    if only_execution:
        checks = checks[where == Category.EXECUTION.label]
    frame = pd.DataFrame({
        "Nature": [heading_of(k, s, g) for k, s, g in zip(checks["category"], checks["status"], checks["grade"])],
        "Statut": [status_label(s, k, g) for s, k, g in zip(checks["status"], checks["category"], checks["grade"])],
        "Portée": [scope_label(v) for v in checks["scope"]],
        PRINTED: [text_cell(v) or "—" for v in checks["observed"]],
        LINE: [line_cell(v) for v in checks["source_line"]],
        SHOULD_BE: [text_cell(v) or "—" for v in checks["expected"]],
        BASIS: [text_cell(lines_as_pages(report, v)) for v in checks["basis"]],
        "Explication": [text_cell(lines_as_pages(report, v)) for v in checks["message"]],
    })
    if report.doc.places:  # read from its PDF: the page it prints, exactly; its reader has no line numbers
        frame.insert(frame.columns.get_loc(LINE), PAGE, [printed_page(report, v) for v in checks["source_line"]])
        frame = frame.drop(columns=[LINE])
    caption = (AGREEING if only_ok else "Anomalies relevées dans le document" if only_findings
               else Category.EXECUTION.label if only_execution else "Contrôles de cohérence")
    return Table(frame, caption=caption, numeric=[] if PAGE in frame.columns else [LINE],
                 empty_message="Aucune anomalie relevée.", folded=only_ok,
                 group=None if only_ok else "Nature")


def check_counts_table(report) -> Table:
    """The findings per section, inconsistencies per grade and performance per outcome.

    Each section is a heading row, its total and its parts rows under it: the
    « dont » hierarchy is in the table's structure, not in leading spaces.
    """
    rows = []
    for section, count in section_counts(report.tables["checks"]).items():
        rows.append({"Section": section, "Résultat": "Ensemble", "Nombre": str(count[""])})
        rows.extend({"Section": section, "Résultat": f"dont {key[:1].lower() + key[1:]}", "Nombre": str(n)}
                    for key, n in count.items() if key)
    return Table(pd.DataFrame(rows, columns=["Section", "Résultat", "Nombre"]), caption="Résultats des contrôles",
                 numeric=["Nombre"], group="Section")


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
        "Nature": [INDICATOR_KIND_LABELS[k].capitalize() for k in rows["kind"]],
        "Sens": [DIRECTION_LABELS[d if isinstance(d, str) else None] if k == OBJECTIVE else "sans objet"
                 for d, k in zip(rows["direction"], rows["kind"])],
        "Atteinte ou écart au prévu": [copy_cell(c) if c else attainment_cell(i, r, t, u, kind_said=True)
                                       for i, r, t, u, c in zip(rows["indicator"], rows["result"], rows["target"],
                                                                rows["unit"], rows["copy_of"])],
        "Lignes": [", ".join(str(n) for n in lines) for lines in rows["lines"]],
    })
    year = report.meta.year
    return Table(frame, caption=f"Cibles et résultats {year} (un indicateur imprimé sur plusieurs fiches : une ligne)",
                 numeric=["Cible", "Résultat", "Lignes"],
                 empty_message="Aucun indicateur n'a à la fois une cible et un résultat chiffrés.")
