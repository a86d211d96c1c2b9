"""PDF twins of CALPAE reports (issue 30): rendered with reportlab, with the truth the PDF route must give back."""
