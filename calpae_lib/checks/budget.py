"""Rules on money: annex arithmetic, sheets against the annex, execution.

The annex budget tables (``annex_budget``) print, per volet, each action's
total line followed by its État and Département lines, then two sub-totals
and a total. The action sheets (``budgets``) print the same money per action:
5.1 (prévu, the avenant) and 5.2 (engagé). The rapport states how much of the
State's credits were consumed and that both financeurs pay equal shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from calpae_lib.checks.registry import ANNEX_LINES, DOCUMENT, Finding, rule
from calpae_lib.tables.vocabulary import FINANCEUR_LABELS, Category, Grade, Stage
from calpae_lib.tables.budgets import budget_sections, displaced_executed
from calpae_lib.text.formatting import format_eur, format_percent, is_missing
from calpae_lib.text.numbers import percentage
from calpae_lib.tables.claims import claims_of
from calpae_lib.template.budgets import LINE_NAME
from calpae_lib.template.volets import VOLET_NAMES_IN_TEXT
from calpae_lib.text.outline import action_label

#: The annex's two amount columns and how the messages name them.
ANNEX_COLUMNS = {"avenant": "le montant avenant", "engage": "le montant engagé"}
#: Which annex column a sheet's stage is compared with.
STAGE_COLUMN = {"prevu": "avenant", "engage": "engage"}
STAGE_LABELS = {str(stage): stage.in_sentence for stage in Stage}
SUBTOTAL_KIND = {"etat": "subtotal_etat", "departement": "subtotal_departement"}


@dataclass(frozen=True)
class AnnexAction:
    """An annex action line with its État and Département lines (``None`` when absent)."""

    volet: str
    line: dict
    etat: dict | None
    departement: dict | None

    def part(self, financeur: str) -> dict | None:
        return self.etat if financeur == "etat" else self.departement


def short(label, width: int = 70) -> str:
    """A label cut to fit in a sentence.

    >>> short("Accompagnement global", 12)
    'Accompagnem…'
    """
    label = " ".join(str(label).split())
    return label if len(label) <= width else label[: width - 1] + "…"


def amount(value) -> int | None:
    """An annex or sheet cell as an integer, ``None`` when empty."""
    return None if is_missing(value) else int(value)


def line_of(row: pd.Series | dict | None) -> int | None:
    return None if row is None or is_missing(row["source_line"]) else int(row["source_line"])


def in_print_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("source_line", kind="stable")


def annex_actions(annex: pd.DataFrame) -> list[AnnexAction]:
    """The annex's action lines, each with the État and Département lines printed after it."""
    groups, current = [], None
    for row in in_print_order(annex).to_dict("records"):
        kind = row["row_kind"]
        if kind == "action":
            current = {"volet": row["volet"], "line": row, "etat": None, "departement": None}
            groups.append(current)
        elif kind in ("etat", "departement") and current is not None and current["volet"] == row["volet"] \
                and current[kind] is None:
            current[kind] = row
        elif kind not in ("etat", "departement"):
            current = None
    return [AnnexAction(**group) for group in groups]


def volets_of(annex: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(in_print_order(annex)["volet"]))


def rows_by(frame: pd.DataFrame, column: str):
    """``key -> frame's rows whose column holds key``, in their order; no rows for an absent key.

    One grouping instead of a comparison of the whole column for every key asked.

    >>> rows = rows_by(pd.DataFrame({"action_id": ["a", "b", "a"], "amount": [1, 2, 3]}), "action_id")
    >>> list(rows("a")["amount"]), len(rows("z"))
    ([1, 3], 0)
    """
    groups = {key: group for key, group in frame.groupby(column, sort=False)}
    empty = frame.iloc[:0]
    return lambda key: groups.get(key, empty)


def rows_of(annex: pd.DataFrame, volet: str, kind: str) -> pd.DataFrame:
    return annex[(annex["volet"] == volet) & (annex["row_kind"] == kind)]


def compare(check_id: str, scope: str, expected, observed, line, ok: str, ecart: str, basis: str = "") -> Finding:
    """An ``ok`` or ``ecart`` finding for two amounts (messages given with ``{e}``/``{o}``): ``observed`` is
    printed at ``line``, ``expected`` is what it should be according to ``basis``."""
    status = "ok" if expected == observed else "ecart"
    message = (ok if status == "ok" else ecart).format(e=format_eur(expected), o=format_eur(observed))
    return Finding(check_id, scope, status, format_eur(expected), format_eur(observed), message, line, basis=basis)


def scope_of(action: AnnexAction) -> str:
    action_id = action.line["action_id"]
    return action_id if isinstance(action_id, str) and action_id else action.volet


# --- annex arithmetic -------------------------------------------------------------------


@rule("annexe.action_egale_parts", needs=("annex_budget",), grade=Grade.MONTANT)
def check_action_lines(tables, doc, meta) -> list[Finding]:
    """Chaque ligne d'action de l'annexe égale sa part État plus sa part Département (avenant et engagé)."""
    findings = []
    for action in annex_actions(tables[ANNEX_LINES]):
        label, line = short(action.line["label"]), line_of(action.line)
        missing = [FINANCEUR_LABELS[f] for f in ("etat", "departement") if action.part(f) is None]
        if missing:
            findings.append(Finding("annexe.action_egale_parts", scope_of(action), "manquant", "", "",
                                    f"L'annexe n'imprime pas de ligne {' ni '.join(missing)} sous l'action "
                                    f"« {label} ».", line))
            continue
        for column, name in ANNEX_COLUMNS.items():
            parts = [amount(action.etat[column]), amount(action.departement[column])]
            printed = amount(action.line[column])
            if None in parts or printed is None:
                findings.append(Finding("annexe.action_egale_parts", scope_of(action), "manquant", "", "",
                                        f"Annexe, « {label} » : {name} manque sur la ligne d'action ou ses parts.",
                                        line))
                continue
            findings.append(compare(
                "annexe.action_egale_parts", scope_of(action), sum(parts), printed, line,
                f"Annexe, « {label} » : {name} ({{o}}) est bien la somme des parts État et Département.",
                f"Annexe, « {label} » : {name} imprimé ({{o}}) diffère de la somme des parts État et "
                f"Département ({{e}}).", basis="la somme des parts État et Département de l'annexe",
            ))
    return findings


@rule("annexe.sous_total", needs=("annex_budget",), grade=Grade.MONTANT)
def check_subtotals(tables, doc, meta) -> list[Finding]:
    """Chaque sous-total (part État, part Département) de l'annexe égale la somme de ses lignes."""
    annex, findings = tables[ANNEX_LINES], []
    for volet in volets_of(annex):
        where = f"Annexe {VOLET_NAMES_IN_TEXT.get(volet, volet)}"
        for financeur, kind in SUBTOTAL_KIND.items():
            subtotal = rows_of(annex, volet, kind)
            who = FINANCEUR_LABELS[financeur]
            if subtotal.empty:
                findings.append(Finding("annexe.sous_total", volet, "manquant", "", "",
                                        f"{where} : pas de sous-total part {who}.",
                                        None))
                continue
            row = subtotal.iloc[0]
            lines = rows_of(annex, volet, financeur)
            for column, name in ANNEX_COLUMNS.items():
                findings.append(compare(
                    "annexe.sous_total", volet, int(lines[column].fillna(0).sum()), amount(row[column]),
                    line_of(row),
                    f"{where} : le sous-total part {who} ({{o}}) égale la somme "
                    f"des lignes pour {name}.",
                    f"{where} : le sous-total part {who} imprimé ({{o}}) diffère "
                    f"de la somme de ses {len(lines)} lignes ({{e}}) pour {name}.",
                    basis=f"la somme de ses {len(lines)} lignes",
                ))
    return findings


@rule("annexe.total", needs=("annex_budget",), grade=Grade.MONTANT)
def check_totals(tables, doc, meta) -> list[Finding]:
    """Chaque total général de l'annexe égale la somme de ses deux sous-totaux."""
    annex, findings = tables[ANNEX_LINES], []
    for volet in volets_of(annex):
        total, name_volet = rows_of(annex, volet, "total"), VOLET_NAMES_IN_TEXT.get(volet, volet)
        if total.empty:
            findings.append(Finding("annexe.total", volet, "manquant", "", "",
                                    f"Annexe {name_volet} : pas de ligne de total général.", None))
            continue
        subtotals = annex[(annex["volet"] == volet) & annex["row_kind"].isin(list(SUBTOTAL_KIND.values()))]
        for column, name in ANNEX_COLUMNS.items():
            findings.append(compare(
                "annexe.total", volet, int(subtotals[column].fillna(0).sum()), amount(total.iloc[0][column]),
                line_of(total.iloc[0]),
                f"Annexe {name_volet} : le total général ({{o}}) égale la somme des sous-totaux pour {name}.",
                f"Annexe {name_volet} : le total général imprimé ({{o}}) diffère de la somme des sous-totaux "
                f"({{e}}) pour {name}.", basis="la somme des sous-totaux",
            ))
    return findings


# --- sheets against the annex -----------------------------------------------------------


def sheet_amounts(budgets: pd.DataFrame) -> dict[tuple[str, str, str], tuple[int, int]]:
    """``(action_id, stage, financeur) -> (amount, first source_line)`` of the sheets.

    The part-amounts of a split ("900 000 € dont 200 000 € …") live in
    ``budget_details``, so that adding the rows here never double counts.
    """
    sums = budgets.groupby(["action_id", "stage", "financeur"], sort=False).agg(
        amount=("amount_eur", "sum"), line=("source_line", "min"))  # one aggregation, not one per group
    return {key: (int(row.amount), int(row.line)) for key, row in zip(sums.index, sums.itertuples())}


def annex_by_action(annex: pd.DataFrame) -> dict[str, AnnexAction]:
    return {a.line["action_id"]: a for a in annex_actions(annex)
            if isinstance(a.line["action_id"], str) and a.line["action_id"]}


def financed_actions(budgets: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(budgets["action_id"]))


def compare_stage(stage: str, budgets, annex, doc=None, outline=None) -> list[Finding]:
    """Sheets' amounts of one stage against the matching annex column, per financeur.

    With the document and its ``outline``, an engagé printed outside its sheet's 5.2 section says where, and an
    engagé the sheet prints twice with different amounts further down is « à vérifier », not missing."""
    check_id, column = f"fiche_annexe.{stage}", STAGE_COLUMN[stage]
    sheets, annexed, findings = sheet_amounts(budgets), annex_by_action(annex), []
    for action_id in financed_actions(budgets):
        if action_id not in annexed:
            continue  # reported by fiche_annexe.presence
        for financeur, who in FINANCEUR_LABELS.items():
            part = annexed[action_id].part(financeur)
            annex_amount = amount(part[column]) if part is not None else None
            sheet = sheets.get((action_id, stage, financeur))
            unsure = () if sheet is not None or outline is None else \
                displaced_executed(doc, outline.action(action_id)).ambiguous
            if unsure:
                findings.append(Finding(check_id, action_id, "avertissement", format_eur(annex_amount), "",
                                        f"La rubrique 5.2 de la fiche est vide ; plus bas, la fiche imprime "
                                        f"plusieurs montants sous des libellés « Part … » (lignes "
                                        f"{', '.join(map(str, unsure))}) : le montant {STAGE_LABELS[stage]} part "
                                        f"{who} est à vérifier.", unsure[0], basis="la fiche"))
            elif sheet is None:
                findings.append(missing_on_sheet(check_id, action_id, stage, who, annex_amount, part))
            elif annex_amount is None:
                findings.append(Finding(check_id, action_id, "manquant", format_eur(sheet[0]), "",
                                        f"L'annexe n'imprime pas {ANNEX_COLUMNS[column]} part {who} de cette "
                                        f"action ; la fiche indique {format_eur(sheet[0])}.", sheet[1],
                                        basis="la fiche"))
            else:
                where = displaced_note(doc, outline, action_id, sheet[1]) if stage == "engage" else ""
                findings.append(compare(
                    check_id, action_id, annex_amount, sheet[0], sheet[1],
                    f"Part {who} : le montant {STAGE_LABELS[stage]} de la fiche ({{o}}{where}) est celui de l'annexe.",
                    f"Part {who} : la fiche indique {{o}} en {STAGE_LABELS[stage]}{where}, l'annexe {{e}} "
                    f"(ligne {line_of(part)}).", basis=f"l'annexe budgétaire, ligne {line_of(part)}",
                ))
    return findings


def displaced_note(doc, outline, action_id: str, line: int) -> str:
    """« , imprimé hors de la rubrique 5.2, ligne N » when a sheet's engagé is printed after its 5.2 section."""
    if outline is None:
        return ""
    executed = budget_sections(doc, outline.action(action_id)).executed
    return f", imprimé hors de la rubrique 5.2, ligne {line}" if executed and line > executed[1] else ""


def missing_on_sheet(check_id, action_id, stage, who, annex_amount, part) -> Finding:
    says = f"l'annexe indique {format_eur(annex_amount)}" if annex_amount is not None else "l'annexe non plus"
    return Finding(check_id, action_id, "manquant", format_eur(annex_amount), "",
                   f"La fiche n'imprime pas de montant {STAGE_LABELS[stage]} part {who} ; {says}.",
                   line_of(part), basis="l'annexe budgétaire" if annex_amount is not None else "")


@rule("fiche_annexe.prevu", needs=("budgets", "annex_budget"), grade=Grade.MONTANT)
def check_sheet_planned(tables, doc, meta) -> list[Finding]:
    """Le budget prévisionnel (5.1) de chaque fiche égale le montant avenant de l'annexe, par financeur."""
    return compare_stage("prevu", tables["budgets"], tables[ANNEX_LINES])


@rule("fiche_annexe.engage", needs=("budgets", "annex_budget"), reads=("outline",), grade=Grade.MONTANT)
def check_sheet_committed(tables, doc, meta, outline) -> list[Finding]:
    """Le budget exécuté (5.2) de chaque fiche égale le montant engagé de l'annexe, par financeur."""
    return compare_stage("engage", tables["budgets"], tables[ANNEX_LINES], doc, outline)


@rule("fiche_annexe.presence", needs=("budgets", "annex_budget", "actions"), grade=Grade.MONTANT)
def check_presence(tables, doc, meta) -> list[Finding]:
    """Toute action financée sur sa fiche figure dans l'annexe, et toute ligne de l'annexe a sa fiche."""
    budgets, annex, actions = tables["budgets"], tables[ANNEX_LINES], tables["actions"]
    annexed, findings = annex_by_action(annex), []
    sheet_lines = budgets.groupby("action_id")["source_line"].min()
    for action_id in financed_actions(budgets):
        if action_id in annexed:
            findings.append(Finding("fiche_annexe.presence", action_id, "ok", "présente", "présente",
                                    "L'action financée sur sa fiche figure dans l'annexe budgétaire.",
                                    line_of(annexed[action_id].line), basis="le budget de la fiche"))
        else:
            findings.append(Finding("fiche_annexe.presence", action_id, "manquant", "présente", "absente",
                                    "L'action a un budget sur sa fiche mais aucune ligne dans l'annexe budgétaire.",
                                    int(sheet_lines[action_id]), basis="le budget de la fiche"))
    known = set(actions["action_id"])
    for action in annex_actions(annex):
        action_id, label = action.line["action_id"], short(action.line["label"])
        if not (isinstance(action_id, str) and action_id):
            findings.append(Finding("fiche_annexe.presence", action.volet, "manquant", "une fiche", "aucune",
                                    f"La ligne d'annexe « {label} » n'a pu être rattachée à aucune fiche action.",
                                    line_of(action.line), basis="la ligne de l'annexe budgétaire"))
        elif action_id not in known or action_id not in sheet_lines.index:
            where = "aucune fiche" if action_id not in known else "une fiche sans budget"
            findings.append(Finding("fiche_annexe.presence", action_id, "manquant", "un budget sur la fiche", where,
                                    f"L'annexe finance « {label} » mais le rapport n'en donne que {where}.",
                                    line_of(action.line), basis="la ligne de l'annexe budgétaire"))
    return findings


@rule("fiche.decomposition", needs=("budget_details",), grade=Grade.MONTANT)
def check_split_amounts(tables, doc, meta) -> list[Finding]:
    """Les montants détaillés d'une fiche (« 900 000 € dont … ») s'additionnent au montant qu'ils détaillent."""
    details, findings = tables["budget_details"], []
    for (action_id, stage, financeur, parent), parts in details.groupby(
            ["action_id", "stage", "financeur", "parent_amount_eur"], sort=False):
        listed = " + ".join(format_eur(v) for v in parts["amount_eur"])
        findings.append(compare(
            "fiche.decomposition", action_id, int(parent), int(parts["amount_eur"].sum()),
            int(parts["source_line"].min()),
            f"Part {FINANCEUR_LABELS[financeur]} {STAGE_LABELS[stage]} : le détail ({listed}) redonne bien {{e}}.",
            f"Part {FINANCEUR_LABELS[financeur]} {STAGE_LABELS[stage]} : le détail ({listed}) fait {{o}} et non "
            f"{{e}}.", basis="le montant que le détail décompose",
        ))
    return findings


# --- execution --------------------------------------------------------------------------


@rule("execution.taux", needs=("annex_budget",), category=Category.EXECUTION, grade=Grade.MONTANT)
def check_execution_rates(tables, doc, meta) -> list[Finding]:
    """Taux d'exécution (engagé / avenant) de chaque action et financeur, d'après l'annexe."""
    findings = []
    for action in annex_actions(tables[ANNEX_LINES]):
        for financeur, who in FINANCEUR_LABELS.items():
            part = action.part(financeur)
            if part is None:
                continue
            planned, committed = amount(part["avenant"]), amount(part["engage"])
            rate = percentage(committed, planned)
            if rate is None:
                continue
            status, judgement = rate_status(financeur, planned, committed)
            findings.append(Finding(
                "execution.taux", scope_of(action), status, format_eur(planned), format_eur(committed),
                f"Part {who} de « {short(action.line['label'], 50)} » : {format_eur(committed)} engagés pour "
                f"{format_eur(planned)} prévus, soit un taux d'exécution de {format_percent(rate, 1)}{judgement}.",
                line_of(part), basis="le montant avenant de l'annexe"))
    return findings


def rate_status(financeur: str, planned: int, committed: int) -> tuple[str, str]:
    """Money engaged against money planned: under (``ecart``), on (``ok``) or over (``avertissement``) budget,
    with the gap in words; never a target reached.

    >>> for planned, committed in ((100, 600), (100, 80), (100, 100)):
    ...     print(*rate_status("departement", planned, committed))
    avertissement  : dépassé de 500 €
    ecart  : sous-exécuté de 20 €
    ok  : conforme au prévu
    """
    if committed < planned:
        return "ecart", f" : sous-exécuté de {format_eur(planned - committed)}"
    if committed > planned:
        return "avertissement", f" : dépassé de {format_eur(committed - planned)}"
    return "ok", " : conforme au prévu"


def state_totals(annex: pd.DataFrame) -> tuple[int, int, int | None]:
    """Sum of the État lines' avenant and engagé over all volets, and a line to point at."""
    etat = annex[annex["row_kind"] == "etat"]
    first = int(etat["source_line"].min()) if len(etat) else None
    return int(etat["avenant"].fillna(0).sum()), int(etat["engage"].fillna(0).sum()), first


@rule("execution.credits_etat", needs=("annex_budget",), reads=("claims",), grade=Grade.MONTANT)
def check_state_consumption(tables, doc, meta, claims) -> list[Finding]:
    """Le taux de consommation des crédits de l'État annoncé par le rapport, recalculé sur l'annexe."""
    claims = claims_of(claims, "consommation_credits_etat")
    planned, committed, _ = state_totals(tables[ANNEX_LINES])
    rate = percentage(committed, planned)
    if not claims:
        return [Finding("execution.credits_etat", DOCUMENT, "manquant", format_percent(rate, 1), "",
                        "Le rapport n'énonce pas la consommation des crédits de l'État (phrase introuvable).", None,
                        basis="recalcul sur l'annexe : engagé État sur avenant État")]
    findings = []
    for claim in claims:
        stated = float(claim.value)
        status = "ok" if rate is not None and abs(rate - stated) < 0.5 else "ecart"
        findings.append(Finding(
            "execution.credits_etat", DOCUMENT, status, format_percent(rate, 1), format_percent(stated),
            f"Le rapport annonce des crédits de l'État consommés à {format_percent(stated)} ; l'annexe donne "
            f"{format_eur(committed)} engagés pour {format_eur(planned)}, soit {format_percent(rate, 1)}.",
            claim.source_line, basis="recalcul sur l'annexe : engagé État sur avenant État"))
    return findings


@rule("execution.actions_engagees", needs=("annex_budget",), reads=("claims",), grade=Grade.MONTANT)
def check_all_engaged(tables, doc, meta, claims) -> list[Finding]:
    """L'affirmation « toutes les actions ont été engagées » contre les montants engagés de l'annexe."""
    claims = claims_of(claims, "actions_toutes_engagees")
    if not claims:
        return []
    idle = [a for a in annex_actions(tables[ANNEX_LINES]) if not amount(a.line["engage"])]
    names = ", ".join(f"« {short(a.line['label'], 40)} »" for a in idle)
    status = "ok" if not idle else "ecart"
    message = ("Le rapport affirme que toutes les actions ont été engagées : chaque ligne de l'annexe a un "
               "montant engagé." if not idle else
               f"Le rapport affirme que toutes les actions ont été engagées, mais l'annexe n'a pas de montant "
               f"engagé pour {names}.")
    return [Finding("execution.actions_engagees", DOCUMENT, status, f"{len(idle)} action(s) sans engagement",
                    "0 action sans engagement", message, claims[0].source_line,
                    basis="les montants engagés de l'annexe")]


@rule("execution.parite", needs=("annex_budget",), reads=("claims",), grade=Grade.MONTANT)
def check_parity(tables, doc, meta, claims) -> list[Finding]:
    """La parité État / Département annoncée par la convention, par volet et par action (montants avenant) ; un écart que la fiche explique elle-même (un montant imprimé « dont » la part de l'autre financeur) est cité, non compté comme incohérence."""
    annex = tables[ANNEX_LINES]
    details = tables["budget_details"] if "budget_details" in tables else None
    claims = claims_of(claims, "parite_financeurs")
    said = f" (le rapport annonce un financement à part égale, ligne {claims[0].source_line})" if claims else ""
    findings, explained, per_volet = [], {}, []
    for action in annex_actions(annex):
        if action.etat is None or action.departement is None:
            continue
        etat, dep = amount(action.etat["avenant"]), amount(action.departement["avenant"])
        if etat != dep:
            split = explaining_split(details, scope_of(action), {"etat": etat, "departement": dep})
            if split is not None:
                explained.setdefault(action.volet, []).append((abs(etat - dep), split))
            findings.append(parity_finding(scope_of(action), f"« {short(action.line['label'], 50)} »", etat, dep,
                                           line_of(action.departement), said, doc, [] if split is None else [split]))
    for volet in volets_of(annex):
        sub_etat, sub_dep = rows_of(annex, volet, "subtotal_etat"), rows_of(annex, volet, "subtotal_departement")
        if sub_etat.empty or sub_dep.empty:
            continue
        etat, dep = amount(sub_etat.iloc[0]["avenant"]), amount(sub_dep.iloc[0]["avenant"])
        unequal = explained.get(volet, [])
        splits = [split for _, split in unequal] if etat is not None and dep is not None and \
            sum(gap for gap, _ in unequal) == abs(etat - dep) and unequal_actions(annex, volet) == len(unequal) \
            else []
        per_volet.append(parity_finding(volet, f"le volet {VOLET_NAMES_IN_TEXT.get(volet, volet)}", etat, dep,
                                        line_of(sub_dep.iloc[0]), said, doc, splits))
    return per_volet + findings


def unequal_actions(annex: pd.DataFrame, volet: str) -> int:
    """How many actions of a volet have État and Département parts of different avenant."""
    return sum(1 for a in annex_actions(annex) if a.volet == volet and a.etat is not None
               and a.departement is not None and amount(a.etat["avenant"]) != amount(a.departement["avenant"]))


def explaining_split(details, action_id: str, parts: dict) -> pd.DataFrame | None:
    """The sheet's own split (« X € dont Y € (…) Z € (…) ») of the larger part of an action,
    when one of its parts is the other financeur's amount: the document says where the difference goes.

    ``parts`` maps each financeur to its planned amount; the rows of ``budget_details`` returned, or ``None``.
    """
    if details is None or details.empty:
        return None
    larger = max(parts, key=lambda f: parts[f])
    other = min(parts.values())
    rows = details[(details["action_id"] == action_id) & (details["stage"] == "prevu")
                   & (details["financeur"] == larger) & (details["parent_amount_eur"] == parts[larger])]
    return rows if not rows.empty and (rows["amount_eur"] == other).any() else None


def quoted_split(doc, split: pd.DataFrame) -> str:
    """The sheet's text that prints a split, from the line of the amount it splits to its last part."""
    first, last = int(split["source_line"].min()), int(split["source_line"].max())
    parent = re.sub(r"\D", "", str(int(split["parent_amount_eur"].iloc[0])))
    start = next((n for n in range(first, max(first - SPLIT_LOOKBACK, 1) - 1, -1)
                  if parent in re.sub(r"\D", "", doc.line(n))), first)
    text = " ".join(" ".join(line.split()) for _, line in doc.numbered(start, last) if line.strip())
    return f"« {short(text, 160)} » (fiche {action_label(split['action_id'].iloc[0])}, ligne {start})"


#: How many lines above its first part a split's parent amount is looked for.
SPLIT_LOOKBACK = 3


def parity_finding(scope: str, what: str, etat, dep, line, said: str, doc=None, splits=()) -> Finding:
    basis = "la part État (parité annoncée)"
    if etat == dep:
        return Finding("execution.parite", scope, "ok", format_eur(etat), format_eur(dep),
                       f"Pour {what}, les parts État et Département prévues sont égales ({format_eur(etat)}).", line,
                       basis=basis)
    gap = f"Pour {what}, la part Département prévue ({format_eur(dep)}) s'écarte de la part État ({format_eur(etat)})"
    if splits:
        quotes = " ; ".join(quoted_split(doc, split) for split in splits)
        return Finding("execution.parite", scope, "explique", format_eur(etat), format_eur(dep),
                       f"{gap} de {format_eur(abs(etat - dep))}, ce que le rapport explique lui-même : {quotes}.",
                       line, basis=basis)
    return Finding("execution.parite", scope, "avertissement", format_eur(etat), format_eur(dep),
                   f"{gap}{said}.", line, basis=basis)


# --- Rule 5: one named amount, one value ------------------------------------------------------------

def line_name(label) -> str | None:
    """The thing a budget line names, or ``None`` when it names only its financeur.

    >>> line_name("Contrepartie Plan Pauvreté – Part Département : FSL"), line_name("Part Etat") is None
    ('FSL', True)
    """
    match = LINE_NAME.search(" ".join(str(label).split()))
    return match.group("name").strip(" :") if match else None


def same_action(titles: list[str]) -> bool:
    """Whether sheets print one action (one title, give or take a bracket or a plural)."""
    from calpae_lib.text.similarity import SAME_INDICATOR, similarity
    return all(similarity(titles[0], other) >= SAME_INDICATOR for other in titles[1:])


def named_amounts(budgets: pd.DataFrame) -> dict[tuple, list]:
    """The sheets' named lines grouped by stage, financeur and name (its words): ``key -> [rows]``."""
    from calpae_lib.text.similarity import name_words
    groups: dict[tuple, list] = {}
    for row in budgets.itertuples():
        name = line_name(row.label)
        if name and name_words(name):
            groups.setdefault((row.stage, row.financeur, name_words(name)), []).append(row)
    return groups


@rule("fiche.meme_montant", needs=("budgets", "actions"), grade=Grade.MONTANT)
def check_same_named_amount(tables, doc, meta) -> list[Finding]:
    """Une même ligne de budget nommée (« Part Département : AFP ») d'une même action imprimée sur deux fiches y a une seule valeur."""
    titles = dict(zip(tables["actions"]["action_id"], tables["actions"]["title"]))
    findings = []
    for (stage, financeur, _), rows in named_amounts(tables["budgets"]).items():
        sheets = list(dict.fromkeys(row.action_id for row in rows))
        # a name printed on sheets of different actions (a fund: FSL, PLIE) pays each its share
        if len(sheets) < 2 or not same_action([titles.get(a, "") for a in sheets]):
            continue
        findings.append(named_amount_finding(stage, financeur, rows))
    return findings


def named_amount_finding(stage: str, financeur: str, rows: list) -> Finding:
    values = list(dict.fromkeys(int(row.amount_eur) for row in rows))
    name, who = line_name(rows[0].label), FINANCEUR_LABELS[financeur]
    printed = " ; ".join(f"{format_eur(row.amount_eur)} sur la fiche {action_label(row.action_id)} (ligne "
                         f"{row.source_line})" for row in rows)
    if len(values) == 1:
        return Finding("fiche.meme_montant", rows[0].action_id, "ok", format_eur(values[0]), format_eur(values[0]),
                       f"La ligne « {short(name, 40)} » (part {who}, {STAGE_LABELS[stage]}) de cette action, "
                       f"imprimée sur {len(rows)} fiches, y a la même valeur : {printed}.", int(rows[0].source_line))
    return Finding("fiche.meme_montant", rows[0].action_id, "avertissement", format_eur(values[1]),
                   format_eur(values[0]),
                   f"La même action est imprimée sur {len(rows)} fiches et sa ligne « {short(name, 40)} » (part {who}, "
                   f"{STAGE_LABELS[stage]}) y a deux valeurs : {printed} ; un même montant nommé n'a qu'une valeur, "
                   f"sauf s'il s'agit de deux enveloppes distinctes (à vérifier).", int(rows[0].source_line),
                   basis=f"la même ligne sur une autre fiche, ligne {rows[-1].source_line}")
