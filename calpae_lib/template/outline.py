"""The template's outline: contents entries, volet/axis/action headings, the sheets' numbered sections.

>>> bool(ACTION_HEADING.match("ACTION 12 : TITRE")), AXIS_HEADING.match("II. Insertion").group("axis")
(True, 'II')
>>> SECTION_HEADING.match("5.1 Budget prévisionnel").group("number"), bool(SECTION_HEADING.match("6 500 €"))
('5.1', False)
"""

from __future__ import annotations

import re

#: A table-of-contents entry ends with a run of dots and a page number.
TOC_LEADER = re.compile(r"(?:\.{5,}|\s\.{1,4})\s*(?P<page>\d+)\s*$")

ACTION_HEADING = re.compile(
    r"""
    ^\s*
    action \s+ (?P<number>\d+)   # "ACTION 12" (body) or "Action 12" (contents)
    \s* : \s*
    (?P<title>.*?)               # the title's first line
    \s*$
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: The roman numeral opening an axis heading ("II. Insertion ...").
AXIS_HEADING = re.compile(r"^\s*(?P<axis>[IVXL]+)\.\s+(?P<title>\S.*?)\s*$")

#: Numbered section headings inside an action ("5. Budget", "5.1 Budget ..."): the title is words,
#: so that an amount line opening with a small number ("6 500 €") is never a heading.
SECTION_HEADING = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\.?\s+(?P<title>[^\W\d_].*)$")

#: The numbers of a sheet's sections the readers use: the planned budget, the executed budget,
#: the indicators (its table, if any) and the bilan.
PLANNED_SECTION, EXECUTED_SECTION, INDICATORS_SECTION, BILAN_SECTION = "5.1", "5.2", "6", "7"

#: The annex budget tables start with this header; it closes the last action.
ANNEX_START = re.compile(r"^\s*Montant\s+avenant\b", re.IGNORECASE)

#: What a sheet without money prints in its budget section.
NO_FINANCING = re.compile(r"Pas\s+de\s+valorisation\s+financi[èe]re", re.IGNORECASE)
