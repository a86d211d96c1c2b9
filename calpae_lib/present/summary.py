"""The short text summary printed after parsing a report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calpae_lib.tables.vocabulary import FINANCEUR_LABELS, Stage
from calpae_lib.text.formatting import format_eur
from calpae_lib.template.volets import VOLET_LABELS

STAGE_TOTALS = {str(stage): stage.in_total for stage in Stage}

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport


def summary_lines(report: ParsedReport) -> list[str]:
    """Year, actions per volet, budget totals and warnings, as lines of French text."""
    meta = report.meta
    lines = [f"Rapport CALPAE {meta.departement}, année {meta.year} ({report.doc.path.name})"]
    actions = report.tables["actions"]
    if len(actions):
        counts = actions.groupby("volet", sort=False).size()
        lines.append("Actions : " + ", ".join(f"{VOLET_LABELS.get(volet, volet)} {n}"
                                              for volet, n in counts.items()))
    lines += budget_lines(report.tables["budgets"])
    lines += annex_totals(report.tables["annex_budget"])
    return lines


def budget_lines(budgets) -> list[str]:
    """Sheet totals per stage and financeur."""
    totals = budgets.groupby(["stage", "financeur"], sort=False)["amount_eur"].sum()
    return [f"Total {STAGE_TOTALS.get(stage, stage)}, {FINANCEUR_LABELS.get(financeur, financeur)} : "
            f"{format_eur(amount)}" for (stage, financeur), amount in totals.items()]


def annex_totals(annex) -> list[str]:
    """The annex's total per volet, and its action lines matched to no sheet."""
    from calpae_lib.tables.annex_budget import annex_lines, unmatched_warnings

    totals = annex_lines(annex)
    totals = totals[totals.row_kind == "total"]
    lines = [f"Annexe, {VOLET_LABELS.get(row.volet, row.volet)} : avenant {format_eur(row.avenant)}, "
             f"engagé {format_eur(row.engage)}" for row in totals.itertuples()]
    return lines + [f"Avertissement : {warning}" for warning in unmatched_warnings(annex)]
