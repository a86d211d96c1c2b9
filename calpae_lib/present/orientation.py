"""Display tables of the RSA orientation chain (data from :mod:`calpae_lib.analysis.orientation`), in French."""

from __future__ import annotations

import pandas as pd

from calpae_lib.analysis.orientation import exclusion_of
from calpae_lib.present.views import (
    Table,
    line_cell,
    period_cell,
    rate_cell,
    text_cell,
    value_cell,
)
from calpae_lib.tables.vocabulary import KIND_IN_CHAIN, Status, status_label
from calpae_lib.text.formatting import format_number

#: The rate the Département's own objectives for the year imply (not the national délai).
TARGET_RATE = "Objectif départemental de l'année (taux)"
KIND_LABELS = KIND_IN_CHAIN


def of_year(frame: pd.DataFrame, year, kind: str = "result") -> pd.DataFrame:
    """The rows of one year and kind of a chain's table (periods are printed text: "2022").

    >>> of_year(pd.DataFrame({"period": ["2021", "2022"], "kind": ["result", "result"]}), 2022)["period"].tolist()
    ['2022']
    """
    return frame[(frame["kind"] == kind) & (frame["period"].astype(str) == str(year))]


def repeated_rates(chain) -> set:
    """``(rate_id, period, kind)`` of the rates that rest on a copied count: a base repeated from an earlier step
    (the rate is not computed on its own base), or two counts that are one value repeated (a 100 % that says
    nothing); see « Qualité des données »."""
    rates = chain.rates
    return {(r.rate_id, str(r.period), r.kind) for r in rates.itertuples()
            if r.base_copied or (r.numerator_copied and r.numerator_value == r.denominator_value)}


def rate_caveat(rate) -> str:
    """What a reader must know before quoting a rate (a row of ``chain.rates``), in words, or ``""``."""
    notes = []
    left_out = exclusion_of(rate.numerator_definition) if rate.narrower_count else None
    if rate.base_copied:
        notes.append("base recopiée d'une autre étape : taux sans base propre")
    elif rate.numerator_copied and rate.numerator_value == rate.denominator_value:
        notes.append("même valeur recopiée pour les deux étapes : 100 % sans portée")
    if left_out:
        notes.append(f"l'effectif compté est « {left_out} » selon l'annexe, sa base non : le taux ne dit pas quelle "
                     "part des personnes concernées passe l'étape")
    return " ; ".join(notes)


def column_label(period, kind) -> str:
    """``Résultat 2021``, ``Objectif 2022``, ``1er semestre 2022``, ``Situation 2018``."""
    return f"{KIND_LABELS.get(kind, kind)} {period_cell(period)}"


def orientation_steps_table(chain) -> Table:
    """The chain's counts, one row per step, one column per printed column of Annexe 4."""
    steps = chain.steps
    columns = steps.drop_duplicates("column").sort_values("column")
    labels = [column_label(p, k) for p, k in zip(columns["period"], columns["kind"])]
    records = []
    for _step, rows in steps.groupby("step", sort=False):
        by_column = {c: r for c, r in zip(rows["column"], rows.itertuples())}
        record = {"Étape": rows["step_label"].iloc[0] + (f" (en {rows['delay'].iloc[0]})"
                                                          if isinstance(rows["delay"].iloc[0], str) else "")}
        for column, label in zip(columns["column"], labels):
            row = by_column.get(column)
            record[label] = value_cell(row.value, "count", row.raw, row.status) if row is not None else "—"
        record["Ligne"] = ", ".join(dict.fromkeys(line_cell(v) for v in rows["source_line"]))
        records.append(record)
    return Table(pd.DataFrame(records), caption="Effectifs de la chaîne d'orientation (annexe 4)",
                 numeric=labels + ["Ligne"], empty_message="Annexe 4 : chaîne d'orientation introuvable.")


def orientation_definitions_table(chain) -> Table:
    """What each count of the chain covers, as Annexe 4 prints it beside the indicator."""
    steps = chain.steps.drop_duplicates("step")
    frame = pd.DataFrame({
        "Étape": list(steps["step_label"]),
        "Indicateur de l'annexe 4": list(steps["indicator"]),
        "Définition imprimée": [text_cell(d) or "aucune" for d in steps["definition"]],
        "Ligne": [line_cell(v) for v in steps["source_line"]],
    })
    return Table(frame, caption="Ce que compte chaque effectif (éléments de définition de l'annexe 4)",
                 numeric=["Ligne"], empty_message="Annexe 4 : chaîne d'orientation introuvable.")


def orientation_rates_table(chain) -> Table:
    """Each rate per year (results), with the national delay, the rate the year's targets imply, and what the
    reader must know before quoting it (:func:`rate_caveat`)."""
    rates = chain.rates[chain.rates["kind"] == "result"]
    copied = repeated_rates(chain)
    frame = pd.DataFrame({
        "Taux": [label[:1].upper() + label[1:] for label in rates["label"]],
        "Année": [period_cell(p) for p in rates["period"]],
        # no-break spaces: a fraction is never split over two lines ("479 /" above "868")
        "Calcul": [f"{format_number(n)}\u00a0/\u00a0{format_number(d)}" for n, d in
                   zip(rates["numerator_value"], rates["denominator_value"])],
        "Taux constaté": [rate_cell(v) for v in rates["rate"]],
        "Délai fixé au niveau national": [f"en {d}" if isinstance(d, str) else "—" for d in rates["national_delay"]],
        TARGET_RATE: ["non calculable (valeurs recopiées)" if (r, str(p), "target") in copied else rate_cell(v)
                      for r, p, v in zip(rates["rate_id"], rates["period"], rates["target_rate"])],
        "Réserve": [rate_caveat(r) for r in rates.itertuples()],
    })
    return Table(frame, caption="Taux de la chaîne d'orientation par année",
                 numeric=["Calcul", "Taux constaté", TARGET_RATE],
                 empty_message="Aucun taux calculable.")


#: The two percentages of one step, named so that they are never taken for one another.
STEP_RATE = "Taux de l'étape (sur sa base)"
ATTAINMENT = "Objectif atteint à (résultat / objectif)"


def orientation_targets_table(chain) -> Table:
    """Each step's result against its target, and beside it the step's own rate: two percentages, named apart."""
    targets = chain.targets
    frame = pd.DataFrame({
        "Étape": targets["step_label"], "Année": [period_cell(p) for p in targets["period"]],
        "Objectif": [format_number(v) for v in targets["target"]],
        "Résultat": [format_number(v) for v in targets["result"]],
        ATTAINMENT: [rate_cell(v) for v in targets["attainment"]],
        STEP_RATE: [rate_cell(v) for v in targets["rate"]],
    })
    return Table(frame, caption="Résultats de l'année contre ses objectifs",
                 numeric=["Objectif", "Résultat", ATTAINMENT, STEP_RATE], empty_message="Pas d'objectif chiffré.")


def orientation_semester_table(chain) -> Table:
    """The first semester, the year, and the second semester they imply (year minus first semester)."""
    semester = chain.semester
    frame = pd.DataFrame({
        "Étape": semester["step_label"], "Année": [period_cell(p) for p in semester["period"]],
        "1er semestre": [format_number(v) for v in semester["s1"]],
        "Année entière": [format_number(v) for v in semester["year"]],
        "Second semestre déduit (année − 1er semestre)": [format_number(v) for v in semester["s2"]],
        "Part atteinte à mi-année": [rate_cell(v) for v in semester["s1_share"]],
    })
    return Table(frame, caption="Premier semestre rapporté à l'année",
                 numeric=["1er semestre", "Année entière", "Second semestre déduit (année − 1er semestre)",
                          "Part atteinte à mi-année"],
                 empty_message="Pas de chiffre du premier semestre.")


def orientation_losses_table(chain, year=None) -> Table:
    """The people each step loses against the step it is counted from, for the report year's results."""
    losses = of_year(chain.losses, year or chain.report_year)
    frame = pd.DataFrame({
        "De": losses["from_label"], "À": losses["to_label"],
        "Effectif de départ": [format_number(v) for v in losses["from_value"]],
        "Effectif d'arrivée": [format_number(v) for v in losses["to_value"]],
        "Écart": [format_number(v) for v in losses["lost"]],
        "Part de la base": [rate_cell(v) for v in losses["lost_share"]],
    })
    return Table(frame, caption=f"Personnes perdues d'une étape à l'autre en {period_cell(year or chain.report_year)}",
                 numeric=["Effectif de départ", "Effectif d'arrivée", "Écart", "Part de la base"],
                 empty_message="Pas d'effectifs pour cette année.")


def global_delay_table(chain) -> Table:
    delays = chain.global_delay
    frame = pd.DataFrame({
        "Colonne": [column_label(p, k) for p, k in zip(delays["period"], delays["kind"])],
        "Délai moyen": [value_cell(v, "days", r, s) for v, r, s in
                        zip(delays["value"], delays["raw"], delays["status"])],
        "Ligne": [line_cell(v) for v in delays["source_line"]],
    })
    return Table(frame, caption="Délai moyen de démarrage de l'accompagnement global (jours)",
                 numeric=["Délai moyen", "Ligne"], empty_message="Délai non donné par le rapport.")


FINDING_LABELS = {"orientation.valeur_repetee": "Valeur répétée",
                  "orientation.taux_impossible": "Taux impossible", "orientation.champ": "Champ de l'effectif",
                  "orientation.semestre": "Semestre et année", "orientation.periode": "Période ou date",
                  "orientation.systeme_information": "Système d'information",
                  "orientation.pourcentage": "Pourcentage énoncé"}


def orientation_findings_table(chain) -> Table:
    """The chain's findings (the same as the ``orientation.*`` rows of the checks), the most serious first."""
    rank = {Status.ECART: 0, Status.AVERTISSEMENT: 0, Status.NON_VERIFIABLE: 1, Status.OK: 2}
    findings = chain.findings.assign(_r=chain.findings["status"].map(lambda s: rank.get(s, 1)))
    findings = findings.sort_values(["_r", "source_line"], kind="stable")
    frame = pd.DataFrame({
        "Nature": [FINDING_LABELS.get(k, k) for k in findings["check_id"]],
        "Statut": [status_label(s) for s in findings["status"]],
        "Constat": [text_cell(m) for m in findings["message"]],
        "Ligne": [line_cell(v) for v in findings["source_line"]],
    })
    return Table(frame, caption="Qualité des données de la chaîne d'orientation", numeric=["Ligne"],
                 empty_message="Aucune anomalie relevée.")


#: Short French names of the reference series (:func:`calpae_lib.analysis.orientation.national_context`);
#: another series is named by its definition.
SERIES_LABELS = {"orientation_delai": "Nouveaux entrants orientés en un mois ou moins (part)",
                 "Tableau B1": "Personnes soumises aux droits et devoirs orientées au 31/12 (part)",
                 "Tableau B9": "Orientés hors Pôle emploi ayant un CER au 31/12 (part)",
                 "Tableau B13": "Délai moyen de l'entrée au RSA à la 1re orientation (jours)"}
SOURCE_LABELS = {"annexe4": "Annexe 4 du rapport", "reperes": "Repère national publié", "oarsa": "DREES, OARSA"}
#: What a reference symbol means, for a reader.
SYMBOL_LABELS = {"/": "non collecté", "NR": "pas de réponse", "NC": "non concerné", "ND": "non disponible"}


def series_label(series: str, definition: str) -> str:
    return SERIES_LABELS.get(series) or short_text(definition, 80)


def short_text(text, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def context_cell(value, unit: str, symbol: str) -> str:
    """A reference figure, or what its source says in its place (never a zero)."""
    if value == value and value is not None:
        return format_number(value) + ("\u00a0j" if unit == "days" else "\u00a0%")
    return f"{SYMBOL_LABELS.get(symbol, 'non disponible')} ({symbol})" if symbol else "—"


def context_table(context: pd.DataFrame) -> Table:
    """The département's rate beside the reference series: one row per series, source and territory, one column
    per year; each series is its own indicator (see the definitions' table)."""
    years = sorted({int(y) for y in context["year"].dropna()})
    series_order = {s: n for n, s in enumerate(dict.fromkeys(context["series"]))}
    context = context.assign(_s=context["series"].map(series_order),
                             _o=context["source"].map({s: n for n, s in enumerate(SOURCE_LABELS)}))
    context = context.sort_values(["_s", "_o"], kind="stable")  # the département before France, as given
    records = []
    for (series, source, territory), rows in context.groupby(["series", "source", "territory"], sort=False):
        by_year = {int(r.year): context_cell(r.value, r.unit, r.symbol) for r in rows.itertuples()}
        records.append({"Série": series_label(series, rows["definition"].iloc[0]),
                        "Source": SOURCE_LABELS.get(source, source), "Territoire": territory,
                        **{str(y): by_year.get(y, "") for y in years}})
    return Table(pd.DataFrame(records), caption="Repères : le Département, la France et d'autres départements",
                 numeric=[str(y) for y in years], empty_message="Aucun repère disponible.")


def context_definitions_table(context: pd.DataFrame) -> Table:
    """What each series of :func:`context_table` measures, and where it comes from, side by side."""
    cited = [c + (f" ({u})" if isinstance(u, str) and u else "") for c, u in zip(context["citation"], context["url"])]
    rows = (context.assign(reference=cited).groupby(["series", "source", "definition"], sort=False)["reference"]
            .agg(lambda refs: " ; ".join(dict.fromkeys(refs))).reset_index())
    frame = pd.DataFrame({
        "Série": [series_label(s, d) for s, d in zip(rows["series"], rows["definition"])],
        "Source": [SOURCE_LABELS.get(s, s) for s in rows["source"]],
        "Définition": [text_cell(d) for d in rows["definition"]],
        "Référence": list(rows["reference"]),
    })
    return Table(frame, caption="Définitions et sources des repères", empty_message="Aucun repère disponible.")
