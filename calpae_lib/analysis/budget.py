"""Money per action, axis and volet: prévu, engagé and the execution rate.

Every function takes a parsed report (:class:`~calpae_lib.pipeline.ParsedReport`)
and returns numbers (NaN where the report prints nothing), never display text.
"""

from __future__ import annotations

import pandas as pd

from calpae_lib.analysis.axes import actions_with_axis, axis_actions, table
from calpae_lib.tables.budgets import FINANCEUR_LABELS
from calpae_lib.text.outline import VOLET_LABELS


def execution_rate(prevu, engage):
    """Engagé as a percentage of prévu; missing when either is missing or prévu is zero.

    >>> execution_rate(200, 150)
    75.0
    >>> execution_rate(200, None) is None, execution_rate(0, 5) is None
    (True, True)
    """
    if prevu is None or engage is None or pd.isna(prevu) or pd.isna(engage) or prevu == 0:
        return None
    return float(100.0 * engage / prevu)


def budget_by_action(report) -> pd.DataFrame:
    """Per action and financeur: ``prevu``, ``engage`` (NaN when not printed) and ``taux``."""
    budgets = table(report, "budgets")
    columns = ["action_id", "financeur", "prevu", "engage", "taux"]
    if budgets.empty:
        return pd.DataFrame(columns=columns)
    amounts = budgets.assign(amount_eur=pd.to_numeric(budgets["amount_eur"], errors="coerce"))
    wide = (amounts.groupby(["action_id", "financeur", "stage"])["amount_eur"].sum(min_count=1)
            .unstack("stage"))
    wide = wide.reindex(columns=["prevu", "engage"]).reset_index()
    wide["taux"] = [execution_rate(p, e) for p, e in zip(wide["prevu"], wide["engage"])]
    return wide[columns]


def budget_by_volet(report) -> pd.DataFrame:
    """Per volet and financeur: prévu, engagé (over the actions that print it) and taux."""
    per_action = budget_by_action(report).merge(
        actions_with_axis(report)[["action_id", "volet"]], on="action_id", how="left")
    return summarise_budget(per_action, ["volet", "financeur"])


def budget_by_axis(report, key: str) -> pd.DataFrame:
    """Per action of one axis and financeur, with the action's title."""
    actions = axis_actions(report, key)[["action_id", "number", "title"]]
    per_action = budget_by_action(report)
    return actions.merge(per_action, on="action_id", how="inner").sort_values(["number", "financeur"])


def known_rate(prevu: pd.Series, engage: pd.Series):
    """Taux d'exécution over the rows whose engagé is printed (the others are not zeros).

    >>> known_rate(pd.Series([100.0, 50.0]), pd.Series([80.0, float("nan")]))
    80.0
    """
    known = engage.notna()
    return execution_rate(prevu[known].sum(min_count=1), engage[known].sum(min_count=1))


def summarise_budget(per_action: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum prévu and engagé over groups, in the report's order of volets and financeurs.

    ``engage_manquant`` counts the rows whose engagé is not printed; ``taux``
    only compares the rows whose engagé is known.
    """
    per_action = sort_by_volet_and_financeur(per_action)
    records = []
    for group_keys, rows in per_action.groupby(keys, sort=False):
        group_keys = group_keys if isinstance(group_keys, tuple) else (group_keys,)
        records.append({**dict(zip(keys, group_keys)),
                        "prevu": rows["prevu"].sum(min_count=1), "engage": rows["engage"].sum(min_count=1),
                        "actions": rows["action_id"].nunique(), "engage_manquant": int(rows["engage"].isna().sum()),
                        "taux": known_rate(rows["prevu"], rows["engage"])})
    return pd.DataFrame(records, columns=keys + ["prevu", "engage", "actions", "engage_manquant", "taux"])


def sort_by_volet_and_financeur(frame: pd.DataFrame) -> pd.DataFrame:
    """Volets in the report's order (socle, initiative, ERBM), État before Département."""
    order = {name: i for i, name in enumerate(list(VOLET_LABELS) + list(FINANCEUR_LABELS))}
    keys = [c for c in ("volet", "financeur") if c in frame.columns]
    return frame.sort_values(keys, key=lambda col: col.map(lambda v: order.get(v, len(order))), kind="stable")


def totals(report) -> dict:
    """Whole-convention totals per financeur and overall (NaN when nothing is printed)."""
    per_action = budget_by_action(report)
    out = {}
    for financeur in ("etat", "departement"):
        rows = per_action[per_action["financeur"] == financeur]
        out[financeur] = {"prevu": rows["prevu"].sum(min_count=1), "engage": rows["engage"].sum(min_count=1)}
    out["total"] = {"prevu": per_action["prevu"].sum(min_count=1),
                    "engage": per_action["engage"].sum(min_count=1)}
    return out
