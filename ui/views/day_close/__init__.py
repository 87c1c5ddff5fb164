"""日结对账: finance closes the day (DESIGN.md §15)."""
