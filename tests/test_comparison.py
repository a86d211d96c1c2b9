"""Comparison across years on derived variants: the comparison follows what changed, and only that."""

from __future__ import annotations

import os
import re

import pytest

from calpae_lib.analysis import comparison
from calpae_lib.errors import UsageError
from calpae_lib.present import comparison as comparison_views
from calpae_lib.present import views
from calpae_lib.publish import loading
from calpae_lib.publish.loading import load_report
from calpae_lib.text.numbers import find_amounts

from .variants import BUNDLED, bundled_text, replace_line, shift_years, write_variant

RAISE = 1000


@pytest.fixture(scope="module")
def changed(tmp_path_factory, bundled_report):
    """The next year's report, with the first prévu amount of one sheet's budget raised by RAISE."""
    budgets = bundled_report.tables["budgets"]
    split = set(bundled_report.tables["budget_details"]["action_id"])  # "dont" amounts must still add up
    row = budgets[(budgets["stage"] == "prevu") & ~budgets["action_id"].isin(split)].iloc[0]
    line = int(row["source_line"])
    printed = find_amounts(bundled_report.doc.line(line))[0]
    raised = f"{printed.value + RAISE:,}".replace(",", " ")
    text = replace_line(bundled_text(), line, printed.text.rstrip(" €"), raised)
    raw = write_variant(tmp_path_factory.mktemp("cmp"), shift_years(text, 1), "suivant.txt")
    return {"report": load_report(raw), "raw": raw}


def changed_budget_line(before, after) -> tuple:
    """(volet, financeur, stage) of the one amount that differs between two reports' budgets."""
    keys = ["action_id", "stage", "financeur", "source_line"]
    merged = before.tables["budgets"].merge(after.tables["budgets"], on=keys, suffixes=("_a", "_b"))
    moved = merged[merged["amount_eur_a"] != merged["amount_eur_b"]]
    assert len(moved) == 1
    volet = before.tables["actions"].set_index("action_id").loc[moved.iloc[0]["action_id"], "volet"]
    return volet, moved.iloc[0]["financeur"], moved.iloc[0]["stage"]


@pytest.fixture(scope="module")
def two_years(bundled_report, changed):
    return [changed["report"], bundled_report]  # any order


def test_years_are_columns_oldest_first(two_years, bundled_report):
    year = bundled_report.meta.year
    assert comparison.years(two_years) == [year, year + 1]
    money = comparison.money_by_year(two_years)
    assert [c for c in money.columns if isinstance(c, int)] == [year, year + 1]


def test_money_moves_exactly_where_one_sheet_changed(two_years, changed):
    money = comparison.money_by_year(two_years)
    moved = money[money["evolution_eur"] != 0]
    assert len(moved) == 1
    expected = changed_budget_line(two_years[1], two_years[0])
    assert tuple(moved.iloc[0][["volet", "financeur", "stage"]]) == expected
    assert moved.iloc[0]["evolution_eur"] == RAISE


def test_money_per_volet_matches_each_reports_budget(bundled_report):
    per_volet = comparison.money_per_volet(bundled_report)
    prevu = bundled_report.tables["budgets"].query("stage == 'prevu'")["amount_eur"].sum()
    assert per_volet.query("stage == 'prevu'")["amount_eur"].sum() == prevu
    assert set(per_volet["year"]) == {bundled_report.meta.year}


def test_every_result_of_the_year_is_found_in_both_years(two_years, bundled_report):
    results = comparison.year_results(bundled_report)
    wide = comparison.indicators_by_year(two_years)
    assert len(wide) == len(results) > 0
    both = wide.dropna(subset=comparison.years(two_years))
    assert (both["evolution"] == 0).all()


def test_an_indicator_of_one_year_only_is_left_out(bundled_report, tmp_path):
    """Removing one result line from the later year removes that indicator from the comparison."""
    results = comparison.year_results(bundled_report).query("status == 'ok'")
    alone = [bundled_report.doc.line(int(n)).strip() == raw for n, raw in zip(results["source_line"], results["raw"])]
    target = results[alone].iloc[0]  # a result printed alone on its line
    text = bundled_text().split("\n")
    line = int(target["source_line"])
    text[line - 1] = text[line - 1].replace(target["raw"], "NC", 1)
    later = load_report(write_variant(tmp_path, shift_years("\n".join(text), 1)))
    wide = comparison.indicators_by_year([bundled_report, later])
    row = wide[(wide["indicator"] == target["indicator"]) & (wide["measure"] == target["measure"])]
    assert len(row) >= 1
    assert row[bundled_report.meta.year + 1].isna().any()  # not available that year: NaN, never zero


def test_a_non_numeric_result_is_shown_as_printed(two_years):
    table = comparison_views.indicators_table(two_years)
    assert not table.frame.empty
    long = comparison.indicator_results(two_years)
    if (long["status"] != "ok").any():
        shown = " ".join(table.frame.astype(str).to_numpy().ravel())
        assert "non disponible" in shown or "ambigu" in shown


def test_each_group_of_indicators_names_the_sheet_that_prints_it(two_years):
    """A measure printed on several sheets (« PLIE - Accompagnement ») is not one anonymous group:
    each group says which action of which volet prints it, as the latest year numbers it; an indicator
    printed with the same values on several sheets is shown once, its group saying on how many."""
    later = max(two_years, key=lambda r: r.meta.year)
    table = comparison_views.indicators_table(two_years)
    groups = list(dict.fromkeys(table.frame["Mesure"]))
    results = comparison.year_results(later)
    sheets = {views.action_name(later, a) for a in results["action_id"] if a}
    for group in groups:
        assert any(group.startswith(sheet) for sheet in sheets) or "indicateurs de l'axe" in group, group
    for measure, rows in results[results["action_id"] != ""].groupby("measure"):
        named = {g for g in groups if f"« {measure} »" in g}
        if rows["action_id"].nunique() > 1 and named:  # one heading per sheet, never merged
            sheets_named = sum(int(m.group(1)) if (m := re.search(r"imprimé sur (\d+) fiches", g)) else 1
                               for g in named)
            assert sheets_named == rows["action_id"].nunique(), (measure, named)


def test_a_rate_moves_in_points_agreed_in_number():
    assert [comparison_views.signed_value(v, "percent") for v in (0, 1.0, -1.0, 2, -7)] == \
        ["0 point", "+1 point", "\u22121 point", "+2 points", "\u22127 points"]


def test_open_reports_splits_paths_and_sorts_by_year(changed, bundled_report):
    reports = loading.open_reports(os.pathsep.join([str(changed["raw"]), str(BUNDLED)]))
    assert [r.meta.year for r in reports] == [bundled_report.meta.year, bundled_report.meta.year + 1]


def test_open_reports_refuses_two_departements(tmp_path, bundled_report):
    line = bundled_report.meta.departement_line
    printed = bundled_report.doc.line(line).split(" - ")[0]
    other = replace_line(bundled_text(), line, printed, "SOMME")
    raw = write_variant(tmp_path, shift_years(other, 1))
    with pytest.raises(UsageError, match="plusieurs départements"):
        loading.open_reports(os.pathsep.join([str(BUNDLED), str(raw)]))


def test_one_year_says_there_is_nothing_to_compare(bundled_report):
    assert "Un seul exercice" in comparison_views.summary([bundled_report]).data
