"""French sentences written from the data, as Markdown for the notebooks.

Every piece of text that comes from the report (titles, labels) goes through
:func:`md_text`, so that a title holding ``<script>`` or Markdown marks is
shown as printed, never interpreted. Numbers go through
:mod:`calpae_lib.text.formatting`; a missing value is said to be missing.
"""

from __future__ import annotations

import html
import re

from IPython.display import Markdown

from calpae_lib.analysis import axes
from calpae_lib.analysis import budget as money
from calpae_lib.present import views
from calpae_lib.text.formatting import format_eur, format_number, format_percent

#: Characters that Markdown would interpret (emphasis, links, headings, tables, code).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(text) -> str:
    """Report text made safe for Markdown: HTML escaped, Markdown marks backslashed.

    >>> md_text("<script>alert(1)</script> *gras*")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\*gras\\\\*'
    """
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 action"``, ``"3 actions"``, French numbers.

    >>> plural(1, "action"), plural(1200, "contrôle")
    ('1 action', '1\\u202f200 contrôles')
    """
    word = singular if count in (0, 1) else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"


def enumerate_fr(items: list[str]) -> str:
    """``a, b et c``.

    >>> enumerate_fr(["a", "b", "c"]), enumerate_fr(["a"])
    ('a, b et c', 'a')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1] if items else ""


def source_note(report) -> str:
    """Where the figures come from: file name, checksum, deliberation."""
    meta = report.meta
    parts = [f"Source : {md_text(report.doc.path.name)} (SHA-256 `{report.doc.sha256[:16]}…`)"]
    if meta.deliberation:
        parts.append(f"délibération n° {md_text(meta.deliberation)}")
    if meta.signed:
        parts.append(md_text(meta.signed))
    return ", ".join(parts) + "."


def heading(report, title: str) -> Markdown:
    """The report's title block: title, year and département, source."""
    meta = report.meta
    return Markdown(f"# {md_text(title)}\n\n"
                    f"**Rapport d'exécution {meta.year} — {md_text(meta.departement)}**\n\n"
                    f"{source_note(report)}")


def actions_sentence(report) -> str:
    actions = axes.actions_with_axis(report)
    counts = actions.groupby("volet", sort=False).size()
    parts = [f"{plural(int(n), 'action')} {VOLET_PHRASES.get(v, v)}" for v, n in counts.items()]
    unfunded = int((~actions["has_budget"].astype(bool)).sum())
    sentence = f"Le rapport décrit {plural(len(actions), 'action')} : {enumerate_fr(parts)}."
    if unfunded:
        sentence += (f" {plural(unfunded, 'action')} n'{'a' if unfunded == 1 else 'ont'} "
                     "pas de valorisation financière.")
    return sentence


VOLET_PHRASES = {"socle": "du socle commun", "initiative": "à l'initiative du Département",
                 "erbm": "du volet ERBM"}


def money_sentence(prevu, engage, missing_engage: int = 0, rate=None) -> str:
    """Prévu, engagé and taux in one sentence; says when the engagé is incomplete.

    >>> print(money_sentence(1000, 800))
    Prévu : 1\u202f000\xa0€ ; engagé : 800\xa0€, soit un taux d'exécution de 80\xa0%.
    >>> print(money_sentence(1000, float("nan")))
    Prévu : 1\u202f000\xa0€ ; le montant engagé n'est pas renseigné.
    """
    if prevu != prevu or prevu is None:
        return "Aucun montant prévu n'est lu dans le rapport."
    if engage != engage or engage is None:
        return f"Prévu : {format_eur(prevu)} ; le montant engagé n'est pas renseigné."
    rate = money.execution_rate(prevu, engage) if rate is None else rate
    text = (f"Prévu : {format_eur(prevu)} ; engagé : {format_eur(engage)}, "
            f"soit un taux d'exécution de {format_percent(rate)}.")
    if missing_engage:
        text += (f" Le montant engagé n'est pas renseigné pour {plural(missing_engage, 'ligne')} "
                 "(action et financeur) : le taux ne compare que les lignes dont l'engagé est connu.")
    return text


def budget_sentence(rows) -> str:
    """Money sentence for rows of :func:`money.budget_by_action` (several actions or financeurs)."""
    missing = int((rows["prevu"].notna() & rows["engage"].isna()).sum())
    return money_sentence(rows["prevu"].sum(min_count=1), rows["engage"].sum(min_count=1), missing,
                          money.known_rate(rows["prevu"], rows["engage"]))


def budget_paragraph(report) -> str:
    if not axes.has_table(report, "budgets"):
        return "Les montants des fiches actions ne sont pas encore lus par calpae pour ce rapport."
    per_action = money.budget_by_action(report)
    lines = []
    for financeur, label in views.FINANCEUR_LABELS.items():
        rows = per_action[per_action["financeur"] == financeur]
        if rows.empty:
            continue
        lines.append(f"- **Part {label}** — " + budget_sentence(rows))
    return "\n".join(lines)


def checks_paragraph(report, scopes=None) -> str:
    """How many checks agree, how many do not, in one or two sentences."""
    if not axes.has_table(report, "checks"):
        return "Les contrôles de cohérence ne sont pas disponibles pour ce rapport."
    checks = views.ordered_checks(report, scopes)
    if checks.empty:
        return "Aucun contrôle de cohérence ne porte sur ce périmètre."
    counts = checks["status"].value_counts()
    findings = [plural(int(counts[s]), one, many) for s, one, many in
                (("ecart", "écart", "écarts"), ("manquant", "donnée manquante", "données manquantes"),
                 ("avertissement", "avertissement", "avertissements"))
                if counts.get(s, 0)]
    text = f"{plural(len(checks), 'contrôle')} : {plural(int(counts.get('ok', 0)), 'conforme')}"
    return text + (f", {enumerate_fr(findings)}." if findings else " ; aucune anomalie relevée.")


def synthesis_summary(report) -> Markdown:
    meta = report.meta
    return Markdown(
        f"Ce document présente l'exécution en {meta.year} de la convention d'appui à la lutte contre "
        f"la pauvreté et d'accès à l'emploi (CALPAE) signée entre l'État et le département "
        f"{md_text(meta.departement)}. {actions_sentence(report)}\n\n{budget_paragraph(report)}\n\n"
        f"**Cohérence du rapport.** {checks_paragraph(report)}"
    )


def axis_heading(report, key: str) -> Markdown:
    subtitle = views.axis_subtitle(report, key)
    title = views.axis_label(key)
    return heading(report, f"{title} : {subtitle}" if subtitle else title)  # heading() escapes


def axis_summary(report, key: str) -> Markdown:
    """The axis in a paragraph: its actions, its money, its checks, its indicators."""
    actions = axes.axis_actions(report, key)
    if actions.empty:
        return Markdown(f"Le rapport ne contient aucune action pour « {md_text(views.axis_label(key))} ».")
    budget = money.budget_by_axis(report, key)
    funded = int(actions["has_budget"].astype(bool).sum())
    text = (f"Cet axe compte {plural(len(actions), 'action')}, dont {format_number(funded)} avec une "
            f"valorisation financière. ")
    if not budget.empty:
        text += budget_sentence(budget)
    statuses = views.indicator_status_counts(report, actions["action_id"])
    if statuses:
        text += (f"\n\nLes fiches de l'axe donnent {plural(sum(statuses.values()), 'valeur')} d'indicateurs : "
                 f"{format_number(statuses.get('ok', 0))} lues sans ambiguïté, "
                 f"{format_number(statuses.get('not_available', 0))} non disponibles dans le rapport et "
                 f"{format_number(statuses.get('ambiguous', 0))} ambiguës (à vérifier dans le document source).")
    scopes = list(actions["action_id"])
    text += f"\n\n**Cohérence.** {checks_paragraph(report, scopes)}"
    return Markdown(text)


def action_heading(report, action_id: str) -> Markdown:
    actions = axes.actions_with_axis(report).set_index("action_id")
    row = actions.loc[action_id]
    text = f"## Action {row['number']} : {md_text(row['title'])}\n\n"
    text += f"*Fiche action à la ligne {row['source_line']} du rapport.* "
    budget = money.budget_by_action(report)
    budget = budget[budget["action_id"] == action_id]
    if not bool(row["has_budget"]):
        text += "Cette action n'a pas de valorisation financière."
    elif budget.empty:
        text += "Son budget n'est pas lu dans le rapport."
    else:
        for financeur, label in views.FINANCEUR_LABELS.items():
            rows = budget[budget["financeur"] == financeur]
            if not rows.empty:
                text += f"\n\n- **Part {label}** — " + money_sentence(rows["prevu"].iloc[0], rows["engage"].iloc[0])
    return Markdown(text)


def action_blocks(report, key: str) -> list:
    """For each action of an axis: its heading and money, indicators and findings."""
    blocks = []
    for action_id in axes.axis_actions(report, key)["action_id"]:
        blocks.append(action_heading(report, action_id))
        if axes.has_table(report, "budgets"):
            blocks.append(views.action_budget_table(report, action_id))
        blocks.append(views.action_indicators_table(report, action_id))
        if axes.has_table(report, "checks"):
            blocks.append(views.checks_table(report, scopes=[action_id], only_findings=True))
    return blocks


def key_figures(report, key: str | None = None) -> str:
    """Plain-text key figures (checked by nbval): year, département, actions, money."""
    actions = axes.axis_actions(report, key) if key else axes.actions_with_axis(report)
    lines = [f"Année : {report.meta.year}", f"Département : {report.meta.departement}",
             f"Actions : {len(actions)}"]
    if axes.has_table(report, "budgets"):
        budget = money.budget_by_action(report)
        budget = budget[budget["action_id"].isin(list(actions["action_id"]))]
        lines.append(f"Prévu : {format_eur(budget['prevu'].sum(min_count=1))}")
    return "\n".join(lines).replace("\u202f", " ").replace("\xa0", " ")


def orientation_summary(chain) -> Markdown:
    """The report year's chain in sentences: entrants, rates, targets."""
    year = chain.report_year
    if year is None:
        return Markdown("L'annexe 4 de ce rapport ne donne pas la chaîne d'orientation des nouveaux entrants.")
    rates = chain.rates[(chain.rates["kind"] == "result") & (chain.rates["period"] == year)]
    steps = chain.steps[(chain.steps["kind"] == "result") & (chain.steps["period"] == year)
                        & (chain.steps["step"] == "entrants")]
    text = f"En {year}, "
    if not steps.empty and steps["status"].iloc[0] == "ok":
        text += f"le Département compte {format_number(steps['value'].iloc[0])} nouveaux entrants au RSA. "
    else:
        text += "le nombre de nouveaux entrants n'est pas disponible. "
    lines = [f"- {md_text(label)} : **{format_percent(rate)}** ({format_number(n)} sur {format_number(d)})"
             + (f", pour un taux visé de {format_percent(target)}" if target == target and target is not None else "")
             for label, rate, n, d, target in zip(rates["label"], rates["rate"], rates["numerator_value"],
                                                   rates["denominator_value"], rates["target_rate"])
             if rate == rate and rate is not None]
    warnings = int((chain.findings["status"] == "avertissement").sum()) if len(chain.findings) else 0
    tail = (f"\n\nLes données appellent {plural(warnings, 'réserve')} (voir « Qualité des données »)."
            if warnings else "")
    return Markdown(text + "Taux de la chaîne :\n\n" + "\n".join(lines) + tail)


def orientation_key_figures(chain) -> str:
    """Plain-text key figures of the chain (checked by nbval)."""
    targets = chain.targets
    lines = [f"Année : {chain.report_year}"]
    for label, target, result in zip(targets["step_label"], targets["target"], targets["result"]):
        lines.append(f"{label} : {format_number(result)} (objectif {format_number(target)})")
    return "\n".join(lines).replace("\u202f", " ").replace("\xa0", " ")
