"""Schemas of the processed tables, validated with pandera: types, allowed values, unique keys.

:func:`validate_tables` runs at the end of :func:`calpae_lib.pipeline.build_tables`; a
table that breaks its schema raises :class:`~calpae_lib.errors.SchemaError`
naming the table, the column, the rule broken and the offending rows (with
their ``source_line`` when the table has one).

>>> import pandas as pd
>>> bad = pd.DataFrame({"check_id": ["annexe.total"], "scope": ["document"], "status": ["faux"], "expected": [""],
...                     "observed": [""], "message": ["m"], "source_line": pd.array([3], dtype="Int64")})
>>> validate_tables({"checks": bad})
Traceback (most recent call last):
...
calpae_lib.errors.SchemaError: table « checks » non conforme à son schéma : colonne status, isin(['ok', 'ecart', 'manquant', 'avertissement']) refuse « faux » (rang 0, ligne source 3). Corrigez le module qui construit cette table.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from calpae_lib.errors import SchemaError

#: A volet's key, read from its heading (:func:`calpae_lib.text.outline.volet_key`): lower-case letters.
VOLET = r"^[a-z][a-z-]*$"
#: An axis: a roman numeral as printed, or empty for a volet without axes.
AXIS = r"^(?:[IVXL]+)?$"
ACTION_ID = r"^[a-z][a-z-]*?(?:-[IVXL]+)?-\d+$"
#: How many broken cells a message quotes before saying "and N more".
QUOTED_FAILURES = 5


def text(*checks, nullable: bool = False) -> pa.Column:
    return pa.Column(str, list(checks), nullable=nullable)


def allowed(values: list[str], nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.isin(values), nullable=nullable)


def integer(minimum: int | None = 0, nullable: bool = False) -> pa.Column:
    checks = [pa.Check.ge(minimum)] if minimum is not None else []
    return pa.Column("Int64" if nullable else int, checks, nullable=nullable, coerce=nullable)


def source_line(nullable: bool = False) -> pa.Column:
    return integer(minimum=1, nullable=nullable)


#: An action_id, or empty where the table allows a line that is not an action's.
ACTION_OR_EMPTY = pa.Check.str_matches(ACTION_ID[:-1] + "|^$")

def spelled_action_id(frame: pd.DataFrame) -> pd.Series:
    """The ``action_id`` each row's volet, axis and number spell (``socle-II-3``, ``erbm-2``)."""
    axis = frame["axis"].fillna("").astype(str)
    return frame["volet"].astype(str) + axis.map(lambda a: f"-{a}" if a else "") + "-" + frame["number"].astype(str)


ACTIONS = pa.DataFrameSchema(
    {
        "action_id": text(pa.Check.str_matches(ACTION_ID)),
        "volet": text(pa.Check.str_matches(VOLET)),
        "axis": text(pa.Check.str_matches(AXIS), nullable=True),
        "number": integer(minimum=1),
        "title": text(pa.Check.str_length(min_value=1)),
        "source_line": source_line(),
        "has_budget": pa.Column(bool),
        "has_indicators": pa.Column(bool),
    },
    checks=[pa.Check(lambda frame: frame["action_id"] == spelled_action_id(frame), name="action_id spells volet-axis-number",
                     error="action_id = volet[-axis]-number")],
    unique=["action_id"], strict=True, name="actions",
)

BUDGETS = pa.DataFrameSchema(
    {
        "action_id": text(pa.Check.str_matches(ACTION_ID)),
        "stage": allowed(["prevu", "engage"]),
        "financeur": allowed(["etat", "departement"]),
        "amount_eur": integer(),
        "label": text(),
        "source_line": source_line(),
    },
    unique=["action_id", "stage", "financeur"], strict=True, name="budgets",
)

BUDGET_DETAILS = pa.DataFrameSchema(
    {
        "action_id": text(pa.Check.str_matches(ACTION_ID)),
        "stage": allowed(["prevu", "engage"]),
        "financeur": allowed(["etat", "departement"]),
        "amount_eur": integer(),
        "parent_amount_eur": integer(),
        "label": text(),
        "source_line": source_line(),
    },
    unique=["action_id", "stage", "financeur", "source_line", "amount_eur"], strict=True, name="budget_details",
)

ANNEX_BUDGET = pa.DataFrameSchema(
    {
        "volet": text(pa.Check.str_matches(VOLET)),
        "row_kind": allowed(["action", "etat", "departement", "subtotal_etat", "subtotal_departement", "total"]),
        "action_id": text(ACTION_OR_EMPTY, nullable=True),
        "label": text(),
        "montant_avenant": integer(nullable=True),
        "montant_engage": integer(nullable=True),
        "source_line": source_line(),
    },
    unique=["source_line"], strict=True, name="annex_budget",
)

INDICATOR_STATUS = ["ok", "not_available", "ambiguous"]
UNITS = ["count", "percent", "days", "eur", "text"]

INDICATORS = pa.DataFrameSchema(
    {
        "action_id": text(ACTION_OR_EMPTY, nullable=True),
        "indicator": text(),
        "period": text(nullable=True),
        "kind": allowed(["baseline", "target", "result"], nullable=True),  # empty when ambiguous
        "value": pa.Column(float, nullable=True, coerce=True),
        "unit": allowed(UNITS),
        "raw": text(nullable=True),
        "source_line": source_line(),
        "status": allowed(INDICATOR_STATUS),
    },
    strict=False, name="indicators",
)

ANNEX4 = pa.DataFrameSchema(
    {
        "axis": text(),
        "indicator": text(),
        "period": text(nullable=True),
        "kind": allowed(["situation", "result", "target", "s1"], nullable=True),  # empty when ambiguous
        "value": pa.Column(float, nullable=True, coerce=True),
        "unit": allowed(UNITS),
        "raw": text(nullable=True),
        "source_line": source_line(),
        "status": allowed(INDICATOR_STATUS),
    },
    strict=False, name="annex4",
)

CHECKS = pa.DataFrameSchema(
    {
        "check_id": text(pa.Check.str_matches(r"^[a-z_]+\.[a-z0-9_]+$")),
        "scope": text(pa.Check.str_length(min_value=1)),
        "status": allowed(["ok", "ecart", "manquant", "avertissement"]),
        "expected": text(nullable=True),
        "observed": text(nullable=True),
        "message": text(pa.Check.str_length(min_value=1)),
        "source_line": source_line(nullable=True),
    },
    strict=True, name="checks",
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "actions": ACTIONS,
    "budgets": BUDGETS,
    "budget_details": BUDGET_DETAILS,
    "annex_budget": ANNEX_BUDGET,
    "indicators": INDICATORS,
    "annex4": ANNEX4,
    "checks": CHECKS,
}


#: Every column of each tidy table, in order (the schemas above check the ones they name).
TABLE_COLUMNS = {
    "actions": ["action_id", "volet", "axis", "number", "title", "source_line", "has_budget",
                "has_indicators"],
    "budgets": ["action_id", "stage", "financeur", "amount_eur", "label", "source_line"],
    "annex_budget": ["volet", "row_kind", "action_id", "label", "montant_avenant", "montant_engage",
                     "source_line"],
    "indicators": ["action_id", "axis", "measure", "indicator", "period", "kind", "value", "unit", "raw",
                   "comment", "source_line", "status"],
    "annex4": ["axis", "indicator", "definition", "period", "kind", "value", "unit", "raw", "comment",
               "source_line", "status"],
    "checks": ["check_id", "scope", "status", "expected", "observed", "message", "source_line"],
}


def describe_failures(name: str, frame: pd.DataFrame, failures: pd.DataFrame) -> str:
    """One sentence naming the table, the columns and rules broken, and the first offending rows."""
    quoted = []
    for _, failure in failures.head(QUOTED_FAILURES).iterrows():
        where = ""
        index = failure["index"]
        if index is not None and not pd.isna(index):
            where = f"rang {int(index)}"
            if "source_line" in frame.columns and index in frame.index and not pd.isna(frame.at[index, "source_line"]):
                where += f", ligne source {int(frame.at[index, 'source_line'])}"
            where = f" ({where})"
        column = failure["column"] if failure["column"] is not None else "table"
        quoted.append(f"colonne {column}, {failure['check']} refuse « {failure['failure_case']} »{where}")
    more = len(failures) - len(quoted)
    tail = f" ; et {more} autre(s) cas" if more > 0 else ""
    return (f"table « {name} » non conforme à son schéma : " + " ; ".join(quoted) + tail
            + ". Corrigez le module qui construit cette table.")


def validate_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate one table against its schema (a copy is validated); tables without a schema pass."""
    schema = SCHEMAS.get(name)
    if schema is None:
        return frame
    try:
        return schema.validate(frame.copy(), lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise SchemaError(describe_failures(name, frame, errors.failure_cases)) from None


def validate_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Validate every table that has a schema; raise :class:`SchemaError` on the first broken one.

    The tables themselves are left as they are (validation never changes a dtype).
    """
    for name, frame in tables.items():
        validate_table(name, frame)
