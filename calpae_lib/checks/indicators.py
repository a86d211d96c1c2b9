"""Rules on indicators: the sheets against Annexe 4, percentages in comments, results against targets.

Only values whose cell was read without doubt (``status == "ok"``) are
compared; an ``ambiguous`` or unavailable value is never taken for a zero.
Annexe 4 rows have no action: their findings are scoped ``document`` and
their message names the indicator.
"""

from __future__ import annotations

import re

import pandas as pd

from calpae_lib.checks.budget import rows_by, short
from calpae_lib.checks.direction import INDICATOR_KIND_LABELS, LESS, OBJECTIVE, attained, direction, gap_words, indicator_kind
from calpae_lib.checks.orientation import step_of
from calpae_lib.checks.registry import DOCUMENT, Finding, rule
from calpae_lib.tables.vocabulary import KIND_IN_SENTENCE, Grade, Category
from calpae_lib.checks.text import percent_agrees
from calpae_lib.text.formatting import format_number, format_percent, is_missing
from calpae_lib.tables.claims import decimals_of
from calpae_lib.text.numbers import parse_number, percentage
from calpae_lib.text.outline import action_label
from calpae_lib.text.reading import fold
from calpae_lib.text.similarity import SAME_INDICATOR, SAME_INDICATOR_SAME_VALUES, name_words, similarity

#: Sheet kinds and the Annexe 4 kind that holds the same value for the same period.
SAME_KIND = {"result": "result", "target": "target", "baseline": "result"}
KIND_LABELS = KIND_IN_SENTENCE

def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The values read without doubt and numeric."""
    return frame[(frame["status"] == "ok") & frame["value"].notna()]


def scope_of(row) -> str:
    action_id = row.get("action_id") if hasattr(row, "get") else None
    return action_id if isinstance(action_id, str) and action_id else DOCUMENT


def annex4_match(indicator: str, names: list[str]) -> str | None:
    """The Annexe 4 indicator most like a sheet's, when clearly the same."""
    scored = sorted(((similarity(indicator, name), name) for name in names), reverse=True)
    if not scored or scored[0][0] < SAME_INDICATOR or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


@rule("indicateurs.fiche_annexe4", needs=("indicators", "annex4"), grade=Grade.EFFECTIF)
def check_sheet_against_annex4(tables, doc, meta) -> list[Finding]:
    """Un même indicateur donne la même valeur sur la fiche action et dans l'Annexe 4 (même année, même nature)."""
    sheets, annex = readable(tables["indicators"]), readable(tables["annex4"])
    names = list(dict.fromkeys(annex["indicator"]))
    first_printed = annex_values_by_key(annex)
    matches = {indicator: annex4_match(indicator, names) for indicator in dict.fromkeys(sheets["indicator"])}
    findings = []
    for row in sheets.to_dict("records"):
        name = matches.get(row["indicator"])
        if name is None or row["kind"] not in SAME_KIND:
            continue
        other = first_printed.get((name, SAME_KIND[row["kind"]], str(row["period"])))
        if other is None:
            continue
        agree = float(other["value"]) == float(row["value"])
        findings.append(Finding(
            "indicateurs.fiche_annexe4", scope_of(row), "ok" if agree else "ecart",
            format_number(other["value"], 1 if other["value"] % 1 else 0),
            format_number(row["value"], 1 if row["value"] % 1 else 0),
            f"« {short(row['indicator'], 60)} » ({KIND_LABELS[row['kind']]} {row['period']}) : "
            + (f"la fiche et l'Annexe 4 donnent {format_number(row['value'])}." if agree else
               f"la fiche donne {format_number(row['value'])}, l'Annexe 4 {format_number(other['value'])} "
               f"(ligne {int(other['source_line'])})."),
            int(row["source_line"]), basis=f"l'Annexe 4, ligne {int(other['source_line'])}"))
    return findings


def annex_values_by_key(annex: pd.DataFrame) -> dict[tuple[str, str, str], dict]:
    """Annexe 4's first printed value of each (indicator, kind, period), the period as text."""
    first: dict[tuple[str, str, str], dict] = {}
    for row in annex.to_dict("records"):
        first.setdefault((row["indicator"], row["kind"], str(row["period"])), row)
    return first


def year_values(frame: pd.DataFrame, year: int, kind: str) -> pd.DataFrame:
    values = readable(frame)
    return values[(values["kind"] == kind) & (values["period"].astype(str) == str(year))]


def group_keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("action_id", "axis", "measure") if c in frame.columns] + ["indicator"]


#: The indicator tables: the sheets' and Annexe 4's.
INDICATOR_TABLES = ("indicators", "annex4")


#: Columns of :func:`performance_rows`.
PERFORMANCE_COLUMNS = ["indicator", "period", "unit", "target", "result", "direction", "kind", "attained", "scope",
                       "places", "lines", "copy_of"]
ANNEX4_PLACE = "Annexe 4"


def target_result_pairs(tables, year: int) -> list[dict]:
    """Every printed (target, result) pair of the year, numeric and of one unit, in print order."""
    pairs = []
    for name in INDICATOR_TABLES:
        frame = tables[name]
        copies = probable_copies(name, frame)
        keys = group_keys(frame)
        merged = year_values(frame, year, "target").merge(year_values(frame, year, "result"), on=keys,
                                                          suffixes=("_cible", "_resultat"))
        for _, row in merged.drop_duplicates(subset=keys).iterrows():
            if row["unit_resultat"] != row["unit_cible"] or row["unit_resultat"] == "text":
                continue
            scope = scope_of(row) if name == "indicators" else DOCUMENT
            pairs.append({"indicator": row["indicator"], "unit": row["unit_resultat"],
                          "target": float(row["value_cible"]), "result": float(row["value_resultat"]),
                          "place": place_of(name, scope, row.get("axis")), "scope": scope,
                          "line": int(row["source_line_resultat"]),
                          "copy_of": copies.get((scope, measure_of(row), row["indicator"]), "")})
    return sorted(pairs, key=lambda pair: pair["line"])


def place_of(table: str, scope: str, axis) -> str:
    """Where an indicator is printed, in words: an action's sheet, an axis's common indicators, Annexe 4.

    >>> place_of("indicators", "socle-II-2", "II"), place_of("indicators", "document", "II")
    ('fiche Socle commun, axe II, action 2', "indicateurs communs de l'axe II")
    """
    if table == "annex4":
        return ANNEX4_PLACE
    if scope != DOCUMENT:
        return f"fiche {action_label(scope)}"
    return f"indicateurs communs de l'axe {axis}" if isinstance(axis, str) and axis else "indicateurs communs"


def same_pair(pair: dict, group: dict) -> bool:
    """One indicator printed twice: same unit, target and result, and a name clearly the same."""
    return ((pair["unit"], pair["target"], pair["result"]) == (group["unit"], group["target"], group["result"])
            and similarity(pair["indicator"], group["indicator"]) >= SAME_INDICATOR_SAME_VALUES)


def performance_rows(tables, year: int) -> pd.DataFrame:
    """The year's results against their targets, one row per indicator however many sheets print it.

    ``places`` lists where it is printed (actions in words, « Annexe 4 »), ``lines`` the source lines;
    ``direction`` and ``kind`` (objective, forecast volume, context) are read from the wording
    (:mod:`~calpae_lib.checks.direction`); ``attained`` is ``None`` for what is no objective, and for a row
    that prints the same target and result as another indicator of its table (``copy_of`` names it): a probable
    copy-paste is not graded.
    """
    groups: list[dict] = []
    for pair in target_result_pairs(tables, year):
        group = next((g for g in groups if same_pair(pair, g)), None)
        if group is None:
            groups.append({**pair, "places": [], "lines": []})
            group = groups[-1]
        if group["scope"] == DOCUMENT:
            group["scope"] = pair["scope"]    # a sheet's action, when one prints it
        group["copy_of"] = group["copy_of"] or pair["copy_of"]
        if pair["place"] not in group["places"]:
            group["places"].append(pair["place"])
        group["lines"].append(pair["line"])
    rows = [{**g, "period": str(year), "direction": direction(g["indicator"]), "kind": indicator_kind(g["indicator"]),
             "attained": None if g["copy_of"] else attained(g["indicator"], g["result"], g["target"])} for g in groups]
    return pd.DataFrame(rows, columns=PERFORMANCE_COLUMNS)


@rule("indicateurs.resultat_cible", needs=INDICATOR_TABLES, category=Category.PERFORMANCE, grade=Grade.EFFECTIF)
def check_results_against_targets(tables, doc, meta) -> list[Finding]:
    """Le résultat de l'année atteint la cible fixée pour l'année, dans le sens que dit l'indicateur, pour un objectif ; un volume prévisionnel ou un indicateur de contexte n'est pas évalué (fiches et Annexe 4)."""
    findings = []
    for row in performance_rows(tables, meta.year).itertuples():
        decimals = 1 if (row.result % 1 or row.target % 1) else 0
        result, target = format_number(row.result, decimals), format_number(row.target, decimals)
        where = where_printed(row.places)
        if row.kind != OBJECTIVE:
            message = (f"« {short(row.indicator, 60)} » ({INDICATOR_KIND_LABELS[row.kind]}, non évalué) : {target} prévus, "
                       f"{result} constatés en {meta.year}, {gap_words(row.result, row.target, row.unit)} ({where}).")
            findings.append(Finding("indicateurs.resultat_cible", row.scope, "non_verifiable", target, result,
                                    message, row.lines[0], basis="le prévu de l'année"))
            continue
        if row.copy_of:
            findings.append(Finding(
                "indicateurs.resultat_cible", row.scope, "non_verifiable", target, result,
                f"« {short(row.indicator, 60)} » : {result} en {meta.year} pour une cible de {target}, non évalué : "
                f"mêmes cible et résultat que « {short(row.copy_of, 60)} », copier-coller probable ({where}).",
                row.lines[0], basis="la cible de l'année"))
            continue
        status = "ok" if row.attained else "ecart"
        verdict = "atteinte" if row.attained else "non atteinte"
        better = " (moins est mieux)" if row.direction == LESS else ""
        findings.append(Finding(
            "indicateurs.resultat_cible", row.scope, status, target, result,
            f"« {short(row.indicator, 60)} » : {result} en {meta.year} pour une cible de {target}{better}, {verdict} "
            f"({where}).", row.lines[0], basis="la cible de l'année"))
    return findings


def where_printed(places: list[str]) -> str:
    """The places of an indicator in one phrase.

    >>> where_printed(["fiche ERBM, action 1", "fiche ERBM, action 2", "Annexe 4"])
    'fiche ERBM, action 1 ; fiche ERBM, action 2 et Annexe 4'
    """
    return " et ".join([" ; ".join(places[:-1]), places[-1]] if len(places) > 1 else places)


def population_row(rows: pd.DataFrame, population: str, own: str):
    """The row of a table whose indicator counts ``population`` (the shortest such name), else ``None``."""
    wanted = name_words(population)
    candidates = [name for name in dict.fromkeys(rows["indicator"]) if name != own and wanted <= name_words(name)]
    if not candidates:
        return None
    name = min(candidates, key=lambda n: len(name_words(n)))
    return rows[rows["indicator"] == name].iloc[0]


@rule("indicateurs.pourcentage_commentaire", needs=INDICATOR_TABLES, reads=("comment_shares",), grade=Grade.EFFECTIF)
def check_comment_percentages(tables, doc, meta, comment_shares) -> list[Finding]:
    """Un pourcentage « P % des <population> » d'un commentaire, recalculé sur les effectifs de l'année."""
    findings = []
    for name in INDICATOR_TABLES:
        frame = tables[name]
        if "comment" not in frame.columns:
            continue
        results = year_values(frame, meta.year, "result")
        if name == "annex4":  # the orientation chain's comments are orientation.pourcentage's
            results = results[results["indicator"].map(lambda t: step_of(str(t)) is None)]
        table_key = "action_id" if name == "indicators" else "measure"
        for _, row in results.drop_duplicates(subset=[table_key, "indicator"]).iterrows():
            for share in () if is_missing(row["comment"]) else comment_shares.get(str(row["comment"]), ()):
                base = population_row(results[results[table_key] == row[table_key]], share.population,
                                      row["indicator"])
                if base is not None and base["value"]:
                    findings.append(comment_finding(name, row, base, share))
    return findings


def comment_finding(name: str, row, base, share) -> Finding:
    printed = share.percent
    stated, decimals = parse_number(printed), decimals_of(printed)
    computed = percentage(row["value"], base["value"])
    ok = percent_agrees(stated, decimals, False, computed)
    where = "l'Annexe 4" if name == "annex4" else "la fiche"
    return Finding(
        "indicateurs.pourcentage_commentaire", scope_of(row), "ok" if ok else "ecart",
        format_percent(computed, 1), format_percent(stated, decimals),
        f"« {share.text.strip()} » ({where}) : {format_number(row['value'])} "
        f"« {short(row['indicator'], 40)} » sur {format_number(base['value'])} « {short(base['indicator'], 40)} » "
        f"font {format_percent(computed, 1)}" + ("." if ok else f", et non {format_percent(stated, decimals)}."),
        int(row["source_line"]), basis="recalcul sur les effectifs du tableau")


# --- a total and its parts, copies, amounts against the budget -------------------------------------

#: Words that split a population in two complementary parts ("… sans procédure" / "… avec procédure").
OPPOSITES = (("sans", "avec"), ("homme", "femme"), ("public", "prive"), ("interne", "externe"))


def plain_name(text) -> str:
    """An indicator name for comparing wordings: lower case, no accents, single spaces, no end punctuation."""
    return " ".join(fold(str(text)).replace("’", "'").split()).strip(" :.;")


def complementary(qualifiers: list[str]) -> bool:
    """Whether qualifiers differ only by opposite words, all of one pair present ("sans X" / "avec X").

    >>> complementary(["sans procedure d'expulsion", "avec procedure d'expulsion"])
    True
    >>> complementary(["vers les siae", "en siae"])
    False
    """
    for pair in OPPOSITES:
        masked, found = set(), set()
        for qualifier in qualifiers:
            tokens = [t if t in pair or not t.endswith("s") else t[:-1] for t in qualifier.split()]
            found |= {t for t in tokens if t in pair}
            masked.add(" ".join("*" if t in pair else t for t in tokens))
        if len(masked) == 1 and found == set(pair) and len(qualifiers) == len(pair):
            return True
    return False


def table_groups(name: str, frame: pd.DataFrame):
    """One printed table at a time: a sheet's measure, or an Annexe 4 measure."""
    keys = [c for c in ("action_id", "measure") if c in frame.columns]
    return frame.assign(**{k: frame[k].fillna("") for k in keys}).groupby(keys, sort=False)


def parts_of(names: list[str]) -> dict[str, list[str]]:
    """Each indicator that other rows split in complementary parts: ``total -> [parts]``."""
    plain = {name: plain_name(name) for name in names}
    out = {}
    for total, whole in plain.items():
        parts = [n for n, p in plain.items() if n != total and p.startswith(whole + " ")]
        if len(parts) >= 2 and complementary([plain[p][len(whole) + 1:] for p in parts]):
            out[total] = parts
    return out


@rule("indicateurs.total_lignes", needs=("indicators",), grade=Grade.EFFECTIF)
def check_totals_of_rows(tables, doc, meta) -> list[Finding]:
    """Un indicateur que d'autres lignes du même tableau partagent (« … sans … » / « … avec … ») égale leur somme."""
    findings = []
    for name in INDICATOR_TABLES:
        for _, group in table_groups(name, readable(tables[name])):
            for total, parts in parts_of(list(dict.fromkeys(group["indicator"]))).items():
                findings.extend(total_findings(name, group, total, parts))
    return findings


def total_findings(name: str, group: pd.DataFrame, total: str, parts: list[str]) -> list[Finding]:
    """For each column where the total and every part are read, the total against the parts' sum."""
    findings = []
    for (period, kind), cells in group.groupby(["period", "kind"], sort=False):
        values = {row["indicator"]: row for _, row in cells.iterrows()}
        if total not in values or any(p not in values for p in parts):
            continue
        whole, summed = float(values[total]["value"]), sum(float(values[p]["value"]) for p in parts)
        listed = " + ".join(format_number(values[p]["value"]) for p in parts)
        agree = whole == summed
        findings.append(Finding(
            "indicateurs.total_lignes", scope_of(values[total]), "ok" if agree else "ecart",
            format_number(summed), format_number(whole),
            f"« {short(total, 50)} » ({KIND_LABELS.get(kind, kind)} {period}) : {format_number(whole)}, "
            + (f"la somme des {len(parts)} lignes qui le détaillent ({listed})." if agree else
               f"alors que ses lignes {' et '.join('« ' + short(p, 50) + ' »' for p in parts)} font {listed} = "
               f"{format_number(summed)} (lignes {', '.join(str(int(values[p]['source_line'])) for p in parts)})."),
            int(values[total]["source_line"]), basis="la somme des lignes qui le détaillent"))
    return findings


def printed_rows(group: pd.DataFrame) -> dict[str, tuple]:
    """Each indicator's target and result cells as printed: ``{indicator: ((period, kind, raw), …)}``."""
    cells: dict[str, list] = {name: [] for name in group["indicator"]}
    for indicator, kind, period, raw in zip(group["indicator"], group["kind"], group["period"], group["raw"]):
        if kind in ("target", "result"):
            cells[indicator].append((str(period), kind, plain_name(raw)))
    return {name: tuple(sorted(printed)) for name, printed in cells.items()}


def copied_pairs(rows: dict[str, tuple]) -> list[tuple[str, str]]:
    """Two different indicators of one table (its :func:`printed_rows`) whose target and result
    rows are identical.

    A row whose result only restates its target (15 for 15) proves nothing: both must differ.
    """
    pairs, names = [], list(rows)
    for i, first in enumerate(names):
        kinds = {kind for _, kind, _ in rows[first]}
        if kinds != {"target", "result"} or len({raw for *_, raw in rows[first]}) < 2:
            continue
        for second in names[i + 1:]:
            if rows[second] == rows[first] and similarity(first, second) < SAME_INDICATOR_SAME_VALUES:
                pairs.append((first, second))
    return pairs


def copied_in(name: str, frame: pd.DataFrame):
    """``(group, rows, first, second)`` for each pair of different indicators of one printed table of ``frame``
    (the table ``name``: sheets or Annexe 4) whose target and result rows are identical (:func:`copied_pairs`)."""
    frame = frame[frame["status"] == "ok"]
    for _, group in table_groups(name, frame):
        rows = printed_rows(group)
        for first, second in copied_pairs(rows):
            yield group, rows, first, second


def probable_copies(name: str, frame: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """``(scope, measure, indicator) -> the other indicator`` for both rows of each probable copy-paste of
    ``frame``: their result is not graded, since one of the two is not what it says."""
    out = {}
    for group, _, first, second in copied_in(name, frame):
        key = (scope_of(group.iloc[0]), measure_of(group.iloc[0]))
        out[(*key, first)], out[(*key, second)] = second, first
    return out


def measure_of(row) -> str:
    measure = row.get("measure") if hasattr(row, "get") else None
    return measure if isinstance(measure, str) else ""


@rule("indicateurs.copie", needs=("indicators",), grade=Grade.EFFECTIF)
def check_copied_rows(tables, doc, meta) -> list[Finding]:
    """Deux indicateurs différents d'un même tableau n'ont pas des lignes cible et résultat identiques (copier-coller)."""
    findings = []
    for name in INDICATOR_TABLES:
        for group, rows, first, second in copied_in(name, tables[name]):
            line = int(group[group["indicator"] == second]["source_line"].min())
            where = "l'Annexe 4" if name == "annex4" else "la fiche"
            cells = "; ".join(f"{KIND_LABELS[kind]} {period} : {raw}" for period, kind, raw in rows[first])
            findings.append(Finding(
                "indicateurs.copie", scope_of(group.iloc[0]), "avertissement", "", cells,
                f"« {short(first, 50)} » et « {short(second, 50)} » "
                f"({where}) ont les mêmes lignes cible et résultat "
                f"({cells}) : copier-coller probable d'une ligne sur l'autre.", line))
    return findings


#: An indicator or comment that says whose money it counts.
FINANCEUR_NAMED = {"departement": re.compile(r"\bd[ée]partement(?:al|ale)?\b", re.IGNORECASE),
                   "etat": re.compile(r"\b[ée]tat\b", re.IGNORECASE)}
#: What an indicator's result and target are compared with on the sheet: engagé (5.2) and prévu (5.1).
BUDGET_STAGE = {"result": "engage", "target": "prevu"}


def budget_line_for(indicator: str, lines: pd.DataFrame):
    """The sheet's budget line an amount-indicator names: its financeur named, and the line's own name in it."""
    from calpae_lib.checks.budget import line_name
    for financeur, pattern in FINANCEUR_NAMED.items():
        if not pattern.search(indicator):
            continue
        for row in lines[lines["financeur"] == financeur].itertuples():
            name = line_name(row.label)
            if name and name_words(name) and name_words(name) <= name_words(indicator):
                return financeur, name_words(name)
    return None


#: An amount in euros written in a comment: "1 011 213 €", "160 000 euros".
COMMENT_AMOUNT = re.compile(r"(?<!\d)(?<!\d[ \u00a0\u202f])(?P<amount>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)\s*(?:€|euros?\b)")


def stated_amounts(comment) -> list[int]:
    """The euro amounts a comment states.

    >>> stated_amounts("Le Département a financé les CLLAJ à hauteur de 180 000 € en 2022.")
    [180000]
    """
    text = "" if is_missing(comment) else str(comment)
    return [int(re.sub(r"\D", "", m.group("amount"))) for m in COMMENT_AMOUNT.finditer(text)]


def named_budget_lines(text: str, lines: pd.DataFrame, stage: str | None = None) -> list:
    """The sheet's budget lines (of one stage, or both) that a wording names by their financeur and name."""
    from calpae_lib.checks.budget import line_name
    named = budget_line_for(text, lines)
    if named is None:
        return []
    financeur, name = named
    rows = lines[(lines["financeur"] == financeur) & ((lines["stage"] == stage) if stage else True)]
    return [b for b in rows.itertuples() if line_name(b.label) is None or name_words(line_name(b.label)) == name]


@rule("indicateurs.montant_budget", needs=("indicators", "budgets"), reads=("outline",), grade=Grade.MONTANT)
def check_amounts_against_budget(tables, doc, meta, outline) -> list[Finding]:
    """Un montant en euros d'un tableau d'indicateurs ou de son commentaire qui nomme une ligne du budget de la fiche (« Dépenses liées aux CLLAJ pour le Département ») égale cette ligne."""
    indicators, findings = tables["indicators"], []
    budget_of = rows_by(tables["budgets"], "action_id")
    euros = readable(indicators)
    for row in euros[(euros["unit"] == "eur") & euros["kind"].isin(list(BUDGET_STAGE))].itertuples():
        same = named_budget_lines(row.indicator, budget_of(row.action_id), BUDGET_STAGE[row.kind])
        if same:
            explained = product_printed(doc, outline.action(row.action_id), float(row.value))
            findings.append(budget_amount_finding(row, same[0], explained))
    if "comment" in indicators.columns:
        commented = indicators.dropna(subset=["comment"]).drop_duplicates(["action_id", "indicator", "comment"])
        for row in commented.itertuples():
            for stated in stated_amounts(row.comment):
                same = named_budget_lines(f"{row.indicator} {row.comment}", budget_of(row.action_id))
                if same:
                    findings.append(comment_amount_finding(row, stated, same))
    return findings


def comment_amount_finding(row, stated: int, lines: list) -> Finding:
    """An amount of a comment against the budget line it names (prévu or engagé)."""
    from calpae_lib.text.formatting import format_eur
    agree = any(stated == int(line.amount_eur) for line in lines)
    printed = " ; ".join(f"{format_eur(line.amount_eur)} {'prévus' if line.stage == 'prevu' else 'engagés'} "
                         f"(ligne {line.source_line})" for line in lines)
    return Finding(
        "indicateurs.montant_budget", row.action_id, "ok" if agree else "ecart", printed, format_eur(stated),
        f"Le commentaire de « {short(row.indicator, 50)} » annonce {format_eur(stated)} ; le budget de la fiche "
        f"pour la même ligne : {printed}" + ("." if agree else ", sans ce montant."), int(row.source_line),
        basis="le budget de la fiche")


#: An indicator that says it counts the action's budget itself (« Budget engagé », « crédits », « montant prévu »):
#: only then is a different amount an established gap; « Dépenses liées aux … » may count more (other financeurs,
#: other years, a count times a unit amount) and is « à vérifier ».
IS_BUDGET = re.compile(r"\bbudget|\bcr[ée]dits?\b|\benveloppe|\bmontants?\s+(?:pr[ée]vu|engag|liquid|avenant)"
                       r"|\bengag[ée]", re.IGNORECASE)
#: A whole count printed next to a unit amount: « CLLAJ financés (8) à hauteur de 25 000€ ».
COUNT = re.compile(r"(?<![\d\u00a0\u202f ])\(?(\d{1,4})\)?(?![\d\u00a0\u202f]*\s*(?:€|euros?\b|%))")


def product_printed(doc, action, value: float) -> tuple[str, int] | None:
    """Where the sheet prints a count and a unit amount whose product is ``value`` (the count's line and the next
    one), as ``(quoted text, line)``; None if it prints none.

    >>> from calpae_lib.text.reading import document_from_text
    >>> from calpae_lib.text.outline import Action
    >>> doc = document_from_text("Titre\\nCLLAJ financés (8) à hauteur de 25 000€\\npar an.\\nAutre")
    >>> product_printed(doc, Action("v", None, 1, "T", 1, 1, 4), 200000)
    ('CLLAJ financés (8) à hauteur de 25 000€ par an.', 2)
    """
    lines = [(n, " ".join(text.split())) for n, text in doc.numbered(action.start, action.end) if text.strip()]
    for (number, text), (_, following) in zip(lines, lines[1:] + [(0, "")]):
        window = f"{text} {following}".strip()
        counts = [int(c) for c in COUNT.findall(text) if int(c) > 1]  # the count on the first line
        if any(count * unit == value for count in counts for unit in stated_amounts(window)):
            return window, number
    return None


def budget_amount_finding(row, line, explained: tuple[str, int] | None = None) -> Finding:
    """An indicator's amount against the budget line it names: equal (``ok``), different while the indicator says
    it is the budget (``ecart``), or different and possibly another sum (``avertissement``, with the sheet's own
    computation quoted when it prints one)."""
    from calpae_lib.checks.budget import STAGE_LABELS
    from calpae_lib.text.formatting import format_eur
    agree = float(row.value) == float(line.amount_eur)
    stage = STAGE_LABELS[BUDGET_STAGE[row.kind]]
    status = "ok" if agree else "ecart" if IS_BUDGET.search(str(row.indicator)) else "avertissement"
    said = (f"« {short(row.indicator, 60)} » ({KIND_LABELS[row.kind]} {row.period}) : {format_eur(row.value)} dans "
            f"le tableau d'indicateurs, " + (f"comme le budget {stage} de la fiche." if agree else
                                             f"mais {format_eur(line.amount_eur)} au budget {stage} de la fiche "
                                             f"(« {short(line.label, 50)} », ligne {line.source_line})."))
    if status == "avertissement":
        said += (" L'indicateur ne dit pas qu'il est le budget de l'action : à vérifier"
                 + (f" ; la fiche explique ce montant (ligne {explained[1]}) : « {explained[0]} »."
                    if explained else "."))
    return Finding("indicateurs.montant_budget", row.action_id, status, format_eur(line.amount_eur),
                   format_eur(row.value), said, int(row.source_line),
                   basis=f"le budget {stage} de la fiche, ligne {line.source_line}")
