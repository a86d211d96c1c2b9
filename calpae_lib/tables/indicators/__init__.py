"""The indicator tables of the action sheets: where they are, their lines, cells, words and rows."""
