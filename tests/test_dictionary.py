"""The data dictionary and the table columns come from one definition: the pandera schemas."""

from pathlib import Path

import pytest

from calpae_lib.tables.dictionary import dictionary_markdown
from calpae_lib.tables.schemas import SCHEMAS, TABLE_COLUMNS, allowed_values

DICTIONARY = Path(__file__).resolve().parents[1] / "docs" / "dictionnaire.md"


def test_the_committed_dictionary_is_the_one_the_schemas_write():
    assert DICTIONARY.read_text(encoding="utf-8") == dictionary_markdown(), \
        "docs/dictionnaire.md is stale: run `make dictionary`"


def test_every_table_the_pipeline_writes_has_exactly_its_schema_columns(bundled_report):
    from calpae_lib.publish.processed import chain_tables

    written = {**bundled_report.tables, **chain_tables(bundled_report)}  # the orientation chain's beside the report's
    assert list(written) == list(SCHEMAS)
    for name, frame in written.items():
        assert list(frame.columns) == TABLE_COLUMNS[name], name


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_column_has_a_french_header_and_a_description(name):
    for column_name, column in SCHEMAS[name].columns.items():
        assert column.title and column.description, (name, column_name)
        assert f"| `{column_name}` | {column.title} |" in dictionary_markdown()


def test_one_word_for_one_kind_of_column():
    """The sheets' and Annexe 4's ``kind`` share their codes; ``axis`` means the socle's axis wherever it is."""
    sheet_kinds = set(allowed_values(SCHEMAS["indicators"].columns["kind"]))
    annex_kinds = set(allowed_values(SCHEMAS["annex4"].columns["kind"]))
    assert sheet_kinds <= annex_kinds and "situation" not in annex_kinds
    axes = [repr(schema.columns["axis"].checks) for schema in SCHEMAS.values() if "axis" in schema.columns]
    assert len(axes) >= 2 and all(a == axes[0] for a in axes)
    assert "axis" not in SCHEMAS["annex4"].columns and "measure" in SCHEMAS["annex4"].columns
    periods = {str(schema.columns["period"].dtype) for schema in SCHEMAS.values() if "period" in schema.columns}
    assert len(periods) == 1


def test_amounts_are_long_in_every_table():
    for name, schema in SCHEMAS.items():
        amounts = [c for c, col in schema.columns.items() if col.metadata and col.metadata.get("unit") == "eur"]
        if amounts:
            assert "amount_eur" in amounts and "stage" in schema.columns, name
