"""The `manyi` command line (thin: each command calls one service function)."""
