"""Bad PDFs given to ``calpae run`` (issue 30): one line naming the file, exit 2, nothing written in --out,
no notebook executed. The same PDFs given to ``calpae parse`` are in tests/test_pdf_reading.py.

Each PDF is made here (reportlab), or cut from the bundled report's twin (tests/pdf_twins).
"""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4

from calpae_lib.publish.cli import main

from .small_pdfs import pdf_bytes

WIDTH, HEIGHT = A4

#: A municipal council's minutes: a PDF of prose, with a page number in each footer, that is no CALPAE report.
MINUTES = ("Compte rendu du conseil municipal du 12 mars", "Ordre du jour : voirie, écoles, budget annexe.",
           "Le conseil approuve à l'unanimité le procès-verbal de la séance précédente.",
           "Monsieur le maire présente le projet de rénovation de la salle des fêtes.")



def prose(pdf) -> None:
    """Two pages of prose, numbered in their footers."""
    for number in (1, 2):
        pdf.setFont("Helvetica", 11)
        for k, line in enumerate(MINUTES):
            pdf.drawString(72, HEIGHT - 100 - 18 * k, line)
        pdf.setFont("Helvetica", 8)
        pdf.drawCentredString(WIDTH / 2, 30, str(number))
        pdf.showPage()


def scanned(pdf) -> None:
    """Three scanned pages: an image each, nothing in text."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    page = Image.new("L", (120, 170), color=230)
    for _ in range(3):
        pdf.drawImage(ImageReader(page), 0, 0, width=WIDTH, height=HEIGHT)
        pdf.showPage()


def half_of_the_twin(twin) -> bytes:
    """The bundled report's twin cut in the middle, as an interrupted download leaves it."""
    data = twin.path.read_bytes()
    return data[:len(data) // 2]


BAD_PDFS = {
    "chiffre": (lambda twin: pdf_bytes(prose, encrypt="secret"), "mot de passe"),
    "scanne": (lambda twin: pdf_bytes(scanned), "aucun texte"),
    "tronque": (half_of_the_twin, "tronqué"),
    "compte_rendu": (lambda twin: pdf_bytes(prose), "ce n'est pas un rapport CALPAE"),
}


@pytest.mark.parametrize("name", list(BAD_PDFS))
def test_run_on_a_bad_pdf_says_one_line_naming_it_exits_2_writes_and_executes_nothing(
        name, bundled_twin, tmp_path, capsys, monkeypatch):
    make, expected = BAD_PDFS[name]
    raw = tmp_path / f"calpae_2031_{name}.pdf"
    raw.write_bytes(make(bundled_twin))
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "store"))
    import calpae_lib.publish.notebooks as notebooks

    executed = []
    monkeypatch.setattr(notebooks, "execute_job", lambda *a, **k: executed.append(a))
    out = tmp_path / "out"
    status = main(["run", "--raw", str(raw), "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 2, captured
    assert captured.out == "" and not executed
    assert captured.err.startswith("calpae: erreur : ") and captured.err.count("\n") == 1, captured.err
    assert str(raw) in captured.err and expected in captured.err, captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()
    assert not [path for path in (tmp_path / "store").rglob("*") if path.is_file()]  # no parse stored either


def test_a_pdf_given_as_one_of_several_reports_is_named_and_nothing_is_written(bundled_twin, tmp_path, capsys,
                                                                                monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "store"))
    good = tmp_path / "calpae_2022_jumeau.pdf"
    good.write_bytes(bundled_twin.path.read_bytes())
    bad = tmp_path / "calpae_2031_compte_rendu.pdf"
    bad.write_bytes(pdf_bytes(prose))
    out = tmp_path / "out"
    status = main(["run", str(good), str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and str(bad) in err, err
    assert not out.exists()
