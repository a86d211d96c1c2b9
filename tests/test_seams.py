"""The other libraries' names calpae's publishing relies on (issue 27): an upgrade that removes
one fails here, with the name, rather than as a broken publication.

Each is public and documented, except where said; the version bounds of
``pyproject.toml`` keep the next major versions out until these pass on them.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from calpae_lib.publish import kernels


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
