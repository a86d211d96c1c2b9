"""The rapport's claims and the percentages stated in words, read from the text."""

from decimal import Decimal

import pytest

from calpae_lib.tables.claims import claims_of, percent_statements, read_claims
from calpae_lib.text.reading import document_from_text

from .variants import bundled_text, replace_line, shift_years


@pytest.fixture(scope="module")
def claims(bundled_doc):
    return read_claims(bundled_doc)


@pytest.mark.parametrize("kind, volet, value, line", [
    ("participation_etat", None, 6636490, 10921),
    ("participation_volet", "socle", 5397990, 10924),
    ("participation_volet", "initiative", 1238500, 10925),
    ("enveloppe", "erbm", 500000, 10927),
    ("nombre_actions_total", None, 34, 10931),
    ("nombre_actions_volet", "socle", 20, 10934),
    ("nombre_actions_volet", "initiative", 8, 10963),
    ("nombre_actions_volet", "erbm", 6, 10978),
    ("consommation_credits_etat", None, Decimal("100"), 10990),
    ("actions_toutes_engagees", None, None, 10990),
    ("parite_financeurs", None, None, 10879),
])
def test_rapport_claims_on_bundled_report(claims, kind, volet, value, line):
    found = claims_of(claims, kind, volet)
    assert [(c.value, c.source_line) for c in found] == [(value, line)]


def test_a_year_in_brackets_is_not_a_count_of_actions(claims):
    """"ERBM (2019)" in a sheet is not the announcement "ERBM (6)"."""
    assert [c.value for c in claims_of(claims, "nombre_actions_volet", "erbm")] == [6]


def test_claims_follow_a_variant_with_other_figures():
    text = replace_line(bundled_text(), 10921, "6 636 490 €", "6 700 000 €")
    text = replace_line(text, 10978, "(6)", "(7)")
    claims = read_claims(document_from_text(shift_years(text, 2)))
    assert claims_of(claims, "participation_etat")[0].value == 6700000
    assert claims_of(claims, "nombre_actions_volet", "erbm")[0].value == 7


def test_percentages_with_an_identifiable_base(bundled_doc):
    statements = percent_statements(bundled_doc)
    assert [(s.count, s.base, s.percent, s.source_line) for s in statements] == [
        (839, 995, Decimal("88"), 2319),
        (818, 995, Decimal("82.2"), 2325),
        (81, 995, Decimal("8.5"), 2327),
        (214, 995, Decimal("22.4"), 2329),
        (83, 995, Decimal("8.3"), 2331),
    ]
    assert statements[0].approximate and not statements[1].approximate


def test_percentages_without_a_printed_base_are_left_out(bundled_doc):
    """"soit 27 % des enfants dépistés" (APRIS): the number of children screened is not printed."""
    assert not [s for s in percent_statements(bundled_doc) if 5900 <= s.source_line <= 5920]
