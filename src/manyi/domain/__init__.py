"""What exists in manyi: surveys, questions, answers, feedback, customers (pure, no I/O)."""
