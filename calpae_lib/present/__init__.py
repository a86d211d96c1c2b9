"""6. What a reader sees: display tables, charts, French sentences."""
