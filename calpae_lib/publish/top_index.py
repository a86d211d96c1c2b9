"""The top-level index of a folder of several reports: every report published there (by this run or
earlier ones, read from their manifests), newest first, and the comparisons across years."""

from __future__ import annotations

from pathlib import Path

from calpae_lib.publish import pages
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.manifests import MANIFEST_NAME, earlier_entry, published_entry
from calpae_lib.publish.planning import Unit


def published_folders(root: Path, units: list[Unit]) -> list[tuple[str, dict]]:
    """``(folder relative to root, entry)`` for this run's folders and those earlier runs left.

    Reports come newest first (then by département), comparisons after them.
    """
    found = {unit.target.relative_to(root).as_posix(): published_entry(unit) for unit in units}
    for manifest in sorted(Path(root).glob(f"*/*/{MANIFEST_NAME}")):
        folder = manifest.parent.relative_to(root).as_posix()
        if folder not in found and not any(part.startswith(".") for part in folder.split("/")):  # no staging
            entry = earlier_entry(manifest)
            if entry is not None:
                found[folder] = entry
    return sorted(found.items(), key=lambda item: (item[1]["kind"] != "report", -int(item[1].get("year", 0)),
                                                   item[1].get("departement", ""), item[0]))


def top_index_html(root: Path, units: list[Unit]) -> str:
    """Every report published under ``root``, newest first, and the comparisons across years."""
    rows, comparisons, sources = [], [], []
    for folder, entry in published_folders(root, units):
        if entry["kind"] == "comparison":
            comparisons += [{"href": f"{folder}/{page['name']}.html", "title": page["title"]}
                            for page in entry["pages"]]
            continue
        rows.append({**entry, "folder": folder})
        sources.append((entry["raw"], entry["sha256"]))
    frame = pages.PageFrame(site="Rapports CALPAE", scope="tous les rapports publiés", sources=tuple(sources),
                            calpae=publish.calpae_label(), up_href=f"{pages.INDEX_NAME}.html")
    return pages.render("top_index.html.j2", frame, pages.INDEX_NAME, "Rapports CALPAE", rows=rows,
                        comparisons=comparisons)
