"""``datapackage.json``: the tidy CSVs as a Frictionless Data Package, one Table Schema per table.

Written beside the tables by :func:`calpae_lib.tables.export.write_tables`, from
the same pandera schemas as the tables' validation and the data dictionary, so
that a portal (schema.data.gouv.fr uses Table Schema) or ``frictionless
validate datapackage.json`` reads what calpae checks.

>>> field("amount_eur", SCHEMAS["budgets"].columns["amount_eur"])["constraints"]
{'required': True, 'minimum': 0}
"""

from __future__ import annotations

import pandera.pandas as pa

from calpae_lib.tables.schemas import ALL_SCHEMAS, SCHEMAS, allowed_values  # noqa: F401 (SCHEMAS: the doctest)

DATAPACKAGE_NAME = "datapackage.json"
#: Table Schema's type of each pandera dtype.
FIELD_TYPES = {"str": "string", "string[python]": "string", "string": "string", "int64": "integer",
               "Int64": "integer", "float64": "number", "bool": "boolean", "boolean": "boolean"}


def constraints(column: pa.Column) -> dict:
    """Table Schema constraints from the column's pandera checks: required, enum, pattern, minimum."""
    out: dict = {"required": not column.nullable}
    values = allowed_values(column)
    if values:
        out["enum"] = list(values)
    for check in column.checks:
        statistics = check.statistics or {}
        if "min_value" in statistics and check.name == "greater_than_or_equal_to":
            out["minimum"] = statistics["min_value"]
        if check.name == "str_matches":  # "…|^$" allows the empty text, which a CSV writes as missing
            pattern = statistics["pattern"].removesuffix("|^$").removeprefix("^").removesuffix("$")
            if "|" not in pattern:
                out["pattern"] = pattern
    return out


def field(name: str, column: pa.Column) -> dict:
    described = {"name": name, "title": column.title, "description": column.description,
                 "type": FIELD_TYPES[str(column.dtype)], "constraints": constraints(column)}
    if described["type"] == "boolean":
        described.update(trueValues=["True"], falseValues=["False"])
    return described


def table_schema(schema: pa.DataFrameSchema) -> dict:
    """One table's Table Schema: its fields in order, its key, and empty cells as missing values."""
    described = {"fields": [field(name, column) for name, column in schema.columns.items()],
                 "missingValues": [""]}
    if schema.unique:
        described["primaryKey"] = list(schema.unique)
    return described


def resource(name: str) -> dict:
    schema = ALL_SCHEMAS[name]
    return {"name": name, "path": f"{name}.csv", "title": schema.title, "description": schema.description,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": table_schema(schema)}


def data_package(names, *, year: int, departement: str, raw: str, sha256: str, calpae: str) -> dict:
    """The package of the tables ``names``, naming their source file and its checksum."""
    slug = "".join(c if c.isalnum() else "-" for c in departement.lower())
    return {
        "profile": "tabular-data-package",
        "name": f"calpae-{slug}-{year}",
        "title": f"Rapport d'exécution CALPAE {departement} {year} : tables",
        "description": (f"Tables lues par calpae {calpae} dans le rapport d'exécution de la CALPAE (convention "
                        f"d'appui à la lutte contre la pauvreté et d'accès à l'emploi), {departement}, {year}. "
                        f"Fichier source {raw}, SHA-256 {sha256}. Chaque ligne garde source_line, la ligne du "
                        "texte d'où vient la valeur (le fichier source, ou le texte que calpae extrait d'un PDF)."),
        "sources": [{"title": raw, "description": f"SHA-256 {sha256}"}],
        "resources": [resource(name) for name in names if name in ALL_SCHEMAS],
    }
