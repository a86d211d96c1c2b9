"""The figures say what they count (issue 25): one definition per rate, grades only for objectives, findings
a reader cannot misquote.

Each test names a statement the pages printed that was false or misleading,
and checks it against the report's own tables, never against remembered
figures; the money tests run on the bundled report and on next-year variants.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from calpae_lib.analysis import budget
from calpae_lib.checks import direction
from calpae_lib.checks.engine import section_counts
from calpae_lib.pipeline import parse_document, parse_report
from calpae_lib.present import charts, findings, narrative, views
from calpae_lib.tables.vocabulary import Category, Status, status_label
from calpae_lib.text.formatting import format_eur
from calpae_lib.text.reading import document_from_text

from . import nextyear
from .variants import bundled_text, parse_text, without_engage, write_variant

NEXT_YEAR_SEEDS = (2, 5)
#: The kinds of indicator (:func:`calpae_lib.checks.direction.indicator_kind`).
OBJECTIVE, VOLUME, CONTEXT = "objectif", "volume", "contexte"


@pytest.fixture(scope="module", params=("bundled", "sans engagé") + NEXT_YEAR_SEEDS)
def report(request, bundled_report, tmp_path_factory):
    """The bundled report, the same with one sheet's engagé left out (the annex completes it), and next-year
    variants of it (other amounts, an action removed, one added)."""
    if request.param == "bundled":
        return bundled_report
    if request.param == "sans engagé":
        return parse_text(without_engage(bundled_text(), bundled_report))
    variant = nextyear.make_variant(bundled_text(), request.param)
    path = write_variant(tmp_path_factory.mktemp(f"truth{request.param}"), variant.text,
                         f"calpae_{2022 + variant.offset}_pas-de-calais.txt")
    return parse_report(path)


def amount(text: str) -> float | None:
    """A displayed amount or rate (« 1 320 000 € », « 98 % ») as a number; ``None`` for a dash or words."""
    cleaned = re.sub(r"[\s\u202f\xa0€%]", "", str(text)).replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def money_tables(report) -> list[views.Table]:
    tables = [views.financeur_budget_table(report), views.volet_budget_table(report)]
    from calpae_lib.analysis.axes import axes_present
    return tables + [views.axis_budget_table(report, key) for key in axes_present(report)]


# --- 1. one definition per figure, money ------------------------------------------------------------

def test_the_rate_of_the_sheets_leaves_out_the_prevu_of_a_sheet_without_engage():
    """« l'engagé et le taux des fiches ne la comptent pas » was printed beside a rate that divided by it."""
    rows = pd.DataFrame({"action_id": ["a", "b"], "prevu": [100.0, 50.0], "engage": [100.0, float("nan")],
                         "engage_annexe": [float("nan"), 60.0]})
    found = budget.amounts_of(rows)
    assert found["taux"] == pytest.approx(100.0)                      # 100 engaged for the 100 of sheet a
    assert found["prevu_compte"] == 100.0 and found["prevu_sans_engage"] == 50.0
    assert found["engage_complete"] == 160.0 and found["taux_complete"] == pytest.approx(160 / 150 * 100)


def test_every_rate_is_the_engage_over_the_prevu_of_the_sheets_it_counts(report):
    """Each line's rate, recomputed from the sheets of its line: those that print their engagé."""
    per_action = budget.budget_by_action(report)
    printed = per_action[per_action["engage"].notna()]
    for financeur, rows in printed.groupby("financeur"):
        expected = 100 * rows["engage"].sum() / rows["prevu"].sum()
        summary = budget.summarise_budget(per_action[per_action["financeur"] == financeur], ["financeur"])
        assert summary["taux"].iloc[0] == pytest.approx(expected), financeur
    table = views.financeur_budget_table(report)
    for cell, (_, row) in zip(table.frame[views.RATE], budget.summarise_budget(per_action, ["financeur"]).iterrows()):
        assert amount(cell) == pytest.approx(100 * row["engage"] / row["prevu_compte"], abs=0.5)


def test_the_note_under_a_line_says_exactly_what_its_rate_counts(report):
    """Where a sheet prints no engagé, the note says its prévu is left out of the rate, the prévu the rate divides
    by stands beside it, and the rate shown is the engagé over that prévu (not over the whole prévu)."""
    checked = 0
    for table in money_tables(report):
        frame = table.frame
        for index, note in table.notes.items():
            if "Engagé non renseigné sur" not in note:
                continue
            row = frame.iloc[index]
            counted = amount(row[views.PREVU_COUNTED])   # the prévu the rate divides by, beside it
            assert counted < amount(row[views.PREVU])
            assert amount(row[views.RATE]) == pytest.approx(100 * amount(row[views.ENGAGE]) / counted, abs=0.5)
            assert "ni leur prévu ni leur engagé" in note
            checked += 1
    if any(budget.budget_by_action(report)["engage"].isna()):
        assert checked


def test_the_completed_engage_shows_a_value_on_every_line_and_its_totals_add_up(report):
    """« Engagé complété par l'annexe » showed « — » where nothing needed completing: its totals did not add
    up from what is visible."""
    table = views.volet_budget_table(report)
    if views.ENGAGE_COMPLETE not in table.frame:
        pytest.skip("no sheet of this report needs the annex")
    frame = table.frame
    shown = [amount(v) for v in frame[views.ENGAGE_COMPLETE]]
    assert None not in shown
    body = frame.iloc[:len(frame) - table.totals]
    totals = frame.iloc[len(frame) - table.totals:]
    for financeur, rows in body.groupby("Financeur"):
        total = totals[totals["Financeur"] == financeur]
        assert amount(total[views.ENGAGE_COMPLETE].iloc[0]) == pytest.approx(
            sum(amount(v) for v in rows[views.ENGAGE_COMPLETE]))


def bar_ends(chart) -> dict[float, float]:
    """The right end of the bars drawn on each row of a horizontal bar chart (``{y centre: x end}``)."""
    ends: dict[float, float] = {}
    for patch in chart.figure.axes[0].patches:
        y = round(patch.get_y() + patch.get_height() / 2, 3)
        ends[y] = max(ends.get(y, 0.0), patch.get_x() + patch.get_width())
    return ends


def test_the_synthesis_chart_draws_the_completion_and_marks_of_its_table(report):
    """The chart drew ERBM État engagé at the sheets' amount, with no mark, under a table that completes it."""
    summary = budget.budget_by_volet(report)
    chart = charts.volet_budget_chart(report)
    texts = [t.get_text() for t in chart.figure.axes[0].texts]
    ends = sorted(bar_ends(chart).values())
    for row in summary.itertuples():
        if row.completees:
            assert any("annexe" in t and format_eur(row.engage_annexe) in t for t in texts), row
            assert any(end == pytest.approx(row.engage_complete) for end in ends), row
        elif row.engage_manquant:
            assert any("non renseigné" in t for t in texts), row


def test_the_sentence_beside_the_headline_rate_says_what_it_divides():
    rows = pd.DataFrame({"action_id": ["a", "b"], "prevu": [300.0, 100.0], "engage": [360.0, float("nan")],
                         "engage_annexe": [float("nan"), float("nan")]})
    sentence = narrative.money_sentence(budget.amounts_of(rows))
    assert "120\xa0%" in sentence and "90\xa0%" not in sentence       # 360 / 300, never 360 / 400
    assert "ni son prévu ni son engagé ne comptent dans ce taux" in sentence


# --- 2. grade only what is an objective -------------------------------------------------------------

@pytest.mark.parametrize("wording, kind", [
    ("Nombre de nouveaux entrants", VOLUME),
    ("Nombre de dossiers déposés", VOLUME),
    ("Nombre de demandes reçues", VOLUME),
    ("Nombre de signalements", VOLUME),
    ("Nombre de nouveaux entrants orientés en 1 mois et moins", OBJECTIVE),
    ("Nombre de CER signés", OBJECTIVE),
    ("Délai moyen de démarrage", OBJECTIVE),
    ("Part des bénéficiaires du RSA de plus de 5 ans", CONTEXT),
    ("Montant des aides versées", CONTEXT),
])
def test_an_indicator_is_classified_by_its_wording(wording, kind):
    if kind != OBJECTIVE:
        assert direction.attained(wording, 10, 5) is None and direction.attained(wording, 5, 10) is None
    assert direction.indicator_kind(wording) == kind


def test_forecast_volumes_are_not_graded_and_say_their_gap(bundled_report):
    """« Nombre de nouveaux entrants », 6 060 for 6 500 forecast, was « cible non atteinte »."""
    rows = findings.targets_against_results(bundled_report)
    checks = bundled_report.tables["checks"]
    targets = checks[checks["check_id"] == "indicateurs.resultat_cible"]
    volumes = rows[rows["kind"] != OBJECTIVE]
    assert len(volumes) and volumes["attained"].isna().all()
    for row in volumes.itertuples():
        found = targets[targets["source_line"] == row.lines[0]].iloc[0]
        assert found["status"] == Status.NON_VERIFIABLE
        assert ("de moins que prévu" in found["message"]) == (row.result < row.target)
    table = findings.attainment_table(bundled_report).frame
    graded = table[table["Nature"] != "Objectif"]["Atteinte ou écart au prévu"]
    assert graded.str.startswith("non évaluée").all() and not graded.str.contains("atteinte").any()


def test_money_engaged_is_under_on_or_over_budget_never_a_target(bundled_report):
    """An engagé at 600 % of its prévu was counted « cible atteinte »."""
    counted = findings.check_counts_table(bundled_report).frame["Résultat"]
    assert not counted.str.contains("montants : cible").any()
    checks = bundled_report.tables["checks"]
    execution = checks[checks["check_id"] == "execution.taux"]
    labels = {status_label(s, c, g) for s, c, g in zip(execution["status"], execution["category"], execution["grade"])}
    assert labels <= {"Sous-exécuté", "Conforme", "Dépassé"}
    over = [(row, amount(row.observed) / amount(row.expected)) for row in execution.itertuples()
            if amount(row.observed) > amount(row.expected)]
    assert over and all(status_label(r.status, r.category, r.grade) == "Dépassé" for r, _ in over)
    assert all("dépassé de" in r.message for r, _ in over)


# --- 3. findings a reader cannot misquote -------------------------------------------------------------

def digits(text) -> str:
    return re.sub(r"\D", "", str(text))


def test_printed_is_what_the_report_prints_at_the_line_and_should_be_says_from_where(bundled_report):
    """« Attendu » and « Constaté » changed meaning from row to row (a sum against a printed value, then a
    printed percentage against a recomputed one, then a budget against an indicator)."""
    checks = bundled_report.tables["checks"]
    shown = checks[checks["status"].isin([Status.ECART, Status.AVERTISSEMENT])
                   & (checks["category"] == Category.COHERENCE) & checks["source_line"].notna()]
    compared = 0
    for row in shown.itertuples():
        printed = row.observed if isinstance(row.observed, str) else ""
        if amount(printed) is None:
            continue
        line = bundled_report.doc.line(int(row.source_line))
        # each figure it gives (« 5 950 − 2 937 »: a difference of two printed figures) is printed there
        for figure in re.findall(r"\d[\d\u202f\xa0 ]*\d|\d", printed):
            assert digits(figure) in digits(line), (row.check_id, printed, line)
        compared += 1
    assert compared >= 5
    given = checks[checks["expected"].fillna("").ne("")]
    assert given["basis"].fillna("").ne("").all()          # and every « should be » says where it comes from
    table = findings.checks_table(bundled_report, only_findings=True).frame
    assert {findings.PRINTED, findings.LINE, findings.SHOULD_BE, findings.BASIS} <= set(table.columns)


def test_the_headline_counts_only_established_inconsistencies(bundled_report):
    """« 20 incohérences du document » counted 8 findings that are only « à vérifier »."""
    checks = bundled_report.tables["checks"]
    established = int(((checks["category"] == Category.COHERENCE) & (checks["status"] == Status.ECART)).sum())
    to_verify = int(((checks["category"] == Category.COHERENCE)
                     & checks["status"].isin([Status.AVERTISSEMENT, Status.NON_VERIFIABLE])).sum())
    assert to_verify
    sentence = narrative.checks_paragraph(bundled_report)
    assert f"{established} incohérences du document" in sentence
    assert f"{to_verify} constats à vérifier" in sentence
    assert section_counts(checks)[Category.COHERENCE.label][""] == established


def test_a_gap_the_report_explains_is_quoted_and_not_counted(bundled_report):
    """The sheet's « 917 100 € dont 234 280 € (crédits fléchés mobilité) … 682 820 € » explains the parity gap."""
    details = bundled_report.tables["budget_details"]
    checks = bundled_report.tables["checks"]
    parity = checks[checks["check_id"] == "execution.parite"]
    explained = parity[parity["status"] == "explique"]
    assert len(explained)
    splits = [group for _, group in details.groupby(["action_id", "stage", "financeur", "parent_amount_eur"])]
    for row in explained.itertuples():
        assert "dont" in row.message and "explique" in row.message     # the sheet's own words, quoted
        assert any(all(label in row.message for label in split["label"]) for split in splits)
    assert not findings.checks_table(bundled_report, only_findings=True).frame["Statut"].str.contains(
        "Expliqué").any()
    # a split whose parts no longer hold the other financeur's amount explains nothing: « à vérifier » again
    split = splits[0]
    lines = bundled_text().split("\n")
    for part, shift in zip(split.itertuples(), (100000, -100000)):
        n = int(part.source_line) - 1
        lines[n] = lines[n].replace(nextyear.french(int(part.amount_eur)), nextyear.french(int(part.amount_eur) + shift))
    variant = parse_document(document_from_text("\n".join(lines)))
    again = variant.tables["checks"]
    again = again[again["check_id"] == "execution.parite"].set_index("scope")
    for scope in explained["scope"]:
        assert again.loc[scope, "status"] == Status.AVERTISSEMENT


def test_the_counts_hierarchy_is_structure_not_leading_spaces(bundled_report):
    """The « dont » rows of « Résultats des contrôles » were indented with spaces HTML collapses."""
    table = findings.check_counts_table(bundled_report)
    for column in table.frame.columns:
        assert not table.frame[column].astype(str).str.match(r"\s").any()
    html = table._repr_html_()
    assert html.count('class="group"') == len(section_counts(bundled_report.tables["checks"]))


def test_the_first_gap_shown_is_the_largest_money_gap():
    """The first « écart » shown to the Commission was a date typo; a 40 000 € gap came later."""
    lines = bundled_text().split("\n")
    sheet = next(i for i, text in enumerate(lines) if "Part Etat : 110 000" in text)   # a sheet's engagé: 40 000 €
    lines[sheet] = lines[sheet].replace("110 000", "70 000")                            # less than its annex line
    bundled_report = parse_document(document_from_text("\n".join(lines)))
    checks = findings.ordered_checks(bundled_report)
    gaps = checks[(checks["category"] == Category.COHERENCE) & (checks["status"] == Status.ECART)]
    money = gaps[gaps["grade"] == "montant"]
    assert len(money)
    first = gaps.iloc[0]
    assert first["grade"] == "montant"
    largest = max(abs(amount(e) - amount(o)) for e, o in zip(money["expected"], money["observed"]))
    assert abs(amount(first["expected"]) - amount(first["observed"])) == largest
    quoted = narrative.main_inconsistencies(bundled_report)
    assert narrative.md_text(first["message"]) in quoted.split("\n")[4]


def test_the_axis_rate_chart_marks_a_sheet_without_engage_as_its_table_does(report):
    """The rate chart of an axis left out the lines its table shows « non renseigné », completed by the annex."""
    from calpae_lib.analysis.axes import axes_present
    for key in axes_present(report):
        rows = budget.budget_by_axis(report, key)
        missing = rows[rows["prevu"].notna() & rows["engage"].isna()]
        chart = charts.execution_rate_chart(report, key)
        if missing.empty or chart is None:
            continue
        texts = [t.get_text() for t in chart.figure.axes[0].texts]
        assert sum(views.NOT_PRINTED in t for t in texts) == len(missing), key
        for row in missing.itertuples():
            if row.engage_annexe == row.engage_annexe:
                rate = views.rate_cell(100 * row.engage_annexe / row.prevu)
                assert any("annexe" in t and rate in t for t in texts), (key, row)
