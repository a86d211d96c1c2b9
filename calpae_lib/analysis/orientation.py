"""The RSA orientation chain of Annexe 4 as data: steps, rates, targets, semester, data quality.

The chain runs from the new entrants to their orientation, first appointment
and first contract (CER). Its steps are found by the wording of Annexe 4's
indicators (:data:`STEPS`), never by row position, and every figure comes from
``annex4.csv`` (:func:`calpae_lib.tables.annex4.annex4_table`) with its
``source_line``. Nothing assumes a year: periods are those of the annex's
column headers, the report year is the latest result column.

Public functions, each returning a DataFrame:

* :func:`chain_steps` — one row per step and column (period, kind);
* :func:`chain_rates` — the rates between steps per period and kind, with the
  national delay objective and the rate the year's targets imply;
* :func:`step_targets` — each step's result against the year's target;
* :func:`semester_vs_year` — the first-semester figure against the year's;
* :func:`global_delay` — the accompagnement global's average start delay (days);
* :func:`data_quality` — findings ``kind, year, message, source_line, status``.

:func:`orientation_chain` runs them all on a parsed report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from calpae_lib.tables.vocabulary import Kind, Status
from calpae_lib.template.orientation import GLOBAL_DELAY, STEPS
from calpae_lib.text.dates import MONTHS, date_problem, full_year
from calpae_lib.text.formatting import format_number, format_percent
from calpae_lib.text.numbers import percentage

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport
STEP_LABELS = {step: label for step, label, _ in STEPS}

#: A delay in an indicator's wording or a comment: "1 mois", "2 semaines", "15 jours".
DELAY = re.compile(r"""(?P<n>\d+)\s+(?P<unit>mois|semaines?|jours?)""", re.VERBOSE | re.IGNORECASE)
DAYS_PER_UNIT = {"mois": 30, "semaine": 7, "semaines": 7, "jour": 1, "jours": 1}

#: The national objectives of the poverty strategy (policy, not a figure of the report).
NATIONAL_DELAYS = {"orientes_delai": "1 mois", "rdv_delai": "2 semaines", "cer_delai": "2 mois"}

#: Rates: identifier, numerator step, denominator step, French label.
RATES = (
    ("orientation_delai", "orientes_delai", "entrants", "nouveaux entrants orientés dans le délai"),
    ("rdv_sur_entrants", "rdv", "entrants", "1ers rendez-vous fixés rapportés aux nouveaux entrants"),
    ("rdv_delai", "rdv_delai", "rdv", "1ers rendez-vous fixés dans le délai"),
    ("cer_sur_entrants", "cer", "entrants", "1ers CER rapportés aux nouveaux entrants"),
    ("cer_delai", "cer_delai", "cer", "1ers CER signés dans le délai"),
)

#: The rate a step's comment speaks about ("98% des nouveaux entrants sont orientés").
COMMENT_RATE = {"orientes_delai": "orientation_delai", "rdv": "rdv_sur_entrants", "rdv_delai": "rdv_delai",
                "cer": "cer_sur_entrants", "cer_delai": "cer_delai"}

#: A negative clause ("… que 100% ne soit pas atteint"): a statement of what is not reached.
NEGATIVE = re.compile(r"""\bne\b.*\bpas\b""", re.VERBOSE)

#: A date in a header or comment: 30/05/22, 1/01/2021, 31/112/22 (misprinted), 1/01.

#: A change of information system mentioned in a comment.
SYSTEM_CHANGE = re.compile(
    r"""(?:nouveau|nouvel|changement\ d.)\s*(?:carnet\ de\ bord|logiciel|outil|système|application)""",
    re.VERBOSE | re.IGNORECASE)

#: Tolerance, in percentage points, between a stated percentage and the one recomputed.
TOLERANCE_POINTS = 1.0

FINDING_COLUMNS = ["kind", "year", "message", "source_line", "status"]


def step_of(indicator: str) -> str | None:
    """The chain step an Annexe 4 indicator measures, by its wording.

    >>> step_of("Nombre de 1ers rendez-vous à 2 semaines ou moins fixés")
    'rdv_delai'
    >>> step_of("Nombre total de 1ers contacts d'engagements réciproques")
    'cer'
    >>> step_of("Nombre de bénéficiaires du RSA orientés vers l'accompagnement global") is None
    True
    """
    for step, _, pattern in STEPS:
        if pattern.search(indicator):
            return step
    return None


def delay_of(text: str) -> str | None:
    """The delay written in a text ("1 mois"), or ``None``.

    >>> delay_of("Nombre de 1ers rendez-vous à 2 semaines ou moins fixés")
    '2 semaines'
    """
    match = DELAY.search(text)
    return f"{match.group('n')} {match.group('unit')}" if match else None


def delay_days(delay: str) -> int:
    """A delay in days (a month counts 30).

    >>> delay_days("2 semaines"), delay_days("15 jours"), delay_days("1 mois")
    (14, 15, 30)
    """
    match = DELAY.search(delay)
    return int(match.group("n")) * DAYS_PER_UNIT[match.group("unit").lower()]


def same_delay(first: str, second: str) -> bool:
    """Whether two delays are the same, "15 jours" being the usual way to say two weeks.

    >>> same_delay("2 semaines", "15 jours"), same_delay("1 mois", "2 mois")
    (True, False)
    """
    a, b = delay_days(first), delay_days(second)
    return abs(a - b) <= max(1, round(0.07 * max(a, b)))


# --- steps and rates --------------------------------------------------------------------------


def chain_steps(annex: pd.DataFrame) -> pd.DataFrame:
    """One row per step and column: ``step, step_label, delay, period, kind, value, raw, status,
    source_line, indicator, comment``; steps in chain order, then periods in column order."""
    if annex.empty:
        return pd.DataFrame(columns=["step", "step_label", "delay", "period", "kind", "value", "raw", "status",
                                     "source_line", "indicator", "comment", "column"])
    steps = annex.assign(step=annex["indicator"].map(step_of)).dropna(subset=["step"])
    steps = steps[steps["period"].notna()]
    order = {step: n for n, (step, _, _) in enumerate(STEPS)}
    steps = steps.assign(step_label=steps["step"].map(STEP_LABELS),
                         delay=steps["indicator"].map(lambda t: delay_of(t) if "delai" in step_of(t) else None),
                         order=steps["step"].map(order))
    steps = steps.sort_values(["order", "column"])
    return steps[["step", "step_label", "delay", "period", "kind", "value", "raw", "status", "source_line",
                  "indicator", "comment", "column"]].reset_index(drop=True)


def counts(steps: pd.DataFrame) -> pd.DataFrame:
    """Step counts as a grid: one row per (period, kind) column, one column per step."""
    usable = steps[steps["status"] == "ok"]
    grid = usable.pivot_table(index=["column", "period", "kind"], columns="step", values="value", aggfunc="first")
    return grid.reindex(columns=[s for s, _, _ in STEPS if s in grid.columns]).reset_index()


def chain_rates(steps: pd.DataFrame) -> pd.DataFrame:
    """Rates between steps for every column (period, kind).

    Columns: ``period, kind, rate_id, label, numerator, denominator,
    numerator_value, denominator_value, rate`` (percent), ``delay`` (from the
    wording), ``national_delay``, ``meets_national_delay`` (the wording's delay
    is the national one), ``target_rate`` (the same rate on the year's target
    counts) and ``gap_to_target`` (points).
    """
    grid = counts(steps)
    delays = steps.dropna(subset=["delay"]).drop_duplicates("step").set_index("step")["delay"].to_dict()
    records = []
    for _, column in grid.iterrows():
        for rate_id, top, bottom, label in RATES:
            if top not in grid.columns or bottom not in grid.columns:
                continue
            num, den = column[top], column[bottom]
            target = grid[(grid["kind"] == "target") & (grid["period"] == column["period"])]
            target_rate = percentage(target[top].iloc[0], target[bottom].iloc[0]) if not target.empty else None
            rate = percentage(num, den)
            records.append({
                "period": column["period"], "kind": column["kind"], "rate_id": rate_id, "label": label,
                "numerator": top, "denominator": bottom, "numerator_value": num, "denominator_value": den,
                "rate": rate, "delay": delays.get(top), "national_delay": NATIONAL_DELAYS.get(top),
                "meets_national_delay": (same_delay(delays[top], NATIONAL_DELAYS[top])
                                         if top in delays and top in NATIONAL_DELAYS else None),
                "target_rate": target_rate,
                "gap_to_target": None if rate is None or target_rate is None else rate - target_rate,
            })
    return pd.DataFrame(records, columns=["period", "kind", "rate_id", "label", "numerator", "denominator",
                                          "numerator_value", "denominator_value", "rate", "delay",
                                          "national_delay", "meets_national_delay", "target_rate",
                                          "gap_to_target"])


def step_targets(steps: pd.DataFrame) -> pd.DataFrame:
    """Each step's result against the target of the same year: ``period, step, step_label, target,
    result, attainment`` (result / target, percent)."""
    return compare_columns(steps, "target", "result", "attainment", numerator="result")


def semester_vs_year(steps: pd.DataFrame) -> pd.DataFrame:
    """The first semester against the whole year: ``period, step, step_label, s1, year, s1_share``
    (percent of the year reached at mid-year)."""
    frame = compare_columns(steps, "s1", "result", "s1_share", numerator="s1")
    return frame.rename(columns={"result": "year"})


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


# --- data quality -----------------------------------------------------------------------------


#: A stated percentage that cannot be recomputed from the chain's counts.
UNCHECKABLE = Status.NON_VERIFIABLE


def finding(kind: str, year, message: str, line, status: str = Status.AVERTISSEMENT) -> dict:
    return {"kind": kind, "year": year, "message": message, "source_line": line, "status": str(status)}


def repeated_values(steps: pd.DataFrame) -> list[dict]:
    """The same value printed for different steps in one column: a sign of copied cells."""
    out = []
    usable = steps[(steps["status"] == "ok") & steps["value"].notna()]
    for (period, kind, value), group in usable.groupby(["period", "kind", "value"], sort=False):
        if group["step"].nunique() < 2:
            continue
        names = ", ".join(f"« {label} »" for label in group["step_label"])
        out.append(finding("valeur_repetee", period,
                           f"{kind_label(kind, period)} : la même valeur {format_number(value)} pour {names} "
                           "(cellules peut-être recopiées).", int(group["source_line"].min())))
    return out


def kind_label(kind: str, period) -> str:
    """French name of a column: "résultat 2021", "objectif 2022", "1er semestre 2022"."""
    label = Kind(kind).in_chain
    return (label if label.isupper() else label[0].lower() + label[1:]) + f" {period}"


def impossible_rates(rates: pd.DataFrame, steps: pd.DataFrame) -> list[dict]:
    """A step counted more than the step it is a part of (a rate above 100 %)."""
    lines = steps.set_index(["step", "period", "kind"])["source_line"]
    out = []
    for rate in rates[rates["rate"] > 100].itertuples():
        line = lines.get((rate.numerator, rate.period, rate.kind))
        out.append(finding("incoherence", rate.period,
                           f"{kind_label(rate.kind, rate.period)} : {rate.label} = {format_percent(rate.rate)} "
                           f"({format_number(rate.numerator_value)} sur {format_number(rate.denominator_value)}), "
                           "plus de 100 %.", None if line is None else int(line)))
    return out


def header_periods(header_dates: pd.DataFrame) -> list[dict]:
    """Column headers whose dates (:class:`~calpae_lib.tables.annex4.Annex4Notes`) do not match their column
    (a semester not ending on 30/06…)."""
    out = []
    for date in header_dates.itertuples():
        problem = header_date_problem(date, date.kind, date.period)
        if problem:
            out.append(finding("periode", date.period, f"en-tête « {date.header} » : {problem}",
                               int(date.source_line)))
    return out


def header_date_problem(date, kind: str, period: str) -> str | None:
    """What is wrong with a date printed in a column's header (``date, day, month, year``), or ``None``."""
    day, month = date.day, date.month
    year = date.year or str(period)
    if date_problem(day, month, year):
        return f"date illisible « {date.date} »"
    if str(full_year(year)) != str(period):
        return f"la date {date.date} n'est pas de l'année {period} de la colonne"
    if kind == "s1" and (day, month) not in ((1, 1), (30, 6)):
        return f"un premier semestre va du 1/01 au 30/06, pas jusqu'au {date.date}"
    if kind == "result" and (day, month) not in ((1, 1), (31, 12)):
        return f"un résultat annuel va du 1/01 au 31/12, pas jusqu'au {date.date}"
    return None


def comment_findings(comments: pd.DataFrame, comment_dates: pd.DataFrame, report_year: str) -> list[dict]:
    """Dates that do not fit the report year (``comment_dates``: :class:`~calpae_lib.tables.annex4.Annex4Notes`),
    and changes of information system, in comments."""
    out, dates = [], {}
    for date in comment_dates.itertuples():
        dates.setdefault(date.source_line, []).append(date)
    for line in comments.itertuples():
        for date in dates.get(line.source_line, []):
            year = date.year or str(report_year)
            day, month = date.day, date.month
            if date_problem(day, month, year):
                out.append(finding("periode", report_year, f"« {line.indicator} » : date illisible "
                                   f"« {date.date} » dans le commentaire (« {line.text} »).", line.source_line))
            elif str(full_year(year)) == str(report_year) and (day, month) != (31, 12):
                out.append(finding("periode", report_year, f"« {line.indicator} » : chiffres arrêtés au "
                                   f"{date.date}, avant la fin de l'année {report_year}.", line.source_line))
        if SYSTEM_CHANGE.search(line.text):
            month = next((m for m in MONTHS if re.search(rf"\b{m}\b", line.text, re.IGNORECASE)), None)
            when = f" en {month}" if month else ""
            out.append(finding("systeme_information", report_year,
                               f"« {line.indicator} » : changement de système d'information{when} en cours "
                               f"d'année (« {line.text} ») : les chiffres de l'année mêlent deux sources.",
                               line.source_line))
    return out


def stated_percentages(percents: pd.DataFrame, rates: pd.DataFrame, report_year: str) -> list[dict]:
    """Each percentage a chain step's comment states (:class:`~calpae_lib.tables.annex4.Annex4Notes`),
    recomputed from the counts of the report year."""
    out = []
    year_rates = rates[(rates["kind"] == "result") & (rates["period"] == report_year)].set_index("rate_id")
    for stated in percents.itertuples():
        step = step_of(stated.indicator)
        if step in COMMENT_RATE:
            out.append(check_percentage(stated, step, stated.indicator, year_rates, report_year,
                                        int(stated.source_line)))
    return out


def check_percentage(percent, step: str, indicator: str, year_rates, year: str, line: int) -> dict:
    """One stated percentage (``printed, value, context``) against the rate its step's counts give."""
    stated, context = percent.value, percent.context
    rate_id = COMMENT_RATE[step]
    quoted = f"« {percent.printed.strip()} »"
    if NEGATIVE.search(context):
        return finding("pourcentage", year, f"{quoted} : énoncé négatif, non comparé aux effectifs.", line, UNCHECKABLE)
    said = delay_of(context)
    own = delay_of(indicator)
    if said and (own is None or not same_delay(said, own)):
        return finding("pourcentage", year, f"{quoted} : porte sur un délai de {said}, que les effectifs "
                       f"(« {indicator} ») ne donnent pas : non recalculable.", line, UNCHECKABLE)
    if rate_id not in year_rates.index or pd.isna(year_rates.loc[rate_id, "rate"]):
        return finding("pourcentage", year, f"{quoted} : effectifs {year} manquants, non recalculable.", line, UNCHECKABLE)
    rate = year_rates.loc[rate_id]
    computed = float(rate["rate"])
    status = Status.OK if abs(computed - stated) < TOLERANCE_POINTS else Status.ECART
    verdict = "cohérent" if status is Status.OK else "écart"
    return finding("pourcentage", year,
                   f"{quoted} : recalculé {format_percent(computed, 1)} ({rate['label']} : "
                   f"{format_number(rate['numerator_value'])} sur {format_number(rate['denominator_value'])}) "
                   f"— {verdict}.", line, status)


def report_year(steps: pd.DataFrame) -> str | None:
    """The latest period of a result column."""
    results = steps.loc[steps["kind"] == "result", "period"]
    return max(results) if not results.empty else None


def data_quality(annex: pd.DataFrame, notes, comments: pd.DataFrame) -> pd.DataFrame:
    """Findings on the chain: ``kind, year, message, source_line, status``.

    ``kind`` ∈ valeur_repetee, incoherence, periode, systeme_information,
    pourcentage; ``status`` ∈ avertissement, ok, ecart, non_verifiable (the vocabulary's statuses).
    """
    steps = chain_steps(annex)
    rates = chain_rates(steps)
    year = report_year(steps)
    def watched(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["indicator"].map(lambda t: step_of(t) is not None or bool(GLOBAL_DELAY.search(t)))]
    findings = (repeated_values(steps) + impossible_rates(rates, steps) + header_periods(notes.header_dates)
                + (comment_findings(watched(comments), watched(notes.comment_dates), year)
                   + stated_percentages(watched(notes.comment_percents), rates, year) if year else []))
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    frame["source_line"] = frame["source_line"].astype("Int64")
    return frame


@dataclass
class OrientationChain:
    """Everything the orientation notebook shows, as DataFrames."""

    report_year: str | None
    steps: pd.DataFrame
    rates: pd.DataFrame
    targets: pd.DataFrame
    semester: pd.DataFrame
    global_delay: pd.DataFrame
    findings: pd.DataFrame


def orientation_chain(report: ParsedReport) -> OrientationChain:
    """The whole chain of a parsed report (:class:`~calpae_lib.pipeline.ParsedReport`), from its Annexe 4
    table, columns and comments."""
    annex = report.tables["annex4"]
    steps = chain_steps(annex)
    return OrientationChain(report_year(steps), steps, chain_rates(steps), step_targets(steps),
                            semester_vs_year(steps), global_delay(annex),
                            data_quality(annex, report.annex4_notes, report.annex4_comments))
