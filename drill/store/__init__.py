"""History: the one owner of SQL. Models, opening and upgrading the database, the writer
and the read models (see docs/history.md, "The store's modules").

Migrations live in the top-level migrations/ folder (Alembic).
"""
