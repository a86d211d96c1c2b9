"""A parsed report as plain JSON and back: nothing in a stored entry can run code.

The result store used to hold pickles, and unpickling a crafted entry runs
whatever it says. Here a value is written as JSON and read back by following
the *declared* types of :class:`~calpae_lib.pipeline.ParsedReport` (its
fields' annotations, recursively): only those dataclasses, DataFrames,
paths, tuples, lists, dicts and plain scalars can come out, whatever the
file holds. A DataFrame is kept column by column with its dtype and index,
so that it reads back equal (floats keep every digit, missing values stay
missing).

>>> from dataclasses import dataclass
>>> @dataclass
... class Box:
...     name: str
...     sizes: tuple[int, ...]
...     note: str | None = None
>>> from_plain(to_plain(Box("a", (1, 2))), Box)
Box(name='a', sizes=(1, 2), note=None)
>>> from_plain({"__dataclass__": "os.system"}, Box)
Traceback (most recent call last):
...
calpae_lib.publish.records.RecordError: Box attendu, os.system trouvé
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd

FORMAT = "calpae-record-1"


class RecordError(ValueError):
    """A stored record does not have the shape its declared type requires."""


# --- writing -------------------------------------------------------------------------------

def to_plain(value):
    """``value`` as JSON-ready data (dataclasses tagged by class name, frames by column)."""
    if isinstance(value, pd.DataFrame):
        return {"__frame__": frame_to_plain(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__dataclass__": type(value).__name__, "fields": fields}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Decimal):  # a figure as printed (a stated percentage): kept digit for digit
        return {"__decimal__": str(value)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    return scalar_to_plain(value)


def scalar_to_plain(value):
    """A scalar as JSON: pandas' missing values become ``None``, numpy numbers Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return {"__float__": "nan"}
    if isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return scalar_to_plain(value.item())
    raise TypeError(f"valeur non enregistrable dans le cache : {type(value).__name__}")


def frame_to_plain(frame: pd.DataFrame) -> dict:
    columns = [{"name": to_plain(name), "dtype": str(frame[name].dtype),
                "values": [scalar_to_plain(v) for v in frame[name].tolist()]}
               for name in frame.columns]
    index = frame.index
    if not isinstance(index, pd.RangeIndex) or index.start != 0 or index.step != 1:
        index_plain = {"dtype": str(index.dtype), "values": [scalar_to_plain(v) for v in index.tolist()]}
    else:
        index_plain = None
    if len(set(frame.columns)) != len(frame.columns):
        raise TypeError("table aux colonnes en double : non enregistrable")
    return {"columns": columns, "index": index_plain, "length": len(frame)}


def dumps(value) -> bytes:
    """``value`` as UTF-8 JSON, with the format's name."""
    return json.dumps({"format": FORMAT, "value": to_plain(value)}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


# --- reading -------------------------------------------------------------------------------

def loads(data: bytes, expected: type):
    """The value stored by :func:`dumps`, rebuilt as ``expected`` (or :class:`RecordError`)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise RecordError(f"JSON illisible ({error})") from None
    except RecursionError:  # nested deeper than Python's stack: no record of calpae is
        raise RecordError("JSON imbriqué trop profondément") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RecordError(f"format inconnu (attendu : {FORMAT})")
    return from_plain(document.get("value"), expected)


def from_plain(data, expected):
    """Rebuild ``data`` as the type ``expected`` (a type or a type hint)."""
    origin, arguments = typing.get_origin(expected), typing.get_args(expected)
    if origin in (typing.Union, types.UnionType):
        return from_union(data, arguments)
    if expected is typing.Any:
        return plain_scalar(data)
    if expected is pd.DataFrame:
        return frame_from_plain(expect(data, dict, "table").get("__frame__"))
    if isinstance(expected, type) and dataclasses.is_dataclass(expected):
        return dataclass_from_plain(data, expected)
    if expected is Path:
        return Path(expect(data, str, "chemin"))
    if expected is Decimal:
        return Decimal(expect(expect(data, dict, "décimal").get("__decimal__"), str, "décimal"))
    if origin in (tuple, list):
        items = expect(data, list, "liste")
        if origin is tuple and arguments and arguments[-1] is not Ellipsis:
            if len(arguments) != len(items):
                raise RecordError(f"{len(arguments)} éléments attendus, {len(items)} trouvés")
            return tuple(from_plain(v, t) for v, t in zip(items, arguments))
        item_type = arguments[0] if arguments else typing.Any
        built = [from_plain(v, item_type) for v in items]
        return tuple(built) if origin is tuple else built
    if origin is dict or expected is dict:
        key_type, value_type = arguments or (typing.Any, typing.Any)
        pairs = expect(expect(data, dict, "dictionnaire").get("__dict__"), list, "dictionnaire")
        return {from_plain(k, key_type): from_plain(v, value_type) for k, v in pairs}
    if expected in (str, int, float, bool):
        value = plain_scalar(data)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return expect(value, expected, expected.__name__)
    if expected is type(None):
        if data is not None:
            raise RecordError("valeur vide attendue")
        return None
    raise RecordError(f"type non pris en charge : {expected!r}")


def from_union(data, arguments):
    if data is None and type(None) in arguments:
        return None
    if isinstance(data, dict) and "__dataclass__" in data:
        for candidate in arguments:
            if getattr(candidate, "__name__", None) == data["__dataclass__"]:
                return from_plain(data, candidate)
    errors = []
    for candidate in (a for a in arguments if a is not type(None)):
        try:
            return from_plain(data, candidate)
        except RecordError as error:
            errors.append(str(error))
    raise RecordError(" ; ".join(errors) or "valeur inattendue")


def dataclass_from_plain(data, expected):
    data = expect(data, dict, expected.__name__)
    if data.get("__dataclass__") != expected.__name__:
        raise RecordError(f"{expected.__name__} attendu, {data.get('__dataclass__')} trouvé")
    stored = expect(data.get("fields"), dict, expected.__name__)
    values = {}
    for name, hint in field_types(expected):
        if name not in stored:
            raise RecordError(f"{expected.__name__}.{name} manquant")
        values[name] = from_plain(stored[name], hint)
    return expected(**values)


@lru_cache(maxsize=None)
def field_types(cls) -> tuple[tuple[str, object], ...]:
    """A dataclass's fields and their types, resolved once per class (``typing.get_type_hints``
    evaluates every annotation again on each call: a fifth of a stored report's loading)."""
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))


def plain_scalar(data):
    if isinstance(data, dict) and data.get("__float__") == "nan":
        return math.nan
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    raise RecordError(f"valeur simple attendue, {type(data).__name__} trouvé")


def frame_from_plain(data) -> pd.DataFrame:
    data = expect(data, dict, "table")
    length = expect(data.get("length"), int, "longueur de table")
    columns = {}
    for column in expect(data.get("columns"), list, "colonnes"):
        column = expect(column, dict, "colonne")
        values = [plain_scalar(v) for v in expect(column.get("values"), list, "valeurs")]
        if len(values) != length:
            raise RecordError(f"colonne {column.get('name')!r} : {len(values)} valeurs pour {length} lignes")
        columns[plain_scalar(column.get("name"))] = series(values, column.get("dtype"))
    index = data.get("index")
    frame = pd.DataFrame(columns, index=pd.RangeIndex(length) if index is None else
                         pd.Index(series(expect(index, dict, "index").get("values"), index.get("dtype"))))
    return frame


#: dtypes a stored column may declare (others are refused rather than interpreted).
DTYPES = {"str", "string", "object", "int64", "Int64", "float64", "Float64", "bool", "boolean", "int32"}


def series(values, dtype) -> pd.Series:
    if dtype not in DTYPES:
        raise RecordError(f"type de colonne non pris en charge : {dtype!r}")
    if dtype == "object":
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype=dtype)


def expect(value, kind, what: str):
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise RecordError(f"{what} : {kind.__name__} attendu, {type(value).__name__} trouvé")
    return value
