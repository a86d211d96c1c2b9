"""Headless Chromium for the tests that read a page as a browser shows it: printed to PDF, checked by axe-core.

Both are skipped by their tests when Chromium (or pdftotext, or the ``axe-playwright-python`` package that ships
``axe.min.js``) is absent. Chromium is driven from the command line only (``--print-to-pdf``,
``--dump-dom``): no driver to install.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

CHROMIUM = [shutil.which("chromium") or shutil.which("chromium-browser") or "", "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
#: axe-core's rule tags the pages must pass: WCAG 2.0 and 2.1, levels A and AA (RGAA 4.1), and best practice.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
AXE_PACKAGE = "axe_playwright_python"
RESULTS_ID = "calpae-axe-results"


def printed_pdf(page: Path, tmp_path: Path) -> Path:
    """``page`` printed to PDF by Chromium (A4 from the page's own ``@page`` rule, no browser header or footer)."""
    pdf = tmp_path / f"{page.stem}.pdf"
    subprocess.run(CHROMIUM + [f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
                               "--no-pdf-header-footer", page.as_uri()], capture_output=True, timeout=180, check=True)
    return pdf


def printed_pages(page: Path, tmp_path: Path) -> list[str]:
    """The text of each page of ``page`` printed to PDF by Chromium."""
    pdf = printed_pdf(page, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def axe_script() -> str:
    """``axe.min.js`` as the pinned ``axe-playwright-python`` package ships it ("" when it is not installed)."""
    try:
        return (resources.files(AXE_PACKAGE) / "axe.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


RUNNER = """
axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(function (r) {
  var out = document.createElement("pre"); out.id = "%s";
  out.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.html; })};
  }));
  document.documentElement.appendChild(out);
});
"""


def axe_violations(page: Path, tmp_path: Path) -> list[dict]:
    """axe-core's violations on ``page`` (:data:`AXE_TAGS`), run in headless Chromium on a copy of the page.

    The copy is the page with axe and a runner appended at the end of its body; the runner writes the
    violations into the document once axe is done, and Chromium dumps the document.
    """
    script = axe_script()
    source = page.read_text(encoding="utf-8")
    runner = RUNNER % (json.dumps(list(AXE_TAGS)), RESULTS_ID)
    injected = f"<script>{script}</script><script>{runner}</script>"
    copy = tmp_path / f"axe-{page.name}"
    copy.write_text(source.replace("</body>", injected + "</body>", 1) if "</body>" in source
                    else source + injected, encoding="utf-8")
    dumped = subprocess.run(CHROMIUM + [f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=60000",
                                        "--dump-dom", copy.as_uri()],
                            capture_output=True, text=True, timeout=240, check=True).stdout
    found = re.search(rf'<pre id="{RESULTS_ID}">(.*?)</pre>', dumped, re.S)
    assert found, f"axe-core did not finish on {page.name}"
    return json.loads(html.unescape(found.group(1)))
