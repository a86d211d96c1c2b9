"""Money per action, axis and volet: prévu, engagé and the execution rate.

Every function takes a parsed report (:class:`~calpae_lib.pipeline.ParsedReport`)
and returns numbers (NaN where the report prints nothing), never display text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from calpae_lib.analysis.axes import actions_with_axis, axis_actions
from calpae_lib.tables.vocabulary import FINANCEUR_LABELS
from calpae_lib.text.numbers import percentage
from calpae_lib.template.volets import VOLET_LABELS

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport


def budget_by_action(report: ParsedReport) -> pd.DataFrame:
    """Per action and financeur: ``prevu``, ``engage`` (NaN when not printed) and ``taux``.

    ``engage_annexe`` is the annex's engaged amount for the action and
    financeur where the sheet prints none (NaN elsewhere, or where the annex
    has none either): the figure that completes the sheets, never mixed into
    ``engage``.
    """
    budgets = report.tables["budgets"]
    columns = ["action_id", "financeur", "prevu", "engage", "taux", "engage_annexe"]
    if budgets.empty:
        return pd.DataFrame(columns=columns)
    amounts = budgets.assign(amount_eur=pd.to_numeric(budgets["amount_eur"], errors="coerce"))
    wide = (amounts.groupby(["action_id", "financeur", "stage"])["amount_eur"].sum(min_count=1)
            .unstack("stage"))
    wide = wide.reindex(columns=["prevu", "engage"]).reset_index()
    wide["taux"] = [percentage(e, p) for p, e in zip(wide["prevu"], wide["engage"])]
    annex = annex_engaged(report)
    from_annex = [annex.get((a, f)) for a, f in zip(wide["action_id"], wide["financeur"])]
    wide["engage_annexe"] = [float("nan") if pd.notna(e) or v is None else float(v)
                             for e, v in zip(wide["engage"], from_annex)]
    return wide[columns]


def annex_engaged(report: ParsedReport) -> dict:
    """``{(action_id, financeur): engaged amount}`` as the annex budget tables print it."""
    annex = report.tables["annex_budget"]
    if annex.empty:
        return {}
    rows = annex[(annex["stage"] == "engage") & annex["row_kind"].isin(list(FINANCEUR_LABELS))
                 & annex["action_id"].fillna("").ne("")]
    amounts = pd.to_numeric(rows["amount_eur"], errors="coerce")
    return {(a, f): v for a, f, v in zip(rows["action_id"], rows["row_kind"], amounts) if pd.notna(v)}


def budget_by_volet(report: ParsedReport) -> pd.DataFrame:
    """Per volet and financeur: prévu, engagé (over the actions that print it) and taux."""
    per_action = budget_by_action(report).merge(
        actions_with_axis(report)[["action_id", "volet"]], on="action_id", how="left")
    return summarise_budget(per_action, ["volet", "financeur"])


def budget_by_axis(report: ParsedReport, key: str) -> pd.DataFrame:
    """Per action of one axis and financeur, with the action's title."""
    actions = axis_actions(report, key)[["action_id", "number", "title"]]
    per_action = budget_by_action(report)
    return actions.merge(per_action, on="action_id", how="inner").sort_values(["number", "financeur"])


def summarise_budget(per_action: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum prévu and engagé over groups, in the report's order of volets and financeurs (see :func:`amounts_of`)."""
    per_action = sort_by_volet_and_financeur(per_action)
    records = []
    for group_keys, rows in per_action.groupby(keys, sort=False):
        group_keys = group_keys if isinstance(group_keys, tuple) else (group_keys,)
        records.append({**dict(zip(keys, group_keys)), **amounts_of(rows)})
    return pd.DataFrame(records, columns=keys + SUMMARY_COLUMNS)


SUMMARY_COLUMNS = ["prevu", "engage", "prevu_compte", "taux", "actions", "engage_manquant", "fiches_sans_engage",
                   "prevu_sans_engage", "completees", "engage_annexe", "engage_complete", "taux_complete"]


def amounts_of(rows: pd.DataFrame) -> dict:
    """Prévu, engagé and their rate over some rows of :func:`budget_by_action`, completed by the annex.

    One definition of the execution rate: the engagé the sheets print over the
    prévu *of the same sheets*. A row whose sheet prints no engagé counts in
    ``prevu`` (all that was planned) but neither in ``engage`` nor in
    ``taux``: ``prevu_compte`` is the prévu the rate divides by,
    ``engage_manquant`` counts those rows (``fiches_sans_engage`` their
    actions) and ``prevu_sans_engage`` is their prévu.

    The annex's completion is its own figure: ``engage_complete`` is the printed
    engagé of every row, the annex's where the sheet prints none
    (``engage_annexe`` the part the annex gives, ``completees`` how many rows it
    completes); ``taux_complete`` divides it by all the prévu, and is given only
    when every row without engagé is completed (else NaN).

    >>> rows = pd.DataFrame({"action_id": ["a", "b"], "prevu": [100.0, 50.0], "engage": [80.0, float("nan")],
    ...                      "engage_annexe": [float("nan"), 50.0]})
    >>> found = amounts_of(rows)
    >>> float(found["engage"]), float(found["prevu_compte"]), round(found["taux"], 1)
    (80.0, 100.0, 80.0)
    >>> float(found["engage_complete"]), round(found["taux_complete"], 1)
    (130.0, 86.7)
    """
    missing = rows["engage"].isna() & rows["prevu"].notna()
    prevu, engage = rows["prevu"].sum(min_count=1), rows["engage"].sum(min_count=1)
    counted = rows.loc[rows["engage"].notna(), "prevu"].sum(min_count=1)
    annex = rows["engage_annexe"] if "engage_annexe" in rows else pd.Series(float("nan"), index=rows.index)
    completed = int((missing & annex.notna()).sum())
    complete = rows["engage"].fillna(annex).sum(min_count=1)
    return {"prevu": prevu, "engage": engage, "prevu_compte": counted, "taux": percentage(engage, counted),
            "actions": rows["action_id"].nunique(), "engage_manquant": int(missing.sum()),
            "fiches_sans_engage": rows.loc[missing, "action_id"].nunique(),
            "prevu_sans_engage": rows.loc[missing, "prevu"].sum(min_count=1), "completees": completed,
            "engage_annexe": annex[missing].sum(min_count=1), "engage_complete": complete,
            "taux_complete": percentage(complete, prevu) if completed == int(missing.sum()) else float("nan")}


def sort_by_volet_and_financeur(frame: pd.DataFrame) -> pd.DataFrame:
    """Volets in the report's order (socle, initiative, ERBM), État before Département."""
    order = {name: i for i, name in enumerate(list(VOLET_LABELS) + list(FINANCEUR_LABELS))}
    keys = [c for c in ("volet", "financeur") if c in frame.columns]
    return frame.sort_values(keys, key=lambda col: col.map(lambda v: order.get(v, len(order))), kind="stable")
