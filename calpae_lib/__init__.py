"""calpae: parse, reconcile and publish the CALPAE execution reports."""

__version__ = "0.3.0"
