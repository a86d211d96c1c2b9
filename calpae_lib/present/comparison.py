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
from calpae_lib.present.findings import scope_label
from calpae_lib.present.narrative import enumerate_fr, md_text
from calpae_lib.template.volets import ANNEX4_VOLET, VOLET_LABELS
from calpae_lib.text.formatting import UNIT_DECIMALS, format_eur, format_number, format_percent, is_missing, plural
from calpae_lib.text.similarity import SAME_INDICATOR, similarity

#: A value printed in words has no unit: a dash.
UNIT_LABELS = {"count": "nombre", "percent": "%", "days": "jours", "eur": "€", "text": "—"}


def heading(reports) -> Markdown:
    """Title, département, years and the source of each year."""
    years = comparison.years(reports)
    if not reports:
        return Markdown("# Comparaison des exercices\n\nAucun rapport donné.")
    sources = "\n".join(f"- {r.meta.year} : {md_text(r.doc.path.name)}"
                        for r in sorted(reports, key=lambda r: r.meta.year))
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return Markdown(f"# Comparaison des exercices {span}\n\n"
                    f"**{md_text(reports[0].meta.departement)}**\n\nSources :\n\n{sources}")


def summary(reports, checks: pd.DataFrame | None = None) -> Markdown:
    """What can be compared, what the checks across years found, and the money of the first and last year."""
    years = comparison.years(reports)
    if len(years) < 2:
        return Markdown(f"Un seul exercice ({enumerate_fr([str(y) for y in years]) or 'aucun'}) : "
                        "la comparaison demande les rapports d'au moins deux années du même département.")
    checks = checks if checks is not None else comparison.year_checks(reports)
    money = comparison.money_by_year(reports)
    sentences = [f"Cette comparaison porte sur {plural(len(years), 'exercice')} "
                 f"({enumerate_fr([str(y) for y in years])}) du même département."]
    sentences += findings_sentences(checks)
    sentences += money_sentences(money, years, reports)
    return Markdown(" ".join(sentences))


#: Where a year's pages find the comparison of its département's years (:mod:`calpae_lib.publish.batch`).
COMPARISON_LINK = "../comparaison/comparaison_annees.html"


def money_sentences(money: pd.DataFrame, years: list[int], reports=()) -> list[str]:
    """Prévu and engagé (completed by the annex, as the synthesis does) of the first and the last year.

    A year whose own checks find its sheets and its annex budget apart on that stage (:func:`annex_disagrees`)
    is said so in the sentence: its figure is the sheets', the annex prints others."""
    words = {"prevu": "Le montant prévu", "engage": "L'engagé, complété par l'annexe là où une fiche ne l'imprime pas,"}
    total = money.groupby("stage")[years].sum(min_count=1)
    ends = [r for r in reports if r.meta.year in (years[0], years[-1])]
    out = []
    for stage in ("prevu", "engage"):
        if stage not in total.index:
            continue
        text = (f"{words[stage]} passe, tous volets et financeurs confondus, de "
                f"{format_eur(total.loc[stage, years[0]])} en {years[0]} à {format_eur(total.loc[stage, years[-1]])} "
                f"en {years[-1]}")
        apart = [(r.meta.year, n) for r in sorted(ends, key=lambda r: r.meta.year) if (n := annex_disagrees(r, stage))]
        if apart:
            parts = [plural(n, "part d'action", "parts d'action") for _, n in apart]
            text += ", selon les fiches ; " + enumerate_fr([
                f"l'annexe budgétaire de {year} imprime d'autres montants pour {part}"
                for (year, _), part in zip(apart, parts)]) + " (voir les incohérences de l'année)"
        out.append(text + ".")
    return out


def annex_disagrees(report, stage: str) -> int:
    """How many of a report's own checks find a sheet's amount of ``stage`` and its annex line apart."""
    checks = report.tables.get("checks")
    if checks is None or checks.empty:
        return 0
    return int(((checks["check_id"] == f"fiche_annexe.{stage}") & (checks["status"] == "ecart")).sum())


def previous_year_section(report, previous, link: str = COMPARISON_LINK) -> Markdown | None:
    """The « par rapport à N−1 » section of a year's synthesis: money, programme, copies and recurring
    defects against the previous report (``previous``, or ``None``: nothing is shown), and a link to the
    comparison of the two years."""
    if previous is None:
        return None
    reports = [previous, report]
    years = comparison.years(reports)
    checks = comparison.year_checks(reports)
    money = money_sentences(comparison.money_by_year(reports), years, reports)
    sentences = [*money, *findings_sentences(checks)]
    return Markdown(f"## Par rapport à {previous.meta.year}\n\n" + " ".join(sentences)
                    + f"\n\nLe détail est dans la [comparaison des exercices {years[0]}–{years[-1]}]({link}).")


def findings_sentences(checks: pd.DataFrame) -> list[str]:
    """The checks across years in a few sentences: programme, copies, contradictions, recurring defects."""
    def count(check_id, status=None):
        rows = checks[checks["check_id"] == check_id]
        return len(rows if status is None else rows[rows["status"] == status])
    programme = checks[checks["check_id"] == comparison.PROGRAMME]["observed"]
    changes = [plural(int((programme == word).sum()), f"action {word}", f"actions {word}s")
               for word in ("retirée", "ajoutée") if (programme == word).any()]
    renumbered = int((~programme.isin(["retirée", "ajoutée"])).sum())
    if renumbered:
        changes.append(plural(renumbered, "action renumérotée", "actions renumérotées"))
    out = [f"Le programme change : {enumerate_fr(changes)}." if changes
           else "Le programme garde les mêmes actions, sous les mêmes numéros."]
    copies = count(comparison.COPIED_TABLE)
    rows = count(comparison.COPIED_ROW)
    if copies or rows:
        out.append(f"{plural(copies, 'tableau', 'tableaux', none='Aucun tableau')} d'indicateurs "
                   f"{'semble recopié' if copies < 2 else 'semblent recopiés'} de l'année précédente"
                   + (f", et {plural(rows, 'autre ligne', 'autres lignes')} reprennent ses valeurs." if rows else "."))
    compared, differ = count(comparison.BASELINE), count(comparison.BASELINE, "ecart")
    if compared:
        out.append(f"Sur {plural(compared, 'situation N−1 comparée', 'situations N−1 comparées')} au résultat "
                   f"du rapport précédent, {plural(differ, 'diffère', 'diffèrent', none='aucune ne diffère')}.")
    recurring = count(comparison.RECURRING)
    out.append(f"{plural(recurring, 'constat', none='Aucun constat')} du rapport "
               f"{'était' if recurring < 2 else 'étaient'} déjà relevé{'s' if recurring > 1 else ''} l'année "
               "précédente sans avoir été corrigé" + ("s." if recurring > 1 else "."))
    return out


def findings_table(checks: pd.DataFrame, check_ids: tuple[str, ...], caption: str, empty: str,
                   failing_only: bool = False) -> views.Table:
    """Findings of some rules across years, one line each: the year, the object, the finding."""
    rows = checks[checks["check_id"].isin(check_ids)]
    if failing_only:
        rows = rows[rows["status"] != "ok"]
    frame = pd.DataFrame({
        "Exercice": rows["year"].astype(str),
        "Objet": [scope_label(s) + (f" ({p})" if o == "retirée" else "")
                  for s, o, p in zip(rows["scope"], rows["observed"], rows["previous_year"])],
        "Constat": rows["message"],
        "Ligne": rows["source_line"].map(lambda n: "—" if pd.isna(n) else str(int(n))),
    })
    return views.Table(frame.reset_index(drop=True), caption=caption, numeric=["Ligne"], empty_message=empty)


def programme_table(checks: pd.DataFrame) -> views.Table:
    """Actions removed, added or renumbered from one year to the next, with their budgets."""
    return findings_table(checks, (comparison.PROGRAMME,), "Actions retirées, ajoutées ou renumérotées",
                          "Aucune action retirée, ajoutée ni renumérotée : les fiches gardent leurs titres et "
                          "leurs numéros.")


def copies_table(checks: pd.DataFrame) -> views.Table:
    """Copied tables and rows, and « Situation N−1 » that contradict last year's result."""
    return findings_table(checks, (comparison.COPIED_TABLE, comparison.COPIED_ROW, comparison.BASELINE),
                          "Tableaux et lignes recopiés, situations N−1 contredites",
                          "Aucun tableau recopié, et chaque situation N−1 comparée est le résultat du rapport "
                          "précédent.", failing_only=True)


def recurring_table(checks: pd.DataFrame) -> views.Table:
    """Findings already raised in the previous report and still there."""
    return findings_table(checks, (comparison.RECURRING,), "Constats déjà relevés l'année précédente",
                          "Aucun constat de ce rapport n'avait déjà été relevé dans le rapport précédent.")


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


#: How a row flagged by the checks across years is marked in the indicators' table.
MARKS = {"copie": "probablement recopié", "contradiction": "situation N−1 contredite"}


def indicators_table(reports, checks: pd.DataFrame | None = None) -> views.Table:
    """Indicators found in several years: each year's result, as printed when not a number; a row the
    checks across years (``checks``, :func:`~calpae_lib.analysis.comparison.year_checks`) flag says so
    instead of an « évolution » (a copy is not a stability); an indicator printed on several sheets with
    the same values is shown once, with the number of sheets."""
    years = comparison.years(reports)
    long = comparison.indicator_results(reports)
    if long.empty:
        return views.Table(pd.DataFrame(), empty_message="Aucun indicateur commun à plusieurs exercices.")
    marks = comparison.row_marks(reports, checks if checks is not None else comparison.year_checks(reports))
    keys = comparison.INDICATOR_KEYS
    cells = long.assign(cell=[result_cell(v, u, raw, s) for v, u, raw, s in
                              zip(long["value"], long["unit"], long["raw"], long["status"])],
                        mark=[marks.get((y, int(line)), "") for y, line in zip(long["year"], long["source_line"])])
    wide = comparison.indicators_by_year(reports)
    shown = cells.pivot_table(index=keys, columns="year", values="cell", aggfunc="first",
                              sort=False).reindex(columns=years)
    marked = cells.groupby(keys, sort=False)["mark"].agg(lambda m: "" if not any(m) else
                                                          "contradiction" if "contradiction" in set(m) else "copie")
    shown = wide[keys].merge(shown.reset_index(), on=keys, how="left").merge(marked.reset_index(), on=keys)
    actions = printing_actions(reports, long)
    shown["Mesure"] = [measure_label(actions.get(tuple(k), ""), k[0], k[1])
                       for k in shown[keys].itertuples(index=False)]
    shown["Évolution"] = [MARKS[m] if m else signed_value(v, u, value_decimals(row, u))
                          for m, v, u, row in zip(shown["mark"], wide["evolution"], wide["unit"],
                                                  wide[years].itertuples(index=False))]
    shown = printed_once(shown, years)
    rows = pd.DataFrame({
        "Mesure": shown["Mesure"],
        "Indicateur": shown["indicator"].map(views.indicator_name),
        "Unité": shown["unit"].map(lambda u: UNIT_LABELS.get(u, u)),
        **{str(y): shown[y].fillna("non repris") for y in years},
        "Évolution": shown["Évolution"],
    })
    return views.Table(rows, caption="Résultats des indicateurs présents dans plusieurs exercices",
                       numeric=[str(y) for y in years] + ["Évolution"], group="Mesure")


def printed_once(shown: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """An indicator printed on several sheets (same axis, measure, name and unit) with the same cells
    every year, kept once: its group says on how many sheets it is printed.

    >>> f = pd.DataFrame({"axis": ["II"] * 3, "measure": ["PLIE"] * 3, "indicator": ["Entrées"] * 3,
    ...                   "unit": ["count"] * 3, 2022: ["5", "5", "7"], "Mesure": ["A", "B", "C"]})
    >>> printed_once(f, [2022])["Mesure"].tolist()
    ['A (indicateur imprimé sur 2 fiches)', 'C']
    """
    same = ["axis", "measure", "indicator", "unit", *years]
    counts = shown.fillna({y: "" for y in years}).groupby(same, sort=False, dropna=False)["Mesure"].transform("size")
    first = ~shown.fillna({y: "" for y in years}).duplicated(same)
    kept = shown[first].copy()
    kept["Mesure"] = [f"{m} (indicateur imprimé sur {n} fiches)" if n > 1 else m
                      for m, n in zip(kept["Mesure"], counts[first])]
    return kept.reset_index(drop=True)


def result_cell(value, unit, raw, status) -> str:
    """A result as a reader should see it: the number, the text as printed, or why there is none.

    >>> result_cell(None, "text", "65 jeunes ont été accompagnés", "ok")
    '65 jeunes ont été accompagnés'
    """
    return views.value_cell(value, unit, raw, status)


#: A true minus sign before a negative change, never a hyphen.
MINUS = "\u2212"


def signed(value, text: str) -> str:
    """``text`` (a magnitude already formatted) with the sign of ``value``: « + », « − » (U+2212) or none.

    >>> signed(-3, "3"), signed(2, "2"), signed(0, "0")
    ('−3', '+2', '0')
    """
    return ("+" if value > 0 else MINUS if value < 0 else "") + text


def signed_eur(value) -> str:
    """An amount with its sign, a dash when missing.

    >>> signed_eur(1500), signed_eur(-20), signed_eur(float("nan"))
    ('+1\u202f500\xa0€', '−20\xa0€', '—')
    """
    if is_missing(value):
        return "—"
    return signed(round(value), format_eur(abs(value)))


def signed_percent(value) -> str:
    """A change in percent, always with one decimal, so that a column reads alike and a small change does
    not read as none.

    >>> signed_percent(0.37), signed_percent(-12.4), signed_percent(0.0), signed_percent(-0.04)
    ('+0,4\xa0%', '−12,4\xa0%', '0,0\xa0%', '0,0\xa0%')
    """
    if is_missing(value):
        return "—"
    shown = format_percent(abs(value), 1)
    return signed(value if shown.strip("0,\xa0%") else 0, shown)


def signed_value(value, unit, decimals: int = 0) -> str:
    """An indicator's change, with its sign and the decimals of its values (``decimals``, those the values
    printed have); a rate's in points (« point » below two, as French has it), a delay in days.

    >>> signed_value(3, "count"), signed_value(0, "percent"), signed_value(-1.0, "percent"), signed_value(4, "percent")
    ('+3', '0 point', '−1 point', '+4 points')
    >>> signed_value(-0.8, "days", 1), signed_value(1.25, "percent", 1)
    ('−0,8 j', '+1,2 point')
    """
    if is_missing(value):
        return "—"
    number = format_number(abs(value), decimals=decimals)
    shown = signed(value if number.strip("0,") else 0, number)
    if unit == "percent":
        return shown + (" point" if abs(round(value, decimals)) < 2 else " points")
    return shown + (" j" if unit == "days" else "")


def value_decimals(values, unit) -> int:
    """The decimals an indicator's values need: none when all are whole, else the unit's
    (:data:`calpae_lib.text.formatting.UNIT_DECIMALS`), so that −0,8 j is never printed « −1 ».

    >>> value_decimals([16.7, 15.9], "days"), value_decimals([818, 818], "count")
    (1, 0)
    """
    numbers = [float(v) for v in values if pd.notna(v)]
    return 0 if all(v == int(v) for v in numbers) else UNIT_DECIMALS.get(unit, 1)


def key_figures(reports) -> str:
    """Plain-text key figures for nbval: years, budget lines, common indicators."""
    years = comparison.years(reports)
    indicators = comparison.indicators_by_year(reports) if len(years) > 1 else []
    return (f"exercices : {', '.join(str(y) for y in years)} ; "
            f"indicateurs communs : {len(indicators)}")
