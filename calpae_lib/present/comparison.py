"""What a reader sees of a comparison across years: French tables and sentences.

Built on :mod:`calpae_lib.analysis.comparison` (the numbers) with the display
conventions of :mod:`calpae_lib.present.views` and :mod:`calpae_lib.present.narrative`: French
number formats, report text escaped, a missing value written as such.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from calpae_lib.analysis import comparison
from calpae_lib.present import views
from calpae_lib.present.narrative import enumerate_fr, md_text
from calpae_lib.template.volets import ANNEX4_VOLET, VOLET_LABELS
from calpae_lib.text.formatting import format_eur, format_number, format_percent, is_missing, plural
from calpae_lib.text.similarity import SAME_INDICATOR, similarity

#: A value printed in words has no unit: a dash.
UNIT_LABELS = {"count": "nombre", "percent": "%", "days": "jours", "eur": "€", "text": "—"}


def heading(reports) -> Markdown:
    """Title, département, years and the source of each year."""
    years = comparison.years(reports)
    if not reports:
        return Markdown("# Comparaison des exercices\n\nAucun rapport donné.")
    sources = "\n".join(f"- {r.meta.year} : {md_text(r.doc.path.name)} (SHA-256 `{r.doc.sha256[:16]}…`)"
                        for r in sorted(reports, key=lambda r: r.meta.year))
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return Markdown(f"# Comparaison des exercices {span}\n\n"
                    f"**{md_text(reports[0].meta.departement)}**\n\nSources :\n\n{sources}")


def summary(reports) -> Markdown:
    """What can be compared, and the biggest moves of money between the first and the last year."""
    years = comparison.years(reports)
    if len(years) < 2:
        return Markdown(f"Un seul exercice ({enumerate_fr([str(y) for y in years]) or 'aucun'}) : "
                        "la comparaison demande les rapports d'au moins deux années du même département.")
    money = comparison.money_by_year(reports)
    indicators = comparison.indicators_by_year(reports)
    total = money.groupby("stage")[years].sum(min_count=1)
    sentences = [f"Cette comparaison porte sur {plural(len(years), 'exercice')} "
                 f"({enumerate_fr([str(y) for y in years])}) du même département."]
    if "prevu" in total.index:
        first, last = total.loc["prevu", years[0]], total.loc["prevu", years[-1]]
        sentences.append(f"Le montant prévu, tous volets et financeurs confondus, passe de "
                         f"{format_eur(first)} en {years[0]} à {format_eur(last)} en {years[-1]}.")
    changed = money.dropna(subset=["evolution_eur"])
    changed = changed[changed["evolution_eur"] != 0]
    sentences.append(moved_lines_sentence(len(changed), len(money), years))
    one = len(indicators) == 1
    sentences.append(f"{plural(len(indicators), 'indicateur', none='Aucun indicateur')} "
                     f"figur{'e' if one or not len(indicators) else 'ent'} dans plusieurs rapports avec un "
                     f"résultat pour {'son' if one else 'leur'} année"
                     + (" ; ils sont comparés plus bas." if len(indicators) > 1 else
                        " ; il est comparé plus bas." if one else "."))
    return Markdown(" ".join(sentences))


def moved_lines_sentence(moved: int, lines: int, years: list[int]) -> str:
    """How many lines of the budget per volet changed between the first and the last year.

    >>> moved_lines_sentence(0, 12, [2022, 2023])
    'Aucune des 12 lignes du budget par volet ne change entre 2022 et 2023.'
    >>> moved_lines_sentence(2, 12, [2022, 2024])
    '2 lignes du budget par volet sur 12 changent entre 2022 et 2024.'
    """
    if moved == 0:
        return f"Aucune des {lines} lignes du budget par volet ne change entre {years[0]} et {years[-1]}."
    verb = "change" if moved == 1 else "changent"
    return f"{plural(moved, 'ligne')} du budget par volet sur {lines} {verb} entre {years[0]} et {years[-1]}."


def measure_label(action: str, axis, measure) -> str:
    """The heading of a group of indicators: the sheet that prints them (``action``, named by
    :func:`~calpae_lib.present.views.action_name`, empty for an axis's own indicators), its measure
    unless it only repeats the action's title.

    >>> measure_label("ERBM, action 2 : Insertion", "", "PLIE")
    'ERBM, action 2 : Insertion — mesure « PLIE »'
    >>> measure_label("ERBM, action 2 : Les actions d'insertion ERBM", "", "Actions d'insertion ERBM")
    "ERBM, action 2 : Les actions d'insertion ERBM"
    >>> measure_label("Socle commun, axe II, action 13 : Accompagnement dans l'emploi", "II", "PLIE - Accompagnement")
    "Socle commun, axe II, action 13 : Accompagnement dans l'emploi — mesure « PLIE - Accompagnement »"
    >>> measure_label("", "II", ""), measure_label("", "", "")
    ("Socle commun, axe II : indicateurs de l'axe", 'Indicateurs communs')
    """
    if action:
        title = action.partition(" : ")[2]
        if not measure or similarity(measure, title) >= SAME_INDICATOR:  # the same words, give or take an article
            return action
        return f"{action} — mesure « {measure} »"
    if isinstance(axis, str) and axis:
        return f"{VOLET_LABELS[ANNEX4_VOLET]}, axe {axis} : " + (f"mesure « {measure} »" if measure
                                                                    else "indicateurs de l'axe")
    return measure or "Indicateurs communs"


def printing_actions(reports, long: pd.DataFrame) -> dict:
    """For each indicator (its keys), the sheet of the latest year that prints it, as a reader names it."""
    by_year = {r.meta.year: r for r in reports}
    latest = long.sort_values("year").drop_duplicates(comparison.INDICATOR_KEYS, keep="last")
    return {tuple(row[k] for k in comparison.INDICATOR_KEYS):
            views.action_name(by_year[row["year"]], row["action_id"]) if row["action_id"] else ""
            for _, row in latest.iterrows()}


def money_table(reports) -> views.Table:
    """Money per volet, financeur and stage, year against year."""
    years = comparison.years(reports)
    money = comparison.money_by_year(reports)
    rows = pd.DataFrame({
        "Volet": money["volet"].map(lambda v: VOLET_LABELS.get(v, v)),
        "Financeur": money["financeur"].map(lambda f: views.FINANCEUR_LABELS.get(f, f)),
        "Étape": money["stage"].map(lambda s: views.STAGE_LABELS.get(s, s)),
        **{str(y): money[y].map(lambda v: format_eur(v, missing=views.NOT_PRINTED)) for y in years},
        "Évolution": money["evolution_eur"].map(signed_eur),
        "Évolution (%)": money["evolution_pct"].map(signed_percent),
    })
    numeric = [str(y) for y in years] + ["Évolution", "Évolution (%)"]
    return views.Table(rows, caption="Montants par volet, financeur et étape, par exercice", numeric=numeric,
                       empty_message="Aucun budget lu dans ces rapports.")


def indicators_table(reports) -> views.Table:
    """Indicators found in several years: each year's result, as printed when not a number."""
    years = comparison.years(reports)
    long = comparison.indicator_results(reports)
    if long.empty:
        return views.Table(pd.DataFrame(), empty_message="Aucun indicateur commun à plusieurs exercices.")
    cells = long.assign(cell=[result_cell(v, u, raw, s) for v, u, raw, s in
                              zip(long["value"], long["unit"], long["raw"], long["status"])])
    wide = comparison.indicators_by_year(reports)
    shown = cells.pivot_table(index=comparison.INDICATOR_KEYS, columns="year", values="cell", aggfunc="first",
                              sort=False).reindex(columns=years)
    shown = wide[comparison.INDICATOR_KEYS].merge(shown.reset_index(), on=comparison.INDICATOR_KEYS, how="left")
    actions = printing_actions(reports, long)
    keys = [tuple(row) for row in shown[comparison.INDICATOR_KEYS].itertuples(index=False)]
    rows = pd.DataFrame({
        "Mesure": [measure_label(actions.get(k, ""), a, m) for k, a, m in zip(keys, shown["axis"], shown["measure"])],
        "Indicateur": shown["indicator"].map(views.indicator_name),
        "Unité": shown["unit"].map(lambda u: UNIT_LABELS.get(u, u)),
        **{str(y): shown[y].fillna("absent") for y in years},
        "Évolution": [signed_value(v, u) for v, u in zip(wide["evolution"], wide["unit"])],
    })
    return views.Table(rows, caption="Résultats des indicateurs présents dans plusieurs exercices",
                       numeric=[str(y) for y in years] + ["Évolution"], group="Mesure")


def result_cell(value, unit, raw, status) -> str:
    """A result as a reader should see it: the number, the text as printed, or why there is none.

    >>> result_cell(None, "text", "65 jeunes ont été accompagnés", "ok")
    '65 jeunes ont été accompagnés'
    """
    return views.value_cell(value, unit, raw, status)


def signed_eur(value) -> str:
    """An amount with its sign, a dash when missing.

    >>> signed_eur(1500), signed_eur(float("nan"))
    ('+1\u202f500\xa0€', '—')
    """
    if is_missing(value):
        return "—"
    return ("+" if value > 0 else "") + format_eur(value)


def signed_percent(value) -> str:
    """A change in percent, with one decimal below 10 % so that small changes do not read as none.

    >>> signed_percent(0.37), signed_percent(-12.4), signed_percent(0.0)
    ('+0,4\xa0%', '-12\xa0%', '0\xa0%')
    """
    if is_missing(value):
        return "—"
    decimals = 1 if 0 < abs(value) < 10 else 0
    return ("+" if value > 0 else "") + format_percent(value, decimals)


def signed_value(value, unit) -> str:
    """An indicator's change, with its sign; a rate's in points (« point » below two, as French has it).

    >>> signed_value(3, "count"), signed_value(0, "percent"), signed_value(-1.0, "percent"), signed_value(4, "percent")
    ('+3', '0 point', '-1 point', '+4 points')
    """
    if is_missing(value):
        return "—"
    points = (" point" if abs(value) < 2 else " points") if unit == "percent" else ""
    return ("+" if value > 0 else "") + format_number(value) + points


def key_figures(reports) -> str:
    """Plain-text key figures for nbval: years, budget lines, common indicators."""
    years = comparison.years(reports)
    indicators = comparison.indicators_by_year(reports) if len(years) > 1 else []
    return (f"exercices : {', '.join(str(y) for y in years)} ; "
            f"indicateurs communs : {len(indicators)}")
