"""Reconciliation engine: named rules that check the report's figures against each other.

A rule is a small function ``(tables, doc, meta) -> list[Finding]`` registered
under a ``check_id`` with :func:`rule`; its docstring's first line documents
it. Rules live in ``checks_budget`` (annex arithmetic, sheets against annex,
execution), ``checks_text`` (the rapport's claims, percentages in words,
document consistency) and ``checks_indicators`` (sheets against Annexe 4,
results against targets). A rule that needs a table the pipeline did not
build is skipped; a rule that finds nothing to compare says so.

>>> Finding("annexe.total", "socle", "ok").status
'ok'
>>> Finding("annexe.total", "socle", "faux")
Traceback (most recent call last):
...
ValueError: statut inconnu « faux » (attendu : ok, ecart, manquant, avertissement)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

import pandas as pd

from calpae_lib.tables.schemas import TABLE_COLUMNS

#: Statuses from the most to the least serious; the order used for reading.
STATUSES = ("ecart", "manquant", "avertissement", "ok")
STATUS_LABELS = {"ecart": "écart", "manquant": "manquant", "avertissement": "avertissement", "ok": "ok"}
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

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"statut inconnu « {self.status} » (attendu : ok, ecart, manquant, avertissement)")


@dataclass(frozen=True)
class Rule:
    """A registered check: its id, what it needs and what it does."""

    check_id: str
    needs: tuple[str, ...]
    function: Callable
    description: str


REGISTRY: dict[str, Rule] = {}


def rule(check_id: str, *, needs: tuple[str, ...] = ()):
    """Register a rule under ``check_id``; ``needs`` names the tables it reads."""
    def register(function):
        doc = (function.__doc__ or "").strip().splitlines()
        REGISTRY[check_id] = Rule(check_id, tuple(needs), function, doc[0] if doc else check_id)
        return function
    return register


def all_rules() -> list[Rule]:
    """Every registered rule, in registration order (rule modules imported here)."""
    from calpae_lib.checks import budget, indicators, text  # noqa: F401  (they register themselves)
    return list(REGISTRY.values())


def has_tables(tables: dict, needs: tuple[str, ...]) -> bool:
    return all(name in tables and tables[name] is not None for name in needs)


def run_checks(tables: dict[str, pd.DataFrame], doc, meta, rules: list[Rule] | None = None) -> list[Finding]:
    """Run the rules whose tables exist; findings in rule order."""
    findings = []
    for checked in rules if rules is not None else all_rules():
        if has_tables(tables, checked.needs):
            findings.extend(checked.function(tables, doc, meta))
    return findings


def checks_table(findings: list[Finding]) -> pd.DataFrame:
    """``checks.csv``: one row per finding, ``source_line`` as a nullable integer."""
    frame = pd.DataFrame([asdict(f) for f in findings], columns=COLUMNS)
    frame["source_line"] = frame["source_line"].astype("Int64")
    for column in COLUMNS:
        if column != "source_line":
            frame[column] = frame[column].astype("string")
    return frame


def build_checks(tables: dict[str, pd.DataFrame], doc, meta) -> pd.DataFrame:
    """The checks table of a report's tables (what the pipeline calls)."""
    return checks_table(run_checks(tables, doc, meta))


def reading_order(checks: pd.DataFrame) -> pd.DataFrame:
    """The findings with the most serious first, keeping rule order within a status."""
    rank = checks["status"].map({status: i for i, status in enumerate(STATUSES)})
    return checks.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank")


def not_ok(checks: pd.DataFrame) -> pd.DataFrame:
    return checks[checks["status"] != "ok"]


def status_counts(checks: pd.DataFrame) -> dict[str, int]:
    """How many findings per status, every status present.

    >>> status_counts(checks_table([Finding("x", "document", "ok")]))
    {'ecart': 0, 'manquant': 0, 'avertissement': 0, 'ok': 1}
    """
    counts = checks["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def readable_lines(checks: pd.DataFrame) -> list[str]:
    """The findings as a plain-text table, the most serious first, then a count per status.

    >>> for line in readable_lines(checks_table([Finding("annexe.total", "socle", "ok", message="Bon."),
    ...                                          Finding("document.date_impossible", "document", "ecart",
    ...                                                  message="Date impossible.", source_line=12)])):
    ...     print(line)
    statut         contrôle                             portée            ligne  message
    écart          document.date_impossible             document             12  Date impossible.
    ok             annexe.total                         socle                 —  Bon.
    2 contrôles : 1 écart, 0 manquant, 0 avertissement, 1 ok.
    """
    lines = [f"{'statut':<14} {'contrôle':<36} {'portée':<14} {'ligne':>8}  message"]
    for _, row in reading_order(checks).iterrows():
        line = "—" if pd.isna(row["source_line"]) else str(int(row["source_line"]))
        lines.append(f"{STATUS_LABELS[row['status']]:<14} {row['check_id']:<36} {row['scope']:<14} {line:>8}  "
                     f"{row['message']}")
    counts = status_counts(checks)
    lines.append(f"{len(checks)} contrôles : " + ", ".join(f"{n} {STATUS_LABELS[s]}" for s, n in counts.items())
                 + ".")
    return lines


def has_failures(checks: pd.DataFrame) -> bool:
    """Whether any finding is an ``ecart`` or ``manquant`` (what ``--strict`` refuses)."""
    return bool(checks["status"].isin(["ecart", "manquant"]).any())
