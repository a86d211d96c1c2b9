"""The report's structure as the analyses see it: its tables, its axes and their actions.

Every function takes a parsed report (:class:`~calpae_lib.pipeline.ParsedReport`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from calpae_lib.errors import UsageError
from calpae_lib.text.formatting import is_missing

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport


def axis_key(volet: str, axis) -> str:
    """``socle-I`` for an axis of the socle, the volet's name otherwise.

    >>> axis_key("socle", "II"), axis_key("complementaires", ""), axis_key("mobilite", None)
    ('socle-II', 'complementaires', 'mobilite')
    """
    axis = "" if is_missing(axis) else str(axis)
    return f"{volet}-{axis}" if axis else volet


def actions_with_axis(report: ParsedReport) -> pd.DataFrame:
    """The actions table with an ``axis_key`` column."""
    actions = report.tables["actions"].copy()
    actions["axis_key"] = [axis_key(v, a) for v, a in zip(actions["volet"], actions["axis"])]
    return actions


def axes_present(report: ParsedReport) -> list[str]:
    """The axes that hold at least one action, in the report's order (as its outline reads them).

    One HTML report is published for each.
    """
    return list(dict.fromkeys(actions_with_axis(report)["axis_key"]))


def require_axis(report: ParsedReport, key: str) -> None:
    """Refuse an axis name the report does not have, saying which it has."""
    present = axes_present(report)
    if key not in present:
        raise UsageError(f"axe inconnu : {key!r} ; axes de ce rapport : {', '.join(present)}.")


def axis_actions(report: ParsedReport, key: str) -> pd.DataFrame:
    actions = actions_with_axis(report)
    return actions[actions["axis_key"] == key].reset_index(drop=True)
