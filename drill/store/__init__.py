"""History: SQLAlchemy models, opening and upgrading the database, and the repository.

Migrations live in the top-level migrations/ folder (Alembic).
"""
