"""The ratings store: SQLAlchemy models, Alembic migrations and repository functions.

SQLite file by default, PostgreSQL by URL. Constraints in the schema make invalid data
unstorable (off-grid, out of range, a category the edition does not rate, duplicates), so a
bug above cannot write a bad rating.
"""
