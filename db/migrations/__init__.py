"""Alembic migrations, loaded as the package resource `db:migrations`."""
