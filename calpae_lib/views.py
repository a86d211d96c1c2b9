"""Display tables for the notebooks: what a reader sees, in French.

Each function takes a parsed report (:class:`~calpae_lib.pipeline.ParsedReport`)
and returns either a numeric :class:`pandas.DataFrame` (for charts and
narrative) or a :class:`Table` ready to display: French labels, French number
formats, every piece of text escaped, missing values written as such
(« non renseigné », « non disponible », « ambigu »), never as zeros.

Tables that a report's parsing did not produce (yet) are read as empty tables
with their documented columns, so a notebook still runs and says so.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from .errors import UsageError
from .formatting import format_eur, format_number, format_percent
from .budgets import FINANCEUR_LABELS
from .outline import VOLET_LABELS, toc_axis_titles

#: Documented columns of the tidy tables (issues 2, 3 and 4).
TABLE_COLUMNS = {
    "actions": ["action_id", "volet", "axis", "number", "title", "source_line", "has_budget",
                "has_indicators"],
    "budgets": ["action_id", "stage", "financeur", "amount_eur", "label", "source_line"],
    "annex_budget": ["volet", "row_kind", "action_id", "label", "montant_avenant", "montant_engage",
                     "source_line"],
    "indicators": ["action_id", "axis", "measure", "indicator", "period", "kind", "value", "unit", "raw",
                   "comment", "source_line", "status"],
    "annex4": ["axis", "indicator", "definition", "period", "kind", "value", "unit", "raw", "comment",
               "source_line", "status"],
    "checks": ["check_id", "scope", "status", "expected", "observed", "message", "source_line"],
}

#: The report's axes as published: one HTML report each, in the report's order.
AXES = ("socle-I", "socle-II", "initiative", "erbm")
AXIS_LABELS = {
    "socle-I": "Socle commun — axe I",
    "socle-II": "Socle commun — axe II",
    "initiative": "Mesures à l'initiative du Département",
    "erbm": "Engagement pour le renouveau du bassin minier (ERBM)",
}
STAGE_LABELS = {"prevu": "Prévu", "engage": "Engagé"}
CHECK_STATUS_ORDER = ("ecart", "manquant", "avertissement", "ok")
CHECK_STATUS_LABELS = {"ecart": "Écart", "manquant": "Manquant", "avertissement": "Avertissement",
                       "ok": "Conforme"}
NOT_AVAILABLE = "non disponible"
NOT_PRINTED = "non renseigné"

#: A roman-numbered axis heading: "I. Refonder ..." -> "Refonder ...".


@dataclass
class Table:
    """A table of display strings that renders as escaped HTML or plain text.

    >>> t = Table(pd.DataFrame({"Action": ["<b>x</b>"], "Montant": ["1 €"]}), numeric=["Montant"])
    >>> "&lt;b&gt;x&lt;/b&gt;" in t._repr_html_()
    True
    """

    frame: pd.DataFrame
    caption: str = ""
    numeric: list[str] = field(default_factory=list)
    empty_message: str = "Aucune donnée."
    #: Shown folded (an HTML ``<details>``, opened by a click, no script needed).
    folded: bool = False
    #: A column shown as a heading row each time its value changes, not as a column.
    group: str | None = None

    def _repr_html_(self) -> str:
        if self.frame.empty:
            return f'<p class="calpae-empty">{html.escape(self.empty_message)}</p>'
        columns = [c for c in self.frame.columns if c != self.group]
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
        rows, current = [], None
        for record in self.frame.to_dict("records"):
            if self.group and record[self.group] != current:
                current = record[self.group]
                rows.append(f'<tr class="group"><td colspan="{len(columns)}">{html.escape(str(current))}</td></tr>')
            cells = "".join(
                f'<td class="{"num" if col in self.numeric else "text"}">{html.escape(str(record[col]))}</td>'
                for col in columns
            )
            rows.append(f"<tr>{cells}</tr>")
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        table_html = (f'<table class="calpae-table">{caption}<thead><tr>{head}</tr></thead>'
                      f'<tbody>{"".join(rows)}</tbody></table>')
        if self.folded:
            summary = f"{self.caption} ({len(self.frame)} lignes) : cliquer pour afficher"
            return f'<details class="calpae-details"><summary>{html.escape(summary)}</summary>{table_html}</details>'
        return table_html

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False) if not self.frame.empty else self.empty_message
        return f"{self.caption}\n{text}" if self.caption else text


# --- reading the tables ---------------------------------------------------------------------

def table(report, name: str) -> pd.DataFrame:
    """A tidy table of the report, or an empty one with its documented columns."""
    frame = report.tables.get(name)
    if frame is None:
        return pd.DataFrame(columns=TABLE_COLUMNS[name])
    return frame


def has_table(report, name: str) -> bool:
    return report.tables.get(name) is not None


def axis_key(volet: str, axis) -> str:
    """``socle-I`` for an axis of the socle, the volet's name otherwise.

    >>> axis_key("socle", "II"), axis_key("erbm", ""), axis_key("initiative", None)
    ('socle-II', 'erbm', 'initiative')
    """
    axis = "" if axis is None or axis != axis else str(axis)
    return f"{volet}-{axis}" if axis else volet


def actions_with_axis(report) -> pd.DataFrame:
    """The actions table with an ``axis_key`` column."""
    actions = table(report, "actions").copy()
    actions["axis_key"] = [axis_key(v, a) for v, a in zip(actions["volet"], actions["axis"])]
    return actions


def axes_present(report) -> list[str]:
    """The axes that hold at least one action, in the report's order."""
    keys = set(actions_with_axis(report)["axis_key"])
    return [key for key in AXES if key in keys]


def require_axis(report, key: str) -> None:
    """Refuse an axis name the report does not have, saying which it has."""
    present = axes_present(report)
    if key not in present:
        raise UsageError(f"axe inconnu : {key!r} ; axes de ce rapport : {', '.join(present)}.")


def axis_actions(report, key: str) -> pd.DataFrame:
    actions = actions_with_axis(report)
    return actions[actions["axis_key"] == key].reset_index(drop=True)


def axis_subtitle(report, key: str) -> str | None:
    """An axis's heading as the table of contents prints it, without its number.

    Only numbered axes (socle I, socle II) have one: a volet's heading is the
    volet's own name, which the axis label already says.
    """
    volet, _, axis = key.partition("-")
    return toc_axis_titles(report.doc).get(axis) if volet == "socle" and axis else None


# --- money --------------------------------------------------------------------------------

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


def money_cell(value, missing: str = NOT_PRINTED) -> str:
    return format_eur(value, missing=missing)


def rate_cell(value) -> str:
    return format_percent(value, missing="—")


def volet_budget_table(report) -> Table:
    """Money per volet and financeur, prévu against engagé."""
    summary = budget_by_volet(report)
    frame = pd.DataFrame({
        "Volet": [VOLET_LABELS.get(v, v) for v in summary["volet"]],
        "Financeur": [FINANCEUR_LABELS.get(f, f) for f in summary["financeur"]],
        "Actions financées": [format_number(n) for n in summary["actions"]],
        "Prévu": [money_cell(v) for v in summary["prevu"]],
        "Engagé": [money_cell(v) for v in summary["engage"]],
        "Taux d'exécution": [rate_cell(v) for v in summary["taux"]],
        "Engagé non renseigné": [format_number(n) + " action(s)" if n else "—"
                                 for n in summary["engage_manquant"]],
    })
    return Table(frame, caption="Budget par volet et par financeur",
                 numeric=["Actions financées", "Prévu", "Engagé", "Taux d'exécution"],
                 empty_message="Les budgets de ce rapport ne sont pas (encore) lus par calpae.")


def axis_budget_table(report, key: str) -> Table:
    """Each action of an axis: prévu, engagé and taux per financeur."""
    rows = budget_by_axis(report, key)
    frame = pd.DataFrame({
        "Action": [f"{n}. {t}" for n, t in zip(rows["number"], rows["title"])],
        "Financeur": [FINANCEUR_LABELS.get(f, f) for f in rows["financeur"]],
        "Prévu": [money_cell(v) for v in rows["prevu"]],
        "Engagé": [money_cell(v) for v in rows["engage"]],
        "Taux d'exécution": [rate_cell(v) for v in rows["taux"]],
    })
    return Table(frame, caption=f"Budget des actions — {AXIS_LABELS.get(key, key)}",
                 numeric=["Prévu", "Engagé", "Taux d'exécution"],
                 empty_message="Aucune action de cet axe n'a de budget lu dans le rapport.")


def action_budget_table(report, action_id: str) -> Table:
    """The printed budget lines of one action, with their source lines."""
    budgets = table(report, "budgets")
    rows = budgets[budgets["action_id"] == action_id]
    frame = pd.DataFrame({
        "Étape": [STAGE_LABELS.get(s, s) for s in rows["stage"]],
        "Financeur": [FINANCEUR_LABELS.get(f, f) for f in rows["financeur"]],
        "Montant": [money_cell(v) for v in rows["amount_eur"]],
        "Libellé du rapport": [text_cell(v) for v in rows["label"]],
        "Ligne": [line_cell(v) for v in rows["source_line"]],
    })
    return Table(frame, caption="Budget de l'action", numeric=["Montant", "Ligne"],
                 empty_message="Pas de montant lu pour cette action.")


def text_cell(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def line_cell(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


# --- indicators ---------------------------------------------------------------------------

UNIT_DECIMALS = {"percent": 1, "days": 1, "count": 0, "eur": 0}


def value_cell(value, unit, raw, status) -> str:
    """One indicator value as a reader should see it; never a zero for a gap.

    >>> value_cell(98.0, "percent", "98%", "ok")
    '98\\xa0%'
    >>> value_cell(None, "count", "NC", "not_available")
    'non disponible (NC)'
    >>> value_cell(None, "count", "12 15", "ambiguous")
    'ambigu : « 12 15 »'
    """
    raw = text_cell(raw)
    if status == "not_available":
        return f"{NOT_AVAILABLE} ({raw})" if raw and raw.lower() != NOT_AVAILABLE else NOT_AVAILABLE
    if status == "ambiguous":
        return f"ambigu : « {raw} »"
    if unit == "text" or value is None or pd.isna(value):
        return raw or NOT_AVAILABLE
    if unit == "eur":
        return format_eur(value)
    decimals = UNIT_DECIMALS.get(unit, 1) if float(value) != int(value) else 0
    number = format_number(value, decimals=decimals)
    return {"percent": f"{number}\u00a0%", "days": f"{number} j"}.get(unit, number)


def attainment(result, target, result_unit, target_unit):
    """Result as a percentage of its target, when both are numbers of one unit.

    >>> attainment(45, 50, "count", "count")
    90.0
    >>> attainment(45, None, "count", "count") is None
    True
    """
    if result_unit != target_unit or result_unit == "text":
        return None
    return execution_rate(target, result)


def indicator_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (measure, indicator): reference, target and result with their periods.

    A cell names its period in brackets ("98 % (2021)"); several periods of
    one kind are listed. Attainment compares result and target of one period.
    """
    records = []
    frame = frame.assign(**{k: frame[k].fillna("") for k in ("measure", "indicator")})
    for (measure, indicator), group in frame.groupby(["measure", "indicator"], sort=False):
        by_kind = {kind: list(rows.itertuples()) for kind, rows in group.groupby("kind", sort=False)}
        records.append({
            "Mesure": measure, "Indicateur": indicator,
            **{label: "; ".join(dated_cell(r) for r in by_kind.get(kind, [])) or "—"
               for kind, label in (("baseline", "Référence"), ("target", "Cible"), ("result", "Résultat"))},
            "Atteinte de la cible": "; ".join(attainment_cells(by_kind)) or "—",
            "Lignes": ", ".join(dict.fromkeys(line_cell(r.source_line) for r in group.itertuples())),
        })
    return pd.DataFrame(records, columns=["Mesure", "Indicateur", "Référence", "Cible", "Résultat",
                                          "Atteinte de la cible", "Lignes"])


def dated_cell(row) -> str:
    period = period_cell(row.period)
    cell = value_cell(row.value, row.unit, row.raw, row.status)
    return f"{cell} ({period})" if period else cell


def attainment_cells(by_kind: dict) -> list[str]:
    """Result against target for each period that has both, as numbers of one unit."""
    targets = {period_cell(r.period): r for r in by_kind.get("target", []) if r.status == "ok"}
    cells = []
    for result in by_kind.get("result", []):
        target = targets.get(period_cell(result.period))
        if target is None or result.status != "ok":
            continue
        rate = attainment(result.value, target.value, result.unit, target.unit)
        if rate is not None:
            cells.append(f"{rate_cell(rate)} ({period_cell(result.period)})")
    return cells


def period_cell(period) -> str:
    if period is None or (isinstance(period, float) and pd.isna(period)):
        return ""
    return str(int(period)) if isinstance(period, float) and period == int(period) else str(period)


def action_indicators_table(report, action_id: str) -> Table:
    """An action's indicators: reference, target, result and attainment per period."""
    indicators = table(report, "indicators")
    return indicators_table(indicators[indicators["action_id"] == action_id], "Indicateurs de l'action",
                            "Pas d'indicateur lu pour cette action.")


def axis_level_indicators_table(report, key: str) -> Table | None:
    """Indicators printed for a whole axis (no action), e.g. the garantie d'activité; else None."""
    indicators = table(report, "indicators")
    no_action = indicators["action_id"].fillna("") == ""
    volet_axis = [axis_key("socle", a) if a else "" for a in indicators["axis"].fillna("")]
    rows = indicators[no_action & (pd.Series(volet_axis, index=indicators.index) == key)]
    if rows.empty:
        return None
    return indicators_table(rows, "Indicateurs communs à l'axe", "")


def indicators_table(rows: pd.DataFrame, caption: str, empty_message: str) -> Table:
    """Indicator rows for display; each measure named once, on its first row."""
    frame = indicator_rows(rows)
    frame["Mesure"] = ["Mesure : " + m if m else "Mesure non précisée" for m in frame["Mesure"]]
    return Table(frame, caption=caption, group="Mesure",
                 numeric=["Référence", "Cible", "Résultat", "Atteinte de la cible", "Lignes"],
                 empty_message=empty_message)


def indicator_status_counts(report, action_ids=None) -> dict:
    """Counts of indicator values by status (``ok``, ``not_available``, ``ambiguous``)."""
    indicators = table(report, "indicators")
    if action_ids is not None:
        indicators = indicators[indicators["action_id"].isin(list(action_ids))]
    return {status: int(n) for status, n in indicators["status"].value_counts().items()}


def targets_against_results(report) -> pd.DataFrame:
    """Every indicator with both a numeric target and result of one period: attainment."""
    indicators = table(report, "indicators")
    ok = indicators[(indicators["status"] == "ok") & indicators["kind"].isin(["target", "result"])]
    keys = ["action_id", "indicator", "period", "unit"]
    wide = ok.pivot_table(index=keys, columns="kind", values="value", aggfunc="first").reset_index()
    if wide.empty or not {"target", "result"} <= set(wide.columns):
        return pd.DataFrame(columns=keys + ["target", "result", "attainment"])
    wide = wide.dropna(subset=["target", "result"])
    wide = wide[wide["unit"] != "text"]
    wide["attainment"] = [execution_rate(t, r) for t, r in zip(wide["target"], wide["result"])]
    return wide[keys + ["target", "result", "attainment"]].reset_index(drop=True)


def attainment_table(report) -> Table:
    """Targets against results across the convention, the furthest below target first."""
    rows = targets_against_results(report).sort_values("attainment", na_position="last")
    titles = actions_with_axis(report).set_index("action_id")["title"]
    frame = pd.DataFrame({
        "Action": [f"{a} — {titles.get(a, '')}" for a in rows["action_id"]],
        "Indicateur": rows["indicator"],
        "Période": [period_cell(p) for p in rows["period"]],
        "Cible": [value_cell(v, u, "", "ok") for v, u in zip(rows["target"], rows["unit"])],
        "Résultat": [value_cell(v, u, "", "ok") for v, u in zip(rows["result"], rows["unit"])],
        "Atteinte": [rate_cell(v) for v in rows["attainment"]],
    })
    return Table(frame, caption="Cibles et résultats (indicateurs chiffrés des fiches actions)",
                 numeric=["Cible", "Résultat", "Atteinte"],
                 empty_message="Aucun indicateur n'a à la fois une cible et un résultat chiffrés.")


# --- reconciliation -----------------------------------------------------------------------

def ordered_checks(report, scopes=None) -> pd.DataFrame:
    """The checks, non-``ok`` first (écart, manquant, avertissement), then by line."""
    checks = table(report, "checks")
    if scopes is not None:
        checks = checks[checks["scope"].isin(list(scopes))]
    rank = {status: i for i, status in enumerate(CHECK_STATUS_ORDER)}
    order = checks["status"].map(lambda s: rank.get(s, len(rank)))
    return checks.assign(_rank=order).sort_values(["_rank", "source_line"], kind="stable").drop(columns="_rank")


def check_counts(report) -> dict[str, int]:
    """Number of checks per status, every status present (zero when none)."""
    counts = table(report, "checks")["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in CHECK_STATUS_ORDER}


def checks_table(report, scopes=None, only_findings: bool = False, only_ok: bool = False) -> Table:
    """The reconciliation checks with their explanations, non-``ok`` first.

    ``only_findings`` keeps the écarts, manquants and avertissements;
    ``only_ok`` the agreeing checks, shown folded.
    """
    checks = ordered_checks(report, scopes)
    if only_findings:
        checks = checks[checks["status"] != "ok"]
    if only_ok:
        checks = checks[checks["status"] == "ok"]
    frame = pd.DataFrame({
        "Statut": [CHECK_STATUS_LABELS.get(s, s) for s in checks["status"]],
        "Contrôle": [text_cell(v) for v in checks["check_id"]],
        "Portée": [text_cell(v) for v in checks["scope"]],
        "Attendu": [text_cell(v) for v in checks["expected"]],
        "Constaté": [text_cell(v) for v in checks["observed"]],
        "Explication": [text_cell(v) for v in checks["message"]],
        "Ligne": [line_cell(v) for v in checks["source_line"]],
    })
    empty = ("Aucun contrôle de cohérence n'a été produit pour ce rapport."
             if not has_table(report, "checks") else "Aucune anomalie relevée.")
    caption = ("Contrôles conformes" if only_ok else
               "Anomalies relevées" if only_findings else "Contrôles de cohérence")
    return Table(frame, caption=caption, numeric=["Ligne"], empty_message=empty, folded=only_ok)


def check_counts_table(report) -> Table:
    counts = check_counts(report)
    frame = pd.DataFrame({"Statut": [CHECK_STATUS_LABELS[s] for s in counts],
                          "Contrôles": [format_number(n) for n in counts.values()]})
    return Table(frame, caption="Résultats des contrôles par statut", numeric=["Contrôles"])


# --- actions ------------------------------------------------------------------------------

def actions_overview_table(report, key: str | None = None) -> Table:
    """The actions (of one axis, or all), with what the report gives for each."""
    actions = axis_actions(report, key) if key else actions_with_axis(report)
    frame = pd.DataFrame({
        "N°": [str(n) for n in actions["number"]],
        "Action": actions["title"],
        "Volet": [AXIS_LABELS.get(k, k) for k in actions["axis_key"]],
        "Budget": ["oui" if b else "pas de valorisation financière" for b in actions["has_budget"]],
        "Indicateurs": ["oui" if b else "non" for b in actions["has_indicators"]],
        "Ligne": [line_cell(v) for v in actions["source_line"]],
    })
    if key:
        frame = frame.drop(columns="Volet")
    return Table(frame, caption="Actions", numeric=["Ligne"])
