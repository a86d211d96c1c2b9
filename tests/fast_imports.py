"""Loaded first by ``make test`` (``-p tests.fast_imports``), before nbval imports nbformat.

jsonschema's optional IRI grammar costs about 2 s of CPU to import and is never
used by the notebook format: :func:`~calpae_lib.publish.notebooks.skip_unused_slow_imports`
keeps it out of the test process, as ``calpae run`` does for its own.
"""

from calpae_lib.publish.notebooks import skip_unused_slow_imports

skip_unused_slow_imports()
