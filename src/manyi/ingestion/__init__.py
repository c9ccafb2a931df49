"""Intake: validate → clean → deduplicate → flag → store, for every channel."""
