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
from calpae_lib.checks.engine import build_year_checks
from calpae_lib.tables.budgets import STAGES
from calpae_lib.tables.vocabulary import FINANCEUR_LABELS
from calpae_lib.tables.schemas import TABLE_COLUMNS

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport

MONEY_KEYS = ["volet", "financeur", "stage"]
INDICATOR_KEYS = ["axis", "measure", "indicator", "unit", "occurrence"]


def years(reports) -> list[int]:
    return sorted(r.meta.year for r in reports)


def money_per_volet(report: ParsedReport) -> pd.DataFrame:
    """One report's money per volet, financeur and stage: ``year, volet, financeur, stage, amount_eur``.

    Engagé is the synthesis's: the sheets' engagé completed by the annex for the actions whose sheet does
    not print it (``engage_complete`` of :func:`calpae_lib.analysis.budget.budget_by_volet`, where it completes
    any), so that a volet does not seem to fall only because a sheet left its 5.2 empty.
    """
    wide = budget_by_volet(report)
    wide["engage"] = wide["engage_complete"].where(wide["completees"] > 0, wide["engage"])
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


#: The rules across years whose findings are about the indicators' rows (:mod:`calpae_lib.checks.years`).
COPIED_TABLE, COPIED_ROW, BASELINE = "annees.tableau_recopie", "annees.ligne_recopiee", "annees.situation_n1"
PROGRAMME, RECURRING = "annees.programme", "annees.deja_releve"


def year_checks(reports) -> pd.DataFrame:
    """The checks across years of each report against the report of the year before it (of those given):
    the checks table's columns after ``year`` (the later report's) and ``previous_year``."""
    ordered = sorted(reports, key=lambda r: r.meta.year)
    frames = [build_year_checks(current, previous).assign(year=current.meta.year, previous_year=previous.meta.year)
              for previous, current in zip(ordered, ordered[1:])]
    if not frames:
        return pd.DataFrame(columns=TABLE_COLUMNS["comparison_checks"])
    checks = pd.concat(frames, ignore_index=True)
    return checks[TABLE_COLUMNS["comparison_checks"]]


def row_marks(reports, checks: pd.DataFrame) -> dict[tuple[int, int], str]:
    """``(year, source_line of a result) -> mark`` for the indicator rows the checks across years flag:
    ``copie`` (the row, or its whole table, prints last year's values again) or ``contradiction`` (its
    « Situation » differs from last year's result)."""
    marks = {}
    by_year = {r.meta.year: r for r in reports}
    copied_tables = checks[checks["check_id"] == COPIED_TABLE]
    for year, scope in zip(copied_tables["year"], copied_tables["scope"]):
        results = year_results(by_year[year])
        for line in results.loc[results["action_id"] == scope, "source_line"]:
            marks[(year, int(line))] = "copie"
    flagged = checks[(checks["check_id"] == COPIED_ROW)
                     | ((checks["check_id"] == BASELINE) & (checks["status"] == "ecart"))]
    for year, check_id, line in zip(flagged["year"], flagged["check_id"], flagged["source_line"]):
        marks.setdefault((year, int(line)), "copie" if check_id == COPIED_ROW else "contradiction")
    return marks


def comparison_tables(reports, checks: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The comparison as data (:data:`calpae_lib.tables.schemas.COMPARISON_SCHEMAS`): each year's money per
    volet, the results of the indicators found in several years with the mark the checks across years give
    them, and those checks (``checks``, or computed)."""
    checks = checks if checks is not None else year_checks(reports)
    money = pd.concat([money_per_volet(r) for r in reports], ignore_index=True)
    money["amount_eur"] = money["amount_eur"].round().astype("Int64")
    results = indicator_results(reports)
    marks = row_marks(reports, checks)
    results["mark"] = [marks.get((y, int(line))) for y, line in zip(results["year"], results["source_line"])]
    results["action_id"] = results["action_id"].replace("", None)
    tables = {"comparison_money": money.sort_values("year", kind="stable"), "comparison_indicators": results,
              "comparison_checks": checks}
    return {name: frame.reset_index(drop=True)[TABLE_COLUMNS[name]] for name, frame in tables.items()}
