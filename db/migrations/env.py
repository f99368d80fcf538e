"""Alembic environment. Rolodeck runs migrations in code (db.migrate) on a connection it passes
in `config.attributes["connection"]`, already inside a transaction with foreign keys off."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import db.models  # noqa: F401  registers every table
from app.domain.errors import MigrationError
from db.models import Base

config = context.config
target_metadata = Base.metadata

# The search index is an FTS5 virtual table with shadow tables; it is not modelled, and its
# migrations are written by hand. Autogenerate must not see it as drift.
UNMODELLED_PREFIXES = ("search_",)


def include_name(name, type_, parent_names):
    if type_ == "table" and name is not None:
        return not name.startswith(UNMODELLED_PREFIXES)
    return True


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    # Developer use from the command line (alembic -c alembic.ini revision --autogenerate).
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise MigrationError("alembic.ini names no sqlalchemy.url to run the migrations on")
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Rolodeck migrations run online only")
run_migrations_online()
