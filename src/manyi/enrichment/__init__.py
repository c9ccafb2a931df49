"""Text enrichment of stored feedback items and open answers (the background job's work)."""
