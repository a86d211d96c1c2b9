"""The other libraries' names calpae's publishing relies on (issue 27): an upgrade that removes
one fails here, with the name, rather than as a broken publication.

Each is public and documented, except where said; the version bounds of
``pyproject.toml`` keep the next major versions out until these pass on them.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from calpae_lib.publish import kernels

from .small_pdfs import pdf_bytes


def needs(owner, name: str, why: str):
    """``owner.name``, or a failure that says which name went missing and what calpae needs it for."""
    if not hasattr(owner, name):
        pytest.fail(f"{getattr(owner, '__name__', owner)}.{name} a disparu : calpae s'en sert pour {why}")
    return getattr(owner, name)


def test_calpae_s_kernel_provisioner_is_declared_where_jupyter_client_looks_for_it():
    from jupyter_client.provisioning import KernelProvisionerFactory

    declared = {ep.name: ep.value for ep in entry_points(group=KernelProvisionerFactory.GROUP_NAME)}
    assert declared.get(kernels.PROVISIONER) == "calpae_lib.publish.provisioner:ForkedKernelProvisioner", \
        "réinstallez calpae (pip install --no-deps -e .) : son point d'entrée de noyaux manque"


def test_the_local_provisioner_still_drives_a_process_calpae_gives_it():
    """calpae's provisioner extends LocalProvisioner (not private, but its working): it sets the
    process, pid and process group LocalProvisioner then polls, signals and kills."""
    from jupyter_client.provisioning import LocalProvisioner

    provisioner = LocalProvisioner(kernel_id="k", kernel_spec=None)
    for name, why in (("process", "lui donner le noyau forké"), ("pid", "nommer le noyau"),
                      ("pgid", "arrêter le groupe du noyau"), ("connection_info", "répondre à son lancement")):
        needs(provisioner, name, why)
    for name in ("launch_kernel", "kill", "poll", "wait", "send_signal"):
        needs(LocalProvisioner, name, "lancer et arrêter les noyaux forkés")


def test_the_names_of_the_kernels_readiness_and_event_loop_are_there():
    import jupyter_client
    from jupyter_client.session import Session
    from jupyter_core import utils

    assert needs(jupyter_client, "protocol_version_info", "lire la version du protocole d'un noyau")[0] >= 5
    assert "adapt_version" in Session.class_trait_names(), \
        "Session.adapt_version a disparu : calpae s'en sert pour parler la version du protocole du noyau"
    needs(utils, "ensure_event_loop", "donner une boucle neuve aux processus forkés")
    needs(utils, "run_sync", "démarrer et arrêter les noyaux")


def test_nbconvert_s_exporters_keep_the_methods_calpae_s_page_exporter_uses():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    assert issubclass(HTMLExporter, TemplateExporter), "HTMLExporter ne dérive plus de TemplateExporter"
    needs(TemplateExporter, "from_notebook_node", "rendre la page sans la relecture par BeautifulSoup")
    needs(TemplateExporter, "register_filter", "colorer le code comme l'exporteur HTML")


def test_a_forked_process_forgets_the_event_loop_it_inherited():
    from jupyter_core.utils import ensure_event_loop

    inherited = ensure_event_loop()
    kernels.forget_inherited_event_loop()
    fresh = ensure_event_loop()
    assert inherited.is_closed() and fresh is not inherited and not fresh.is_closed()


# The PDF route (issue 30). pdfminer.six documents its composable parts (PDFParser, PDFDocument,
# PDFResourceManager, PDFPageInterpreter, PDFPage.create_pages) and the devices TextConverter and
# PDFPageAggregator whose layout gives LTChar objects; calpae_lib/pdf/collector.py goes below: it
# subclasses PDFLayoutAnalyzer (undocumented) and overrides render_char, so as not to build an LTChar
# per character (about 1.6 s of CPU saved on a 103-page twin). pdfplumber documents TableFinder as what
# page.debug_tablefinder returns and explicit edges as line objects, but not a TableFinder without a page
# (calpae_lib/pdf/reading.py's ruled_boxes). pyproject.toml bounds both to the versions these tests passed on.

def drawn_page(data: bytes, device):
    """``device`` once pdfminer has drawn the first page of ``data`` on it."""
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    interpreter = PDFPageInterpreter(device.rsrcmgr, device)
    interpreter.process_page(next(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data))))))
    return device


def test_pdfminer_still_calls_render_char_as_calpae_s_collector_overrides_it():
    import inspect

    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.pdffont import PDFFont

    expected = ["self", "matrix", "font", "fontsize", "scaling", "rise", "cid", "ncs", "graphicstate"]
    found = list(inspect.signature(PDFLayoutAnalyzer.render_char).parameters)
    assert found == expected, (f"PDFLayoutAnalyzer.render_char de pdfminer prend maintenant {found} : "
                               "calpae_lib/pdf/collector.py le remplace avec les paramètres " + str(expected))
    for name in ("begin_page", "receive_layout", "handle_undefined_char"):
        needs(PDFLayoutAnalyzer, name, "garder les caractères d'une page sans construire d'LTChar")
    for name in ("to_unichr", "char_width", "get_descent", "is_vertical"):
        needs(PDFFont, name, "mesurer un caractère comme LTChar le mesure")


def test_calpae_s_collector_boxes_the_characters_as_pdfminer_s_documented_ltchar_does():
    """What the collector keeps of a character is what PDFPageAggregator's LTChar says, box and size."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar
    from pdfminer.pdfinterp import PDFResourceManager

    from calpae_lib.pdf.collector import PageCollector

    def draw(sheet):
        sheet.setFont("Helvetica", 11)
        sheet.drawString(20, 150, "Taux réalisé : 12,5 %")
        sheet.setFont("Times-Roman", 7)
        sheet.drawString(40, 60, "ﬁn")

    data = pdf_bytes(draw)
    collected = drawn_page(data, PageCollector(PDFResourceManager())).chars
    layout = drawn_page(data, PDFPageAggregator(PDFResourceManager(), laparams=None)).get_result()
    height = layout.y1
    documented = [(item.get_text(), item.x0, item.x1, height - item.y1, height - item.y0, item.size)
                  for item in layout if isinstance(item, LTChar)]
    assert len(collected) == len(documented) > 0, "le collecteur de calpae ne garde plus les caractères de pdfminer"
    for mine, theirs in zip(collected, documented):
        assert mine[0] == theirs[0] and mine[1:] == pytest.approx(theirs[1:]), \
            f"pdfminer ne mesure plus les caractères comme calpae_lib/pdf/collector.py : {mine} ≠ {theirs}"


def test_pdfplumber_s_table_finder_gives_cells_from_explicit_edges_without_a_page():
    from calpae_lib.pdf.collector import box_edges
    from calpae_lib.pdf.reading import ruled_boxes

    edges = box_edges(10, 10, 110, 50) + box_edges(59.5, 10, 60.5, 50) + box_edges(10, 29.5, 110, 30.5)
    try:
        cells = ruled_boxes(edges)
    except Exception as error:
        pytest.fail(f"TableFinder de pdfplumber ne lit plus des bords explicites sans page ({error!r}) : "
                    "calpae_lib/pdf/reading.py s'en sert pour les cellules des tableaux réglés")
    assert [sorted(table) for table in cells] == [[(10, 10, 60, 30), (10, 30, 60, 50), (60, 10, 110, 30),
                                                   (60, 30, 110, 50)]], \
        f"TableFinder de pdfplumber, sans page et sur des bords explicites, ne donne plus les cellules : {cells}"


def test_pdfminer_s_catalog_still_declares_the_page_count():
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    from calpae_lib.pdf.reading import page_count

    document = PDFDocument(PDFParser(io.BytesIO(pdf_bytes(lambda sheet: sheet.drawString(10, 10, "x")))))
    assert page_count(document) == 1, "PDFDocument.catalog de pdfminer ne dit plus le nombre de pages"
