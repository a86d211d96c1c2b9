"""Rules across years: a report against the previous report of the same département.

They read the structure :data:`~calpae_lib.checks.engine.PREVIOUS` (the
previous report's ``tables`` and ``meta``) and so run only when two reports of
one département are given (:func:`~calpae_lib.checks.engine.build_year_checks`):

- ``annees.programme``: actions kept, renumbered, removed or added, the
  actions of a volet paired by their titles with the measure the annex uses
  (:func:`~calpae_lib.tables.annex_budget.match_titles`), with their budgets;
- ``annees.situation_n1``: the report's « Situation » of the previous year
  against the previous report's own result for that year;
- ``annees.tableau_recopie`` and ``annees.ligne_recopiee``: a table, or a row,
  printed again with every value of the previous year;
- ``annees.deja_releve``: a finding of the previous report found again, the
  same rule on the same object (the action paired by title), never by line.

Indicator rows of two years are paired on the paired action, the measure,
the indicator's name and its rank among its namesakes on the sheet.
"""

from __future__ import annotations

import re

import pandas as pd

from calpae_lib.checks.budget import short
from calpae_lib.checks.registry import DOCUMENT, PREVIOUS, Finding, rule
from calpae_lib.tables.annex_budget import match_titles
from calpae_lib.tables.vocabulary import Category, Grade, Status, fails
from calpae_lib.text.formatting import format_eur, format_value, plural
from calpae_lib.text.outline import action_label

#: What an indicator row of a sheet is, within a report and across years.
ROW_KEYS = ["action_id", "measure", "indicator", "occurrence"]
#: The cells of a row compared from one year to the next.
CELLS = ("baseline", "target", "result")
#: The rules of this module, whose findings are never themselves « déjà relevé ».
PREFIX = "annees."


def action_pairs(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The actions of two years paired by title within each volet: ``volet, previous_id, current_id,
    previous_title, current_title`` (an id empty for an action of one year only), current order first.

    >>> old = pd.DataFrame({"action_id": ["v-1", "v-2", "v-3"], "volet": ["v"] * 3,
    ...                     "title": ["Pacte ambition IAE", "Projets innovants", "Les clés pour réussir"]})
    >>> new = pd.DataFrame({"action_id": ["v-1", "v-2"], "volet": ["v"] * 2,
    ...                     "title": ["Projets innovants", "Garantie d'activité"]})
    >>> action_pairs(old, new)[["previous_id", "current_id"]].values.tolist()
    [['v-2', 'v-1'], ['', 'v-2'], ['v-1', ''], ['v-3', '']]
    """
    rows = []
    volets = list(dict.fromkeys([*current["volet"], *previous["volet"]]))
    for volet in volets:
        old, new = previous[previous["volet"] == volet], current[current["volet"] == volet]
        matched = match_titles(list(old["title"]), dict(zip(new["action_id"], new["title"])))
        by_new = {n: o for o, n in zip(old["action_id"], matched) if n}
        titles_old = dict(zip(old["action_id"], old["title"]))
        for new_id, title in zip(new["action_id"], new["title"]):
            old_id = by_new.get(new_id, "")
            rows.append((volet, old_id, new_id, titles_old.get(old_id, ""), title))
        rows += [(volet, o, "", t, "") for o, t, n in zip(old["action_id"], old["title"], matched) if not n]
    return pd.DataFrame(rows, columns=["volet", "previous_id", "current_id", "previous_title", "current_title"])


def planned_by_action(tables: dict) -> dict[str, float]:
    """Each action's prévu (fiche 5.1), both financeurs."""
    budgets = tables.get("budgets")
    if budgets is None or budgets.empty:
        return {}
    return budgets[budgets["stage"] == "prevu"].groupby("action_id")["amount_eur"].sum().to_dict()


def budget_words(amount) -> str:
    return f"prévu {format_eur(amount)}" if amount is not None and pd.notna(amount) else "sans budget imprimé"


@rule("annees.programme", needs=("actions",), reads=(PREVIOUS,), category=Category.PERFORMANCE,
      grade=Grade.MONTANT)
def check_programme(tables, doc, meta, previous) -> list[Finding]:
    """Les actions retirées, ajoutées ou renumérotées d'une année à l'autre, avec leur budget."""
    pairs = action_pairs(previous.tables["actions"], tables["actions"])
    before, after = planned_by_action(previous.tables), planned_by_action(tables)
    lines = dict(zip(tables["actions"]["action_id"], tables["actions"]["source_line"]))
    year, last = meta.year, previous.meta.year
    findings = []
    for row in pairs.itertuples():
        if not row.current_id:
            findings.append(Finding("annees.programme", row.previous_id, Status.AVERTISSEMENT,
                                    expected=f"présente en {year}", observed="retirée",
                                    message=f"Action retirée : « {short(row.previous_title)} » ({action_label(row.previous_id)} "
                                            f"en {last}, {budget_words(before.get(row.previous_id))}) n'est plus dans le "
                                            f"rapport {year}."))
        elif not row.previous_id:
            findings.append(Finding("annees.programme", row.current_id, Status.AVERTISSEMENT,
                                    expected=f"présente en {last}", observed="ajoutée",
                                    message=f"Action ajoutée : « {short(row.current_title)} » ({action_label(row.current_id)}, "
                                            f"{budget_words(after.get(row.current_id))}) n'était pas dans le rapport "
                                            f"{last}.", source_line=int(lines[row.current_id])))
        elif row.previous_id != row.current_id:
            findings.append(Finding("annees.programme", row.current_id, Status.AVERTISSEMENT,
                                    expected=action_label(row.previous_id), observed=action_label(row.current_id),
                                    message=f"Action renumérotée : « {short(row.current_title)} », "
                                            f"{action_label(row.previous_id)} en {last}, devient "
                                            f"{action_label(row.current_id)} en {year} "
                                            f"({budget_words(after.get(row.current_id))}).",
                                    source_line=int(lines[row.current_id])))
    return findings


def indicator_rows(tables: dict, year: int) -> pd.DataFrame:
    """A report's indicator rows, one per printed row: :data:`ROW_KEYS`, ``unit``, ``source_line`` (the
    result's, else the row's first cell's) and for
    each of :data:`CELLS` the cell (a number when read without doubt, else the text as printed) and, when a
    number, its ``<cell>_value``, and ``<cell>_printed`` as the report prints it. The « Situation » is the previous year's; target and result the year's."""
    cells = tables["indicators"].copy()
    period = cells["period"].astype(str)
    kept = ((cells["kind"] == "baseline") & (period == str(year - 1))) | \
           (cells["kind"].isin(["target", "result"]) & (period == str(year)))
    cells = cells[kept].copy()
    for column in ("action_id", "measure", "indicator"):
        cells[column] = cells[column].fillna("").astype(str).map(lambda text: " ".join(text.split()))
    cells["occurrence"] = cells.groupby(["action_id", "measure", "indicator", "kind"]).cumcount()
    cells["number"] = pd.to_numeric(cells["value"], errors="coerce").where(cells["status"] == "ok")
    cells["printed"] = cells["raw"].fillna("").astype(str).map(lambda text: " ".join(text.split()))
    cells["cell"] = [repr(float(n)) if pd.notna(n) else text for n, text in zip(cells["number"], cells["printed"])]
    keys = ROW_KEYS
    rows = cells.drop_duplicates(keys)[[*keys, "unit", "source_line"]].set_index(keys)
    results = cells[cells["kind"] == "result"].set_index(keys)["source_line"]
    rows["source_line"] = results.reindex(rows.index).fillna(rows["source_line"]).astype(int)  # the result's line
    for kind in CELLS:
        of_kind = cells[cells["kind"] == kind].set_index(keys)
        rows[kind] = of_kind["cell"]
        rows[f"{kind}_printed"] = of_kind["printed"]
        rows[f"{kind}_value"] = of_kind["number"]
    return rows.reset_index()


#: The last run's paired rows: ``(tables, previous, rows)``. The three rules on indicator rows read the same
#: pairing in one run of the engine (the same ``tables`` dict, the same previous report); the entry holds
#: both, so their ids cannot be reused while it lives.
_LAST_PAIRED: list = []


def paired_rows(tables: dict, meta, previous) -> pd.DataFrame:
    """:func:`pair_rows`, made once per run of the rules (see :data:`_LAST_PAIRED`)."""
    if not (_LAST_PAIRED and _LAST_PAIRED[0] is tables and _LAST_PAIRED[1] is previous):
        _LAST_PAIRED[:] = [tables, previous, pair_rows(tables, meta, previous)]
    return _LAST_PAIRED[2]


def pair_rows(tables: dict, meta, previous) -> pd.DataFrame:
    """The indicator rows of this year beside their namesakes of the previous year (suffix ``_before``),
    the previous year's actions renamed to this year's by :func:`action_pairs`; only rows of both years."""
    now = indicator_rows(tables, meta.year)
    before = indicator_rows(previous.tables, previous.meta.year)
    pairs = action_pairs(previous.tables["actions"], tables["actions"])
    renamed = dict(zip(pairs["previous_id"], pairs["current_id"]))
    before["action_id"] = before["action_id"].map(lambda a: renamed.get(a) or None if a else "")
    before = before.dropna(subset=["action_id"])  # the rows of an action removed
    return now.merge(before, on=ROW_KEYS, suffixes=("", "_before"))


def printed(cell) -> str:
    return cell if isinstance(cell, str) else ""


def is_copy(row) -> bool:
    """Whether a row prints again every cell of the previous year (the same cells, the same values), its
    result a number: « 818 → 818 » with the same situation and target is a copy, not a stability."""
    return pd.notna(row.result_value) and all(printed(getattr(row, k)) == printed(getattr(row, f"{k}_before"))
                                              for k in CELLS)


def copied_tables(rows: pd.DataFrame) -> set[str]:
    """The actions whose every row paired with the previous year is a copy of it."""
    copies = rows.assign(copy=[is_copy(r) for r in rows.itertuples()])
    per_action = copies[copies["action_id"] != ""].groupby("action_id")["copy"].all()
    return set(per_action[per_action].index)


def shown(row, cell: str, suffix: str = "") -> str:
    """A row's cell (``result``, ``baseline``; ``suffix`` "_before": the previous year's) as a reader should see
    it: the number in its unit (« 4 935 », « 98 % »), else the text as printed."""
    value = getattr(row, f"{cell}_value{suffix}")
    return format_value(value, row.unit) if pd.notna(value) else printed(getattr(row, f"{cell}_printed{suffix}"))


def row_name(row) -> str:
    where = action_label(row.action_id) if row.action_id else "indicateurs de l'axe"
    return f"« {short(row.indicator, 60)} » ({where})"


@rule("annees.tableau_recopie", needs=("indicators", "actions"), reads=(PREVIOUS,), grade=Grade.EFFECTIF)
def check_copied_tables(tables, doc, meta, previous) -> list[Finding]:
    """Un tableau d'indicateurs qui reprend toutes les valeurs du rapport précédent."""
    rows = paired_rows(tables, meta, previous)
    findings = []
    for action_id in sorted(copied_tables(rows), key=list(tables["actions"]["action_id"]).index):
        table = rows[rows["action_id"] == action_id]
        findings.append(Finding(
            "annees.tableau_recopie", action_id, Status.AVERTISSEMENT,
            expected=f"valeurs de {meta.year}", observed=f"valeurs de {previous.meta.year}",
            message=f"Tableau probablement recopié : la fiche {action_label(action_id)} reprend, sur "
                    f"{plural(len(table), 'ligne')} d'indicateurs, toutes les valeurs du rapport {previous.meta.year}.",
            source_line=int(table["source_line"].min())))
    return findings


@rule("annees.ligne_recopiee", needs=("indicators", "actions"), reads=(PREVIOUS,), grade=Grade.EFFECTIF)
def check_copied_rows(tables, doc, meta, previous) -> list[Finding]:
    """Une ligne d'indicateur identique à celle du rapport précédent (hors tableau entier recopié)."""
    rows = paired_rows(tables, meta, previous)
    whole = copied_tables(rows)
    return [Finding("annees.ligne_recopiee", row.action_id or DOCUMENT, Status.AVERTISSEMENT,
                    expected=f"valeurs de {meta.year}", observed=f"résultat {shown(row, 'result')} comme en "
                                                                  f"{previous.meta.year}",
                    message=f"Ligne probablement recopiée : {row_name(row)} imprime les mêmes valeurs qu'en "
                            f"{previous.meta.year} (résultat {shown(row, 'result')}).",
                    source_line=int(row.source_line))
            for row in rows.itertuples() if row.action_id not in whole and is_copy(row)]


@rule("annees.situation_n1", needs=("indicators", "actions"), reads=(PREVIOUS,), grade=Grade.EFFECTIF)
def check_baseline(tables, doc, meta, previous) -> list[Finding]:
    """La « Situation » de l'année précédente contre le résultat que le rapport précédent imprimait (hors copies)."""
    if previous.meta.year != meta.year - 1:
        return []
    rows = paired_rows(tables, meta, previous)
    whole = copied_tables(rows)
    copies = pd.Series([is_copy(r) for r in rows.itertuples()], index=rows.index, dtype=bool)
    compared = rows[rows["baseline_value"].notna() & rows["result_value_before"].notna()
                    & ~rows["action_id"].isin(whole) & ~copies]  # a copy's situation is last year's situation
    findings = []
    for row in compared.itertuples():
        agree = row.baseline_value == row.result_value_before
        said = f"situation {previous.meta.year} de {shown(row, 'baseline')} dans le rapport {meta.year}"
        findings.append(Finding(
            "annees.situation_n1", row.action_id or DOCUMENT, Status.OK if agree else Status.ECART,
            expected=shown(row, "result", "_before"), observed=shown(row, "baseline"),
            message=(f"{row_name(row)} : {said}, comme le résultat du rapport {previous.meta.year}." if agree else
                     f"{row_name(row)} : {said}, mais le rapport {previous.meta.year} donnait un résultat de "
                     f"{shown(row, 'result', '_before')}."),
            source_line=int(row.source_line)))
    return findings


def failing(checks: pd.DataFrame) -> pd.DataFrame:
    """The findings an evaluator sends back: inconsistencies (probable ones too) and missing data."""
    if checks is None or checks.empty:
        return pd.DataFrame(columns=["check_id", "scope", "status", "category"])
    own = checks["check_id"].astype(str).str.startswith(PREFIX)
    kept = [not o and (fails(c, s) or (c == Category.COHERENCE and s == Status.AVERTISSEMENT))
            for o, c, s in zip(own, checks["category"], checks["status"])]
    return checks[kept]


def key_facts(observed, year: int) -> str:
    """What a finding observed, its report's years written relative to it: next year's report printing the same
    defect (« en-tête 2021 » in 2022, « en-tête 2022 » in 2023) observes the same facts.

    >>> key_facts("31/11/2022", 2022) == key_facts("31/11/2023", 2023), key_facts("268", 2022) == key_facts("270", 2023)
    (True, False)
    """
    text = printed(observed)
    for back in range(3):
        text = re.sub(rf"(?<!\d){year - back}(?!\d)", f"<année-{back}>", text)
    return text


@rule("annees.deja_releve", needs=("checks", "actions"), reads=(PREVIOUS,))
def check_recurring(tables, doc, meta, previous) -> list[Finding]:
    """Un constat du rapport déjà relevé dans le rapport précédent : même règle, même objet, même valeur.

    The value observed is compared with its years counted from its report's (:func:`key_facts`): another value
    is another defect, not one left uncorrected."""
    pairs = action_pairs(previous.tables["actions"], tables["actions"])
    renamed = {o: n for o, n in zip(pairs["previous_id"], pairs["current_id"]) if o}
    before = failing(previous.tables.get("checks")).copy()
    before["scope"] = before["scope"].map(lambda s: renamed.get(s, s) if s in renamed else s)
    pool = {key: list(group.itertuples()) for key, group in before.groupby(["check_id", "scope"], sort=False)}
    findings = []
    for row in failing(tables["checks"]).itertuples():
        candidates = pool.get((row.check_id, row.scope), [])
        facts = key_facts(row.observed, meta.year)
        same = next((c for c in candidates if key_facts(c.observed, previous.meta.year) == facts), None)
        if same is None:
            continue  # the same rule on the same object, another value: another defect, not one left uncorrected
        candidates.remove(same)
        findings.append(Finding(
            "annees.deja_releve", row.scope, row.status, expected=row.expected if pd.notna(row.expected) else "",
            observed=row.observed if pd.notna(row.observed) else "",
            message=f"Déjà relevé dans le rapport {previous.meta.year}, non corrigé : {row.message}",
            source_line=None if pd.isna(row.source_line) else int(row.source_line),
            category=row.category, grade=row.grade or Grade.NONE))
    return findings
