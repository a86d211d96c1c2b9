"""Reconciliation engine: named rules that check the report's figures against each other.

A rule is a small function ``(tables, doc, meta) -> list[Finding]`` (plus, as
keyword arguments, the parsed structures it declares in ``reads``: see
:data:`STRUCTURES`) registered under a ``check_id`` with :func:`rule`, with the :class:`~calpae_lib.tables.vocabulary.Category`
of what it checks (the document's coherence, or the actions' performance) and
the :class:`~calpae_lib.tables.vocabulary.Grade` of what it touches (money,
counts and rates, wording); its docstring's first line documents it. Rules
live in ``budget`` (annex arithmetic, sheets against annex, execution),
``text`` (the rapport's claims, percentages in words, document consistency)
and ``indicators`` (sheets against Annexe 4, totals, copies, results against
targets). A rule that needs a table the pipeline did not build is skipped; a
rule that finds nothing to compare says so. A finding whose figure is not
printed (``manquant``) is missing data, whatever its rule compares.

>>> Finding("annexe.total", "socle", "ok").status
'ok'
>>> Finding("annexe.total", "socle", "faux")
Traceback (most recent call last):
...
ValueError: statut inconnu « faux » (attendu : ecart, manquant, avertissement, non_verifiable, ok)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Callable

import pandas as pd

from calpae_lib.tables.annex_budget import annex_lines
from calpae_lib.tables.schemas import TABLE_COLUMNS
from calpae_lib.tables.vocabulary import (
    GRADES,
    CATEGORIES,
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
DOCUMENT = "document"


@dataclass(frozen=True)
class Finding:
    """One outcome of one rule on one scope (an action_id, a volet or ``document``)."""

    check_id: str
    scope: str
    status: str
    expected: str = ""
    observed: str = ""
    message: str = ""
    source_line: int | None = None
    #: Filled by :func:`run_checks` from the rule (and the status: ``manquant`` is missing data).
    category: str = Category.COHERENCE
    grade: str = Grade.NONE

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"statut inconnu « {self.status} » (attendu : {', '.join(STATUSES)})")
        if self.category not in CATEGORIES or self.grade not in GRADES:
            raise ValueError(f"nature « {self.category} » ou gravité « {self.grade} » inconnue")


@dataclass(frozen=True)
class Rule:
    """A registered check: its id, what it needs and what it does."""

    check_id: str
    needs: tuple[str, ...]
    function: Callable
    description: str
    category: Category = Category.COHERENCE
    grade: Grade = Grade.NONE
    reads: tuple[str, ...] = ()


REGISTRY: dict[str, Rule] = {}

#: What the parser read besides the tables and some rules compare: the ``outline``
#: (:class:`~calpae_lib.text.outline.Outline`: which action holds a line), the
#: ``sheet_headers`` (:class:`~calpae_lib.tables.budgets.ExecutedHeader` of every
#: sheet), the ``annex_headers`` (``(volet, header_line, year)`` of every annex table), and Annexe 4's
#: ``annex4_columns`` and ``annex4_comments`` (:mod:`calpae_lib.tables.annex4`: column headers, comment lines).
STRUCTURES = ("outline", "sheet_headers", "annex_headers", "annex4_columns", "annex4_comments")

#: A view of the tables that the annex rules read, made once per run of the rules from the tables
#: they are given: the annex as printed, one row per line (:func:`~calpae_lib.tables.annex_budget.annex_lines`).
ANNEX_LINES = "annex_lines"


def with_views(tables: dict) -> dict:
    """``tables`` and the views the rules read (:data:`ANNEX_LINES` where the annex was read)."""
    annex = tables.get("annex_budget")
    return {**tables, ANNEX_LINES: annex_lines(annex)} if annex is not None else dict(tables)


def rule(check_id: str, *, needs: tuple[str, ...] = (), reads: tuple[str, ...] = (),
         category: Category = Category.COHERENCE, grade: Grade = Grade.NONE):
    """Register a rule under ``check_id``; ``needs`` names the tables it reads, ``reads`` the structures
    (:data:`STRUCTURES`) it takes as keyword arguments, ``category`` and ``grade`` what its findings are
    about and touch."""
    def register(function):
        doc = (function.__doc__ or "").strip().splitlines()
        REGISTRY[check_id] = Rule(check_id, tuple(needs), function, doc[0] if doc else check_id, category, grade,
                                  tuple(reads))
        return function
    return register


def all_rules() -> list[Rule]:
    """Every registered rule, in registration order (rule modules imported here)."""
    from calpae_lib.checks import budget, indicators, orientation, text  # noqa: F401  (they register themselves)
    return list(REGISTRY.values())


def has_tables(tables: dict, needs: tuple[str, ...]) -> bool:
    return all(name in tables and tables[name] is not None for name in needs)


def run_checks(tables: dict[str, pd.DataFrame], doc, meta, structures: dict) -> list[Finding]:
    """Run the rules whose tables exist; findings in rule order. ``structures`` maps each name of
    :data:`STRUCTURES` to what the parser read."""
    findings, viewed = [], with_views(tables)
    for checked in all_rules():
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


def reading_order(checks: pd.DataFrame) -> pd.DataFrame:
    """The findings by kind (inconsistencies, missing data, performance), the most serious first within a kind,
    keeping rule order within a status; agreeing coherence checks last."""
    category_rank = checks["category"].map({category: i for i, category in enumerate(CATEGORIES)})
    agreeing = (checks["category"] == Category.COHERENCE) & (checks["status"] == "ok")
    rank = checks["status"].map({status: i for i, status in enumerate(STATUSES)})
    return (checks.assign(_agree=agreeing, _category=category_rank, _rank=rank)
            .sort_values(["_agree", "_category", "_rank"], kind="stable").drop(columns=["_agree", "_category", "_rank"]))


def sections(checks: pd.DataFrame) -> pd.Series:
    """The section each finding is listed in (a kind, or the agreeing checks)."""
    return pd.Series([section_of(k, s) for k, s in zip(checks["category"], checks["status"])], index=checks.index,
                     dtype="object")


def count_key(category: str, status: str, grade: str) -> str:
    """What a finding is counted under within its section: its grade (and outcome, for performance), or nothing."""
    if category == Category.PERFORMANCE:
        outcome = status_label(status, category)
        return f"{Grade(grade).label} : {outcome.lower()}" if grade else outcome
    if category == Category.COHERENCE and status != "ok":
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
    Données manquantes : 0
    Cibles et résultats : 0
    Contrôles conformes : 1
      statut               gravité            portée            ligne  message
      Conforme             Montants           socle                 —  Bon.
    2 contrôles : 1 incohérence, aucune donnée manquante, aucune cible comparée, 1 contrôle conforme.
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
            lines.append(f"  {status_label(row.status, row.category):<20} {Grade(row.grade).label or '—':<18} "
                         f"{row.scope:<14} {line:>8}  {row.message}")
    totals = [count[""] for count in counts.values()]
    lines.append(f"{plural(len(checks), 'contrôle')} : "
                 f"{plural(totals[0], 'incohérence', none='aucune incohérence')}, "
                 f"{plural(totals[1], 'donnée manquante', none='aucune donnée manquante')}, "
                 f"{plural(totals[2], 'cible comparée', none='aucune cible comparée')}, "
                 f"{plural(totals[3], 'contrôle conforme', none='aucun contrôle conforme')}.")
    return lines


def has_failures(checks: pd.DataFrame) -> bool:
    """Whether any finding is an inconsistency or missing data (what ``--strict`` refuses), performance aside."""
    return any(fails(category, status) for category, status in zip(checks["category"], checks["status"]))
