"""Rules on Annexe 4's RSA orientation chain: its steps and rates, and what the figures themselves reveal.

The chain runs from the new entrants to their orientation, first appointment
and first contract (CER). Its steps are found by the wording of Annexe 4's
indicators (:data:`STEPS`), never by row position, and every figure comes from
``annex4.csv`` (:func:`calpae_lib.tables.annex4.annex4_table`) with its
``source_line`` and its printed ``definition``. Nothing assumes a year: periods
are those of the annex's column headers, the report year is the latest result
column.

The chain is checked here, by ordinary rules of the engine (one finding model,
one status vocabulary, one tolerance: :func:`~calpae_lib.checks.text.percent_agrees`):
values repeated across steps (and the rates whose base is such a copy), a step counted
more than its base, a count narrower than its base by definition, the first
semester against the year, column periods, dates in comments, a change of
information system, and each percentage a step's comment states. Each judgement
is made once, by one function of :data:`FLAGS`; the same rows, with the step, the
rate and the year as columns, are the orientation chain's flags
(:func:`chain_flags`, read by :mod:`calpae_lib.analysis.orientation`). An
impossible date is the document rule's (``document.date_impossible``), not
repeated here.
"""

from __future__ import annotations

import re

import pandas as pd

from calpae_lib.checks.registry import DOCUMENT, Finding, rule
from calpae_lib.checks.text import percent_agrees
from calpae_lib.tables.vocabulary import Grade, Status
from calpae_lib.text.dates import date_problem, full_year
from calpae_lib.text.formatting import format_number, format_percent
from calpae_lib.tables.claims import decimals_of
from calpae_lib.template.orientation import GLOBAL_DELAY, STEPS
from calpae_lib.text.numbers import parse_number, percentage

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

#: An exclusion in a count's definition: "… donc hors pôle emploi".
EXCLUSION = re.compile(r"""\bhors\s+(?P<what>[^.,;()]+)""", re.VERBOSE | re.IGNORECASE)

#: A change of information system mentioned in a comment.
SYSTEM_CHANGE = re.compile(
    r"""(?:nouveau|nouvel|changement\ d.)\s*(?:carnet\ de\ bord|logiciel|outil|système|application)""",
    re.VERBOSE | re.IGNORECASE)
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")

#: The chain's flags: one row per judgement, with what it is about as columns that join to the rates.
FLAG_COLUMNS = ["check_id", "step", "rate_id", "year", "column_kind", "status", "expected", "observed", "message",
                "source_line"]


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


def exclusion_of(definition) -> str | None:
    """What a count's printed definition leaves out ("hors pôle emploi"), or ``None``.

    >>> exclusion_of("Concerne le social et le socio pro donc hors pôle")
    'hors pôle'
    >>> exclusion_of("A partir de la notification d'orientation") is None
    True
    """
    match = EXCLUSION.search(definition) if isinstance(definition, str) else None
    return f"hors {' '.join(match.group('what').split())}" if match else None


# --- steps and rates --------------------------------------------------------------------------

STEP_COLUMNS = ["step", "step_label", "delay", "definition", "period", "kind", "value", "raw", "status",
                "source_line", "indicator", "comment", "column"]


def chain_steps(annex: pd.DataFrame) -> pd.DataFrame:
    """One row per step and column: ``step, step_label, delay, definition`` (Annexe 4's « éléments de
    définition » of the count, as printed), ``period, kind, value, raw, status, source_line, indicator,
    comment, column``; steps in chain order, then periods in column order."""
    if annex.empty:
        return pd.DataFrame(columns=STEP_COLUMNS)
    steps = annex.assign(step=annex["indicator"].map(step_of)).dropna(subset=["step"])
    steps = steps[steps["period"].notna()]
    order = {step: n for n, (step, _, _) in enumerate(STEPS)}
    definitions = steps.groupby("step")["definition"].agg(lambda d: next((t for t in d if isinstance(t, str)
                                                                             and t.strip()), ""))
    steps = steps.assign(step_label=steps["step"].map(STEP_LABELS),
                         delay=steps["indicator"].map(lambda t: delay_of(t) if "delai" in step_of(t) else None),
                         definition=steps["step"].map(definitions), order=steps["step"].map(order))
    steps = steps.sort_values(["order", "column"])
    return steps[STEP_COLUMNS].reset_index(drop=True)


def counts(steps: pd.DataFrame) -> pd.DataFrame:
    """Step counts as a grid: one row per (period, kind) column, one column per step."""
    usable = steps[steps["status"] == "ok"]
    grid = usable.pivot_table(index=["column", "period", "kind"], columns="step", values="value", aggfunc="first")
    return grid.reindex(columns=[s for s, _, _ in STEPS if s in grid.columns]).reset_index()


RATE_COLUMNS = ["period", "kind", "rate_id", "label", "numerator", "denominator", "numerator_value",
                "denominator_value", "rate", "delay", "national_delay", "delay_is_national", "target_rate",
                "gap_to_target"]


def chain_rates(steps: pd.DataFrame) -> pd.DataFrame:
    """Rates between steps for every column (period, kind).

    Columns: ``period, kind, rate_id, label, numerator, denominator,
    numerator_value, denominator_value, rate`` (percent), ``delay`` (from the
    wording), ``national_delay``, ``delay_is_national`` (the wording's delay is
    the national one, False for a step without delay: says nothing of the rate reached), ``target_rate`` (the
    same rate on the year's target counts) and ``gap_to_target`` (points).
    """
    grid = counts(steps)
    delays = steps.dropna(subset=["delay"]).drop_duplicates("step").set_index("step")["delay"].to_dict()
    columns = grid.to_dict("records")
    targets = {}
    for column in columns:
        if column["kind"] == "target":
            targets.setdefault(column["period"], column)
    records = []
    for column in columns:
        for rate_id, top, bottom, label in RATES:
            if top not in grid.columns or bottom not in grid.columns:
                continue
            num, den = column[top], column[bottom]
            target = targets.get(column["period"])
            target_rate = percentage(target[top], target[bottom]) if target is not None else None
            rate = percentage(num, den)
            records.append({
                "period": column["period"], "kind": column["kind"], "rate_id": rate_id, "label": label,
                "numerator": top, "denominator": bottom, "numerator_value": num, "denominator_value": den,
                "rate": rate, "delay": delays.get(top), "national_delay": NATIONAL_DELAYS.get(top),
                "delay_is_national": (same_delay(delays[top], NATIONAL_DELAYS[top])
                                      if top in delays and top in NATIONAL_DELAYS else False),
                "target_rate": target_rate,
                "gap_to_target": None if rate is None or target_rate is None else rate - target_rate,
            })
    return pd.DataFrame(records, columns=RATE_COLUMNS)


def report_year(steps: pd.DataFrame) -> str | None:
    """The latest period of a result column."""
    results = steps.loc[steps["kind"] == "result", "period"]
    return max(results) if not results.empty else None


def kind_label(kind: str, period) -> str:
    """French name of a column: "résultat 2021", "objectif 2022", "1er semestre 2022"."""
    return {"baseline": "situation", "result": "résultat", "target": "objectif",
            "s1": "1er semestre"}[kind] + f" {period}"


# --- the chain's flags ------------------------------------------------------------------------


def flag(check_id: str, year, message: str, line, status: str = Status.AVERTISSEMENT, *, step=None, rate_id=None,
         column_kind=None, expected: str = "", observed: str = "") -> dict:
    """One judgement on the chain, with what it is about (step, rate, year, column kind) as columns."""
    return {"check_id": check_id, "step": step, "rate_id": rate_id,
            "year": None if year is None else year_of_period(year), "column_kind": column_kind, "status": str(status),
            "expected": expected, "observed": observed, "message": message,
            "source_line": None if line is None or pd.isna(line) else int(line)}


def copied_steps(steps: pd.DataFrame) -> dict[tuple, list[str]]:
    """``(period, kind, value) -> steps`` for every value printed for two steps or more of one column, in
    chain order: the first step holds the value, the later ones are taken for its copies."""
    usable = steps[(steps["status"] == "ok") & steps["value"].notna()]
    return {key: list(dict.fromkeys(group["step"]))
            for key, group in usable.groupby(["period", "kind", "value"], sort=False)
            if group["step"].nunique() >= 2}


def copies(steps: pd.DataFrame) -> dict[tuple, str]:
    """``(period, kind, step) -> the step whose value it repeats``, for every copied count."""
    return {(period, kind, copy): names[0] for (period, kind, _), names in copied_steps(steps).items()
            for copy in names[1:]}


def repeated_values(steps: pd.DataFrame, rates: pd.DataFrame) -> list[dict]:
    """The same value printed for different steps in one column (a sign of copied cells), and the rates of that
    column whose base is the copy: they are not computed on a base of their own."""
    out = []
    lines = steps.set_index(["step", "period", "kind"])["source_line"]
    for (period, kind, value), names in copied_steps(steps).items():
        labels = ", ".join(f"« {STEP_LABELS[s]} »" for s in names)
        column = rates[(rates["period"] == period) & (rates["kind"] == kind) & rates["denominator"].isin(names[1:])
                       & (rates["numerator_value"] != rates["denominator_value"])]
        touched = ", ".join(f"« {label} » ({format_percent(rate)})" for label, rate in zip(column["label"],
                                                                                          column["rate"]))
        out.append(flag("orientation.valeur_repetee", period,
                        f"Annexe 4, {kind_label(kind, period)} : la même valeur {format_number(value)} pour {labels} "
                        "(cellules peut-être recopiées)" + (f" ; {touched} n'ont donc pas de base propre."
                                                            if len(column) > 1 else
                                                            f" ; {touched} n'a donc pas de base propre."
                                                            if touched else "."),
                        min(lines[(s, period, kind)] for s in names), step=names[-1], column_kind=kind,
                        observed=format_number(value)))
    return out


def impossible_rates(steps: pd.DataFrame, rates: pd.DataFrame) -> list[dict]:
    """A step counted more than the step it is a part of (a rate above 100 %)."""
    lines = steps.set_index(["step", "period", "kind"])["source_line"]
    out = []
    for rate in rates[rates["rate"] > 100].itertuples():
        out.append(flag("orientation.taux_impossible", rate.period,
                        f"Annexe 4, {kind_label(rate.kind, rate.period)} : {rate.label} = {format_percent(rate.rate)} "
                        f"({format_number(rate.numerator_value)} sur {format_number(rate.denominator_value)}), "
                        "plus de 100 %.", lines.get((rate.numerator, rate.period, rate.kind)), Status.ECART,
                        step=rate.numerator, rate_id=rate.rate_id, column_kind=rate.kind, expected="≤ 100 %",
                        observed=format_percent(rate.rate)))
    return out


def narrower_counts(steps: pd.DataFrame, rates: pd.DataFrame) -> list[dict]:
    """A rate whose count leaves out, by its printed definition, people its base counts (« hors pôle emploi »)."""
    definitions = steps.drop_duplicates("step").set_index("step")["definition"].to_dict()
    lines = steps.drop_duplicates("step").set_index("step")["source_line"].to_dict()
    out, said = [], set()
    for rate in rates.itertuples():
        left_out = exclusion_of(definitions.get(rate.numerator))
        if not left_out or left_out == exclusion_of(definitions.get(rate.denominator)) or rate.rate_id in said:
            continue
        said.add(rate.rate_id)
        out.append(flag("orientation.champ", None,
                        f"Annexe 4 : « {rate.label} » divise un effectif défini « {left_out} » "
                        f"(« {definitions[rate.numerator]} ») par « {STEP_LABELS[rate.denominator]} », qui n'exclut "
                        f"personne : le taux ne dit pas quelle part des personnes concernées a un rendez-vous.",
                        lines.get(rate.numerator), step=rate.numerator, rate_id=rate.rate_id))
    return out


def semester_against_year(steps: pd.DataFrame) -> list[dict]:
    """The second semester the year and its first semester imply (year − first semester): a step counted more than
    its base there, or a first semester above its year, says the two columns do not count the same people."""
    grid = counts(steps)
    lines = steps.set_index(["step", "period", "kind"])["source_line"]
    out = []
    for _, first in grid[grid["kind"] == "s1"].iterrows():
        year = grid[(grid["kind"] == "result") & (grid["period"] == first["period"])]
        if year.empty:
            continue
        year, period = year.iloc[0], first["period"]
        rest = {step: year[step] - first[step] for step in grid.columns if step in STEP_LABELS
                and pd.notna(year[step]) and pd.notna(first[step])}
        for step, value in rest.items():
            if value < 0:
                out.append(flag("orientation.semestre", period,
                                f"Annexe 4 : « {STEP_LABELS[step]} » compte {format_number(first[step])} au 1er "
                                f"semestre {period}, plus que les {format_number(year[step])} de l'année entière.",
                                lines.get((step, period, "s1")), Status.ECART, step=step, column_kind="s1",
                                expected=f"≤ {format_number(year[step])}", observed=format_number(first[step])))
        for rate_id, top, bottom, _label in RATES:
            if top in rest and bottom in rest and rest[top] > rest[bottom] >= 0:
                out.append(flag("orientation.semestre", period,
                                f"Annexe 4 : l'année {period} moins son 1er semestre laisse au second semestre "
                                f"{format_number(rest[top])} « {STEP_LABELS[top]} » pour {format_number(rest[bottom])} "
                                f"« {STEP_LABELS[bottom]} » ({format_number(year[top])} − {format_number(first[top])} "
                                f"contre {format_number(year[bottom])} − {format_number(first[bottom])}) : le semestre "
                                "et l'année ne comptent pas les mêmes personnes ou pas sur la même période.",
                                lines.get((top, period, "s1")), Status.ECART, step=top, rate_id=rate_id,
                                column_kind="s1", expected=f"≤ {format_number(rest[bottom])}",
                                observed=f"{format_number(year[top])} − {format_number(first[top])}"))
        if not [row for row in out if row["year"] == year_of_period(period)]:
            out.append(flag("orientation.semestre", period,
                            f"Annexe 4 : le 1er semestre {period} et l'année entière sont compatibles (l'année moins "
                            "le semestre ne donne à aucune étape plus de personnes qu'à sa base).",
                            lines.get(("entrants", period, "s1")), Status.OK, column_kind="s1"))
    return out


def year_of_period(period) -> int:
    return int(str(period)[:4])


def header_periods(header_dates: pd.DataFrame) -> list[dict]:
    """Column headers whose dates (:class:`~calpae_lib.tables.annex4.Annex4Notes`) do not match their column (a
    semester not ending on 30/06…)."""
    out = []
    for date in header_dates.itertuples():
        problem = header_date_problem(date, date.kind, date.period)
        if problem:
            out.append(flag("orientation.periode", date.period,
                            f"Annexe 4, en-tête « {date.header} » : {problem}.", date.source_line,
                            column_kind=date.kind, observed=date.date))
    return out


def header_date_problem(date, kind: str, period: str) -> str | None:
    """What is wrong with a date printed in a column's header (``date, day, month, year`` as printed), or
    ``None`` (an impossible date with its year is the document rule's)."""
    day, month = date.day, date.month
    year = date.year or str(period)
    if date_problem(day, month, year):
        return None if date.year else f"date illisible « {date.date} »"
    if str(full_year(year)) != str(period):
        return f"la date {date.date} n'est pas de l'année {period} de la colonne"
    if kind == "s1" and (day, month) not in ((1, 1), (30, 6)):
        return f"un premier semestre va du 1/01 au 30/06, pas jusqu'au {date.date}"
    if kind == "result" and (day, month) not in ((1, 1), (31, 12)):
        return f"un résultat annuel va du 1/01 au 31/12, pas jusqu'au {date.date}"
    return None


def watched_comments(comments: pd.DataFrame) -> pd.DataFrame:
    """The comment lines of the chain's steps and of the accompagnement global's delay."""
    return comments[comments["indicator"].map(lambda t: step_of(t) is not None or bool(GLOBAL_DELAY.search(t)))]


def comment_dates(dates: pd.DataFrame, year: str) -> list[dict]:
    """Figures stopped before the end of the report year, as a comment says (« Données au 30/11/2022 »):
    ``dates``, the dates of the watched comments (:class:`~calpae_lib.tables.annex4.Annex4Notes`)."""
    out = []
    for date in dates.itertuples():
        printed_year = date.year or str(year)
        if date_problem(date.day, date.month, printed_year):
            continue  # an impossible date: document.date_impossible
        if str(full_year(printed_year)) == str(year) and (date.day, date.month) != (31, 12):
            out.append(flag("orientation.periode", year,
                            f"Annexe 4, « {date.indicator} » : chiffres arrêtés au {date.date}, avant la fin "
                            f"de l'année {year}.", date.source_line, step=step_of(date.indicator),
                            column_kind="result", observed=date.date))
    return out


def system_changes(comments: pd.DataFrame, year: str) -> list[dict]:
    """A change of information system during the year, as a comment says."""
    out = []
    for line in comments.itertuples():
        if SYSTEM_CHANGE.search(line.text):
            month = next((m for m in MONTHS if re.search(rf"\b{m}\b", line.text, re.IGNORECASE)), None)
            when = f" en {month}" if month else ""
            out.append(flag("orientation.systeme_information", year,
                            f"Annexe 4, « {line.indicator} » : changement de système d'information{when} en cours "
                            f"d'année (« {line.text} ») : les chiffres de l'année mêlent deux sources.",
                            line.source_line, step=step_of(line.indicator), column_kind="result"))
    return out


def stated_percentages(percents: pd.DataFrame, rates: pd.DataFrame, year: str) -> list[dict]:
    """Each percentage a chain step's comment states (``percents``: :class:`~calpae_lib.tables.annex4.Annex4Notes`),
    recomputed from the counts of the report year."""
    out = []
    year_rates = rates[(rates["kind"] == "result") & (rates["period"] == year)].set_index("rate_id")
    for percent in percents.itertuples():
        step = step_of(percent.indicator)
        if step not in COMMENT_RATE or NEGATIVE.search(percent.context):
            continue  # « … que 100 % ne soit pas atteint »: what is not reached, no figure of the report
        out.append(check_percentage(percent, step, percent.indicator, year_rates, year, int(percent.source_line)))
    return out


def check_percentage(percent, step: str, indicator: str, year_rates, year: str, line: int) -> dict:
    """One stated percentage (``printed, number, context``) against the rate its step's counts give (the
    engine's one tolerance)."""
    printed = percent.number
    stated, places = float(parse_number(printed)), decimals_of(printed)  # a float: never a Decimal beside numpy numbers
    context = percent.context.strip()
    rate_id = COMMENT_RATE[step]
    quoted = f"« {percent.printed.strip()} » (Annexe 4)"
    keys = {"step": step, "rate_id": rate_id, "column_kind": "result", "observed": format_percent(stated, places)}
    said, own = delay_of(context), delay_of(indicator)
    if said and (own is None or not same_delay(said, own)):
        return flag("orientation.pourcentage", year, f"{quoted} : porte sur un délai de {said}, que les effectifs "
                    f"(« {indicator} ») ne donnent pas : non recalculable.", line, Status.NON_VERIFIABLE, **keys)
    if rate_id not in year_rates.index or pd.isna(year_rates.loc[rate_id, "rate"]):
        return flag("orientation.pourcentage", year, f"{quoted} : effectifs {year} manquants, non recalculable.",
                    line, Status.NON_VERIFIABLE, **keys)
    rate = year_rates.loc[rate_id]
    computed = float(rate["rate"])
    ok = percent_agrees(stated, places, False, computed)
    recomputed = format_percent(computed, max(places, 1))
    return flag("orientation.pourcentage", year,
                f"{quoted} : {format_number(rate['numerator_value'])} sur {format_number(rate['denominator_value'])} "
                f"({rate['label']}) font {recomputed}" + ("." if ok else f", et non {format_percent(stated, places)}."),
                line, Status.OK if ok else Status.ECART, **{**keys, "expected": recomputed})


#: Every judgement on the chain: rule id, function, and what it reads (steps and rates, the column
#: headers, or the watched comments with the report year).
FLAGS = {
    "orientation.valeur_repetee": lambda steps, rates, notes, comments, year: repeated_values(steps, rates),
    "orientation.taux_impossible": lambda steps, rates, notes, comments, year: impossible_rates(steps, rates),
    "orientation.champ": lambda steps, rates, notes, comments, year: narrower_counts(steps, rates),
    "orientation.semestre": lambda steps, rates, notes, comments, year: semester_against_year(steps),
    "orientation.periode": lambda steps, rates, notes, comments, year: (
        header_periods(notes.header_dates) + (comment_dates(watched_comments(notes.comment_dates), year)
                                              if year else [])),
    "orientation.systeme_information": lambda steps, rates, notes, comments, year: (
        system_changes(comments, year) if year else []),
    "orientation.pourcentage": lambda steps, rates, notes, comments, year: (
        stated_percentages(watched_comments(notes.comment_percents), rates, year) if year else []),
}


#: What a rule of :data:`FLAGS` says when it checked the chain and found nothing (the rules that may have nothing
#: to check, a percentage or a date, say nothing then).
AGREEING = {
    "orientation.valeur_repetee": "Annexe 4 : aucune valeur n'est imprimée pour deux étapes d'une même colonne.",
    "orientation.taux_impossible": "Annexe 4 : aucune étape ne compte plus de personnes que sa base.",
    "orientation.champ": "Annexe 4 : aucun effectif n'est défini « hors … » quand sa base ne l'est pas.",
}


def with_agreement(check_id: str, rows: list[dict], steps: pd.DataFrame) -> list[dict]:
    """``rows``, or the rule's agreeing finding (:data:`AGREEING`) when it found nothing in a chain that has steps."""
    if rows or steps.empty or check_id not in AGREEING:
        return rows
    return [flag(check_id, None, AGREEING[check_id], None, Status.OK)]


def flags_of(check_id: str, annex: pd.DataFrame, notes, comments: pd.DataFrame) -> list[dict]:
    """The judgements of one of :data:`FLAGS` on a report's Annexe 4 (``notes``: what its comments and headers
    state, :class:`~calpae_lib.tables.annex4.Annex4Notes`)."""
    steps = chain_steps(annex)
    rows = FLAGS[check_id](steps, chain_rates(steps), notes, watched_comments(comments), report_year(steps))
    return with_agreement(check_id, rows, steps)


def chain_flags(annex: pd.DataFrame, notes, comments: pd.DataFrame) -> pd.DataFrame:
    """Every judgement on the chain (:data:`FLAG_COLUMNS`), the rows the rules give ``checks.csv``, with
    ``step``, ``rate_id``, ``year`` (integer) and ``column_kind`` as columns that join to the steps and rates."""
    steps = chain_steps(annex)
    rates, watched, year = chain_rates(steps), watched_comments(comments), report_year(steps)
    rows = [row for check_id, function in FLAGS.items()
            for row in with_agreement(check_id, function(steps, rates, notes, watched, year), steps)]
    frame = pd.DataFrame(rows, columns=FLAG_COLUMNS)
    for column in ("year", "source_line"):
        frame[column] = frame[column].astype("Int64")
    return frame


def findings_of(check_id: str, tables, annex4_notes, annex4_comments) -> list[Finding]:
    """The engine's findings of one of :data:`FLAGS` (scope ``document``: Annexe 4 is no action's sheet)."""
    return [Finding(row["check_id"], DOCUMENT, row["status"], row["expected"], row["observed"], row["message"],
                    row["source_line"], basis=BASES.get(row["check_id"], ""))
            for row in flags_of(check_id, tables["annex4"], annex4_notes, annex4_comments)]


#: Where each chain rule's ``expected`` comes from (``observed`` is what Annexe 4 prints at the finding's line).
BASES = {"orientation.pourcentage": "recalcul sur les effectifs de l'annexe 4",
         "orientation.taux_impossible": "la base de l'étape, dans l'annexe 4",
         "orientation.semestre": "l'année entière moins le 1er semestre, dans l'annexe 4",
         "orientation.periode": "l'année de la colonne"}


#: What every rule of the chain reads besides ``annex4`` (:data:`calpae_lib.checks.engine.STRUCTURES`).
READS = ("annex4_notes", "annex4_comments")


def chain_rule(check_id: str, grade: Grade, description: str):
    """The engine's rule ``check_id`` of :data:`FLAGS` (its findings by :func:`findings_of`), documented by
    ``description`` (the method page's French sentence)."""
    def check(tables, doc, meta, annex4_notes, annex4_comments) -> list[Finding]:
        return findings_of(check_id, tables, annex4_notes, annex4_comments)
    check.__doc__ = description
    return rule(check_id, needs=("annex4",), reads=READS, grade=grade)(check)


check_repeated_values = chain_rule("orientation.valeur_repetee", Grade.EFFECTIF,
                                   "Chaîne d'orientation (annexe 4) : une même valeur n'est pas imprimée pour plusieurs étapes d'une colonne.")
check_impossible_rates = chain_rule("orientation.taux_impossible", Grade.EFFECTIF,
                                    "Chaîne d'orientation : aucune étape ne compte plus de personnes que sa base.")
check_narrower_counts = chain_rule("orientation.champ", Grade.EFFECTIF,
                                   "Chaîne d'orientation : aucun taux ne divise un effectif défini « hors … » par une base qui ne l'est pas.")
check_semester = chain_rule("orientation.semestre", Grade.EFFECTIF,
                            "Chaîne d'orientation : l'année moins son 1er semestre ne donne pas à une étape plus de personnes qu'à sa base.")
check_periods = chain_rule("orientation.periode", Grade.REDACTION,
                           "Chaîne d'orientation : les dates des en-têtes et des commentaires couvrent la période de leur colonne.")
check_system_changes = chain_rule("orientation.systeme_information", Grade.EFFECTIF,
                                  "Chaîne d'orientation : pas de changement de système d'information en cours d'année.")
check_percentages = chain_rule("orientation.pourcentage", Grade.EFFECTIF,
                               "Chaîne d'orientation : chaque pourcentage d'un commentaire est recalculé à partir des effectifs de l'année.")
