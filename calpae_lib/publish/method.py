"""The method page of a report's folder: how its figures were read and checked, and the report's words.

The page names the source document and its SHA-256, says what each status of
a value and of a check means, lists every reconciliation rule in plain French
(each rule's own description, :mod:`calpae_lib.checks.engine`) with what it
found in this report, and ends with a glossary (``templates/methode.html.j2``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calpae_lib.checks.engine import all_rules
from calpae_lib.publish import pages
from calpae_lib.tables.vocabulary import GRADE_MEANINGS, CATEGORY_MEANINGS, Grade, Category, Status, status_label

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport


def rule_rows(report: ParsedReport) -> list[dict]:
    """Each rule in plain French, with how many of its checks came out in each status on this report."""
    checks = report.tables["checks"]
    rows = []
    for rule in all_rules():
        mine = checks[checks["check_id"] == rule.check_id]["status"].value_counts()
        found = [status_label(s, rule.category, rule.grade).lower() + f" : {int(mine[s])}" for s in Status if mine.get(s, 0)]
        rows.append({"description": rule.description, "found": " ; ".join(found) or "rien à comparer"})
    return rows


def printed_pages(report: ParsedReport) -> int | None:
    """How many pages the PDF a report was read from has (all of them, whatever their footers number);
    ``None`` for a report read from its text, whose pages are not known."""
    return report.doc.pages or None


def method_html(report: ParsedReport, frame: pages.PageFrame) -> str:
    """The method page; for a report read from its PDF, it says so, and that values cite their printed page."""
    meta = report.meta
    statuses = ([(category.label, CATEGORY_MEANINGS[category] + ".") for category in Category]
                + [(f"Gravité : {grade.label.lower()}", GRADE_MEANINGS[grade] + ".") for grade in Grade if grade]
                + [(status.label, status.meaning + ".") for status in Status])
    return pages.render("methode.html.j2", frame, pages.METHOD_NAME, pages.METHOD_TITLE,
                        raw=report.doc.path.name, sha256=report.doc.sha256, lines=len(report.doc.lines),
                        printed_pages=printed_pages(report),
                        year=meta.year, departement=meta.departement, deliberation=meta.deliberation,
                        statuses=statuses, rules=rule_rows(report))
