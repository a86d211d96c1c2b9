"""budgets.csv and budget_details.csv on the bundled report and derived variants."""

import pytest

from calpae_lib.errors import NumberFormatError, ParseError
from calpae_lib.text.reading import document_from_text

from .variants import bundled_text, parse_text, replace_line, shift_years


@pytest.fixture(scope="module")
def budgets(bundled_report):
    return bundled_report.tables["budgets"]


@pytest.fixture(scope="module")
def details(bundled_report):
    return bundled_report.tables["budget_details"]


def amount(budgets, action_id, stage, financeur):
    rows = budgets[(budgets.action_id == action_id) & (budgets.stage == stage) & (budgets.financeur == financeur)]
    assert len(rows) == 1, rows
    return int(rows.amount_eur.iloc[0]), int(rows.source_line.iloc[0]), rows.label.iloc[0]


def test_columns(budgets):
    assert list(budgets.columns) == ["action_id", "stage", "financeur", "amount_eur", "label", "source_line"]
    assert set(budgets.stage) == {"prevu", "engage"}
    assert set(budgets.financeur) == {"etat", "departement"}


@pytest.mark.parametrize(
    "action_id, stage, financeur, expected, line",
    [
        ("socle-I-1", "prevu", "etat", 110000, 279),        # "TOTAL 110 000€ 110 000€" (euro sign glued)
        ("socle-I-1", "prevu", "departement", 110000, 279),
        ("socle-I-1", "engage", "departement", 110000, 289),  # label over three lines, amount on a fourth
        ("socle-II-2", "engage", "departement", 518253, 1054),  # "518 253€"
        ("socle-II-3", "prevu", "etat", 1320000, 1367),
        ("socle-II-9", "engage", "etat", 697000, 2594),     # amount and next label on one line
        ("socle-II-9", "engage", "departement", 735195, 2597),
        ("socle-II-14", "engage", "etat", 100000, 4106),    # label and amount on one line
        ("socle-II-18", "engage", "departement", 689996, 5428),
        ("initiative-7", "engage", "departement", 194300, 7839),
        ("erbm-3", "prevu", "etat", 158000, 9033),          # header "Pack inclusion ERBM Part Département"
        ("erbm-4", "prevu", "departement", 27800, 9359),    # header "Report crédits 2019 Part Etat …"
        ("erbm-6", "engage", "departement", 30000, 9977),
    ],
)
def test_amounts_on_real_lines(budgets, action_id, stage, financeur, expected, line):
    assert amount(budgets, action_id, stage, financeur)[:2] == (expected, line)


def test_every_financed_action_has_both_planned_amounts(bundled_report, budgets):
    actions = bundled_report.tables["actions"]
    financed = set(actions[actions.has_budget].action_id)
    planned = budgets[budgets.stage == "prevu"].groupby("action_id").financeur.apply(sorted)
    assert set(planned.index) == financed
    assert all(value == ["departement", "etat"] for value in planned)
    assert len(financed) == 30  # 34 actions, 4 without money (socle-II-4 to II-7)


@pytest.mark.parametrize("action_id", ["socle-II-4", "socle-II-5", "socle-II-6", "socle-II-7"])
def test_actions_without_budget_have_no_rows(bundled_report, budgets, action_id):
    """"Pas de valorisation financière" (II-4 to II-6) or no budget section at all (II-7)."""
    assert action_id not in set(budgets.action_id)
    actions = bundled_report.tables["actions"].set_index("action_id")
    assert not actions.loc[action_id, "has_budget"]


def test_sheet_without_executed_amounts_has_no_engage_rows():
    """A sheet printing the 5.2 headers ("Engagé en 2022") but no amounts, in 5.2 or further down, has none."""
    text = bundled_text().split("\n")
    text[8533:8541] = [""] * 8      # erbm-1 prints its executed lines in its bilan (l.8534-8541): gone
    rows = parse_text("\n".join(text)).tables["budgets"]
    assert list(rows[rows.action_id == "erbm-1"].stage) == ["prevu", "prevu"]


def test_split_dont_amount_keeps_whole_and_parts(budgets, details):
    """"TOTAL 917 100 € dont 234 280 € (crédits fléchés mobilité) 682 820 € (socle) 682 820 €"."""
    assert amount(budgets, "socle-II-18", "prevu", "etat")[:2] == (917100, 5403)
    assert amount(budgets, "socle-II-18", "prevu", "departement")[:2] == (682820, 5409)
    assert list(details.columns) == ["action_id", "stage", "financeur", "amount_eur", "parent_amount_eur",
                                     "label", "source_line"]
    parts = details[details.action_id == "socle-II-18"]
    assert list(zip(parts.amount_eur, parts.label, parts.source_line)) == [
        (234280, "crédits fléchés mobilité", 5404), (682820, "socle", 5407)]
    assert set(parts.parent_amount_eur) == {917100} and set(parts.financeur) == {"etat"}
    assert parts.amount_eur.sum() == 917100


def test_montant_liquide_header_variant(budgets):
    """Near line 1374 the 5.2 headers read "Engagé en 2022 / Montant liquidé 2022 Engagé en 2022"."""
    value, line, label = amount(budgets, "socle-II-3", "engage", "etat")
    assert (value, line) == (1320000, 1382)
    assert label == "Plan Pauvreté – Part Etat : Accompagnement socio-professionnel des bénéficiaires du RSA"
    assert amount(budgets, "socle-II-3", "engage", "departement")[0] == 1472400


def test_split_headers_do_not_leak_into_labels(budgets):
    engaged = budgets[budgets.stage == "engage"]
    assert not engaged.label.str.contains(r"Engag|liquid|20\d\d").any()


@pytest.mark.parametrize(
    "action_id, financeur, label",
    [
        ("socle-II-1", "departement", "Contrepartie Plan Pauvreté – Part Département : référent solidarité"),
        ("socle-II-16", "etat", "Plan Pauvreté – Part Etat : Les clés pour réussir"),
        ("socle-II-16", "departement", "Contrepartie Plan Pauvreté – Part Département : PLIE"),
        ("socle-II-10", "etat", "Part Etat : Crèche AVIP"),   # two labels and amounts on one line
        ("socle-II-10", "departement", "Part Département : AFP"),
        ("erbm-5", "etat", "Part Etat"),
    ],
)
def test_executed_labels_as_printed(budgets, action_id, financeur, label):
    assert amount(budgets, action_id, "engage", financeur)[2] == label


def test_letter_o_in_a_sheet_amount_names_the_line():
    text = replace_line(bundled_text(), 1367, "1 320 000 € 1 320 000 €", "1 320 000 € 1 32O 000 €")
    with pytest.raises(NumberFormatError, match="1 32O 000") as error:
        parse_text(text)
    assert error.value.line == 1367


def test_executed_amount_without_financeur_label_is_an_error():
    text = replace_line(bundled_text(), 289, "110 000 €", "110 000 € 5 000 €")
    with pytest.raises(ParseError, match="financeur inconnu"):
        parse_text(text)


def test_dont_parts_that_do_not_add_up_are_an_error():
    text = replace_line(bundled_text(), 5407, "682 820 €", "682 000 €")
    with pytest.raises(ParseError, match="dont") as error:
        parse_text(text)
    assert error.value.line == 5403


def test_variant_year_and_amounts_follow(budgets):
    """Years +9 and other amounts on one sheet: the table follows the text, line by line."""
    text = shift_years(bundled_text(), 9)
    text = replace_line(text, 1367, "1 320 000 € 1 320 000 €", "1 330 000 € 1 310 000 €")
    text = replace_line(text, 1388, "1 472 400 €", "1 472 401 €")
    report = parse_text(text)
    assert report.meta.year == 2031
    variant = report.tables["budgets"]
    assert amount(variant, "socle-II-3", "prevu", "etat")[:2] == (1330000, 1367)
    assert amount(variant, "socle-II-3", "prevu", "departement")[:2] == (1310000, 1367)
    assert amount(variant, "socle-II-3", "engage", "departement")[:2] == (1472401, 1388)
    others = variant[variant.action_id != "socle-II-3"].reset_index(drop=True)
    assert others.equals(budgets[budgets.action_id != "socle-II-3"].reset_index(drop=True))


def test_executed_headers_keep_their_year_even_when_split(bundled_doc):
    """"Engagé en" / "2022" on two lines, and "Montant liquidé 2022" (socle-II-3), keep year and line."""
    from calpae_lib.tables.budgets import parse_budgets
    from calpae_lib.text.outline import parse_outline

    headers = parse_budgets(bundled_doc, parse_outline(bundled_doc)).headers
    assert {h.year for h in headers} == {2022}
    by_action = [(h.text, h.source_line) for h in headers if h.action_id == "socle-II-3"]
    assert by_action == [("Engagé en 2022", 1372), ("Montant liquidé 2022", 1374), ("Engagé en 2022", 1375)]
    assert len({h.action_id for h in headers}) == 30   # every sheet with a 5.2 table, erbm-1 included


def test_executed_header_years_follow_a_variant():
    from calpae_lib.tables.budgets import parse_budgets
    from calpae_lib.text.outline import parse_outline

    doc = document_from_text(shift_years(bundled_text(), 9))
    assert {h.year for h in parse_budgets(doc, parse_outline(doc)).headers} == {2031}


def displaced_variant(report, extra: str = ""):
    """The bundled text with the executed lines of the first sheet that prints both in 5.2 moved to the end of that
    sheet (as a PDF's text flow can do), and ``extra`` lines added after them; the action and its rows."""
    from calpae_lib.tables.budgets import budget_sections
    from calpae_lib.template.budgets import DEPARTEMENT_LABEL, ETAT_LABEL

    engaged = report.tables["budgets"][report.tables["budgets"].stage == "engage"]
    lines = list(report.doc.lines)
    for action in report.outline.actions:
        rows = engaged[engaged.action_id == action.action_id]
        executed = budget_sections(report.doc, action).executed
        if len(rows) != 2 or executed is None or executed[1] + 5 >= action.end:
            continue
        first = next(n for n in range(executed[0], executed[1] + 1)
                     if ETAT_LABEL.search(lines[n - 1]) or DEPARTEMENT_LABEL.search(lines[n - 1]))
        moved = lines[first - 1:executed[1]]
        text = lines[:first - 1] + [""] * len(moved) + lines[executed[1]:action.end - 1] + moved
        text += extra.split("\n") if extra else []
        return "\n".join(text + lines[action.end - 1:]), action, rows
    raise AssertionError("no sheet prints both executed lines in its 5.2 section")


def test_executed_lines_printed_after_the_section_are_read_where_they_are(bundled_report):
    """A sheet whose 5.2 lines are printed further down (in its bilan) still gives its engagé, with their new
    lines, and the reconciliation says where they are instead of « manquant »."""
    text, action, rows = displaced_variant(bundled_report)
    report = parse_text(text)
    budgets = report.tables["budgets"]
    read = budgets[(budgets.action_id == action.action_id) & (budgets.stage == "engage")]
    assert sorted(read.amount_eur) == sorted(rows.amount_eur)
    assert (read.source_line > rows.source_line.max()).all()
    checks = report.tables["checks"]
    found = checks[(checks.check_id == "fiche_annexe.engage") & (checks.scope == action.action_id)]
    assert set(found.status) == {"ok"}, found.message.tolist()
    assert found.message.str.contains("hors de la rubrique 5.2").all()


def test_two_amounts_for_one_financeur_after_the_section_are_to_be_checked_not_missing(bundled_report):
    text, action, rows = displaced_variant(bundled_report, "Autre – Part Etat : reliquat\n1 234 €")
    report = parse_text(text)
    budgets = report.tables["budgets"]
    assert budgets[(budgets.action_id == action.action_id) & (budgets.stage == "engage")].empty
    checks = report.tables["checks"]
    found = checks[(checks.check_id == "fiche_annexe.engage") & (checks.scope == action.action_id)]
    assert "avertissement" in set(found.status) and "manquant" not in set(found.status), found.message.tolist()
