"""The data dictionary of the published tables, written from their pandera schemas.

``docs/dictionnaire.md`` is this module's output (``make dictionary``, or
``python -m calpae_lib.tables.dictionary docs/dictionnaire.md``); a test fails
when the file and the schemas disagree, so the dictionary cannot drift.

>>> "| `amount_eur` | Montant (€) | entier | euros |" in dictionary_markdown()
True
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandera.pandas as pa

from calpae_lib.tables.schemas import COMPARISON_SCHEMAS, SCHEMAS, allowed_values, code_labels, code_meanings, column_unit

#: The French name of each column type, as the dictionary writes it.
TYPE_NAMES = {"str": "texte", "string[python]": "texte", "string": "texte", "int64": "entier", "Int64": "entier", "float64": "décimal", "bool": "booléen", "boolean": "booléen"}
#: The French name of each column unit.
UNIT_NAMES = {"eur": "euros", "line": "n° de ligne", "per_row": "celle de « unit »"}

PREAMBLE = """# Dictionnaire des données

Ce fichier est écrit par `make dictionary` à partir des schémas pandera de
`calpae_lib/tables/schemas.py` ; ne le modifiez pas à la main (un test vérifie
qu'il est à jour).

Chaque rapport donne un dossier `data/processed/<année>/` (et `tables/` à côté
de chaque rapport publié) avec :

- un fichier CSV par table (`<table>.csv`), UTF-8 sans BOM, séparateur virgule,
  point décimal, en-têtes en noms machine anglais stables (colonne « colonne »
  ci-dessous) : pour pandas, R, un portail de données ;
- `excel/<table>.csv`, les mêmes tables pour un Excel français (double-clic) :
  UTF-8 avec BOM, séparateur point-virgule, virgule décimale, mêmes en-têtes et
  codes ; un texte qui commence par `=`, `+`, `-` ou `@` y est précédé d'une
  apostrophe, pour qu'Excel n'en fasse jamais une formule ;
- `calpae.xlsx`, toutes les tables pour les personnes : une feuille « À lire »,
  puis une feuille par table, en-têtes et codes en français (colonne « en-tête »),
  montants en euros, pourcentages en % ;
- `datapackage.json`, le Data Package Frictionless (un Table Schema par table,
  écrit des mêmes schémas que ce dictionnaire) ;
- `source.json`, le fichier brut (texte ou PDF) et son SHA-256.

Conventions communes : tables longues (une valeur observée par ligne ; un
montant dans `amount_eur` avec son `stage`) ; `source_line`, la ligne du texte
lu d'où vient la valeur (le fichier texte brut, ou le texte que calpae extrait
d'un PDF) ; `kind` a les mêmes codes dans toutes les tables ;
`axis` est l'axe du socle (I, II), `measure` l'intitulé de la mesure ; `period`
est toujours du texte (`2022`, `2020/2021`). Une cellule vide est une valeur
absente.

Changements depuis calpae 0.2.0 : aucune colonne ni aucun code ajouté, retiré
ou renommé. Un rapport peut être lu depuis son PDF : `source_line` (et
`indicator_line` de `annex4`) y est la ligne du texte que calpae extrait du PDF,
et une valeur n'est `ambiguous` que si sa place sur la page ne tranche pas non
plus.

Changements de schéma de calpae 0.2.0 (depuis 0.1.0) :

- `annex_budget` devient longue : `montant_avenant` et `montant_engage` sont
  remplacées par `stage` (`avenant`, `engage`) et `amount_eur`, deux lignes par
  ligne imprimée de l'annexe ;
- `annex4` : `axis` (qui tenait l'intitulé de la mesure) devient `measure`, comme
  dans `indicators` ; le code `kind` `situation` devient `baseline`, comme dans
  `indicators` ;
- `checks` gagne `category` (incohérence du document, donnée manquante, performance) et
  `grade` (montant, effectif, rédaction) ; le statut `non_verifiable` s'ajoute ;
- toutes les colonnes de toutes les tables sont décrites et contrôlées, dans
  l'ordre écrit (aucune colonne de plus ou de moins).
"""

COMPARISON_PREAMBLE = """# Comparaison des exercices

Quand une publication réunit plusieurs rapports d'un même département, sa page de
comparaison a son propre dossier `tables/` (dans `<département>/comparaison/`), aux
mêmes formats (CSV, `excel/`, `calpae.xlsx`, `datapackage.json`) : les montants par
volet de chaque exercice, les résultats des indicateurs présents dans plusieurs
exercices, et les contrôles entre exercices (chaque rapport contre celui de l'année
d'avant).
"""


def type_name(column: pa.Column) -> str:
    return TYPE_NAMES.get(str(column.dtype), str(column.dtype))


def values_text(column: pa.Column) -> str:
    """The allowed codes of a column and their French labels, on one line (open lists say so)."""
    meanings = code_meanings(column)
    listed = "<br>".join(f"`{code}` : {label}" + (f" — {meanings[code]}" if code in meanings else "")
                         for code, label in code_labels(column).items())
    return listed if allowed_values(column) or not listed else listed + "<br>(ou toute autre clé lue dans le rapport)"


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def table_markdown(name: str, schema: pa.DataFrameSchema) -> list[str]:
    key = schema.unique
    lines = [f"## `{name}` — {schema.title}", "", f"{schema.description[0].upper()}{schema.description[1:]}.", "",
             f"Fichiers : `{name}.csv`, `excel/{name}.csv`, feuille « {schema.title} » de `calpae.xlsx`."
             + (f" Clé : {', '.join(f'`{k}`' for k in key)}." if key else ""), "",
             "| colonne | en-tête | type | unité | vide | valeurs permises | description |",
             "|---|---|---|---|---|---|---|"]
    for column_name, column in schema.columns.items():
        unit = column_unit(column)
        lines.append("| " + " | ".join([
            f"`{column_name}`", cell(column.title), type_name(column), UNIT_NAMES.get(unit or "", unit or ""),
            "oui" if column.nullable else "non", cell(values_text(column)), cell(column.description)]) + " |")
    return lines + [""]


def dictionary_markdown() -> str:
    """The whole dictionary, one section per table, in the order the tables are written."""
    lines = [PREAMBLE]
    for name, schema in SCHEMAS.items():
        lines += table_markdown(name, schema)
    lines += [COMPARISON_PREAMBLE]
    for name, schema in COMPARISON_SCHEMAS.items():
        lines += table_markdown(name, schema)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the dictionary to the path given (``docs/dictionnaire.md``)."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage : python -m calpae_lib.tables.dictionary FICHIER.md", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(dictionary_markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
