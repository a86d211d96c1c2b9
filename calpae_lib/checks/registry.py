"""What a rule is, and the registry of rules: filled explicitly, loud on a duplicate id.

A rule module marks its functions with :func:`rule` (which only records, on
the function, what the rule is); :class:`Rules` gathers the marked functions of
the modules it is given, in their order, and refuses a ``check_id`` given
twice, as papermill's engines or frictionless's checks do. The engine
(:mod:`calpae_lib.checks.engine`) names the rule modules; nothing registers
itself by being imported.

>>> Finding("annexe.total", "socle", "ok").status
'ok'
>>> Finding("annexe.total", "socle", "faux")
Traceback (most recent call last):
...
ValueError: statut inconnu « faux » (attendu : ecart, manquant, avertissement, non_verifiable, explique, ok)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterator

from calpae_lib.tables.vocabulary import CATEGORIES, GRADES, STATUSES, Category, Grade

#: The scope of a finding about the whole document.
DOCUMENT = "document"

#: What the parser read besides the tables and some rules compare: the ``outline``
#: (:class:`~calpae_lib.text.outline.Outline`: which action holds a line), the
#: ``sheet_headers`` (:class:`~calpae_lib.tables.budgets.ExecutedHeader` of every
#: sheet), the ``annex_headers`` (``(volet, header_line, year)`` of every annex table),
#: the rapport's ``claims``, ``stated_percentages`` and the indicator comments' ``comment_shares``
#: (:mod:`calpae_lib.tables.claims`), the ``dates`` printed (:class:`~calpae_lib.text.dates.PrintedDate`), and
#: Annexe 4's ``annex4_comments`` and ``annex4_notes`` (:mod:`calpae_lib.tables.annex4`: its comment lines, and
#: the dates and percentages its comments and column headers state).
STRUCTURES = ("outline", "sheet_headers", "annex_headers", "claims", "stated_percentages", "dates", "comment_shares",
              "annex4_comments", "annex4_notes")

#: The structure of the rules across years (:mod:`calpae_lib.checks.years`): the previous report of the same
#: département (its ``tables`` and ``meta``). Given only when two reports are compared; a rule that reads it is
#: skipped otherwise, and only such rules run in :func:`~calpae_lib.checks.engine.build_year_checks`.
PREVIOUS = "previous"

#: A view of the tables that the annex rules read, made once per run of the rules from the tables
#: they are given: the annex as printed, one row per line (:func:`~calpae_lib.tables.annex_budget.annex_lines`).
ANNEX_LINES = "annex_lines"


@dataclass(frozen=True)
class Finding:
    """One outcome of one rule on one scope (an action_id, a volet or ``document``)."""

    check_id: str
    scope: str
    status: str
    expected: str = ""
    observed: str = ""
    message: str = ""
    source_line: int | None = None
    #: Filled by :func:`~calpae_lib.checks.engine.run_checks` from the rule (and the status:
    #: ``manquant`` is missing data).
    category: str = Category.COHERENCE
    grade: str = Grade.NONE
    #: Where ``expected`` comes from (« l'annexe, ligne 10289 », « la somme des lignes »): ``observed`` is what the
    #: report prints at ``source_line``, ``expected`` what it should be according to this.
    basis: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"statut inconnu « {self.status} » (attendu : {', '.join(STATUSES)})")
        if self.category not in CATEGORIES or self.grade not in GRADES:
            raise ValueError(f"nature « {self.category} » ou gravité « {self.grade} » inconnue")


@dataclass(frozen=True)
class Rule:
    """A check: its id, what it needs and what it does."""

    check_id: str
    needs: tuple[str, ...]
    function: Callable
    description: str
    category: Category = Category.COHERENCE
    grade: Grade = Grade.NONE
    reads: tuple[str, ...] = ()


#: The attribute :func:`rule` sets on a rule's function.
MARK = "calpae_rule"


def rule(check_id: str, *, needs: tuple[str, ...] = (), reads: tuple[str, ...] = (),
         category: Category = Category.COHERENCE, grade: Grade = Grade.NONE):
    """Mark a function as the rule ``check_id``; ``needs`` names the tables it reads, ``reads`` the
    structures (:data:`STRUCTURES`) it takes as keyword arguments, ``category`` and ``grade`` what its
    findings are about and touch. Nothing is registered: :class:`Rules` gathers the marked functions."""
    unknown = set(reads) - set(STRUCTURES) - {PREVIOUS}
    if unknown:
        raise ValueError(f"règle {check_id} : structure(s) inconnue(s) {', '.join(sorted(unknown))}")

    def mark(function):
        doc = (function.__doc__ or "").strip().splitlines()
        setattr(function, MARK, Rule(check_id, tuple(needs), function, doc[0] if doc else check_id, category,
                                     grade, tuple(reads)))
        return function
    return mark


class DuplicateRule(ValueError):
    """Two rules under one ``check_id``."""


class Rules:
    """Rules by id, in the order they were added; adding an id twice raises :class:`DuplicateRule`.

    >>> @rule("x.un")
    ... def one(tables, doc, meta):
    ...     "Un."
    ...     return []
    >>> rules = Rules([one.calpae_rule])
    >>> [r.description for r in rules], "x.un" in rules
    (['Un.'], True)
    >>> rules.add(one.calpae_rule)
    Traceback (most recent call last):
    ...
    calpae_lib.checks.registry.DuplicateRule: deux règles portent l'identifiant « x.un » : one et one
    """

    def __init__(self, rules=()):
        self._by_id: dict[str, Rule] = {}
        for checked in rules:
            self.add(checked)

    @classmethod
    def of_modules(cls, *modules: ModuleType) -> Rules:
        """The rules marked in ``modules`` (those defined there, not imported), module by module, in
        the order of their definitions."""
        return cls(getattr(value, MARK) for module in modules for value in vars(module).values()
                   if hasattr(value, MARK) and getattr(value, "__module__", None) == module.__name__)

    def add(self, checked: Rule) -> None:
        first = self._by_id.get(checked.check_id)
        if first is not None:
            raise DuplicateRule(f"deux règles portent l'identifiant « {checked.check_id} » : "
                                f"{first.function.__name__} et {checked.function.__name__}")
        self._by_id[checked.check_id] = checked

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._by_id.values())

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)
