"""Next year's report, never seen: every value read right or flagged, never wrong.

Variants come from :mod:`tests.nextyear` (seeded); what each must yield is
known from what the generator printed. The counts of every comparison are
printed (``pytest -s``) for the issue's note.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pandas as pd
import pytest

from calpae_lib.pipeline import parse_report

from . import nextyear
from .variants import bundled_text, shift_years, write_variant

SEEDS = (1, 2, 3, 4, 5, 6)


@pytest.fixture(scope="module", params=SEEDS)
def generated(request, tmp_path_factory):
    variant = nextyear.make_variant(bundled_text(), request.param)
    path = write_variant(tmp_path_factory.mktemp(f"seed{request.param}"), variant.text,
                         f"calpae_{2022 + variant.offset}_pas-de-calais.txt")
    return variant, parse_report(path)


def variant_id(variant: nextyear.Variant, action_id: str) -> str:
    return variant.ids.get(action_id, action_id)


def expected_amounts(variant: nextyear.Variant) -> dict[tuple[str, str], list[int]]:
    """(variant action, stage) -> the amounts printed on its sheet, copies included."""
    out = {}
    for (action, stage), amounts in variant.amounts.items():
        if variant_id(variant, action):
            out[(variant_id(variant, action), stage)] = amounts
    for copy, source in variant.copies.items():
        for stage in ("prevu", "engage"):
            if (source, stage) in variant.amounts:
                out[(copy, stage)] = variant.amounts[(source, stage)]
    return out


def read_amounts(report, action_id: str, stage: str) -> list[int]:
    frames = [report.tables["budgets"], report.tables["budget_details"]]
    return sorted(int(a) for f in frames for a in f[(f.action_id == action_id) & (f.stage == stage)].amount_eur)


def test_every_amount_of_every_sheet_is_read(generated):
    variant, report = generated
    expected = expected_amounts(variant)
    assert expected
    wrong = {key: (amounts, read_amounts(report, *key)) for key, amounts in expected.items()
             if read_amounts(report, *key) != amounts}
    assert not wrong, f"seed {variant.seed}: {wrong}"


def shifted_period(period, offset: int) -> str:
    return shift_years(str(period), offset) if isinstance(period, str) and period else period


def reference_cells(bundled, offset: int) -> dict[tuple[int, str], list[dict]]:
    """The bundled report's indicator cells by (line, raw), years moved like the variant's."""
    cells: dict[tuple[int, str], list[dict]] = {}
    for record in bundled.tables["indicators"].to_dict("records"):
        record = {**record, "period": shifted_period(record["period"], offset),
                  "measure": shift_years(str(record["measure"]), offset)}
        cells.setdefault((record["source_line"], str(record["raw"])), []).append(record)
    return cells


def same_value(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


def judge(variant: nextyear.Variant, report, bundled) -> Counter:
    """Each indicator cell of the variant: right, flagged (ambiguous), wrong, or lost (unread)."""
    reference = reference_cells(bundled, variant.offset)
    lines = variant.line_map()
    counts: Counter = Counter()
    seen = set()
    for cell in report.tables["indicators"].to_dict("records"):
        origin = lines.get(cell["source_line"])
        candidates = reference.get((origin, str(cell["raw"])), []) if origin else []
        if cell["status"] == "ambiguous":  # flagged: covers what the bundled report reads on that line
            counts["flagged"] += 1
            seen.update((o, raw, c["kind"]) for (o, raw), cs in reference.items() if o == origin for c in cs)
            continue
        match = [c for c in candidates if c["status"] == cell["status"] and c["kind"] == cell["kind"]
                 and c["period"] == cell["period"] and same_value(c["value"], cell["value"])]
        if not match:
            counts["wrong"] += 1
            counts[f"wrong: {cell['source_line']} {cell['raw']} {cell['kind']} {cell['period']}"] += 1
            continue
        counts["right"] += 1
        seen.add((origin, str(cell["raw"]), cell["kind"]))
        if match[0]["measure"] != cell["measure"] and cell["measure_status"] == "ambiguous":
            counts["measure flagged"] += 1
        elif match[0]["measure"] != cell["measure"]:
            counts["measure changed"] += 1
            counts[f"measure: {cell['source_line']} {cell['measure']!r} / {match[0]['measure']!r}"] += 1
    kept = set(lines.values())
    for (origin, raw), records in reference.items():
        for record in records:
            if origin in kept and (origin, raw, record["kind"]) not in seen:
                counts["lost"] += 1
                counts[f"lost: {origin} {raw} {record['kind']} {record['indicator'][:40]}"] += 1
    return counts


def test_every_indicator_value_is_right_or_flagged_never_wrong(generated, bundled_report):
    variant, report = generated
    counts = judge(variant, report, bundled_report)
    print(f"\nseed {variant.seed}: {dict((k, v) for k, v in counts.items() if ':' not in k)}")
    problems = {k: v for k, v in counts.items() if ":" in k}
    assert counts["right"] > 0
    assert counts["wrong"] == 0 and counts["lost"] == 0 and counts["measure changed"] == 0, (variant.events, problems)


def test_no_page_number_is_read_as_a_value(generated):
    variant, report = generated
    cells = report.tables["indicators"]
    read = cells[cells.source_line.isin(variant.page_numbers) & (cells.status == "ok")]
    assert variant.page_numbers and read.empty, read[["source_line", "raw", "indicator"]]


def test_a_justification_after_the_values_is_the_row_s_justification(generated):
    variant, report = generated
    cells = report.tables["indicators"]
    back = {}
    for line, origin in variant.line_map().items():
        back.setdefault(origin, []).append(line)
    for origin, text in variant.justifications:
        rows = cells[cells.source_line.isin(back[origin])]
        assert not rows.empty
        # the row's justification, or flagged: a measure that may be the row's justification
        taken = cells[cells.measure.str.contains(text, regex=False)]
        assert all(text in str(c) for c in rows.comment) or (
            not taken.empty and (taken.measure_status == "ambiguous").all()), (origin, text, rows.comment.tolist())


def test_every_action_of_the_variant_is_read_with_its_axis(generated, bundled_report):
    variant, report = generated
    bundled_ids = list(bundled_report.tables["actions"].action_id)
    expected = {variant_id(variant, i) for i in bundled_ids if variant_id(variant, i)} | set(variant.copies)
    assert set(report.tables["actions"].action_id) == expected


def judge_annex4(variant: nextyear.Variant, report, bundled) -> Counter:
    """Each Annexe 4 cell of the variant: right, flagged, wrong (never in the added column), lost."""
    reference: dict[tuple[int, str], list[dict]] = {}
    for record in bundled.tables["annex4"].to_dict("records"):
        record = {**record, "period": shifted_period(record["period"], variant.offset)}
        reference.setdefault((record["source_line"], str(record["raw"])), []).append(record)
    lines = variant.line_map()
    counts: Counter = Counter()
    seen = set()
    for cell in report.tables["annex4"].to_dict("records"):
        origin = lines.get(cell["source_line"])
        if cell["status"] == "ambiguous":
            counts["flagged"] += 1
            seen.update(key for key in reference if key[0] == origin)
            continue
        match = [c for c in reference.get((origin, str(cell["raw"])), []) if c["status"] == cell["status"]
                 and c["kind"] == cell["kind"] and c["period"] == cell["period"] and same_value(c["value"], cell["value"])]
        if match and cell["period"] != variant.annex4_extra:
            counts["right"] += 1
            seen.add((origin, str(cell["raw"])))
        else:
            counts["wrong"] += 1
            counts[f"wrong: {cell['source_line']} {cell['raw']} {cell['kind']} {cell['period']}"] += 1
    kept = set(lines.values())
    for key, records in reference.items():
        if key[0] in kept and key not in seen and any(r["status"] != "ambiguous" for r in records):
            counts["lost"] += 1
            counts[f"lost: {key}"] += 1
    return counts


def test_every_annex4_value_is_right_or_flagged_never_wrong(generated, bundled_report):
    variant, report = generated
    counts = judge_annex4(variant, report, bundled_report)
    print(f"\nseed {variant.seed} annexe 4: {dict((k, v) for k, v in counts.items() if ':' not in k)}")
    assert counts["right"] + counts["flagged"] > 0
    assert counts["wrong"] == 0 and counts["lost"] == 0, (variant.events, {k: v for k, v in counts.items() if ":" in k})


def test_a_5_2_line_opening_with_a_small_amount_is_read_as_an_amount(tmp_path):
    """'6 500 €' at the start of a 5.2 line once ended the table as if it were section 6."""
    variant = nextyear.start(bundled_text())
    nextyear.rewrite_amounts(variant, random.Random(0), small=True)
    small = [i for i, text in enumerate(variant.lines) if re.match(r"^\d \d{3} €", text)]
    assert small, "the generator printed no 5.2 line opening with a four-digit amount"
    report = parse_report(write_variant(tmp_path, variant.text))
    for key, amounts in expected_amounts(variant).items():
        assert read_amounts(report, *key) == amounts, key


#: Opening words of bundled rows in no list of calpae's, each opening one or two rows, and words
#: in no list at all to put in their place: rows of text cells ("Typologie", "Remise",
#: "Préconisation", "Motif"), rows of values ("Délai": one row of a sheet, one of Annexe 4; "Part",
#: "Montant", "Dont": one row each). "Part" and "Montant" also open budget lines: renamed only inside
#: the indicator tables (:func:`tests.nextyear.indicator_table_lines`).
UNLISTED_OPENINGS = {"Typologie": "Ventilation", "Remise": "Livraison", "Préconisation": "Formulation",
                     "Motif": "Cause", "Délai": "Latence", "Part": "Fraction", "Montant": "Somme",
                     "Dont": "Parmi"}


def renamed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for old, new in UNLISTED_OPENINGS.items():
        frame["indicator"] = frame["indicator"].str.replace(rf"^{old}\b", new, regex=True)
    return frame


def rename_openings(lines: list[str]) -> list[str]:
    """The lines with :data:`UNLISTED_OPENINGS` renamed inside the indicator tables; fails if a word
    is not found there."""
    lines = list(lines)
    tables = nextyear.indicator_table_lines(lines)
    for old, new in UNLISTED_OPENINGS.items():
        count = 0
        for index in tables:
            lines[index], found = re.subn(rf"^(\s*){old}\b", rf"\g<1>{new}", lines[index])
            count += found
        assert count, old
    return lines


def test_a_row_opening_with_a_word_in_no_list_is_read_as_a_row(tmp_path, bundled_report):
    """Rows named by words of no list (a row of text cells, a row whose first cell is text, a row of
    values) are recognised by the table's layout: renamed, every cell of the indicators and Annexe 4
    tables stays as read. A unit read from the head word is a unit rule (template.indicators.UNIT_WORDS),
    not a row rule: "Latence moyen…" prints bare numbers, read as counts where "Délai" gave days."""
    report = parse_report(write_variant(tmp_path, "\n".join(rename_openings(bundled_text().split("\n")))))
    expected = renamed(bundled_report.tables["indicators"])
    news = "|".join(UNLISTED_OPENINGS.values())
    assert len(expected[expected.indicator.str.match(news)]) == 25  # nine rows, their 25 cells
    expected.loc[expected.indicator.str.startswith("Latence") & (expected.unit == "days"), "unit"] = "count"
    pd.testing.assert_frame_equal(report.tables["indicators"].reset_index(drop=True),
                                  expected.reset_index(drop=True))
    annex = renamed(bundled_report.tables["annex4"])
    assert len(annex[annex.indicator.str.match(news)]) == 7  # "Délai moyen…": seven cells
    pd.testing.assert_frame_equal(report.tables["annex4"].reset_index(drop=True), annex.reset_index(drop=True))


@pytest.mark.parametrize("seed", [6, 11])
def test_rows_opening_with_a_word_in_no_list_read_alike_in_a_next_year_variant(seed, tmp_path, bundled_report):
    """The same words renamed in variants keeping every such row (seed 6: an axis III; seed 11: an
    Annexe 4 column more; both: page breaks, headers repeated, justifications after the values):
    every cell judged as without the renaming, none wrong, none lost."""
    counts = []
    for name, rename in (("plain", False), ("renamed", True)):
        variant = nextyear.make_variant(bundled_text(), seed)
        if rename:
            variant.lines = rename_openings(variant.lines)
        (tmp_path / name).mkdir()
        path = write_variant(tmp_path / name, variant.text, f"calpae_{2022 + variant.offset}_pas-de-calais.txt")
        report = parse_report(path)
        counts.append((judge(variant, report, bundled_report), judge_annex4(variant, report, bundled_report)))
    print(f"\nseed {seed} renamed: {counts[1]}")
    assert counts[1] == counts[0]
    sheets, annex = counts[1]
    assert sheets["right"] > 0 and annex["right"] > 0
    assert sheets["wrong"] == sheets["lost"] == sheets["measure changed"] == annex["wrong"] == annex["lost"] == 0
