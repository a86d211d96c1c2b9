"""Small PDFs drawn in the tests with reportlab (the PDF route's refusals and readings, the seams with pdfminer)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def pdf_bytes(draw, **options) -> bytes:
    """The bytes of an A4 PDF that ``draw(canvas)`` draws (``options``: the canvas's, e.g. ``encrypt``)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1, **options)
    draw(pdf)
    pdf.save()
    return out.getvalue()
