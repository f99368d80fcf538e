"""quick-search index (SQLite FTS5), filled from existing records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Frozen: the DDL and the fill are written out here rather than taken from the live search module,
so a later change to how the index is built cannot change what this revision did. The live
module rebuilds the index itself when its own format version moves on.
"""

from __future__ import annotations

from alembic import op

from app.domain.errors import MigrationError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TOKENIZE = "unicode61 remove_diacritics 2"
DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_people USING fts5("
    f"name, detail, body, tokenize='{_TOKENIZE}', prefix='2 3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_phones USING fts5(digits, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_history USING fts5("
    f"body, tokenize='{_TOKENIZE}', prefix='2 3')",
)


def _digits(text):
    return "".join(ch for ch in text or "" if ch.isdigit())


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return  # other engines get their own full-text index in their own revision
    for stmt in DDL:
        conn.exec_driver_sql(stmt)
    raw = conn.connection.driver_connection
    if raw is None:  # typed Optional: None only on a closed connection, never the migration's
        raise MigrationError("The database connection closed while building the search index.")
    raw.create_function("rd0002_digits", 1, _digits, deterministic=True)
    conn.exec_driver_sql(
        "INSERT INTO search_people(rowid, name, detail, body) "
        "SELECT 2 * c.id, CASE WHEN c.nickname = '' OR instr(c.display_name, c.nickname) > 0 "
        "THEN c.display_name ELSE c.display_name || ' ' || c.nickname END, "
        "coalesce(a.name, '') || ' ' || c.title || ' ' || c.department || ' ' || "
        "coalesce((SELECT group_concat(e.value, ' ') FROM contact_emails e "
        "WHERE e.contact_id = c.id), ''), c.notes "
        "FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
        "WHERE c.deleted_at IS NULL")
    conn.exec_driver_sql(
        "INSERT INTO search_phones(rowid, digits) SELECT 2 * contact_id, "
        "group_concat(rd0002_digits(value), ' ') FROM contact_phones p "
        "JOIN contacts c ON c.id = p.contact_id AND c.deleted_at IS NULL "
        "WHERE rd0002_digits(value) != '' GROUP BY contact_id")
    conn.exec_driver_sql(
        "INSERT INTO search_people(rowid, name, detail, body) SELECT 2 * id + 1, name, "
        "industry || ' ' || website || ' ' || locality, notes FROM accounts "
        "WHERE deleted_at IS NULL")
    conn.exec_driver_sql(
        "INSERT INTO search_phones(rowid, digits) SELECT 2 * id + 1, rd0002_digits(main_phone) "
        "FROM accounts WHERE deleted_at IS NULL AND rd0002_digits(main_phone) != ''")
    conn.exec_driver_sql(
        "INSERT INTO search_history(rowid, body) SELECT id, regarding || char(10) || details "
        "FROM history WHERE deleted_at IS NULL")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for name in ("search_people", "search_phones", "search_history"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
