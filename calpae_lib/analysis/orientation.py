"""The RSA orientation chain of Annexe 4 as data: steps, rates, targets, semester, losses, flags; across reports.

The chain's steps and rates, and every judgement on them, are the checks
layer's (:mod:`calpae_lib.checks.orientation`: the same judgements reach
``checks.csv``); this module puts them together for the notebook and the pages.

Public functions, each returning a DataFrame:

* :func:`chain_steps` — one row per step and column (period, kind), with the
  count's printed definition;
* :func:`chain_rates` — the rates between steps per period and kind, with the
  national delay, the rate the year's targets imply, and the flags that bear on
  each rate as boolean columns (:func:`flagged_rates`);
* :func:`step_targets` — each step's result against the year's target, beside
  the step's own rate;
* :func:`semester_vs_year` — the first semester against the year, and the
  second semester they imply;
* :func:`chain_losses` — the people each step loses against the step it is
  counted from;
* :func:`global_delay` — the accompagnement global's average start delay (days);
* :func:`chain_flags` — the judgements, with ``step``, ``rate_id``, ``year``
  (integer) and ``column_kind`` as columns.

:func:`orientation_chain` runs them all on a parsed report;
:func:`chain_across` puts the chains of several reports of one département
together and reconciles the years they share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from calpae_lib.checks.orientation import (  # noqa: F401  (the chain's vocabulary, for the notebook)
    GLOBAL_DELAY,
    NATIONAL_DELAYS,
    RATES,
    STEP_LABELS,
    STEPS,
    chain_flags,
    chain_rates as raw_rates,
    chain_steps,
    copies,
    counts,
    exclusion_of,
    report_year,
    step_of,
)
from calpae_lib.errors import InputError
from calpae_lib.tables.references import FRANCE, oarsa_series, territory_code
from calpae_lib.text.numbers import percentage

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport


def year_of(period) -> int | None:
    """A column's period as an integer year (periods are printed text: "2022").

    >>> year_of("2022"), year_of(None)
    (2022, None)
    """
    return None if period is None or pd.isna(period) else int(str(period)[:4])


def chain_rates(steps: pd.DataFrame) -> pd.DataFrame:
    """The rates between steps (:func:`calpae_lib.checks.orientation.chain_rates`: ``rate`` in percent, like
    every rate of calpae) with ``year`` (integer) and the flags that bear on each rate as columns:
    ``numerator_copied`` and ``base_copied`` (the count repeats the value of an earlier step of the same column,
    :func:`calpae_lib.checks.orientation.copies`), ``numerator_definition`` and ``denominator_definition``
    (Annexe 4's printed definitions of the two counts), ``narrower_count`` (the count's definition leaves out
    people its base counts, « hors … »)."""
    rates = raw_rates(steps)
    copied = copies(steps)
    definitions = steps.drop_duplicates("step").set_index("step")["definition"].to_dict() if len(steps) else {}
    narrower = {rate_id for rate_id, top, bottom, _ in RATES
                if exclusion_of(definitions.get(top)) and exclusion_of(definitions.get(top))
                != exclusion_of(definitions.get(bottom))}
    keys = list(zip(rates["period"], rates["kind"]))
    return rates.assign(
        year=pd.array([year_of(p) for p in rates["period"]], dtype="Int64"),
        numerator_definition=rates["numerator"].map(lambda s: definitions.get(s) or ""),
        denominator_definition=rates["denominator"].map(lambda s: definitions.get(s) or ""),
        numerator_copied=[(p, k, s) in copied for (p, k), s in zip(keys, rates["numerator"])],
        base_copied=[(p, k, s) in copied for (p, k), s in zip(keys, rates["denominator"])],
        narrower_count=rates["rate_id"].isin(narrower))


def step_targets(steps: pd.DataFrame) -> pd.DataFrame:
    """Each step's result against the target of the same year: ``period, step, step_label, target,
    result, attainment`` (result / target, percent), and beside it the step's own rate that year
    (``rate``: the step over its base, ``rate_label``), so that the two percentages of one step are read
    apart: how far the objective was reached, and what share of the base went through the step."""
    frame = compare_columns(steps, "target", "result", "attainment", numerator="result")
    rates = raw_rates(steps)
    rates = rates[rates["kind"] == "result"].set_index(["period", "numerator"])
    own = [rates.loc[(p, s)] if (p, s) in rates.index else None for p, s in zip(frame["period"], frame["step"])]
    return frame.assign(rate=[None if r is None else r["rate"] for r in own],
                        rate_label=[None if r is None else r["label"] for r in own])


def semester_vs_year(steps: pd.DataFrame) -> pd.DataFrame:
    """The first semester against the whole year: ``period, step, step_label, s1, year, s1_share``
    (percent of the year reached at mid-year) and ``s2``, the second semester they imply (year − s1;
    :func:`calpae_lib.checks.orientation.semester_against_year` flags an implied semester where a step
    exceeds its base)."""
    frame = compare_columns(steps, "s1", "result", "s1_share", numerator="s1")
    frame = frame.rename(columns={"result": "year"})
    return frame.assign(s2=pd.to_numeric(frame["year"]) - pd.to_numeric(frame["s1"]))


#: The columns of :func:`chain_losses`.
LOSS_COLUMNS = ["period", "year", "kind", "rate_id", "from_step", "from_label", "to_step", "to_label", "from_value",
                "to_value", "lost", "lost_share", "base_copied", "to_copied"]


def chain_losses(rates: pd.DataFrame) -> pd.DataFrame:
    """The people each step loses against the step it is counted from (its base in :data:`RATES`):
    ``from_value − to_value`` (``lost``) and its share of the base (``lost_share``, percent). A loss whose
    base or whose arrival is a copied value (``base_copied``, ``to_copied``) measures nothing. Negative where a step counts more than its
    base."""
    frame = pd.DataFrame({
        "period": rates["period"], "year": rates["year"], "kind": rates["kind"], "rate_id": rates["rate_id"],
        "from_step": rates["denominator"], "from_label": rates["denominator"].map(STEP_LABELS),
        "to_step": rates["numerator"], "to_label": rates["numerator"].map(STEP_LABELS),
        "from_value": rates["denominator_value"], "to_value": rates["numerator_value"],
        "base_copied": rates["base_copied"], "to_copied": rates["numerator_copied"]}, columns=LOSS_COLUMNS)
    frame["lost"] = frame["from_value"] - frame["to_value"]
    frame["lost_share"] = [percentage(lost, base) for lost, base in zip(frame["lost"], frame["from_value"])]
    return frame[LOSS_COLUMNS].reset_index(drop=True)


def compare_columns(steps: pd.DataFrame, base: str, other: str, share: str, numerator: str) -> pd.DataFrame:
    """Per period having a ``base`` column, each step's ``base`` and ``other`` values and their ratio."""
    grid = counts(steps)
    records = []
    for _, first in grid[grid["kind"] == base].iterrows():
        second = grid[(grid["kind"] == other) & (grid["period"] == first["period"])]
        for step in [s for s, _, _ in STEPS if s in grid.columns]:
            values = {base: first[step], other: second[step].iloc[0] if not second.empty else None}
            denominator = values[other] if numerator == base else values[base]
            records.append({"period": first["period"], "step": step, "step_label": STEP_LABELS[step], **values,
                            share: percentage(values[numerator], denominator)})
    return pd.DataFrame(records, columns=["period", "step", "step_label", base, other, share])


def global_delay(annex: pd.DataFrame) -> pd.DataFrame:
    """The accompagnement global's average start delay: ``period, kind, value, unit, raw, status,
    source_line`` in column order."""
    rows = annex[annex["indicator"].str.contains(GLOBAL_DELAY, na=False) & annex["period"].notna()]
    return rows.sort_values("column")[["period", "kind", "value", "unit", "raw", "status",
                                       "source_line"]].reset_index(drop=True)


@dataclass
class OrientationChain:
    """Everything the orientation notebook shows, as DataFrames. ``findings`` are the chain's judgements
    (:func:`chain_flags`), the same as the ``orientation.*`` rows of ``checks.csv``."""

    report_year: str | None
    steps: pd.DataFrame
    rates: pd.DataFrame
    targets: pd.DataFrame
    semester: pd.DataFrame
    global_delay: pd.DataFrame
    findings: pd.DataFrame
    losses: pd.DataFrame


def orientation_chain(report: ParsedReport) -> OrientationChain:
    """The whole chain of a parsed report (:class:`~calpae_lib.pipeline.ParsedReport`), from its Annexe 4
    table, columns and comments."""
    annex = report.tables["annex4"]
    steps = chain_steps(annex)
    steps = steps.assign(year=pd.array([year_of(p) for p in steps["period"]], dtype="Int64"))
    rates = chain_rates(steps)
    return OrientationChain(report_year(steps), steps, rates, step_targets(steps), semester_vs_year(steps),
                            global_delay(annex), chain_flags(annex, report.annex4_notes, report.annex4_comments),
                            chain_losses(rates))


# --- across reports ---------------------------------------------------------------------------

#: Column kinds in reading order (a year's situation, result, target, first semester).
KIND_ORDER = {"baseline": 0, "result": 1, "target": 2, "s1": 3}

RECONCILIATION_COLUMNS = ["step", "step_label", "period", "year", "kind", "report_a", "value_a", "raw_a", "line_a",
                          "report_b", "value_b", "raw_b", "line_b", "agree"]


@dataclass
class CrossChain:
    """The chain over several reports of one département.

    ``steps``: one row per step, period and kind, the value of the latest report that prints it
    (``report``: that report's year); ``rates`` and ``losses`` recomputed on them; ``findings``: every
    report's judgements with its ``report``; ``reconciliation``: every step, period and kind that two
    reports both print, with both values and lines, and whether they agree.
    """

    departement: str
    reports: list[int]
    steps: pd.DataFrame
    rates: pd.DataFrame
    losses: pd.DataFrame
    findings: pd.DataFrame
    reconciliation: pd.DataFrame


def chain_across(reports) -> CrossChain:
    """The orientation chain across parsed reports of one département (any number, any order).

    A year that two reports both print is taken from the later report and reconciled: the
    ``reconciliation`` table gives both lines, ``agree`` False where they differ. Reports of
    different départements are refused (:class:`~calpae_lib.errors.InputError`).
    """
    reports = sorted(reports, key=lambda r: r.meta.year)
    departements = sorted({str(r.meta.departement) for r in reports})
    if len(departements) != 1:
        raise InputError("une chaîne d'orientation sur plusieurs rapports demande des rapports d'un seul département "
                         f"(reçus : {', '.join(departements) or 'aucun'})")
    chains = [(int(r.meta.year), orientation_chain(r)) for r in reports]
    every = pd.concat([c.steps.assign(report=year) for year, c in chains], ignore_index=True)
    latest = every.drop_duplicates(["step", "period", "kind"], keep="last")
    order = latest.assign(_k=latest["kind"].map(KIND_ORDER), _s=latest["step"].map({s: n for n, (s, _, _) in
                                                                                     enumerate(STEPS)}))
    columns = {key: n for n, key in enumerate(sorted(set(zip(order["period"], order["_k"]))))}
    steps = order.assign(column=[columns[key] for key in zip(order["period"], order["_k"])])
    steps = steps.sort_values(["_s", "column"]).drop(columns=["_k", "_s"]).reset_index(drop=True)
    rates = chain_rates(steps)
    findings = pd.concat([c.findings.assign(report=year) for year, c in chains], ignore_index=True)
    return CrossChain(departements[0], [year for year, _ in chains], steps, rates, chain_losses(rates), findings,
                      reconciliation(every))


def reconciliation(every: pd.DataFrame) -> pd.DataFrame:
    """Each (step, period, kind) printed by two reports: both values, raw texts and lines, and ``agree``
    (same value, or both not available)."""
    records = []
    for (step, period, kind), group in every.groupby(["step", "period", "kind"], sort=False):
        rows = list(group.itertuples())
        for first, second in zip(rows, rows[1:]):
            same = (first.value == second.value) or (pd.isna(first.value) and pd.isna(second.value))
            records.append({"step": step, "step_label": STEP_LABELS[step], "period": period,
                            "year": year_of(period), "kind": kind,
                            "report_a": first.report, "value_a": first.value, "raw_a": first.raw,
                            "line_a": first.source_line, "report_b": second.report, "value_b": second.value,
                            "raw_b": second.raw, "line_b": second.source_line, "agree": bool(same)})
    frame = pd.DataFrame(records, columns=RECONCILIATION_COLUMNS)
    return frame.astype({"year": "Int64", "line_a": "Int64", "line_b": "Int64"})


# --- reference figures from other sources -----------------------------------------------------

#: The chain's rate that the national CALPAE landmark is the same indicator of.
CALPAE_RATE = "orientation_delai"

#: Which landmark (``reperes_nationaux.csv``) continues which series: the CALPAE rate, or an OARSA sheet.
LANDMARK_SERIES = {"calpae_nouveaux_entrants_orientes_1_mois": CALPAE_RATE, "oarsa_part_orientes": "Tableau B1",
                   "oarsa_delai_moyen_orientation_jours": "Tableau B13"}

CONTEXT_COLUMNS = ["series", "source", "territory", "code", "year", "value", "unit", "symbol", "definition",
                   "citation", "url"]

#: How the sources are cited.
ANNEX_CITATION = "Annexe 4 du rapport d'exécution"
OARSA_CITATION = "DREES, enquête OARSA (principaux indicateurs)"


def national_context(chain: OrientationChain, oarsa: pd.DataFrame, landmarks: pd.DataFrame, departement: str,
                     others=()) -> pd.DataFrame:
    """The chain's first rate beside reference figures of other sources, as one tidy table
    (:data:`CONTEXT_COLUMNS`): the département's own Annexe 4 rate (``source`` ``annexe4``), the national
    landmarks (``reperes``), and the OARSA series of the département, France and the territories ``others``
    (workbook codes, « 59 »). Each row carries its own ``definition`` and ``citation``: they are other
    indicators, shown side by side, never merged. ``value`` in percent or days (``unit``); a figure a source
    does not give stays empty with its ``symbol`` (« ND »…), never zero."""
    records = []
    rates = chain.rates[(chain.rates["rate_id"] == CALPAE_RATE) & (chain.rates["kind"] == "result")]
    steps = chain.steps.drop_duplicates("step").set_index("step")
    definition = ""
    if "orientes_delai" in steps.index:
        printed = steps.loc["orientes_delai", "definition"]
        definition = f"« {steps.loc['orientes_delai', 'indicator']} » rapporté au « Nombre de nouveaux entrants »" + (
            f" ; l'annexe précise : « {printed} »" if printed else "")
    for rate in rates.itertuples():
        records.append({"series": CALPAE_RATE, "source": "annexe4", "territory": departement, "code": "",
                        "year": year_of(rate.period), "value": rate.rate, "unit": "percent", "symbol": "",
                        "definition": definition, "citation": ANNEX_CITATION, "url": ""})
    for row in landmarks.itertuples():
        records.append({"series": LANDMARK_SERIES.get(row.indicator, row.indicator), "source": "reperes",
                        "territory": row.scope, "code": "France", "year": int(row.year), "value": row.value,
                        "unit": row.unit, "symbol": "", "definition": row.definition, "citation": row.source,
                        "url": row.url})
    code = territory_code(oarsa, departement) if len(oarsa) else None
    codes = [c for c in (code, FRANCE, *others) if c]
    for table in dict.fromkeys(oarsa["table"]):
        for row in oarsa_series(oarsa, table, codes).itertuples():
            records.append({"series": table, "source": "oarsa", "territory": row.territory, "code": row.code,
                            "year": int(row.year), "value": row.value, "unit": row.unit, "symbol": row.symbol,
                            "definition": row.indicator, "citation": OARSA_CITATION, "url": ""})
    frame = pd.DataFrame(records, columns=CONTEXT_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    frame["value"] = pd.to_numeric(frame["value"])
    return frame


# --- questions an analyst asks ----------------------------------------------------------------


def rate_evolution(chain, rate_id: str = CALPAE_RATE, since: int | None = None) -> pd.DataFrame:
    """One rate's results year by year (from ``since``), with its counts and flags: ``year, rate,
    numerator_value, denominator_value, numerator_copied, base_copied, narrower_count``."""
    rates = chain.rates[(chain.rates["rate_id"] == rate_id) & (chain.rates["kind"] == "result")]
    if since is not None:
        rates = rates[rates["year"] >= since]
    return rates[["year", "rate", "numerator_value", "denominator_value", "numerator_copied", "base_copied",
                  "narrower_count"]].reset_index(drop=True)


def weakest_steps(chain, year: int | None = None) -> pd.DataFrame:
    """The report year's losses (:func:`chain_losses`, results of ``year``), the largest share lost first; a
    loss measured on a copied count is left out (it measures nothing)."""
    year = year if year is not None else year_of(chain.report_year)
    losses = chain.losses[(chain.losses["kind"] == "result") & (chain.losses["year"] == year)
                          & ~chain.losses["base_copied"].astype(bool) & ~chain.losses["to_copied"].astype(bool)]
    return losses.sort_values("lost_share", ascending=False, kind="stable").reset_index(drop=True)


# --- export -----------------------------------------------------------------------------------


#: The tables :func:`orientation_tables` gives, in order (``references`` only with reference figures).
ORIENTATION_TABLES = ("orientation_steps", "orientation_rates", "orientation_losses", "references")


def orientation_tables(chain: OrientationChain, context: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The chain (and its reference figures) as the tidy tables written beside the report's: ``orientation_steps``,
    ``orientation_rates``, ``orientation_losses`` and ``references``, in the columns of their schemas
    (:mod:`calpae_lib.tables.schemas`); rates in percent, like every rate of calpae's tables."""
    from calpae_lib.tables.schemas import TABLE_COLUMNS

    steps = chain.steps.assign(definition=chain.steps["definition"].replace("", None))
    tables = {"orientation_steps": steps, "orientation_rates": chain.rates, "orientation_losses": chain.losses}
    if context is not None:
        tables["references"] = context.assign(code=context["code"].replace("", None),
                                              symbol=context["symbol"].replace("", None),
                                              url=context["url"].replace("", None))
    return {name: frame[TABLE_COLUMNS[name]].reset_index(drop=True) for name, frame in tables.items()}
