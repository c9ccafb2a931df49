"""Survey definitions and their versions (the design side of the loop)."""
