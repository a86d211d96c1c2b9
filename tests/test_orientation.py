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
