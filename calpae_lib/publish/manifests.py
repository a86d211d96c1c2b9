"""Each published folder's manifest: what produced it, which notebook was executed or reused, the
files it holds, and what the top-level index says of it (read back by later runs)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from calpae_lib.errors import printable
from calpae_lib.present import findings
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish import provenance
from calpae_lib.publish.atomic import RUN_MANIFEST
from calpae_lib.publish.planning import Outcome, Unit

#: Written in each published folder: what produced it (calpae's version and commit, Python and every
#: package's version), which notebook was executed, which reused, and the files the folder holds.
MANIFEST_NAME = RUN_MANIFEST


def manifest_provenance() -> dict:
    """What every manifest of a run says of calpae and of the environment that ran it."""
    return {"calpae": provenance.calpae_identity().as_dict(), "environment": provenance.environment()}


def write_manifests(units: list[Unit], outcomes: list[Outcome], provenance_facts: dict) -> None:
    """Once the notebooks are done: each folder's manifest, and its executed notebooks gone."""
    for unit in units:
        shutil.rmtree(unit.staging / publish.EXECUTED_DIR, ignore_errors=True)
        mine = [o for o in outcomes if o.unit is unit]
        manifest = {**provenance_facts, "published": published_entry(unit), "jobs": [
            {"name": o.job.name, "notebook": o.job.notebook.name, "key": o.key, "executed": o.executed,
             "seconds": round(o.seconds, 2)} for o in mine],
            "files": sorted(p.relative_to(unit.staging).as_posix() for p in unit.staging.rglob("*") if p.is_file())}
        (unit.staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, ensure_ascii=False),
                                                  encoding="utf-8")


def check_summary(report) -> str:
    """« Écart 3 · Manquant 1 · … » for a report's checks."""
    return " · ".join(f"{section} {n}" for section, n in findings.check_counts(report).items())


def published_entry(unit: Unit) -> dict:
    """What the top-level index says of a published folder, kept in its manifest.

    A later run that builds other reports in the same output folder reads it
    back, so that the index lists every report published there, not only the
    last run's.
    """
    if unit.report is None:
        departement = unit.reports[0].meta.departement  # the top index lists every département's comparisons
        return {"kind": "comparison", "pages": [{"name": job.name, "title": f"{job.title} — {departement}"}
                                                for job in unit.jobs]}
    meta, doc = unit.report.meta, unit.report.doc
    return {"kind": "report", "year": meta.year, "departement": meta.departement, "raw": doc.path.name,
            "sha256": doc.sha256, "checks": check_summary(unit.report)}



#: The fields of a published entry (:func:`published_entry`) and their types, by kind.
ENTRY_FIELDS = {"report": {"year": int, "departement": str, "raw": str, "sha256": str, "checks": str},
                "comparison": {"pages": list}}


def earlier_entry(manifest: Path) -> dict | None:
    """The published entry an earlier run left in ``manifest``, when it has the shape this run
    writes; else ``None``, said on stderr: that folder is left out of the index, never trusted."""
    try:
        entry = json.loads(manifest.read_text(encoding="utf-8")).get("published")
    except (OSError, ValueError, AttributeError, RecursionError):
        entry = None
    fields = ENTRY_FIELDS.get(entry.get("kind")) if isinstance(entry, dict) else None
    valid = fields is not None and all(type(entry.get(name)) is kind for name, kind in fields.items())
    if valid and entry["kind"] == "comparison":
        valid = all(isinstance(page, dict) and type(page.get("name")) is str and type(page.get("title")) is str
                    for page in entry["pages"])
    if not valid:
        print(f"calpae: attention : {printable(manifest)} illisible ou modifié à la main : ce dossier n'est pas "
              "listé dans l'index ; republiez-le pour l'y remettre.", file=sys.stderr, flush=True)
        return None
    return entry
