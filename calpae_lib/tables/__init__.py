"""2. Tidy tables built from the text: budgets, annex budget, indicator tables, Annexe 4, schemas, export."""
