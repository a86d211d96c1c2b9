"""Schemas of the processed tables: the bundled report passes, a broken table is a clear error."""

import pandas as pd
import pytest

from calpae_lib.errors import SchemaError
from calpae_lib.tables.schemas import SCHEMAS, validate_table, validate_tables


def test_every_table_of_the_pipeline_has_a_schema_and_passes(bundled_report):
    assert set(bundled_report.tables) <= set(SCHEMAS)
    validate_tables(bundled_report.tables)


def test_validation_leaves_the_tables_unchanged(bundled_report):
    annex = bundled_report.tables["annex_budget"]
    before = annex.dtypes.to_dict()
    validate_tables({"annex_budget": annex})
    assert annex.dtypes.to_dict() == before


def broken(bundled_report, name, row, column, value):
    frame = bundled_report.tables[name].copy()
    frame[column] = frame[column].astype(object)
    frame.loc[frame.index[row], column] = value
    return frame


@pytest.mark.parametrize("name, row, column, value, quoted", [
    ("budgets", 2, "stage", "realise", "colonne stage"),
    ("budgets", 3, "amount_eur", -5, "colonne amount_eur"),
    ("actions", 0, "volet", "Socle commun", "colonne volet"),
    ("actions", 4, "action_id", "socle-II", "colonne action_id"),
    ("annex_budget", 1, "row_kind", "soustotal", "colonne row_kind"),
    ("checks", 0, "status", "faux", "colonne status"),
])
def test_a_broken_value_names_table_column_and_row(bundled_report, name, row, column, value, quoted):
    frame = broken(bundled_report, name, row, column, value)
    with pytest.raises(SchemaError) as error:
        validate_table(name, frame)
    message = str(error.value)
    assert f"« {name} »" in message and quoted in message and f"« {value} »" in message
    assert f"rang {frame.index[row]}" in message
    if "source_line" in frame.columns:
        assert f"ligne source {frame['source_line'].iloc[row]}" in message


def test_an_action_id_that_does_not_spell_its_volet_axis_and_number_is_refused(bundled_report):
    frame = broken(bundled_report, "actions", 4, "action_id", "socle-III-1")  # a valid id, not this row's
    with pytest.raises(SchemaError, match="« actions ».*action_id"):
        validate_table("actions", frame)


def test_a_duplicated_key_is_refused(bundled_report):
    budgets = bundled_report.tables["budgets"]
    doubled = pd.concat([budgets, budgets.head(1)], ignore_index=True)
    with pytest.raises(SchemaError, match="budgets.*uniqueness"):
        validate_table("budgets", doubled)


def test_a_missing_column_is_refused(bundled_report):
    with pytest.raises(SchemaError, match="« actions »"):
        validate_table("actions", bundled_report.tables["actions"].drop(columns="volet"))


def test_a_broken_table_stops_parse_with_exit_2(monkeypatch, tmp_path, capsys):
    """The command line turns a schema error into one line on stderr and exit status 2."""
    from calpae_lib.publish.cli import main
    from calpae_lib.tables import schemas

    from .variants import BUNDLED

    strict = SCHEMAS["actions"].update_column("title", checks=[schemas.pa.Check.str_length(max_value=3)])
    monkeypatch.setitem(SCHEMAS, "actions", strict)
    # --force: the stricter schema lives in memory only, so the parse stored by an earlier test
    # (same raw file, same library files) would otherwise be reused without being validated again
    assert main(["parse", str(BUNDLED), "--out", str(tmp_path / "out"), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "« actions »" in err and "colonne title" in err
    assert not (tmp_path / "out").exists()
