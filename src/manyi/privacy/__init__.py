"""Privacy use cases (PIPL/GDPR): one customer's data exported or erased, the retention
purge, and the audit log that records them (docs/privacy.md)."""
