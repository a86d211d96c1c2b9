"""Display tables of the RSA orientation chain (data from :mod:`calpae_lib.analysis.orientation`), in French."""

from __future__ import annotations

import pandas as pd

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
    """``(rate_id, period, kind)`` of the rates whose two counts are one value repeated in a year the
    data-quality findings flag for repeated values: their 100 % says nothing (see « Qualité des données »)."""
    findings = chain.findings
    flagged = set(findings[findings["kind"] == "valeur_repetee"]["year"].astype(str)) if len(findings) else set()
    rates = chain.rates
    return {(r.rate_id, str(r.period), r.kind) for r in rates.itertuples()
            if str(r.period) in flagged and r.numerator_value == r.denominator_value}


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


def orientation_rates_table(chain) -> Table:
    """Each rate per year (results), with the national delay and the rate the year's targets imply."""
    rates = chain.rates[chain.rates["kind"] == "result"]
    repeated = repeated_rates(chain)
    frame = pd.DataFrame({
        "Taux": [label[:1].upper() + label[1:] for label in rates["label"]],
        "Année": [period_cell(p) for p in rates["period"]],
        # no-break spaces: a fraction is never split over two lines ("479 /" above "868")
        "Calcul": [f"{format_number(n)}\u00a0/\u00a0{format_number(d)}" for n, d in
                   zip(rates["numerator_value"], rates["denominator_value"])],
        "Taux constaté": [rate_cell(v) for v in rates["rate"]],
        "Délai fixé au niveau national": [f"en {d}" if isinstance(d, str) else "—" for d in rates["national_delay"]],
        TARGET_RATE: [rate_cell(v) for v in rates["target_rate"]],
        "Valeurs répétées": ["oui : taux peu informatif" if (r, str(p), k) in repeated else ""
                             for r, p, k in zip(rates["rate_id"], rates["period"], rates["kind"])],
    })
    return Table(frame, caption="Taux de la chaîne d'orientation par année",
                 numeric=["Calcul", "Taux constaté", TARGET_RATE],
                 empty_message="Aucun taux calculable.")


def orientation_targets_table(chain) -> Table:
    targets = chain.targets
    frame = pd.DataFrame({
        "Étape": targets["step_label"], "Année": [period_cell(p) for p in targets["period"]],
        "Objectif": [format_number(v) for v in targets["target"]],
        "Résultat": [format_number(v) for v in targets["result"]],
        "Atteinte": [rate_cell(v) for v in targets["attainment"]],
    })
    return Table(frame, caption="Résultats de l'année contre ses objectifs",
                 numeric=["Objectif", "Résultat", "Atteinte"], empty_message="Pas d'objectif chiffré.")


def orientation_semester_table(chain) -> Table:
    semester = chain.semester
    frame = pd.DataFrame({
        "Étape": semester["step_label"], "Année": [period_cell(p) for p in semester["period"]],
        "1er semestre": [format_number(v) for v in semester["s1"]],
        "Année entière": [format_number(v) for v in semester["year"]],
        "Part atteinte à mi-année": [rate_cell(v) for v in semester["s1_share"]],
    })
    return Table(frame, caption="Premier semestre rapporté à l'année",
                 numeric=["1er semestre", "Année entière", "Part atteinte à mi-année"],
                 empty_message="Pas de chiffre du premier semestre.")


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


FINDING_LABELS = {"valeur_repetee": "Valeur répétée", "periode": "Période ou date",
                  "systeme_information": "Système d'information", "pourcentage": "Pourcentage énoncé"}


def orientation_findings_table(chain) -> Table:
    """Data-quality findings on the chain, warnings first."""
    rank = {Status.AVERTISSEMENT: 0, Status.ECART: 0, Status.NON_VERIFIABLE: 1, Status.OK: 2}
    findings = chain.findings.assign(_r=chain.findings["status"].map(lambda s: rank.get(s, 1)))
    findings = findings.sort_values(["_r", "source_line"], kind="stable")
    frame = pd.DataFrame({
        "Nature": [FINDING_LABELS.get(k, k) for k in findings["kind"]],
        "Statut": [status_label(s) for s in findings["status"]],
        "Constat": [text_cell(m) for m in findings["message"]],
        "Ligne": [line_cell(v) for v in findings["source_line"]],
    })
    return Table(frame, caption="Qualité des données de la chaîne d'orientation", numeric=["Ligne"],
                 empty_message="Aucune anomalie relevée.")
