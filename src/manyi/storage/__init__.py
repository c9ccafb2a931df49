"""Persistence: SQLAlchemy 2 tables (``…Row``), engine/session setup, repositories, migrations."""
