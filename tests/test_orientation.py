"""The RSA orientation chain on the bundled report and on variants the tests derive."""

import pandas as pd
import pytest

from calpae_lib.analysis.orientation import (
    chain_rates,
    chain_steps,
    orientation_chain,
    semester_vs_year,
    step_of,
    step_targets,
)
from calpae_lib.pipeline import parse_report

from .variants import bundled_text, replace_line, shift_years, write_variant


@pytest.fixture(scope="module")
def chain(bundled_report):
    return orientation_chain(bundled_report)


def rate(rates, rate_id, period, kind="result"):
    found = rates[(rates["rate_id"] == rate_id) & (rates["period"] == period) & (rates["kind"] == kind)]
    assert len(found) == 1
    return found.iloc[0]


@pytest.mark.parametrize("indicator, step", [
    ("Nombre de nouveaux entrants", "entrants"),
    ("Nombre de nouveaux entrants orientés en 1 mois et moins", "orientes_delai"),
    ("Nombre total de 1ers rendez-vous d'accompagnement fixés", "rdv"),
    ("Nombre de 1ers rendez-vous à 2 semaines ou moins fixés", "rdv_delai"),
    ("Nombre total de 1ers contacts d'engagements réciproques", "cer"),
    ("Nombre de 1ers contrats d'engagements réciproques dans les 2 mois", "cer_delai"),
    ("Nombre de bénéficiaires du RSA orientés vers l'accompagnement global", None),
    ("Délai moyen du démarrage de l'accompagnement global", None),
])
def test_steps_are_found_by_wording(indicator, step):
    assert step_of(indicator) == step


def test_rates_of_the_report_year(chain):
    assert chain.report_year == "2022"
    oriented = rate(chain.rates, "orientation_delai", "2022")
    assert (oriented["numerator_value"], oriented["denominator_value"]) == (5950, 6060)
    assert round(oriented["rate"], 1) == 98.2 and round(oriented["target_rate"], 1) == 85.0
    assert oriented["delay"] == "1 mois" and oriented["delay_is_national"]
    assert "meets_national_delay" not in chain.rates.columns  # True for a 55 % rate: it never meant « met »
    assert round(rate(chain.rates, "rdv_delai", "2022")["rate"], 1) == 60.5
    assert round(rate(chain.rates, "cer_delai", "2022")["rate"], 1) == 97.2
    assert round(rate(chain.rates, "cer_sur_entrants", "2022")["rate"], 1) == 71.0


def test_rates_over_all_years(chain):
    oriented = chain.rates[(chain.rates["rate_id"] == "orientation_delai") & (chain.rates["kind"] == "result")]
    assert list(oriented["period"]) == ["2019", "2020", "2021", "2022"]
    assert [round(r, 1) for r in oriented["rate"]] == [55.2, 61.0, 86.0, 98.2]


def test_targets_and_first_semester(chain):
    targets = chain.targets.set_index("step")
    assert (targets.loc["entrants", "target"], targets.loc["entrants", "result"]) == (6500, 6060)
    assert round(targets.loc["rdv_delai", "attainment"], 1) == 58.3
    semester = chain.semester.set_index("step")
    assert (semester.loc["cer", "s1"], semester.loc["cer", "year"]) == (2805, 4300)
    assert round(rate(chain.rates, "cer_delai", "2022", "s1")["rate"], 1) == 66.9


def test_global_delay_over_the_years(chain):
    delay = chain.global_delay
    assert list(delay["period"]) == ["2018", "2019", "2020", "2021", "2022", "2022", "2022"]
    assert list(delay["value"].fillna(-1)) == [-1, 25, 16.7, 17.4, 21, 21.6, 16.7]
    assert set(delay["unit"]) == {"days"} and set(delay["source_line"]) == {10803}


def test_findings_repeated_values(chain):
    repeated = chain.findings[chain.findings["check_id"] == "orientation.valeur_repetee"]
    assert set(repeated["year"]) == {2019, 2020, 2021, 2022}
    assert repeated["message"].str.contains("4\u202f672").any() and repeated["message"].str.contains("6\u202f596").any()


def test_findings_periods_and_information_system(chain):
    findings = chain.findings
    periods = findings[findings["check_id"] == "orientation.periode"]
    assert periods["message"].str.contains("30/05/22").any()  # semester header ends on 30 May
    assert not periods["message"].str.contains("31/112/22").any()  # an impossible date: the document rule's
    system = findings[findings["check_id"] == "orientation.systeme_information"].iloc[0]
    assert "juillet" in system["message"] and system["source_line"] == 10595


def test_findings_stated_percentages(chain):
    stated = chain.findings[chain.findings["check_id"] == "orientation.pourcentage"]
    assert stated["status"].value_counts().to_dict() == {"ok": 5, "non_verifiable": 1}  # « 99% dans les 2 mois »
    assert not stated["message"].str.contains("ne soit pas atteint").any()  # a negative clause states no figure
    first = stated.iloc[0]
    assert first["source_line"] == 10613 and "98,2" in first["message"] and "5\u202f950 sur 6\u202f060" in first["message"]
    assert (first["step"], first["rate_id"], first["year"]) == ("orientes_delai", "orientation_delai", 2022)


def test_steps_do_not_depend_on_row_order(bundled_report):
    annex = bundled_report.tables["annex4"]
    shuffled = annex.sample(frac=1, random_state=3)
    assert chain_rates(chain_steps(shuffled)).equals(chain_rates(chain_steps(annex)))


def test_a_changed_count_changes_rate_and_finding(tmp_path):
    text = replace_line(bundled_text(), 10611, "5950", "5800")
    chain = orientation_chain(parse_report(write_variant(tmp_path, text)))
    oriented = rate(chain.rates, "orientation_delai", "2022")
    assert oriented["numerator_value"] == 5800 and round(oriented["rate"], 1) == 95.7
    stated = chain.findings[(chain.findings["check_id"] == "orientation.pourcentage")
                            & (chain.findings["source_line"] == 10613)]
    assert stated["status"].tolist() == ["ecart"]


def test_years_shifted_variant(tmp_path, chain):
    shifted = orientation_chain(parse_report(write_variant(tmp_path, shift_years(bundled_text(), 2))))
    assert shifted.report_year == "2024"
    assert list(shifted.rates["period"].unique()) == ["2021", "2022", "2023", "2024"]
    assert shifted.rates["rate"].round(6).equals(chain.rates["rate"].round(6))
    assert (shifted.findings["check_id"] == "orientation.systeme_information").sum() == 1


def test_empty_annex_gives_empty_tables():
    steps = chain_steps(pd.DataFrame(columns=["indicator", "period"]))
    assert steps.empty and chain_rates(steps).empty and step_targets(steps).empty
    assert semester_vs_year(steps).empty


def test_a_rate_s_calculation_is_never_split_over_two_lines(chain):
    """« 5 950 / 6 060 » in a narrow column: the numbers and the slash stay on one line."""
    from calpae_lib.present.orientation import orientation_rates_table

    calculations = orientation_rates_table(chain).frame["Calcul"]
    assert len(calculations) == len(chain.rates[chain.rates["kind"] == "result"])
    assert "5\u202f950\u00a0/\u00a06\u202f060" in set(calculations)
    assert not any(character.isspace() and character not in "\u00a0\u202f"
                   for calculation in calculations for character in calculation)


# --- issue 25: the page says what each rate counts ------------------------------------------------


def test_each_count_carries_its_printed_definition(chain):
    definitions = chain.steps.drop_duplicates("step").set_index("step")["definition"]
    assert definitions["orientes_delai"].startswith("Date d'entrée = date de transmission CAF quotidienne.")
    assert definitions["rdv"].endswith("donc hors pôle")
    assert definitions["rdv_delai"] == ""  # the annex prints none: said as none, not borrowed from a neighbour


def test_a_count_narrower_than_its_base_is_flagged(chain):
    """« 1ers rendez-vous fixés » is defined « hors pôle [emploi] »: over all new entrants it is no share of anyone."""
    narrower = chain.rates[chain.rates["narrower_count"]]
    assert set(narrower["rate_id"]) == {"rdv_sur_entrants"}
    found = chain.findings[chain.findings["check_id"] == "orientation.champ"]
    assert list(zip(found["rate_id"], found["status"])) == [("rdv_sur_entrants", "avertissement")]
    assert "« hors pôle »" in found["message"].iloc[0]


def test_rates_whose_base_is_copied_are_marked(chain):
    """1ers CER in 2020 and 2021 repeat the new entrants' count: « CER dans le délai » 68 % and 73 % have no base."""
    cer = chain.rates[(chain.rates["rate_id"] == "cer_delai") & (chain.rates["kind"] == "result")]
    assert dict(zip(cer["year"], cer["base_copied"])) == {2019: False, 2020: True, 2021: True, 2022: False}
    oriented = chain.rates[chain.rates["rate_id"] == "orientation_delai"]
    assert not oriented["base_copied"].any()  # the new entrants hold the value; the later steps copy it
    repeated = chain.findings[(chain.findings["check_id"] == "orientation.valeur_repetee")
                              & (chain.findings["year"] == 2020)]
    assert "« 1ers CER signés dans le délai » (68\u00a0%)" in repeated["message"].iloc[0]


def test_the_semester_is_checked_against_the_year(chain):
    """Year minus first semester: 4 181 − 1 876 = 2 305 contracts in time for 4 300 − 2 805 = 1 495 signed."""
    semester = chain.semester.set_index("step")
    assert (semester.loc["cer", "s2"], semester.loc["cer_delai", "s2"]) == (1495, 2305)
    found = chain.findings[chain.findings["check_id"] == "orientation.semestre"]
    cer = found[found["rate_id"] == "cer_delai"]
    assert cer["status"].tolist() == ["ecart"] and (cer["expected"].iloc[0], cer["observed"].iloc[0]) == (
        "≤ 1\u202f495", "4\u202f181 − 1\u202f876")  # the printed year and semester: 2 305 left


def test_one_step_shows_its_two_percentages_named_apart(chain):
    from calpae_lib.present.orientation import ATTAINMENT, STEP_RATE, orientation_targets_table

    table = orientation_targets_table(chain).frame.set_index("Étape")
    row = table.loc["1ers rendez-vous dans le délai"]
    assert (row[ATTAINMENT], row[STEP_RATE]) == ("58\u00a0%", "60\u00a0%")  # 3 612 / 6 200 and 3 612 / 5 973


def test_the_rates_table_says_why_a_rate_cannot_be_quoted(chain):
    from calpae_lib.present.orientation import orientation_rates_table

    frame = orientation_rates_table(chain).frame
    notes = dict(zip(zip(frame["Taux"], frame["Année"]), frame["Réserve"]))
    assert "base recopiée" in notes[("1ers CER signés dans le délai", "2020")]
    assert "« hors pôle »" in notes[("1ers rendez-vous fixés rapportés aux nouveaux entrants", "2022")]
    assert notes[("Nouveaux entrants orientés dans le délai", "2022")] == ""


# --- issue 29: one reconciliation system, flags that join, losses, several reports -----------------


def test_the_chain_findings_are_the_checks_rows(bundled_report, chain):
    """One judgement: the chain's findings are the orientation rules' rows of checks.csv, nothing more."""
    checks = bundled_report.tables["checks"]
    rows = checks[checks["check_id"].str.startswith("orientation.")]
    assert sorted(zip(rows["check_id"], rows["status"], rows["message"])) == sorted(
        zip(chain.findings["check_id"], chain.findings["status"], chain.findings["message"]))
    impossible = checks[checks["observed"] == "31/112/22"]
    assert set(impossible["check_id"]) == {"document.date_impossible"}  # said once, as an écart


def test_flags_join_the_rates_by_rate_year_and_kind(chain):
    assert str(chain.findings["year"].dtype) == "Int64" and str(chain.rates["year"].dtype) == "Int64"
    joined = chain.rates.merge(chain.findings, left_on=["rate_id", "year", "kind"],
                               right_on=["rate_id", "year", "column_kind"])
    stated = joined[joined["check_id"] == "orientation.pourcentage"]
    assert set(stated["rate_id"]) == {"orientation_delai", "rdv_sur_entrants", "rdv_delai", "cer_sur_entrants",
                                      "cer_delai"}


def test_losses_between_a_step_and_its_base(chain):
    from calpae_lib.analysis.orientation import weakest_steps

    losses = chain.losses[(chain.losses["year"] == 2022) & (chain.losses["kind"] == "result")].set_index("rate_id")
    assert (losses.loc["rdv_delai", "from_value"], losses.loc["rdv_delai", "to_value"],
            losses.loc["rdv_delai", "lost"]) == (5973, 3612, 2361)
    assert weakest_steps(chain).iloc[0]["rate_id"] == "rdv_delai"
    assert "rdv_sur_entrants" not in set(weakest_steps(chain, 2020)["rate_id"])  # a copied count loses nobody


def test_chain_across_reports_reconciles_the_years_they_share(tmp_path, bundled_report):
    from calpae_lib.analysis.orientation import chain_across

    later = parse_report(write_variant(tmp_path, shift_years(bundled_text(), 1)))  # the 2023 report
    across = chain_across([later, bundled_report])  # any order
    assert across.reports == [2022, 2023] and across.departement == "Pas-de-Calais"
    entrants = across.reconciliation.set_index(["step", "year", "kind"]).loc[("entrants", 2021, "result")]
    assert (entrants["value_a"], entrants["value_b"], entrants["agree"]) == (6596, 4672, False)
    assert (entrants["line_a"], entrants["line_b"]) == (10592, 10592)
    kept = across.steps[(across.steps["step"] == "entrants") & (across.steps["period"] == "2021")
                        & (across.steps["kind"] == "result")]
    assert kept["value"].tolist() == [4672] and kept["report"].tolist() == [2023]
    assert set(across.rates["year"].dropna()) == {2019, 2020, 2021, 2022, 2023}


def test_chain_across_two_copies_agree_everywhere(bundled_report):
    from calpae_lib.analysis.orientation import chain_across

    across = chain_across([bundled_report, bundled_report])
    assert len(across.reconciliation) == len(bundled_report.tables["annex4"].pipe(chain_steps))
    assert across.reconciliation["agree"].all()


def test_chain_across_refuses_two_departements(tmp_path, bundled_report):
    from calpae_lib.analysis.orientation import chain_across
    from calpae_lib.errors import InputError

    other = parse_report(write_variant(tmp_path, bundled_text().replace("PAS-DE-CALAIS", "SOMME")))
    with pytest.raises(InputError, match="un seul département"):
        chain_across([bundled_report, other])
