"""Language rules shared by every stage (collect, analysis, rank, ideas): no I/O, no store."""
