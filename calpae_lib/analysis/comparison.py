"""Comparing one département's reports across years: money per volet, indicators, year against year.

Every function takes parsed reports (:class:`~calpae_lib.pipeline.ParsedReport`),
in any order, and returns a :class:`pandas.DataFrame` with one column per year
(oldest first). Nothing is assumed about which years, volets or indicators a
report has: a volet or an indicator missing one year is missing (NaN), never
zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from calpae_lib.analysis.axes import actions_with_axis
from calpae_lib.analysis.budget import budget_by_volet
from calpae_lib.tables.budgets import FINANCEUR_LABELS, STAGES

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport

MONEY_KEYS = ["volet", "financeur", "stage"]
INDICATOR_KEYS = ["axis", "measure", "indicator", "unit", "occurrence"]


def years(reports) -> list[int]:
    return sorted(r.meta.year for r in reports)


def money_per_volet(report: ParsedReport) -> pd.DataFrame:
    """One report's money per volet, financeur and stage: ``year, volet, financeur, stage, amount_eur``.

    Engagé sums the actions that print it (see :func:`calpae_lib.present.budget_by_volet`).
    """
    wide = budget_by_volet(report)
    long = wide.melt(id_vars=["volet", "financeur"], value_vars=["prevu", "engage"], var_name="stage",
                     value_name="amount_eur")
    return long.assign(year=report.meta.year)[["year", *MONEY_KEYS, "amount_eur"]]


def money_by_year(reports) -> pd.DataFrame:
    """Money per volet, financeur and stage, one column per year, and the change first → last year.

    Columns: ``volet, financeur, stage, <year>…, evolution_eur, evolution_pct`` (the change between
    the first and the last year that have the amount; NaN when fewer than two have it).
    """
    long = pd.concat([money_per_volet(r) for r in reports], ignore_index=True)
    wide = long.pivot_table(index=MONEY_KEYS, columns="year", values="amount_eur", aggfunc="sum",
                            sort=False).reindex(columns=years(reports)).reset_index()
    wide.columns.name = None
    wide = order_money_rows(wide, reports)
    return with_evolution(wide, years(reports))


def order_money_rows(frame: pd.DataFrame, reports) -> pd.DataFrame:
    """Volets in the latest report's order, État before Département, prévu before engagé."""
    latest = max(reports, key=lambda r: r.meta.year)
    volet_order = list(dict.fromkeys(actions_with_axis(latest)["volet"]))
    rank = {v: i for i, v in enumerate(volet_order)}
    keyed = frame.assign(
        _v=frame["volet"].map(lambda v: rank.get(v, len(rank))),
        _f=frame["financeur"].map(lambda f: list(FINANCEUR_LABELS).index(f)
                                  if f in FINANCEUR_LABELS else 9),
        _s=frame["stage"].map(lambda s: list(STAGES).index(s)))
    return keyed.sort_values(["_v", "volet", "_f", "_s"]).drop(columns=["_v", "_f", "_s"]).reset_index(drop=True)


def with_evolution(frame: pd.DataFrame, year_columns: list[int]) -> pd.DataFrame:
    """Add ``evolution_eur``/``evolution`` and ``evolution_pct`` between the first and last known year.

    >>> f = pd.DataFrame({2021: [100.0, None], 2022: [150.0, 5.0]})
    >>> with_evolution(f, [2021, 2022])[["evolution", "evolution_pct"]].to_dict("list")
    {'evolution': [50.0, nan], 'evolution_pct': [50.0, nan]}
    """
    values = frame[year_columns].apply(pd.to_numeric, errors="coerce")
    first = values.apply(lambda row: row.dropna().iloc[0] if row.count() >= 2 else float("nan"), axis=1)
    last = values.apply(lambda row: row.dropna().iloc[-1] if row.count() >= 2 else float("nan"), axis=1)
    change = last - first
    percent = (100.0 * change / first.where(first != 0)).astype(float)
    name = "evolution_eur" if "stage" in frame.columns else "evolution"
    return frame.assign(**{name: change.astype(float), "evolution_pct": percent})


def year_results(report: ParsedReport) -> pd.DataFrame:
    """One report's indicator results for its own year, one row per indicator.

    Columns: ``axis, measure, indicator, unit, occurrence, year, value, status, raw, source_line,
    action_id``. ``occurrence`` numbers an indicator printed twice under the same measure, so that
    each is compared with its namesake of the other years, never merged. ``action_id`` says on which
    sheet the year prints it (not a key: actions are renumbered from one year to the next).
    """
    indicators = report.tables["indicators"]
    rows = indicators[(indicators["kind"] == "result")
                      & (indicators["period"].astype(str) == str(report.meta.year))].copy()
    for column in ("axis", "measure", "indicator"):
        rows[column] = rows[column].fillna("").astype(str).map(lambda text: " ".join(text.split()))
    rows["occurrence"] = rows.groupby(["axis", "measure", "indicator", "unit"]).cumcount()
    rows["year"] = report.meta.year
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce").where(rows["status"] == "ok")
    rows["action_id"] = rows["action_id"].fillna("").astype(str)
    return rows[[*INDICATOR_KEYS, "year", "value", "status", "raw", "source_line", "action_id"]].reset_index(drop=True)


def indicator_results(reports) -> pd.DataFrame:
    """Every report's results for its year, long format, only indicators found in two years or more."""
    long = pd.concat([year_results(r) for r in reports], ignore_index=True)
    found_in = long.groupby(INDICATOR_KEYS)["year"].transform("nunique")
    return long[found_in >= 2].reset_index(drop=True)


def indicators_by_year(reports) -> pd.DataFrame:
    """Indicators found in several years: ``axis, measure, indicator, unit, occurrence, <year>…``,
    ``evolution`` and ``evolution_pct`` (first to last year with a value). A value that is not
    ``ok`` (not available, ambiguous) is NaN; :func:`indicator_results` keeps its status.
    """
    long = indicator_results(reports)
    if long.empty:
        return pd.DataFrame(columns=[*INDICATOR_KEYS, *years(reports), "evolution", "evolution_pct"])
    order = long.drop_duplicates(INDICATOR_KEYS)[INDICATOR_KEYS]
    wide = long.pivot_table(index=INDICATOR_KEYS, columns="year", values="value", aggfunc="first",
                            dropna=False).reindex(columns=years(reports))
    wide = order.merge(wide.reset_index(), on=INDICATOR_KEYS, how="left")
    wide.columns.name = None
    return with_evolution(wide, years(reports))
