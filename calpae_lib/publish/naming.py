"""Folder names made from what a report says (its département)."""

from __future__ import annotations

from calpae_lib.publish.store import digest_of
from calpae_lib.text.reading import fold


#: Longest folder name made from a département's name (file systems refuse names over 255 bytes).
MAX_SLUG = 60


def slug(text: str) -> str:
    """A folder name for a département: lower case, no accents, words joined by hyphens.

    A name longer than :data:`MAX_SLUG` is cut, with a digest of the whole
    name so that two long names that start alike keep two folders.

    >>> slug("Pas-de-Calais"), slug("Côtes-d'Armor"), slug("Seine Saint Denis")
    ('pas-de-calais', 'cotes-d-armor', 'seine-saint-denis')
    >>> len(slug("Nord " * 60)) <= MAX_SLUG
    True
    """
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in fold(text)).split()
    name = "-".join(words) or "departement"
    if len(name) <= MAX_SLUG:
        return name
    return name[:MAX_SLUG - 9].rstrip("-") + "-" + digest_of(name)[:8]
