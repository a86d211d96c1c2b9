"""The short text summary printed after parsing a report."""

from __future__ import annotations

from .formatting import format_eur


def summary_lines(report) -> list[str]:
    """Year, actions per volet and budget totals, as lines of French text."""
    meta = report.meta
    lines = [f"Rapport CALPAE {meta.departement}, année {meta.year} ({report.doc.path.name})"]
    actions = report.tables.get("actions")
    if actions is not None and len(actions):
        counts = actions.groupby("volet", sort=False).size()
        lines.append("Actions : " + ", ".join(f"{volet} {n}" for volet, n in counts.items()))
    budgets = report.tables.get("budgets")
    if budgets is not None and len(budgets):
        totals = budgets.groupby(["stage", "financeur"])["amount_eur"].sum()
        for (stage, financeur), amount in totals.items():
            lines.append(f"Total {stage} {financeur} : {format_eur(amount)}")
    return lines
