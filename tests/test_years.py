"""Checks across years on generated next years: copies, contradicted situations, recurring findings,
programme changes, and no « évolution » where a year only reprints the last one.

Each next year is made from the bundled report by :mod:`tests.nextyear`; what the checks must find is
known from what the generator did (which lines it rewrote, which action it removed, added or
renumbered), never from running the checks.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from calpae_lib.analysis import comparison
from calpae_lib.analysis.budget import budget_by_volet
from calpae_lib.present import comparison as comparison_views
from calpae_lib.publish.loading import load_report
from calpae_lib.tables.vocabulary import Category, fails

from . import nextyear
from .variants import bundled_text, shift_years, write_variant


def next_year(tmp_path_factory, variant: nextyear.Variant, name: str):
    year = 2022 + variant.offset
    return load_report(write_variant(tmp_path_factory.mktemp(name), variant.text,
                                     f"calpae_{year}_pas-de-calais.txt"))


def shifted(seed: int = 0) -> nextyear.Variant:
    """The bundled report one year later, nothing else changed yet."""
    variant = nextyear.start(bundled_text(), seed)
    variant.offset = 1
    variant.lines = shift_years(variant.text, 1).split("\n")
    return variant


def three_value_rows(report) -> dict[int, tuple[int, int, int]]:
    """Bundled lines printing a row's situation, target and result as three small whole numbers, by the
    bundled report's own reading."""
    cells = report.tables["indicators"]
    cells = cells[(cells["status"] == "ok") & cells["kind"].isin(["baseline", "target", "result"])]
    rows = {}
    for line, group in cells.groupby("source_line"):
        values = dict(zip(group["kind"], group["value"]))
        text = report.doc.line(int(line)).split()
        if len(group) == 3 and len(values) == 3 and len(text) == 3 and all(v == int(v) < 900 for v in values.values()):
            if all(t.isdigit() for t in text) and [int(t) for t in text] == [int(values[k]) for k in ("baseline", "target", "result")]:
                rows[int(line)] = tuple(int(values[k]) for k in ("baseline", "target", "result"))
    return rows


@pytest.fixture(scope="module")
def indicators_year(tmp_path_factory, bundled_report):
    """A next year whose rows are updated, except one sheet's table (copied) and two contradicted rows."""
    rows = three_value_rows(bundled_report)
    actions = bundled_report.tables["indicators"].set_index("source_line")["action_id"]
    by_sheet = pd.Series({line: actions.loc[line] if isinstance(actions.loc[line], str)
                          else actions.loc[line].iloc[0] for line in rows})
    sizes = by_sheet.value_counts()
    keep = sizes[sizes >= 2].index[0]
    rng = random.Random(28)
    others = sorted(by_sheet[by_sheet != keep].index)
    contradict = set(rng.sample(others, 2))
    variant = shifted()
    updated = nextyear.update_indicators(variant, rows, {keep}, contradict, rng)
    report = next_year(tmp_path_factory, variant, "indicators")
    back = {origin: i + 1 for i, origin in enumerate(variant.origin) if origin}
    checks = comparison.year_checks([bundled_report, report])
    return {"report": report, "checks": checks, "keep": keep, "contradict": {back[c] for c in contradict},
            "updated": {back[u] for u in updated}, "kept": {back[line] for line in by_sheet[by_sheet == keep].index}}


def findings(checks, check_id, status=None):
    rows = checks[checks["check_id"] == check_id]
    return rows if status is None else rows[rows["status"] == status]


def test_a_copied_table_is_reported(indicators_year):
    copied = findings(indicators_year["checks"], comparison.COPIED_TABLE)
    assert indicators_year["keep"] in set(copied["scope"])
    updated_sheets = set(findings(indicators_year["checks"], comparison.BASELINE)["scope"])
    assert not set(copied["scope"]) & updated_sheets  # a sheet with one row updated is not a copy


def test_every_contradicted_situation_is_reported_and_only_those(indicators_year):
    baseline = findings(indicators_year["checks"], comparison.BASELINE)
    on_updated = baseline[baseline["source_line"].isin(indicators_year["updated"])]
    assert set(on_updated["source_line"]) == indicators_year["updated"]  # every updated row compared
    differ = set(on_updated.loc[on_updated["status"] == "ecart", "source_line"])
    assert differ == indicators_year["contradict"]


def test_an_updated_row_is_never_called_a_copy(indicators_year):
    copied_rows = findings(indicators_year["checks"], comparison.COPIED_ROW)
    assert not set(copied_rows["source_line"]) & indicators_year["updated"]


def test_the_comparison_marks_copies_instead_of_a_stability(indicators_year, bundled_report):
    reports = [bundled_report, indicators_year["report"]]
    table = comparison_views.indicators_table(reports, indicators_year["checks"]).frame
    marks = comparison.row_marks(reports, indicators_year["checks"])
    year = indicators_year["report"].meta.year
    assert all(marks.get((year, line)) == "copie" for line in indicators_year["kept"])
    assert all(marks.get((year, line)) == "contradiction" for line in indicators_year["contradict"])
    shown = set(table["Évolution"])
    assert comparison_views.MARKS["copie"] in shown and comparison_views.MARKS["contradiction"] in shown
    assert not any(value in {"0", "0 point", "0 j"} for value in shown)  # every unchanged row here is a copy


@pytest.fixture(scope="module")
def programme_year(tmp_path_factory):
    """A next year with an initiative action removed (the next ones renumbered) and one added to ERBM."""
    variant = shifted(seed=7)
    removed = nextyear.sheets(variant.lines)[-12].action_id  # any sheet but the last ones
    nextyear.remove_action(variant, removed)
    added = nextyear.add_action(variant, "initiative-8", "erbm", None)
    return variant, removed, added, next_year(tmp_path_factory, variant, "programme")


def test_every_programme_change_is_named(programme_year, bundled_report):
    variant, removed, added, report = programme_year
    checks = comparison.year_checks([report, bundled_report])
    programme = findings(checks, comparison.PROGRAMME)
    assert set(programme.loc[programme["observed"] == "retirée", "scope"]) == {removed}
    assert set(programme.loc[programme["observed"] == "ajoutée", "scope"]) == {added}
    renumbered = {new for old, new in variant.ids.items() if new and new != old}
    assert renumbered
    assert set(programme.loc[~programme["observed"].isin(["retirée", "ajoutée"]), "scope"]) == renumbered
    budget = bundled_report.tables["budgets"].query("stage == 'prevu' and action_id == @removed")["amount_eur"].sum()
    message = programme.loc[programme["observed"] == "retirée", "message"].iloc[0]
    assert (budget == 0 and "sans budget" in message) or f"{int(budget):,}".replace(",", "\u202f") in message


@pytest.fixture(scope="module")
def recurring_year(tmp_path_factory, bundled_report):
    """A next year printing the same text (defects included), but with its impossible dates corrected;
    returns it and the dates corrected."""
    variant = shifted()
    checks = bundled_report.tables["checks"]
    dates = set(checks.loc[(checks["check_id"] == "document.date_impossible") & (checks["status"] == "ecart"),
                           "observed"])
    corrected = {date for date in dates if date in variant.text}
    assert corrected  # the bundled report's own impossible dates, printed again
    for date in corrected:
        variant.lines = [line.replace(date, "01/01/2023") for line in variant.lines]
    return next_year(tmp_path_factory, variant, "recurring"), corrected


def test_every_recurring_finding_is_linked_and_a_corrected_one_is_not(recurring_year, bundled_report):
    recurring_year, corrected = recurring_year
    checks = comparison.year_checks([bundled_report, recurring_year])
    recurring = findings(checks, comparison.RECURRING)
    own = recurring_year.tables["checks"]
    sent_back = own[[fails(c, s) and c != Category.PERFORMANCE for c, s in zip(own["category"], own["status"])]]
    assert len(sent_back) > 0
    linked = set(zip(recurring["source_line"], recurring["observed"]))
    missing = [(row.check_id, row.source_line) for row in sent_back.itertuples()
               if (row.source_line, row.observed) not in linked]
    assert not missing  # the same text: every failing finding was already there
    assert not corrected & set(recurring["observed"])  # a corrected defect is not « déjà relevé »
    assert recurring["message"].str.startswith(f"Déjà relevé dans le rapport {bundled_report.meta.year}").all()


@pytest.fixture(scope="module")
def amounts_year(tmp_path_factory):
    """A next year where only the amounts change."""
    variant = shifted()
    nextyear.rewrite_amounts(variant, random.Random(5))
    return next_year(tmp_path_factory, variant, "amounts")


def test_a_year_of_new_amounts_only_shows_no_evolution_of_indicators(amounts_year, bundled_report):
    reports = [bundled_report, amounts_year]
    checks = comparison.year_checks(reports)
    table = comparison_views.indicators_table(reports, checks).frame
    numeric = table[~table["Évolution"].isin([*comparison_views.MARKS.values(), "—"])]
    assert numeric.empty, numeric.head()  # every row reprinted: copies, never « évolution 0 »
    assert findings(checks, comparison.PROGRAMME).empty
    money = comparison.money_by_year(reports)
    assert (money["evolution_eur"].dropna() != 0).any()


def test_money_compared_with_the_synthesis_completed_engaged(bundled_report):
    per_volet = comparison.money_per_volet(bundled_report).query("stage == 'engage'")
    synthesis = budget_by_volet(bundled_report)
    completed = synthesis[synthesis["completees"] > 0]
    for row in completed.itertuples():
        shown = per_volet[(per_volet["volet"] == row.volet) & (per_volet["financeur"] == row.financeur)]
        assert shown["amount_eur"].iloc[0] == row.engage_complete != row.engage


def test_the_comparison_is_published_as_tables(indicators_year, bundled_report, tmp_path):
    from calpae_lib.publish.processed import write_comparison_tables
    from calpae_lib.tables.export import read_tables

    reports = [bundled_report, indicators_year["report"]]
    written = write_comparison_tables(reports, tmp_path / "tables")
    assert {p.name for p in written} >= {"comparison_money.csv", "comparison_indicators.csv",
                                         "comparison_checks.csv", "calpae.xlsx", "datapackage.json"}
    tables = read_tables(tmp_path / "tables", ["comparison_indicators", "comparison_checks"])
    rows = tables["comparison_indicators"]
    year = indicators_year["report"].meta.year
    marked = rows[(rows["year"] == year) & (rows["mark"] == "contradiction")]
    assert set(marked["source_line"]) == indicators_year["contradict"]
    assert len(tables["comparison_checks"]) == len(indicators_year["checks"])


def test_the_synthesis_finds_last_year_beside_it_and_says_what_changed(tmp_path, bundled_report):
    from calpae_lib.publish.loading import previous_report

    from .variants import replace_line

    other = shift_years(bundled_text(), 1)
    line = bundled_report.meta.departement_line
    other = replace_line(other, line, bundled_report.doc.line(line).split(" - ")[0], "SOMME")
    write_variant(tmp_path, other, "calpae_2023_somme.txt")
    later = load_report(write_variant(tmp_path, shift_years(bundled_text(), 2), "calpae_2024_pas-de-calais.txt"))
    found = previous_report(later)
    assert found is None or found.meta.departement == later.meta.departement  # never another département's
    assert comparison_views.previous_year_section(later, None) is None
    last = load_report(write_variant(tmp_path, shift_years(bundled_text(), 1), "calpae_2023_pas-de-calais.txt"))
    found = previous_report(later)
    assert found is not None and found.doc.path.resolve() == last.doc.path.resolve()
    section = comparison_views.previous_year_section(later, found).data
    assert section.startswith(f"## Par rapport à {last.meta.year}") and comparison_views.COMPARISON_LINK in section
    assert "1 tableau" in section or "tableaux d'indicateurs" in section  # a year reprinted: its copies said


@pytest.fixture(scope="module")
def other_value_year(tmp_path_factory, bundled_report):
    """A next year printing the same text but each impossible date replaced by another impossible date: the
    same rule on the same object, another value."""
    variant = shifted()
    checks = bundled_report.tables["checks"]
    dates = set(checks.loc[(checks["check_id"] == "document.date_impossible") & (checks["status"] == "ecart"),
                           "observed"])
    moved = {date for date in shift_years("\n".join(sorted(dates)), 1).split("\n") if date in variant.text}
    assert moved
    for date in moved:
        variant.lines = [line.replace(date, "30/02/2023") for line in variant.lines]
    return next_year(tmp_path_factory, variant, "other_value")


def test_a_finding_with_another_value_is_not_called_uncorrected(other_value_year, bundled_report):
    own = other_value_year.tables["checks"]
    new_dates = own[(own["check_id"] == "document.date_impossible") & (own["status"] == "ecart")]
    assert len(new_dates) and set(new_dates["observed"]) == {"30/02/2023"}
    recurring = findings(comparison.year_checks([bundled_report, other_value_year]), comparison.RECURRING)
    assert not recurring["observed"].eq("30/02/2023").any()   # another defect, not the old one left uncorrected
    assert len(recurring)                                      # the same defects still are


def test_the_comparison_prints_numbers_formatted_and_objects_in_words(indicators_year, bundled_report):
    """« résultat 4 935 », « 98 % », never the raw token; « Ensemble du rapport », never an internal code."""
    from calpae_lib.text.formatting import NNBSP
    checks = indicators_year["checks"]
    copied = findings(checks, "annees.ligne_recopiee")
    results = copied["message"].str.extract(r"\(résultat ([^)]*)\)")[0].dropna()
    assert len(results)
    assert not results.str.fullmatch(r"\d{4,}|\d+%").any(), list(results)
    assert results.str.contains(NNBSP).any() or results.str.contains("\u00a0%").any()
    table = comparison_views.findings_table(checks, tuple(checks["check_id"].unique()), "x", "y").frame
    assert not set(table["Objet"]) & {"document", "socle", "initiative", "erbm"}


def test_the_money_headline_says_when_a_year_s_annex_disagrees_with_its_sheets(amounts_year, recurring_year,
                                                                                  bundled_report):
    """Amounts rewritten on the sheets only: the year's own checks find its annex apart, and the comparison's
    money sentence says its figure is the sheets' and the annex prints others; a year whose sheets and annex
    agree gets no such caveat."""
    apart = comparison_views.annex_disagrees(amounts_year, "prevu")
    assert apart > 0
    text = comparison_views.summary([bundled_report, amounts_year]).data
    prevu = next(s for s in text.split(". ") if s.startswith("Le montant prévu passe"))
    assert f"l'annexe budgétaire de {amounts_year.meta.year} imprime d'autres montants" in prevu
    assert str(apart) in prevu and f"annexe budgétaire de {bundled_report.meta.year}" not in prevu
    same = comparison_views.summary([bundled_report, recurring_year[0]]).data
    assert comparison_views.annex_disagrees(recurring_year[0], "prevu") == 0 and "selon les fiches" not in same
