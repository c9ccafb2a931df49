"""Background jobs on Huey: SQLite storage embedded by default, Redis for several workers."""
