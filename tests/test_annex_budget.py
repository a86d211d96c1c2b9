"""annex_budget.csv on the bundled report and on variants derived from it."""

import pytest

from calpae_lib.errors import InputError, NumberFormatError
from calpae_lib.tables.annex_budget import (
    annex_header_years,
    annex_lines,
    match_titles,
    parse_annex,
    unmatched_warnings,
)
from calpae_lib.text.outline import parse_outline

from .variants import bundled_text, parse_text, replace_line, shift_years


@pytest.fixture(scope="module")
def annex(bundled_report):
    """The annex as printed: one row per line, its two amounts side by side."""
    return annex_lines(bundled_report.tables["annex_budget"])


def row_at(annex, line):
    rows = annex[annex.source_line == line]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def without_lines(text, first, last):
    """The text with lines ``first..last`` (1-based, inclusive) blanked, keeping line numbers."""
    lines = text.split("\n")
    lines[first - 1:last] = [""] * (last - first + 1)
    return "\n".join(lines)


def test_the_table_is_long_with_two_amounts_per_printed_line(bundled_report, annex):
    long = bundled_report.tables["annex_budget"]
    assert list(long.columns) == ["volet", "row_kind", "action_id", "label", "stage", "amount_eur", "source_line"]
    assert len(long) == 2 * len(annex) and long.groupby("source_line").stage.apply(list).map(tuple).unique().tolist() \
        == [("avenant", "engage")]
    assert (long[long.stage == "avenant"].amount_eur.to_numpy() == annex.avenant.to_numpy()).all()


def test_columns_and_kinds(annex):
    assert list(annex.volet.unique()) == ["socle", "initiative", "erbm"]
    kinds = annex.groupby("volet", sort=False).row_kind.value_counts().unstack()
    assert kinds.loc["socle"].to_dict() == {"action": 16, "etat": 16, "departement": 16, "subtotal_etat": 1,
                                            "subtotal_departement": 1, "total": 1}
    assert kinds.loc["initiative", "action"] == 8 and kinds.loc["erbm", "action"] == 6


def test_every_annex_action_line_is_matched_to_a_financed_action(bundled_report, annex):
    actions = bundled_report.tables["actions"]
    lines = annex[annex.row_kind == "action"]
    assert (lines.action_id != "").all()
    assert lines.action_id.is_unique
    assert set(lines.action_id) == set(actions[actions.has_budget].action_id)
    assert unmatched_warnings(annex) == []


@pytest.mark.parametrize(
    "line, action_id",
    [
        (10279, "socle-II-17"),   # "Pacte ambition IAE" / "Pacte d'ambition IAE"
        (10207, "socle-II-2"),    # "… BRSA primo-arrivants" / "… des Bénéficiaires du RSA"
        (10213, "socle-II-3"),    # "des BRSA" / "des bénéficiaires du RSA"
        (10195, "socle-I-1"),     # "1er accueil" / "premier accueil … du Pas-de-Calais"
        (10329, "initiative-5"),  # "ASTRE" alone / "ASTRE : Accompagnement Social Travaux …"
        (10341, "initiative-7"),  # "décrochage scolaire" / "Décrochage Scolaire 16-18 ans"
        (10393, "erbm-5"),        # two close titles: accompagnement au logement …
        (10399, "erbm-6"),        # … and "Solution logement" / "« Solutions logement »"
        (10367, "erbm-2"),        # "Développement des actions" / "Développer des actions"
    ],
)
def test_annex_titles_that_differ_from_the_sheets(annex, line, action_id):
    assert row_at(annex, line).action_id == action_id


def test_financing_lines_carry_their_action_and_add_up(annex):
    current = None
    for row in annex.itertuples():
        if row.row_kind == "action":
            current = row
            parts = annex[(annex.action_id == row.action_id) & annex.row_kind.isin(["etat", "departement"])]
            assert list(parts.row_kind) == ["etat", "departement"]
            assert parts.avenant.sum() == row.avenant
            assert parts.engage.sum() == row.engage
        elif row.row_kind in ("etat", "departement"):
            assert row.action_id == current.action_id
        else:
            assert row.action_id == ""


def test_wrapped_title_is_joined(annex):
    row = row_at(annex, 10233)
    assert row.label.startswith("Renforcer le soutien à la parentalité") and row.label.endswith("jeune enfant")
    assert (row.avenant, row.engage) == (50000, 175039)


def test_volet_title_inside_a_table(annex):
    """"Plan pauvreté - ACTIONS SOCLE COMMUN" (line 10249) sits between an État line and its Département line."""
    row = row_at(annex, 10253)
    assert (row.row_kind, row.action_id, row.engage) == ("departement", "socle-II-12", 81254)
    assert not annex.label.str.contains("ACTIONS SOCLE").any()


def test_amount_glued_to_title(annex):
    """"… pour leurs enfants233 000 € 233 000 €" (line 10299)."""
    row = row_at(annex, 10299)
    assert (row.avenant, row.engage, row.action_id) == (233000, 233000, "initiative-1")
    assert row.label.endswith("pour leurs enfants")


def test_totals(annex):
    totals = annex[annex.row_kind == "total"].set_index("volet")
    assert totals.loc["socle", ["avenant", "engage"]].tolist() == [10561700, 11103939]
    assert totals.loc["erbm", "source_line"] == 10409


def test_header_years_as_printed(bundled_doc):
    """The 2nd and 3rd headers say "engagé/réalisé en 2021" in the 2022 report: kept as printed."""
    assert annex_header_years(parse_annex(bundled_doc, parse_outline(bundled_doc))) == [
        ("socle", 10187, 2022), ("initiative", 10297, 2021), ("erbm", 10359, 2021)]


def test_volet_from_etat_labels_without_title_line(annex):
    text = without_lines(bundled_text(), 10373, 10373)   # "Plan pauvreté - ERBM"
    variant = annex_lines(parse_text(text).tables["annex_budget"])
    assert variant.equals(annex)


def test_unrelated_annex_title_is_left_unmatched_and_reported():
    text = replace_line(bundled_text(), 10267, "Projets innovants", "Chantier naval de plaisance")
    variant = annex_lines(parse_text(text).tables["annex_budget"])
    assert row_at(variant, 10267).action_id == ""
    assert row_at(variant, 10269).action_id == ""
    [warning] = unmatched_warnings(variant)
    assert "10267" in warning and "Chantier naval" in warning


def test_letter_o_in_an_annex_amount_names_the_line():
    text = replace_line(bundled_text(), 10341, "334 300 €", "334 3O0 €")
    with pytest.raises(NumberFormatError) as error:
        parse_text(text)
    assert error.value.line == 10341


def test_annex_cut_before_its_last_total_is_an_error():
    text = "\n".join(bundled_text().split("\n")[:10400])
    with pytest.raises(InputError, match="tronqué"):
        parse_text(text)


def test_variant_years_and_annex_amounts_follow(annex):
    text = shift_years(bundled_text(), 9)
    text = replace_line(text, 10341, "280 000 € 334 300 €", "281 000 € 335 300 €")
    text = replace_line(text, 10345, "140 000 €                              194 300 €",
                        "141 000 €                              195 300 €")
    report = parse_text(text)
    variant = annex_lines(report.tables["annex_budget"])
    assert annex_header_years(report.annex) == [
        ("socle", 10187, 2031), ("initiative", 10297, 2030), ("erbm", 10359, 2030)]
    assert (row_at(variant, 10341).avenant, row_at(variant, 10341).engage) == (281000, 335300)
    assert row_at(variant, 10345).avenant == 141000
    changed = variant.source_line.isin([10341, 10345])
    assert variant[~changed].equals(annex[~changed])


def test_match_titles_needs_a_clear_lead():
    """Two equally close candidates: no match rather than a guess."""
    titles = {"a-1": "Logement des jeunes (Nord)", "a-2": "Logement des jeunes (Sud)"}
    assert match_titles(["Logement des jeunes"], titles) == [""]
    assert match_titles(["Logement des jeunes du Sud"], titles) == ["a-2"]


@pytest.mark.parametrize("first, last, line", [(9514, 9852, 10393), (9853, 9999, 10399)])
def test_removed_sheet_leaves_its_annex_line_unmatched(first, last, line):
    """erbm-5 and erbm-6 have close titles: without one sheet, its annex line must not take the other's."""
    variant = annex_lines(parse_text(without_lines(bundled_text(), first, last)).tables["annex_budget"])
    lines = variant[variant.row_kind == "action"]
    assert lines[lines.action_id == ""].source_line.tolist() == [line]
    assert lines[lines.action_id != ""].action_id.is_unique
