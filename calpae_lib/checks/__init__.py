"""3. Reconciliation: the rule engine, the rule families (money, text, indicators) and the claims of the text."""
