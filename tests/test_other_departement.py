"""Another département's report of the same national template, made from the bundled one
(:func:`tests.nextyear.other_departement`): no ERBM volet, the initiative volet headed « INITIATIVES
DEPARTEMENTALES » while its annex table says « ACTION D'INITIATIVE DEPARTEMENTALE », one action fewer,
another département's name.

What it must yield is the bundled report's reading of what it kept, moved to its lines: every action,
amount and annex line the same, every annex line attached to its sheet, and no finding the bundled
report does not have (a volet keyed from one word list and its annex from another once left every
initiative annex line unattached: « le rapport annonce 7 actions … contient 0 fiches action », a
« manquant » per line, the sheet-annex comparisons skipped).
"""

from __future__ import annotations

from collections import Counter

import pytest

from calpae_lib.pipeline import parse_document
from calpae_lib.text.reading import document_from_text

from . import nextyear
from .variants import bundled_text


@pytest.fixture(scope="module")
def other():
    variant = nextyear.other_departement(bundled_text())
    return variant, parse_document(document_from_text(variant.text, "autre_departement.txt"))


def renamed(text: str) -> str:
    return nextyear.rename(text, nextyear.OTHER_HEADINGS + nextyear.OTHER_NAMES)


def kept(variant, frame, column="action_id"):
    """A bundled table's rows of the actions the variant kept, with the variant's ids."""
    ids = frame[column].map(lambda a: variant.ids.get(a, a) if a else a)
    return frame[ids != ""].assign(**{column: ids[ids != ""]})


def test_its_volets_are_read_from_its_headings(other):
    variant, report = other
    assert report.outline.volets == ("socle", "initiative")
    assert [report.outline.volet_heading(v) for v in report.outline.volets] == [
        "ACTIONS DU SOCLE COMMUN", "INITIATIVES DEPARTEMENTALES"]


def test_every_action_is_read_as_the_bundled_report_reads_it(other, bundled_report):
    variant, report = other
    expected = kept(variant, bundled_report.tables["actions"])
    columns = ["action_id", "volet", "axis", "title", "has_budget", "has_indicators"]
    expected = expected.assign(title=expected["title"].map(renamed))[columns].reset_index(drop=True)
    assert report.tables["actions"][columns].equals(expected)
    lines = variant.line_map()
    assert [lines[n] for n in report.tables["actions"]["source_line"]] == list(
        kept(variant, bundled_report.tables["actions"])["source_line"])


def test_every_amount_of_the_sheets_is_the_bundled_one(other, bundled_report):
    variant, report = other
    columns = ["action_id", "stage", "financeur", "amount_eur"]
    expected = kept(variant, bundled_report.tables["budgets"])[columns].reset_index(drop=True)
    assert report.tables["budgets"][columns].equals(expected)


def test_every_annex_line_is_attached_and_read_as_in_the_bundled_report(other, bundled_report):
    variant, report = other
    annex = report.tables["annex_budget"]
    assert not annex[(annex.row_kind == "action") & (annex.action_id == "")].size
    lines = variant.line_map()
    bundled = bundled_report.tables["annex_budget"].set_index(["source_line", "stage"])
    for row in annex.itertuples():
        printed = bundled.loc[(lines[row.source_line], row.stage)]
        assert (row.volet, row.row_kind, row.action_id, row.label) == (
            printed.volet, printed.row_kind, variant.ids.get(printed.action_id, printed.action_id),
            renamed(printed.label))
        if not row.row_kind.startswith(("subtotal", "total")):  # the generator lowered these
            assert row.amount_eur == printed.amount_eur


def test_no_finding_the_bundled_report_does_not_have(other, bundled_report):
    variant, report = other
    checks = report.tables["checks"]
    assert not (checks.status == "manquant").any()
    bundled = kept(variant, bundled_report.tables["checks"], "scope")
    found = Counter(zip(checks.check_id, checks.scope, checks.status))
    before = Counter(zip(bundled.check_id, bundled.scope, bundled.status))
    assert not {key: n for key, n in found.items() if key[2] != "ok" and n > before[key]}
    counts = checks[checks.check_id == "rapport.nombre_actions"]
    assert set(zip(counts.scope, counts.status, counts.expected)) == {
        ("document", "ok", "27"), ("socle", "ok", "20"), ("initiative", "ok", "7")}


def test_every_comparison_of_the_bundled_report_is_made(other, bundled_report):
    """The sheets against the annex: as many comparisons per action as for the bundled report."""
    variant, report = other
    def compared(checks):
        rows = checks[checks.check_id.str.startswith("fiche_annexe")]
        return Counter(zip(rows.check_id, rows.scope))
    assert compared(report.tables["checks"]) == compared(kept(variant, bundled_report.tables["checks"], "scope"))
