"""Reconciliation engine: named rules that check the report's figures against each other.

A rule is a small function ``(tables, doc, meta) -> list[Finding]`` (plus, as
keyword arguments, the parsed structures it declares in ``reads``: see
:data:`STRUCTURES`) marked as the rule ``check_id`` with :func:`~calpae_lib.checks.registry.rule`, with the :class:`~calpae_lib.tables.vocabulary.Category`
of what it checks (the document's coherence, or the actions' performance) and
the :class:`~calpae_lib.tables.vocabulary.Grade` of what it touches (money,
counts and rates, wording); its docstring's first line documents it. Rules
live in ``budget`` (annex arithmetic, sheets against annex, execution),
``text`` (the rapport's claims, percentages in words, document consistency)
and ``indicators`` (sheets against Annexe 4, totals, copies, results against
targets). A rule that needs a table the pipeline did not build is skipped; a
rule that finds nothing to compare says so. A finding whose figure is not
printed (``manquant``) is missing data, whatever its rule compares.

The rules are gathered by :func:`all_rules` from the modules it names
(:class:`~calpae_lib.checks.registry.Rules`, which refuses an id given twice).
"""

from __future__ import annotations

from dataclasses import asdict, replace

import pandas as pd

from calpae_lib.checks.registry import (  # noqa: F401  (Finding, rule, DOCUMENT: the rules' own words, also here)
    ANNEX_LINES,
    DOCUMENT,
    PREVIOUS,
    STRUCTURES,
    Finding,
    Rule,
    Rules,
    rule,
)
from calpae_lib.tables.annex_budget import annex_lines
from calpae_lib.tables.schemas import TABLE_COLUMNS
from calpae_lib.tables.vocabulary import (
    AGREEING,
    SECTIONS,
    STATUSES,
    Grade,
    Category,
    fails,
    category_of,
    section_of,
    status_label,
)
from calpae_lib.text.formatting import plural

COLUMNS = TABLE_COLUMNS["checks"]


def with_views(tables: dict) -> dict:
    """``tables`` and the views the rules read (:data:`ANNEX_LINES` where the annex was read)."""
    annex = tables.get("annex_budget")
    return {**tables, ANNEX_LINES: annex_lines(annex)} if annex is not None else dict(tables)


def all_rules() -> list[Rule]:
    """Every rule, module by module (``budget``, ``text``, ``indicators``, ``orientation``, ``years``), in the
    order of their definitions; a ``check_id`` given twice raises :class:`~calpae_lib.checks.registry.DuplicateRule`."""
    from calpae_lib.checks import budget, indicators, orientation, text, years

    return list(Rules.of_modules(budget, text, indicators, orientation, years))


def has_tables(tables: dict, needs: tuple[str, ...]) -> bool:
    return all(name in tables and tables[name] is not None for name in needs)


def run_checks(tables: dict[str, pd.DataFrame], doc, meta, structures: dict,
               across_years: bool = False) -> list[Finding]:
    """Run the rules whose tables and structures exist; findings in rule order. ``structures`` maps each name of
    :data:`STRUCTURES` (and :data:`PREVIOUS` when two years are compared) to what the parser read;
    ``across_years``: only the rules that read :data:`PREVIOUS`, else only those that do not."""
    findings, viewed = [], with_views(tables)
    for checked in all_rules():
        if (PREVIOUS in checked.reads) != across_years:
            continue
        if has_tables(tables, checked.needs):
            arguments = {name: structures[name] for name in checked.reads}
            findings.extend(classified(checked, f) for f in checked.function(viewed, doc, meta, **arguments))
    return findings


def classified(checked: Rule, finding: Finding) -> Finding:
    """A rule's finding with its category and grade (a grade the rule gave the finding itself is kept)."""
    return replace(finding, category=category_of(checked.category, finding.status),
                   grade=finding.grade or checked.grade)


def checks_table(findings: list[Finding]) -> pd.DataFrame:
    """``checks.csv``: one row per finding, ``source_line`` as a nullable integer."""
    frame = pd.DataFrame([asdict(f) for f in findings], columns=COLUMNS)
    frame["source_line"] = frame["source_line"].astype("Int64")
    for column in COLUMNS:
        if column != "source_line":
            frame[column] = frame[column].astype("string")
    return frame


def build_checks(tables: dict[str, pd.DataFrame], doc, meta, structures: dict) -> pd.DataFrame:
    """The checks table of a report's tables (what the pipeline calls)."""
    return checks_table(run_checks(tables, doc, meta, structures))


def build_year_checks(current, previous) -> pd.DataFrame:
    """The checks across years of two parsed reports of one département (``current`` the later): the rules
    that read :data:`PREVIOUS`, run on the current report's tables with the previous report beside them."""
    structures = {**current.structures, PREVIOUS: previous}
    return checks_table(run_checks(current.tables, current.doc, current.meta, structures, across_years=True))


def reading_order(checks: pd.DataFrame) -> pd.DataFrame:
    """The findings by section (inconsistencies, to verify, missing data, performance, agreeing checks), the most
    serious first within a section, keeping rule order within a status."""
    section_rank = sections(checks).map(SECTIONS.index)
    rank = checks["status"].map({status: i for i, status in enumerate(STATUSES)})
    return (checks.assign(_section=section_rank, _rank=rank)
            .sort_values(["_section", "_rank"], kind="stable").drop(columns=["_section", "_rank"]))


def sections(checks: pd.DataFrame) -> pd.Series:
    """The section each finding is listed in (a kind, or the agreeing checks)."""
    return pd.Series([section_of(k, s) for k, s in zip(checks["category"], checks["status"])], index=checks.index,
                     dtype="object")


def count_key(category: str, status: str, grade: str) -> str:
    """What a finding is counted under within its section: its grade (and outcome, for performance), or nothing."""
    if category == Category.EXECUTION:
        return status_label(status, category, grade)
    if category == Category.PERFORMANCE:
        outcome = status_label(status, category, grade)
        return f"{Grade(grade).label} : {outcome.lower()}" if grade else outcome
    if section_of(category, status) != AGREEING and category == Category.COHERENCE:
        return Grade(grade).label or "autres"
    return ""


def section_counts(checks: pd.DataFrame) -> dict[str, dict[str, int]]:
    """For each section (inconsistencies, missing data, performance, agreeing checks), its findings in all
    (``""``) and per grade (inconsistencies) or outcome (performance).

    >>> counts = section_counts(checks_table([Finding("x.y", "document", "ecart", grade="redaction"),
    ...                                       Finding("x.z", "document", "ok", category="performance")]))
    >>> counts["Incohérences du document"], counts["Cibles et résultats"], counts["Données manquantes"]
    ({'': 1, 'Rédaction': 1}, {'': 1, 'Cible atteinte': 1}, {'': 0})
    """
    out = {section: {"": 0} for section in SECTIONS}
    for section, category, status, grade in zip(sections(checks), checks["category"], checks["status"],
                                                checks["grade"]):
        out[section][""] += 1
        key = count_key(category, status, grade)
        if key:
            out[section][key] = out[section].get(key, 0) + 1
    return out


#: Each section of :data:`SECTIONS` counted in words: singular, plural, none.
SECTION_WORDS = {
    "incoherences": ("incohérence", "incohérences", "aucune incohérence"),
    "a_verifier": ("constat à vérifier", "constats à vérifier", "aucun constat à vérifier"),
    "manquantes": ("donnée manquante", "données manquantes", "aucune donnée manquante"),
    "cibles": ("cible comparée", "cibles comparées", "aucune cible comparée"),
    "execution": ("taux d'exécution", "taux d'exécution", "aucun taux d'exécution"),
    "conformes": ("contrôle conforme", "contrôles conformes", "aucun contrôle conforme"),
}


def readable_lines(checks: pd.DataFrame) -> list[str]:
    """The findings as plain text, one section per kind with its counts, agreeing checks last.

    >>> example = [Finding("annexe.total", "socle", "ok", message="Bon.", grade="montant"),
    ...            Finding("document.date_impossible", "document", "ecart", message="Date impossible.",
    ...                    source_line=12, grade="redaction")]
    >>> for line in readable_lines(checks_table(example)):
    ...     print(line)
    Incohérences du document : 1 (Rédaction 1)
      statut               gravité            portée            ligne  message
      Écart                Rédaction          document             12  Date impossible.
    À vérifier : 0
    Données manquantes : 0
    Cibles et résultats : 0
    Exécution budgétaire : 0
    Contrôles conformes : 1
      statut               gravité            portée            ligne  message
      Conforme             Montants           socle                 —  Bon.
    2 contrôles : 1 incohérence, aucun constat à vérifier, aucune donnée manquante, aucune cible comparée, aucun taux d'exécution, 1 contrôle conforme.
    """
    ordered, counts, lines = reading_order(checks), section_counts(checks), []
    where = sections(ordered)
    for section, count in counts.items():
        rows = ordered[where == section]
        detail = ", ".join(f"{key} {n}" for key, n in count.items() if key)
        lines.append(f"{section} : {count['']}" + (f" ({detail})" if detail else ""))
        if not rows.empty:
            lines.append(f"  {'statut':<20} {'gravité':<18} {'portée':<14} {'ligne':>8}  message")
        for row in rows.itertuples():
            line = "—" if pd.isna(row.source_line) else str(int(row.source_line))
            lines.append(f"  {status_label(row.status, row.category, row.grade):<20} {Grade(row.grade).label or '—':<18} "
                         f"{row.scope:<14} {line:>8}  {row.message}")
    totals = dict(zip(SECTION_WORDS, (count[""] for count in counts.values())))
    lines.append(f"{plural(len(checks), 'contrôle')} : "
                 + ", ".join(plural(n, *SECTION_WORDS[key]) for key, n in totals.items()) + ".")
    return lines


def has_failures(checks: pd.DataFrame) -> bool:
    """Whether any finding is an inconsistency or missing data (what ``--strict`` refuses), performance aside."""
    return any(fails(category, status) for category, status in zip(checks["category"], checks["status"]))
