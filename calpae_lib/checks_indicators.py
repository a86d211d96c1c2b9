"""Rules on indicators: the sheets against Annexe 4, percentages in comments, results against targets."""

from __future__ import annotations
