"""What the national CALPAE template prints, in one place: the words the readers look for.

Every département's execution report follows one national template: a table of
contents, volets and axes, numbered action sheets (sections « 5.1 », « 5.2 »,
« 6 »), the annex budget tables, Annexe 4, and the rapport du Président's
sentences. This package holds those words only; the readers (:mod:`calpae_lib.text`,
:mod:`calpae_lib.tables`) use them. Another département's wording, or next year's,
is edited here:

* :mod:`~calpae_lib.template.volets`: the template's volets, how a heading, an annex
  title or a sentence names each, and their display names;
* :mod:`~calpae_lib.template.outline`: the contents, the headings, the sheets' sections;
* :mod:`~calpae_lib.template.annex`: the annex budget tables' header, titles and line kinds;
* :mod:`~calpae_lib.template.claims`: the rapport's sentences that state figures;
* :mod:`~calpae_lib.template.indicators`: the words of the indicator tables (sheets and Annexe 4).

Nothing here reads a report, and nothing here knows a report's figures.
"""
