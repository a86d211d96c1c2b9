"""French sentences written from the data, as Markdown for the notebooks.

Every piece of text that comes from the report (titles, labels) goes through
:func:`md_text`, so that a title holding ``<script>`` or Markdown marks is
shown as printed, never interpreted. Numbers go through
:mod:`calpae_lib.text.formatting`; a missing value is said to be missing.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML, Markdown

from calpae_lib.analysis import axes
from calpae_lib.analysis import budget as money
from calpae_lib.checks.engine import section_counts
from calpae_lib.present import findings, views
from calpae_lib.tables.vocabulary import AGREEING, TO_VERIFY, Category, Status
from calpae_lib.template.volets import VOLET_PHRASES
from calpae_lib.text import outline
from calpae_lib.text.formatting import (format_eur, format_number, format_percent, french_spacing, is_missing,
                                         plural)

#: Characters that Markdown would interpret (emphasis, links, headings, tables, code).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def prose(text: str) -> Markdown:
    """A page's sentences as Markdown, spaced the French way before « ; : ! ? »."""
    return Markdown(french_spacing(text))


def md_text(text) -> str:
    """Report text made safe for Markdown: HTML escaped, Markdown marks backslashed.

    >>> md_text("<script>alert(1)</script> *gras*")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\*gras\\\\*'
    """
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def enumerate_fr(items: list[str]) -> str:
    """``a, b et c``.

    >>> enumerate_fr(["a", "b", "c"]), enumerate_fr(["a"])
    ('a, b et c', 'a')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1] if items else ""


def deliberation_note(report) -> str:
    """The deliberation that adopted the report, as its title page prints it ("" when it prints none).

    The source file and its checksum are the footer's and the method page's: the narrative names none.
    """
    meta = report.meta
    parts = ([f"Délibération n° {md_text(meta.deliberation)}"] if meta.deliberation else []) + (
        [md_text(meta.signed)] if meta.signed else [])
    return ", ".join(parts) + "." if parts else ""


def heading(report, title: str) -> Markdown:
    """The report's title block: title, year and département, deliberation."""
    meta = report.meta
    note = deliberation_note(report)
    return prose(f"# {md_text(title)}\n\n"
                    f"**Rapport d'exécution {meta.year} — {md_text(meta.departement)}**"
                    + (f"\n\n{note}" if note else ""))


def actions_sentence(report) -> str:
    actions = axes.actions_with_axis(report)
    counts = actions.groupby("volet", sort=False).size()
    parts = [f"{format_number(int(n))} {VOLET_PHRASES.get(v, v)}" for v, n in counts.items()]
    unfunded = int((~actions["has_budget"].astype(bool)).sum())
    sentence = f"Le rapport décrit {plural(len(actions), 'action')} : {enumerate_fr(parts)}."
    if unfunded:
        sentence += (f" {plural(unfunded, 'action')} n'{'a' if unfunded == 1 else 'ont'} "
                     "pas de valorisation financière.")
    return sentence


def money_sentence(amounts: dict) -> str:
    """Prévu, engagé and their rate in words (:func:`money.amounts_of`); says what the rate counts.

    The rate is the engagé printed over the prévu of the sheets that print it
    (one definition, :func:`money.amounts_of`); a sheet without engagé is named
    with its prévu, said to be left out of both. Where the annex gives the
    missing amounts, the engagé completed by the annex follows, said to be so.

    >>> print(money_sentence({"prevu": 1000, "engage": 800, "prevu_compte": 1000, "taux": 80.0,
    ...                       "engage_manquant": 0}))
    Prévu : 1 000 € ; engagé : 800 €, soit un taux d'exécution de 80 %.
    >>> print(money_sentence({"prevu": 1000, "engage": 800, "prevu_compte": 600, "taux": 133.3,
    ...                       "engage_manquant": 1, "fiches_sans_engage": 1, "prevu_sans_engage": 400,
    ...                       "completees": 0}))
    Prévu : 1 000 € ; engagé : 800 € sur les fiches qui l'impriment, dont le prévu est de 600 €, soit un taux d'exécution de 133 %. 1 fiche n'imprime pas d'engagé (prévu 400 €) : ni son prévu ni son engagé ne comptent dans ce taux.
    >>> print(money_sentence({"prevu": 1000, "engage": float("nan"), "taux": None, "engage_manquant": 1,
    ...                       "fiches_sans_engage": 1, "prevu_sans_engage": 1000, "completees": 0}))
    Prévu : 1 000 € ; la fiche n'imprime pas de montant engagé.
    >>> print(money_sentence({"prevu": 1000, "engage": float("nan"), "taux": None, "engage_manquant": 1,
    ...                       "fiches_sans_engage": 3, "prevu_sans_engage": 1000, "completees": 0}))
    Prévu : 1 000 € ; aucune fiche n'imprime de montant engagé.
    """
    prevu, engage = amounts["prevu"], amounts["engage"]
    if is_missing(prevu):
        return "Aucun montant prévu n'est lu dans le rapport."
    if is_missing(engage):
        none = "la fiche n'imprime pas" if amounts.get("fiches_sans_engage") == 1 else "aucune fiche n'imprime"
        text = f"Prévu : {format_eur(prevu)} ; {none} de montant engagé."
    elif not amounts["engage_manquant"]:
        text = (f"Prévu : {format_eur(prevu)} ; engagé : {format_eur(engage)}, "
                f"soit un taux d'exécution de {format_percent(amounts['taux'])}.")
    else:
        sheets = amounts["fiches_sans_engage"]
        text = (f"Prévu : {format_eur(prevu)} ; engagé : {format_eur(engage)} sur les fiches qui l'impriment, "
                f"dont le prévu est de {format_eur(amounts['prevu_compte'])}, soit un taux d'exécution de "
                f"{format_percent(amounts['taux'])}. {plural(sheets, 'fiche')} n'imprim{'e' if sheets == 1 else 'ent'}"
                f" pas d'engagé (prévu {format_eur(amounts['prevu_sans_engage'])}) : ni "
                f"{'son' if sheets == 1 else 'leur'} prévu ni {'son' if sheets == 1 else 'leur'} engagé ne "
                "comptent dans ce taux.")
    if amounts.get("completees"):
        text += (f" L'annexe budgétaire donne {format_eur(amounts['engage_annexe'])} d'engagé pour "
                 f"{'cette fiche' if amounts['fiches_sans_engage'] == 1 else 'ces fiches'} : l'engagé complété par "
                 f"l'annexe est de {format_eur(amounts['engage_complete'])}")
        rate = amounts.get("taux_complete")
        text += (f", soit {format_percent(rate)} de tout le prévu." if rate is not None and rate == rate else ".")
    return text


def budget_sentence(rows) -> str:
    """Money sentence for rows of :func:`money.budget_by_action` (several actions or financeurs)."""
    return money_sentence(money.amounts_of(rows))


def budget_paragraph(report) -> str:
    per_action = money.budget_by_action(report)
    lines = []
    for financeur, label in views.FINANCEUR_LABELS.items():
        rows = per_action[per_action["financeur"] == financeur]
        if rows.empty:
            continue
        lines.append(f"- **Part {label}** — " + budget_sentence(rows))
    return "\n".join(lines)


def checks_paragraph(report, scopes=None) -> str:
    """What the checks found in the document, apart from the actions' performance, in one or two sentences.

    Only established gaps are counted as the document's inconsistencies; what the
    text alone does not establish is counted apart, « à vérifier ».
    """
    checks = findings.ordered_checks(report, scopes)
    if checks.empty:
        return "Aucun contrôle de cohérence ne porte sur ce périmètre."
    counts = section_counts(checks)
    inconsistencies = counts[Category.COHERENCE.label]
    to_verify = counts[TO_VERIFY][""]
    missing = counts[Category.DONNEE_MANQUANTE.label][""]
    agreeing = counts[AGREEING][""]
    kinds = ", ".join(f"{key.lower()} : {n}" for key, n in inconsistencies.items() if key)
    incoherent = plural(inconsistencies[""], "incohérence du document", "incohérences du document")
    found = [text for n, text in ((agreeing, plural(agreeing, "conforme")),
                                  (inconsistencies[""], incoherent + (f" ({kinds})" if kinds else "")),
                                  (to_verify, plural(to_verify, "constat à vérifier", "constats à vérifier")),
                                  (missing, plural(missing, "donnée manquante"))) if n]
    total = agreeing + inconsistencies[""] + to_verify + missing
    text = f"{plural(total, 'contrôle')} du document : {enumerate_fr(found)}"
    return text + ("." if inconsistencies[""] or missing or to_verify else " ; aucune anomalie relevée.")


#: Where the annex's sections start (``<a id>`` in its Markdown cells), for the synthesis's links.
SECTION_ANCHORS = {"actions": "actions", "budget": "budget", "coherence": "coherence",
                   "cibles": "cibles-et-resultats", "ambigu": "valeurs-ambigues"}
#: How many of the document's inconsistencies the summary quotes.
QUOTED_INCONSISTENCIES = 3


def synthesis_overview(report, chain=None, orientation_page: str = "", annex_page: str = "") -> Markdown:
    """The synthesis in one screen: actions, execution, main inconsistencies, ambiguous values, RSA chain.

    Each point links to its detail: a section of the annex page ``annex_page`` (of this page when it is ""),
    or the orientation page ``orientation_page`` when given. The money per financeur is the table
    :func:`calpae_lib.present.views.financeur_budget_table`, shown just before.
    """
    def link(text: str, anchor: str) -> str:
        return f"[{text}]({annex_page}#{SECTION_ANCHORS[anchor]})"

    points = [f"**Actions.** {actions_sentence(report)} {link('Liste des actions', 'actions')}"]
    amounts = money.amounts_of(money.budget_by_action(report))
    points.append(f"**Exécution** (État et Département ensemble). {money_sentence(amounts)}")
    points.append(f"**Cohérence du document.** {checks_paragraph(report)} "
                  f"{link('Détail des contrôles', 'coherence')}{main_inconsistencies(report)}")
    ambiguous = views.ambiguous_count(report)
    if ambiguous:
        one = ambiguous == 1
        points.append(f"**Valeurs ambiguës.** {plural(ambiguous, 'valeur imprimée', 'valeurs imprimées')} "
                      f"dans le rapport n'{'a' if one else 'ont'} pas de place certaine dans "
                      f"{'son' if one else 'leur'} tableau : {'elle est montrée telle' if one else 'elles sont montrées telles'}"
                      f" qu'imprimée{'' if one else 's'}, marquée{'' if one else 's'} « ambigu ». "
                      f"{link('Liste des valeurs ambiguës', 'ambigu')}")
    headline = orientation_headline(chain) if chain is not None else ""
    if headline:
        more = f" [Délais d'orientation]({orientation_page})" if orientation_page else ""
        points.append(f"**Orientation des allocataires du RSA.** {headline}{more}")
    return prose("\n".join(f"- {p}" for p in points))


def ambiguity_intro(report) -> Markdown:
    """Why values are ambiguous and what settles them, said once above the table of them."""
    count = views.ambiguous_count(report)
    if not count:
        return prose("")
    return prose(f"{plural(count, 'valeur imprimée', 'valeurs imprimées')} n'{'a' if count == 1 else 'ont'} "
                    f"pas de place certaine dans {'son' if count == 1 else 'leur'} tableau. "
                    f"{views.SHEET_AMBIGUITY} Elles ne sont ni devinées ni écartées : chacune figure ici, telle "
                    f"qu'imprimée et marquée « ambigu », sur la ligne de son indicateur, avec la page du rapport "
                    f"imprimé{where_else(report)}. {views.AMBIGUITY_ADVICE}")


def where_else(report) -> str:
    """What an ambiguous value's place adds to its page: the line of a text (its PDF has no line numbers)."""
    return "" if report.doc.places else " quand elle est connue et la ligne du texte"


#: How many indicators the synthesis names on each side (below target, target reached): the rest is in the annex.
HIGHLIGHTS = 4


def results_highlights(report, annex_page: str = "") -> Markdown:
    """What went well and less well: the indicators furthest below their target and some reached, each with
    the Département's explanation when the report gives one (the whole list is the annex's « Cibles et résultats »).
    """
    rows = findings.attainment_order(findings.targets_against_results(report))
    graded = rows[[isinstance(a, bool) for a in rows["attained"]]]
    if graded.empty:
        return prose("Aucun indicateur n'a à la fois une cible et un résultat chiffrés pour l'année.")
    by_line = views.justifications_by_line(report)
    missed = graded[[a is False for a in graded["attained"]]]
    reached = graded[[a is True for a in graded["attained"]]]
    explained = [bool(views.justification_of(lines, by_line)) for lines in reached["lines"]]
    reached = pd.concat([reached[explained], reached[[not e for e in explained]].iloc[::-1]])
    link = f" [Toutes les cibles et leurs résultats]({annex_page}#cibles-et-resultats)" if annex_page else ""
    text = (f"Sur {plural(len(graded), 'indicateur')} dont l'atteinte de la cible {report.meta.year} peut "
            f"être jugée, {plural(len(reached), 'cible')} "
            f"{'est atteinte' if len(reached) == 1 else 'sont atteintes'} et {format_number(len(missed))} "
            f"{'ne l’est pas' if len(missed) == 1 else 'ne le sont pas'}.{link}")
    for title, part in (("Cibles les moins atteintes", missed), ("Cibles atteintes ou dépassées", reached)):
        if not part.empty:
            text += f"\n\n**{title}**\n\n" + "\n".join(
                f"- {highlight_line(row, by_line)}" for row in part.head(HIGHLIGHTS).itertuples())
    return prose(text)


def highlight_line(row, by_line: dict) -> str:
    """One indicator in a sentence: result against target, where it is printed, the Département's explanation."""
    unit = row.unit
    result, target = (views.value_cell(v, unit, "", "ok") for v in (row.result, row.target))
    place = md_text(row.places[0]).replace("fiche ", "") if len(row.places) else ""
    text = f"{md_text(views.indicator_name(row.indicator))} ({place}) : {result} pour une cible de {target}."
    why = views.justification_of(row.lines, by_line)
    return text + (f" *Le Département l'explique ainsi :* « {md_text(why)} »" if why else "")


def main_inconsistencies(report) -> str:
    """The first inconsistencies of the document, quoted (at most :data:`QUOTED_INCONSISTENCIES`)."""
    checks = findings.ordered_checks(report)
    established = checks[(checks["category"] == Category.COHERENCE) & (checks["status"] == Status.ECART)]
    found = [md_text(views.lines_as_pages(report, m)) for m in established["message"].dropna()][:QUOTED_INCONSISTENCIES]
    if not found:
        return ""
    return "\n\n    Les premiers écarts relevés :\n\n" + "\n".join(f"    - {m}" for m in found)


def orientation_headline(chain) -> str:
    """The chain's first rate of the report's year in a sentence, against the Département's objective."""
    from calpae_lib.present.orientation import of_year

    rates = of_year(chain.rates, chain.report_year).dropna(subset=["rate"])
    entrants = of_year(chain.steps, chain.report_year)
    entrants = entrants[(entrants["step"] == "entrants") & (entrants["status"] == "ok")]
    if rates.empty:
        return ""
    first = rates.iloc[0]
    text = f"En {chain.report_year}, "
    if not entrants.empty:
        text += f"{format_number(entrants['value'].iloc[0])} nouveaux entrants au RSA. "
    label = md_text(first["label"])
    text += (f"{label[:1].upper() + label[1:]} : {format_percent(first['rate'])} "
             f"({format_number(first['numerator_value'])} sur {format_number(first['denominator_value'])})")
    if first["target_rate"] == first["target_rate"] and first["target_rate"] is not None:
        text += f", pour un objectif départemental de {format_percent(first['target_rate'])}"
    return text + "."


def axis_heading(report, key: str) -> Markdown:
    subtitle = views.axis_subtitle(report, key)
    title = views.axis_label(key)
    return heading(report, f"{title} : {subtitle}" if subtitle else title)  # heading() escapes


def axis_summary(report, key: str) -> Markdown:
    """The axis in a paragraph: its actions, its money, its checks, its indicators."""
    actions = axes.axis_actions(report, key)
    if actions.empty:
        return prose(f"Le rapport ne contient aucune action pour « {md_text(views.axis_label(key))} ».")
    budget = money.budget_by_axis(report, key)
    funded = int(actions["has_budget"].astype(bool).sum())
    text = f"{part_phrase(actions).capitalize()} compte {plural(len(actions), 'action')}{funded_clause(funded, len(actions))}. "
    if not budget.empty:
        text += budget_sentence(budget)
    statuses = views.indicator_status_counts(report, actions["action_id"])
    if statuses:
        text += "\n\n" + indicator_values_sentence(statuses)
    text += f"\n\n**Cohérence.** {checks_paragraph(report, page_scopes(report, key))}"
    return prose(text)


def page_scopes(report, key: str) -> list[str]:
    """What a volet's page reports on: its actions, and the volet as a whole (a finding's scope is then the key:
    the budget annex's header of the volet, say), so that its counts are the annex's for the same volet."""
    return list(axes.axis_actions(report, key)["action_id"]) + [key]


def part_phrase(actions: pd.DataFrame) -> str:
    """« cet axe » for the actions of an axis (the report prints one for them), « ce volet » otherwise.

    >>> part_phrase(pd.DataFrame({"axis": ["II", "II"]})), part_phrase(pd.DataFrame({"axis": [None]}))
    ('cet axe', 'ce volet')
    """
    return "cet axe" if actions["axis"].fillna("").astype(str).str.strip().ne("").any() else "ce volet"


def funded_clause(funded: int, total: int) -> str:
    """How many of ``total`` actions have money, without « 2 actions, dont 2 avec ».

    >>> funded_clause(2, 2), funded_clause(0, 3), funded_clause(14, 18), funded_clause(1, 1)
    (', toutes avec une valorisation financière', ', aucune avec une valorisation financière', ', dont 14 avec une valorisation financière', ', avec une valorisation financière')
    """
    if funded == total:
        return ", avec une valorisation financière" if total == 1 else ", toutes avec une valorisation financière"
    if funded == 0:
        return ", sans valorisation financière" if total == 1 else ", aucune avec une valorisation financière"
    return f", dont {format_number(funded)} avec une valorisation financière"


def indicator_values_sentence(statuses: dict) -> str:
    """How many indicator values were read, and how many are missing or ambiguous; no « 0 ambiguës ».

    >>> print(indicator_values_sentence({"ok": 171, "not_available": 10}))
    Les fiches donnent 181 valeurs d'indicateurs : 171 lues sans ambiguïté et 10 non disponibles dans le rapport.
    >>> print(indicator_values_sentence({"ok": 3}))
    Les fiches donnent 3 valeurs d'indicateurs, toutes lues sans ambiguïté.
    """
    ok, missing, ambiguous = (statuses.get(k, 0) for k in ("ok", "not_available", "ambiguous"))
    total = sum(statuses.values())
    if total == ok:
        return f"Les fiches donnent {plural(total, 'valeur')} d'indicateurs, toutes lues sans ambiguïté."
    parts = ([f"{format_number(ok)} lue{'s' if ok > 1 else ''} sans ambiguïté"] if ok else []) + (
        [f"{format_number(missing)} non disponible{'s' if missing > 1 else ''} dans le rapport"] if missing else []) + (
        [f"{format_number(ambiguous)} ambiguë{'s' if ambiguous > 1 else ''}, montrée{'s' if ambiguous > 1 else ''} "
         "telle{} qu'imprimée{} avec la marque « ambigu »".format("s" if ambiguous > 1 else "", "s" if ambiguous > 1 else "")]
        if ambiguous else [])
    return f"Les fiches donnent {plural(total, 'valeur')} d'indicateurs : {enumerate_fr(parts)}."


def action_heading(report, action_id: str, actions: pd.DataFrame | None = None,
                   budget: pd.DataFrame | None = None) -> Markdown:
    """An action's heading, its sheet's line and its money in sentences.

    ``actions`` (:func:`~calpae_lib.analysis.axes.actions_with_axis` indexed by
    ``action_id``) and ``budget`` (:func:`~calpae_lib.analysis.budget.budget_by_action`):
    the report's, when the caller already has them (one axis report asks for every action).
    """
    actions = actions if actions is not None else axes.actions_with_axis(report).set_index("action_id")
    row = actions.loc[action_id]
    text = f"## Action {row['number']} : {md_text(row['title'])}\n\n"
    text += f"*Fiche action : {md_text(views.place_cell(report, row['source_line']))}.* "
    budget = budget if budget is not None else money.budget_by_action(report)
    budget = budget[budget["action_id"] == action_id]
    if not bool(row["has_budget"]):
        text += "Cette action n'a pas de valorisation financière."
    elif budget.empty:
        text += "Son budget n'est pas lu dans le rapport."
    else:
        for financeur, label in views.FINANCEUR_LABELS.items():
            rows = budget[budget["financeur"] == financeur]
            if not rows.empty:
                text += f"\n\n- **Part {label}** — " + budget_sentence(rows)
    return prose(text)


def action_blocks(report, key: str) -> list:
    """For each action of an axis: its heading and money, indicators and findings."""
    whole = findings.checks_table(report, scopes=[key], only_findings=True)
    blocks = [] if whole.frame.empty else [
        prose(f"## {md_text(views.axis_label(key))} dans son ensemble\n\nCe que les contrôles relèvent sur "
                 "le volet lui-même, hors de ses actions."), whole]
    actions = axes.actions_with_axis(report).set_index("action_id")
    budget = money.budget_by_action(report)
    for action_id in axes.axis_actions(report, key)["action_id"]:
        blocks.append(action_heading(report, action_id, actions, budget))
        bilan = bilan_block(report, action_id)
        if bilan is not None:
            blocks.append(bilan)
        amounts = views.action_budget_table(report, action_id)
        if bool(actions.loc[action_id, "has_budget"]) or not amounts.frame.empty:  # else its heading says so
            blocks.append(amounts)
        blocks.append(views.action_indicators_table(report, action_id))
        blocks.append(findings.checks_table(report, scopes=[action_id], only_findings=True))
    return blocks


def bilan_block(report, action_id: str) -> HTML | None:
    """The Département's own account of the year for one action (its sheet's « Bilan d'exécution »), folded on
    screen and printed in full (calpae.css).

    Quoted as printed, paragraph by paragraph, with where it is printed; ``None`` when the sheet has no such section.
    """
    action = next((a for a in report.outline.actions if a.action_id == action_id), None)
    section = outline.sheet_section(report.doc, action, outline.BILAN_TITLE) if action is not None else None
    if section is None or not section.paragraphs:
        return None
    where = views.place_cell(report, section.line)
    paragraphs = "".join(f"<p>{html.escape(text)}</p>" for _, text in section.paragraphs)
    return HTML(f'<details class="calpae-details calpae-bilan"><summary>{html.escape(section.title)} : ce que '
                f'le Département en dit ({html.escape(where)})</summary>'
                f"<blockquote>{paragraphs}</blockquote></details>")


def key_figures(report, key: str | None = None) -> str:
    """Plain-text key figures (checked by nbval): year, département, actions, money."""
    actions = axes.axis_actions(report, key) if key else axes.actions_with_axis(report)
    lines = [f"Année : {report.meta.year}", f"Département : {report.meta.departement}",
             f"Actions : {len(actions)}"]
    budget = money.budget_by_action(report)
    budget = budget[budget["action_id"].isin(list(actions["action_id"]))]
    lines.append(f"Prévu : {format_eur(budget['prevu'].sum(min_count=1))}")
    return "\n".join(lines).replace("\u202f", " ").replace("\xa0", " ")


def orientation_summary(chain) -> Markdown:
    """The report year's chain in sentences: entrants, rates, targets."""
    year = chain.report_year
    if year is None:
        return prose("L'annexe 4 de ce rapport ne donne pas la chaîne d'orientation des nouveaux entrants.")
    from calpae_lib.present.orientation import of_year, rate_caveat, repeated_rates

    copied = {rate_id for rate_id, period, kind in repeated_rates(chain) if kind == "target" and period == str(year)}
    rates = of_year(chain.rates, year)
    steps = of_year(chain.steps, year)
    steps = steps[steps["step"] == "entrants"]
    text = f"En {year}, "
    if not steps.empty and steps["status"].iloc[0] == "ok":
        text += f"le Département compte {format_number(steps['value'].iloc[0])} nouveaux entrants au RSA. "
    else:
        text += "le nombre de nouveaux entrants n'est pas disponible. "
    lines = [f"- {md_text(label[:1].upper() + label[1:])} : **{format_percent(rate)}** ({format_number(n)} sur {format_number(d)})"
             + (f", pour un objectif départemental de {format_percent(target)}"
                if target == target and target is not None and row.rate_id not in copied else
                ", objectif départemental non calculable (valeurs recopiées)" if row.rate_id in copied else "")
             + (f" — {md_text(rate_caveat(row))}" if rate_caveat(row) else "")
             for label, rate, n, d, target, row in zip(rates["label"], rates["rate"], rates["numerator_value"],
                                                        rates["denominator_value"], rates["target_rate"],
                                                        rates.itertuples())
             if rate == rate and rate is not None]
    warnings = int(chain.findings["status"].isin(["avertissement", "ecart"]).sum()) if len(chain.findings) else 0
    tail = (f"\n\nLes données appellent {plural(warnings, 'réserve')} (voir « Qualité des données »)."
            if warnings else "")
    return prose(text + "Taux de la chaîne :\n\n" + "\n".join(lines) + tail)


def orientation_key_figures(chain) -> str:
    """Plain-text key figures of the chain (checked by nbval)."""
    targets = chain.targets
    lines = [f"Année : {chain.report_year}"]
    for label, target, result in zip(targets["step_label"], targets["target"], targets["result"]):
        lines.append(f"{label} : {format_number(result)} (objectif {format_number(target)})")
    return "\n".join(lines).replace("\u202f", " ").replace("\xa0", " ")
