"""Reference figures (DREES OARSA workbook, national landmarks): the shipped files and workbooks the tests make."""

import math

import pytest
from openpyxl import Workbook

from calpae_lib.errors import InputError
from calpae_lib.publish import config
from calpae_lib.tables.references import FRANCE, oarsa_series, read_landmarks, read_oarsa, territory_code

WORKBOOK, LANDMARKS = config.reference_files()


@pytest.fixture(scope="module")
def oarsa():
    return read_oarsa(WORKBOOK)


def values(frame):
    return [None if math.isnan(v) else v for v in frame["value"]]


def test_the_pas_de_calais_row_of_tableau_b1(oarsa):
    row = oarsa_series(oarsa, "Tableau B1", [territory_code(oarsa, "Pas-de-Calais")])
    assert list(row["year"]) == [2015, 2016, 2017, 2018]
    assert values(row) == [94, 93, 94, 89] and set(row["unit"]) == {"percent"}
    assert row["indicator"].iloc[0].startswith("Part au 31/12 de l'année des personnes orientées")


def test_symbols_are_not_available_never_zero(oarsa):
    delay = oarsa_series(oarsa, "Tableau B13", ["62"])
    assert list(delay["symbol"]) == ["/", "/", "ND", "ND"] and values(delay) == [None] * 4
    assert set(delay["status"]) == {"not_available"} and set(delay["unit"]) == {"days"}
    assert not (oarsa.loc[oarsa["symbol"] != "", "value"] == 0).any()
    assert set(oarsa["symbol"]) == {"", "/", "ND", "NR", "NC"}


def test_france_comes_from_tableau_a1_in_sheet_order(oarsa):
    assert values(oarsa_series(oarsa, "Tableau B1", [FRANCE])) == [80, 83, 83, 83]
    assert values(oarsa_series(oarsa, "Tableau B13", [FRANCE])) == [None, None, 94, 95]


def test_a_later_workbook_of_the_same_layout(tmp_path):
    """Another wave: years 2019–2020, other sheets' order kept, a département name with a space and a symbol."""
    book = Workbook()
    national = book.active
    national.title = "Tableau A1"
    national.append([None, "Tableau A1 - Principaux indicateurs nationaux"])
    national.append([None, None, None, 2019, 2020])
    national.append([None, "Part des orientés", None, 84, 83])
    national.append([None, "Délai moyen", None, 90, "ND "])
    for name, title, unit, rows in (
            ("Tableau B1", "Tableau B1 - Part des orientés", "En %", [("62-Pas-de-Calais ", 91, "NR "),
                                                                       ("2A-Corse-du-Sud ", 70, 71)]),
            ("Tableau B13", "Tableau B13 - Délai moyen", "En jours", [("62-Pas-de-Calais ", 40, 35)])):
        sheet = book.create_sheet(name)
        sheet.append([None, title])
        sheet.append([None, "Champ : France entière."])
        sheet.append([None, unit])
        sheet.append([None, "Département/territoire", 2019, 2020])
        for row in rows:
            sheet.append([None, *row])
    path = tmp_path / "oarsa_2019_2020.xlsx"
    book.save(path)
    later = read_oarsa(path)
    assert values(oarsa_series(later, "Tableau B1", ["62"])) == [91, None]
    assert oarsa_series(later, "Tableau B1", ["62"])["symbol"].tolist() == ["", "NR"]
    assert values(oarsa_series(later, "Tableau B1", ["2A"])) == [70, 71]
    assert values(oarsa_series(later, "Tableau B13", [FRANCE])) == [90, None]
    assert set(later[later["table"] == "Tableau B13"]["unit"]) == {"days"}


def test_a_file_that_is_no_workbook_is_refused_in_one_line(tmp_path):
    path = tmp_path / "oarsa.xlsx"
    path.write_text("pas un classeur")
    with pytest.raises(InputError, match="classeur OARSA illisible"):
        read_oarsa(path)


def test_national_landmarks_keep_their_sources():
    landmarks = read_landmarks(LANDMARKS)
    calpae = landmarks[landmarks["indicator"] == "calpae_nouveaux_entrants_orientes_1_mois"]
    assert dict(zip(calpae["year"], calpae["value"])) == {2019: 46, 2020: 53}
    assert landmarks["source"].str.len().gt(0).all() and set(landmarks["unit"]) == {"percent", "days"}


def test_the_page_shows_references_beside_the_rate_never_merged(bundled_report):
    from calpae_lib.analysis.orientation import national_context, orientation_chain
    from calpae_lib.present.orientation import context_definitions_table, context_table

    chain = orientation_chain(bundled_report)
    context = national_context(chain, read_oarsa(WORKBOOK), read_landmarks(LANDMARKS),
                               bundled_report.meta.departement)
    table = context_table(context).frame
    own = table[table["Source"] == "Annexe 4 du rapport"].iloc[0]
    assert own["Territoire"] == "Pas-de-Calais" and own["2022"] == "98\u00a0%"
    oarsa_row = table[(table["Source"] == "DREES, OARSA") & (table["Territoire"] == "Pas-de-Calais")].iloc[0]
    assert [oarsa_row[str(y)] for y in range(2015, 2019)] == ["94\u00a0%", "93\u00a0%", "94\u00a0%", "89\u00a0%"]
    assert "non disponible (ND)" in set(table.loc[table["Série"].str.startswith("Délai"), "2018"])
    definitions = context_definitions_table(context).frame
    assert definitions["Définition"].str.contains("transmission CAF quotidienne").any()
    assert definitions["Référence"].str.contains("DREES, enquête OARSA").any()
