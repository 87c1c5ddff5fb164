"""Persistence: SQLAlchemy 2 models, engine/session setup and Alembic migrations.

`Database.open(url)` is the entry point; the same models serve the window's SQLite file and the
central store's PostgreSQL.
"""
