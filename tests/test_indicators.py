"""indicators.csv on the bundled report and on variants the tests derive themselves."""

import pytest

from calpae_lib.tables.indicators.sheets import indicators_table
from calpae_lib.text.outline import parse_outline
from calpae_lib.text.reading import document_from_text

from .variants import bundled_text, replace_line, shift_years


@pytest.fixture(scope="module")
def table(bundled_doc):
    return indicators_table(bundled_doc, parse_outline(bundled_doc))


def cells(table, action_id, indicator_start, measure=None):
    rows = table[(table["action_id"] == action_id) & table["indicator"].str.startswith(indicator_start)]
    if measure is not None:
        rows = rows[rows["measure"].str.startswith(measure)]
    return [(r.kind, r.period, r.raw, r.status) for r in rows.itertuples()]


def test_garantie_activite_table_carries_the_axis(table):
    garantie = table[(table["action_id"] == "") & (table["axis"] == "II")]
    assert [(r.kind, r.period, r.value) for r in garantie.itertuples()] == [
        ("result", "2021", 10144), ("target", "2022", 13773), ("result", "2022", 19238),
        ("result", "2021", 21606), ("target", "2022", 25874), ("result", "2022", 31339),
    ]
    assert set(garantie["status"]) == {"ok"}


def test_dynamisation_des_parcours_values_split_over_lines(table):
    rows = table[table["action_id"] == "socle-II-2"]
    entrants = rows[rows["indicator"] == "Nombre de nouveaux entrants orientés en 1 mois et moins"]
    assert [(r.kind, r.value, r.source_line) for r in entrants.itertuples()] == [
        ("baseline", 5673, 1109), ("target", 5525, 1112), ("result", 5950, 1112)]
    assert entrants["comment"].iloc[0].startswith("98% des nouveaux entrants")
    assert rows["measure"].iloc[0] == "Dynamisation des parcours : Accueil et Accompagnement des bénéficiaires du RSA"


def test_not_available_cell_spans_lines(table):
    assert cells(table, "socle-I-1", "Nombre de structures") == [
        ("baseline", "2021", "500", "ok"),
        ("target", "2022", "NC (maintien de structures engagées)", "not_available"),
        ("result", "2022", "500", "ok"),
    ]


def test_grouped_numbers_split_by_double_space_and_magnitude(table):
    values = table[(table["action_id"] == "socle-I-1")
                   & table["indicator"].str.contains("CD uniquement")]["value"].tolist()
    assert values == [526471, 450000, 320800]


def test_free_text_cells_keep_their_text(table):
    assert cells(table, "initiative-3", "Nombre de jeunes accompagnés") == [
        ("baseline", "2021", "69 jeunes ont été accompagnés", "ok"),
        ("target", "2022", "De 50 à 100 jeunes", "ok"),
        ("result", "2022", "78 jeunes (30 avec mesures simples et 48 avec mesures renforcées)", "ok"),
    ]
    text = table[table["unit"] == "text"]
    assert text["value"].isna().all()
    assert "18 privés 264 bailleurs sociaux" in set(text["raw"])


def test_row_with_fewer_values_than_columns_fills_the_last_columns(table):
    assert cells(table, "socle-II-10", "Nombre de personnes ayant perçu") == [
        ("target", "2022", "300", "ok"), ("result", "2022", "351", "ok")]
    assert cells(table, "socle-II-10", "Nombre de BRSA en cours") == [("result", "2022", "179", "ok")]


def test_result_columns_of_two_periods(table):
    periods = table[table["action_id"] == "initiative-1"][["kind", "period"]].drop_duplicates()
    assert [tuple(p) for p in periods.itertuples(index=False)] == [("result", "2020/2021"), ("result", "2022")]


def test_page_footer_inside_a_table_is_not_a_cell(table):
    motif = table[(table["action_id"] == "erbm-6") & table["indicator"].str.startswith("Motif")]
    assert list(motif["raw"]) == ["Changement de territoire, changement de département", "/", "/"]


def test_statuses(table):
    assert set(table["status"]) <= {"ok", "not_available", "ambiguous"}
    assert (table.loc[table["status"] == "ambiguous", "kind"].isna()).all()
    assert table.loc[table["status"] == "ok", "kind"].notna().all()


def test_periods_follow_the_headers_in_a_shifted_year_variant(table):
    doc = document_from_text(shift_years(bundled_text(), 9))
    shifted = indicators_table(doc, parse_outline(doc))
    assert len(shifted) == len(table)
    expected = table["period"].map(
        lambda p: "/".join(str(int(y) + 9) for y in p.split("/")) if isinstance(p, str) else p)
    assert shifted["period"].tolist() == expected.tolist()
    assert shifted["value"].fillna(-1).tolist() == table["value"].fillna(-1).tolist()


def test_an_altered_value_follows_with_its_line(table):
    text = replace_line(bundled_text(), 1437, "357 5357 8536", "357 5357 8537")
    doc = document_from_text(text)
    altered = indicators_table(doc, parse_outline(doc))
    diff = altered[altered["value"].fillna(-1) != table["value"].fillna(-1)]
    assert [(r.action_id, r.kind, r.value, r.source_line) for r in diff.itertuples()] == [
        ("socle-II-3", "result", 8537, 1437)]


#: The same indicator on an action sheet (action_id, words it starts with) and in Annexe 4.
SHEET_AND_ANNEX = [
    ("socle-I-1", "Taux de couverture", "Taux de couverture"),
    ("socle-I-1", "Nombre de personnes reçues par les structures", "Nombre de personnes reçues par les structures"),
    ("socle-I-2", "Nombre total de personnes accompagnées", "Nombre total de personnes accompagnées"),
    ("socle-II-2", "Nombre de nouveaux entrants orientés", "Nombre de nouveaux entrants orientés"),
    ("socle-II-2", "Nombre total de 1er rendez-vous", "Nombre total de 1ers rendez-vous"),
    ("socle-II-2", "Nombre de 1er rendez-vous fixés dans le délai", "Nombre de 1ers rendez-vous à 2 semaines"),
    ("socle-II-2", "Nombre de 1er contrats d'engagements dans", "Nombre de 1ers contrats d'engagements réciproques"),
    ("", "Nombre de bénéficiaires du RSA orientés vers la garantie", "Nombre de bénéficiaires du RSA orientés vers la garantie"),
    ("", "Nombre de bénéficiaires du RSA en cours", "Nombre de bénéficiaires du RSA en cours d'accompagnement par la garantie"),
    ("socle-II-1", "Nombre de bénéficiaires du RSA orientés", "Nombre de bénéficiaires du RSA orientés vers l'accompagnement global"),
    ("socle-II-1", "Nombre de personnes accompagnées par conseiller", "Nombre de personnes accompagnées par conseiller"),
    ("socle-II-1", "Délai moyen", "Délai moyen du démarrage"),
    ("socle-II-18", "Nombre de mesures de diagnostics", "Nombre de mesures de diagnostics"),
]


def annex_counterpart(annex, indicator_start, kind, period):
    """The annex cell for a sheet cell: a sheet's baseline or result of year Y is the annex's result of Y."""
    rows = annex[annex["indicator"].str.startswith(indicator_start) & (annex["period"].astype(str) == period)]
    wanted = "target" if kind == "target" else "result"
    return rows[rows["kind"] == wanted]


@pytest.mark.parametrize(("action_id", "sheet_start", "annex_start"), SHEET_AND_ANNEX)
def test_same_indicator_on_the_sheet_and_in_annex4_gives_the_same_values(
        bundled_report, action_id, sheet_start, annex_start):
    sheet = bundled_report.tables["indicators"]
    annex = bundled_report.tables["annex4"]
    rows = sheet[(sheet["action_id"] == action_id) & sheet["indicator"].str.startswith(sheet_start)
                 & sheet["value"].notna()]
    assert len(rows) >= 3
    compared = 0
    for row in rows.itertuples():
        counterpart = annex_counterpart(annex, annex_start, row.kind, row.period)
        counterpart = counterpart[counterpart["status"] == "ok"]
        if counterpart.empty:
            continue
        assert counterpart["value"].tolist() == [row.value], (row.kind, row.period, row.raw)
        compared += 1
    assert compared >= 2


def test_a_report_without_one_sheet_gives_the_other_sheets_unchanged(bundled_doc, table):
    removed = parse_outline(bundled_doc).action("socle-II-3")
    lines = bundled_text().split("\n")
    doc = document_from_text("\n".join(lines[: removed.start - 1] + lines[removed.end:]))
    shorter = indicators_table(doc, parse_outline(doc))
    count = removed.end - removed.start + 1
    expected = table[table["action_id"] != "socle-II-3"].copy()
    expected.loc[expected["source_line"] > removed.end, "source_line"] -= count
    keys = ["action_id", "measure", "indicator", "period", "kind", "raw", "status", "source_line"]
    assert shorter[keys].astype(str).values.tolist() == expected[keys].astype(str).values.tolist()


#: Euro cells whose sign is printed after a space: (action_id, indicator start, raw cells expected).
EURO_CELLS_AS_PRINTED = [
    ("initiative-4", "Montant moyen de l'aide", ["2 156 €", "/", "2 699 €"]),
    ("initiative-5", "Dépenses Actions précarité", ["163 342.80€", "/", "172 206 €"]),
    ("initiative-8", "Dépenses liées aux CLLAJ", ["200 000€", "200 000€"]),
]


@pytest.mark.parametrize(("action_id", "indicator_start", "raws"), EURO_CELLS_AS_PRINTED)
def test_regression_raw_keeps_the_space_before_the_euro_sign(table, action_id, indicator_start, raws):
    """A split number run kept its sign but dropped the printed space ("2 156€" for "2 156 €")."""
    rows = table[(table["action_id"] == action_id) & table["indicator"].str.startswith(indicator_start)]
    assert rows["raw"].tolist() == raws
    assert set(rows["unit"]) == {"eur"}


#: Rows whose cells are text and "/" marks: (action_id, indicator start, line of a "/").
TEXT_ROWS_WITH_A_SLASH = [
    ("initiative-2", "Motif de sortie", 6189),
    ("initiative-4", "Typologie des bailleurs", 6841),
    ("initiative-4", "Nombre de dossiers accordés", 6877),
    ("initiative-4", "Nombre de dossiers maintiens", 6908),
    ("erbm-6", "Motif de sortie", 10071),
    ("erbm-6", "Nombre de jeunes de moins de 25 ans", 10110),
]


@pytest.mark.parametrize(("action_id", "indicator_start", "slash_line"), TEXT_ROWS_WITH_A_SLASH)
def test_regression_not_available_mark_among_text_cells_is_text(table, action_id, indicator_start, slash_line):
    """A "/" among text cells was given the unit of a count."""
    rows = table[(table["action_id"] == action_id) & table["indicator"].str.startswith(indicator_start)]
    slash = rows[rows["source_line"] == slash_line]
    assert set(slash["raw"]) == {"/"} and set(slash["status"]) == {"not_available"}
    assert set(rows["unit"]) == {"text"}


def test_not_available_mark_among_numbers_keeps_the_row_unit(table):
    rows = table[(table["action_id"] == "initiative-3") & table["indicator"].str.startswith("Nombre de ruptures")]
    assert list(zip(rows["raw"], rows["unit"])) == [("12", "count"), ("/", "count"),
                                                    ("22 mesures ont été arrêtés", "text")]


def test_a_measure_printed_right_after_a_row_s_cells_names_that_row_too(table):
    """Regression (socle II action 9): "Aide à l'encadrement dans les ACI" follows the cells of
    "Nombre de BRSA positionnés" with no blank line between; it names that row and the next."""
    rows = table[table["action_id"] == "socle-II-9"].drop_duplicates("indicator")
    measures = list(rows["measure"])
    positioned = list(rows["indicator"]).index("Nombre de BRSA positionnés")
    assert measures[positioned] == measures[positioned + 1] != measures[0]


def test_a_measure_after_a_blank_line_names_only_the_rows_after_it(table):
    rows = table[table["action_id"] == "socle-II-11"].drop_duplicates("indicator")
    assert len(set(rows["measure"])) == 2 and rows["measure"].iloc[0] == rows["measure"].iloc[1]


def test_a_sheet_saying_it_has_no_indicators_has_none(bundled_report):
    """Regression (socle II action 5): "Pas d'indicateurs sur cette fiche" under section 6."""
    actions = bundled_report.tables["actions"].set_index("action_id")
    assert not actions.at["socle-II-5", "has_indicators"] and actions.at["socle-II-4", "has_indicators"]
