"""write path: record versions, the change journal, tombstones, sync state, vCard parameters
on details, case-insensitive group and field names, ids never reused

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Where sync keeps a record moves from two columns on every record (never written so far) to
`sync_items`; any value an earlier version did hold is kept there, under a collection that
says it came from an earlier version.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RECORD_TABLES = ("accounts", "contacts", "history", "activities", "groups", "products",
                 "quotes")
DETAIL_TABLES = ("contact_phones", "contact_emails", "contact_addresses", "contact_websites",
                 "contact_ims")
ENTITY = {"accounts": "account", "contacts": "contact", "history": "history",
          "activities": "activity", "groups": "group", "products": "product",
          "quotes": "quote"}
UTC = db.models.base.UTCDateTime(timezone=True)


def _create_journal() -> None:
    op.create_table(
        "journal_units",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=512), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("reverts", sa.Integer(), nullable=True),
        sa.Column("reverted_by", sa.Integer(), nullable=True),
        sa.Column("whole", sa.Boolean(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_journal_units")),
        sa.UniqueConstraint("uid", name=op.f("uq_journal_units_uid")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("journal_units") as b:
        b.create_index(b.f("ix_journal_units_created_at"), ["created_at"], unique=False)
        b.create_index(b.f("ix_journal_units_reverts"), ["reverts"], unique=False)
    op.create_table(
        "journal_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("op", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("record_uid", sa.String(length=255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["unit_seq"], ["journal_units.seq"],
                                name=op.f("fk_journal_changes_unit_seq_journal_units"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_changes")),
    )
    with op.batch_alter_table("journal_changes") as b:
        b.create_index("ix_journal_changes_record", ["entity", "record_id"], unique=False)
        b.create_index(b.f("ix_journal_changes_unit_seq"), ["unit_seq"], unique=False)
    op.create_table(
        "tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UTC, nullable=False),
        sa.Column("unit_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstones")),
    )
    with op.batch_alter_table("tombstones") as b:
        b.create_index(b.f("ix_tombstones_uid"), ["uid"], unique=False)
        b.create_index(b.f("ix_tombstones_unit_seq"), ["unit_seq"], unique=False)


def _create_sync() -> None:
    op.create_table(
        "sync_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("sync_token", sa.Text(), nullable=True),
        sa.Column("ctag", sa.String(length=255), nullable=True),
        sa.Column("pushed_seq", sa.Integer(), nullable=False),
        sa.Column("last_synced_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_collections")),
        sa.UniqueConstraint("url", name=op.f("uq_sync_collections_url")),
    )
    op.create_table(
        "sync_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("href", sa.String(length=2048), nullable=False),
        sa.Column("etag", sa.String(length=255), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["collection_id"], ["sync_collections.id"],
                                name=op.f("fk_sync_items_collection_id_sync_collections"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_items")),
        sa.UniqueConstraint("collection_id", "href", name="collection_href"),
    )
    with op.batch_alter_table("sync_items") as b:
        b.create_index("ix_sync_items_record", ["entity", "record_id"], unique=False)


def _keep_remote_locations(conn) -> None:
    found = []
    for table in RECORD_TABLES:
        found += [(ENTITY[table], *r) for r in conn.execute(sa.text(
            f"SELECT id, uid, remote_href, remote_etag FROM {table} "
            "WHERE remote_href IS NOT NULL"))]
    if not found:
        return
    conn.execute(sa.text(
        "INSERT INTO sync_collections (kind, url, display_name, pushed_seq) VALUES "
        "('unknown', 'rolodeck:earlier-version', 'Kept from an earlier version', 0)"))
    cid = conn.execute(sa.text(
        "SELECT id FROM sync_collections WHERE url = 'rolodeck:earlier-version'")).scalar()
    conn.execute(sa.text(
        "INSERT INTO sync_items (collection_id, entity, record_id, uid, href, etag) "
        "VALUES (:c, :e, :i, :u, :h, :t)"),
        [{"c": cid, "e": e, "i": i, "u": u, "h": h, "t": t} for e, i, u, h, t in found])


def _unique_keys(conn, table: str, where: str = "") -> None:
    """name_key = the name without case; names that only differed in case get a number, so
    the unique index can be built (the app never let them be created, but a file may)."""
    rows = conn.execute(sa.text(f"SELECT id, name FROM {table} {where} ORDER BY id")).all()
    seen: set[str] = set()
    for rid, name in rows:
        key, n = name.casefold(), 1
        while key in seen:
            n += 1
            key = f"{name.casefold()} ({n})"
        seen.add(key)
        label = name if n == 1 else f"{name} ({n})"
        conn.execute(sa.text(f"UPDATE {table} SET name = :n, name_key = :k WHERE id = :i"),
                     {"n": label, "k": key, "i": rid})


def upgrade() -> None:
    conn = op.get_bind()
    _create_journal()
    _create_sync()
    _keep_remote_locations(conn)
    for table in RECORD_TABLES:
        # Rebuilt (not altered) so SQLite never hands a purged record's id to a new one.
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}) as b:
            b.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                   nullable=False))
            b.drop_column("remote_href")
            b.drop_column("remote_etag")
            if table == "contacts":
                b.add_column(sa.Column("family_sort", sa.String(length=512), nullable=False,
                                       server_default=""))
            if table == "groups":
                b.drop_constraint("uq_groups_name", type_="unique")
                b.add_column(sa.Column("name_key", sa.String(length=255), nullable=True))
    with op.batch_alter_table("contacts") as b:
        b.create_index("ix_contacts_live_family", ["deleted_at", "family_sort"], unique=False)
    for table in DETAIL_TABLES:
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("params", sa.JSON(), nullable=True))
            b.add_column(sa.Column("vgroup", sa.String(length=64), nullable=True))
    # JSON columns written through SQLAlchemy held the text 'null' where the bulk path held
    # SQL NULL; from here on both store NULL.
    for table, column in (("accounts", "extra"), ("contacts", "extra"), ("history", "extra"),
                          ("activities", "extra"), ("activities", "exdates"),
                          ("groups", "extra"), ("products", "extra"), ("quotes", "extra"),
                          ("custom_fields", "choices")):
        conn.execute(sa.text(f"UPDATE {table} SET {column} = NULL WHERE {column} = 'null'"))
    _unique_keys(conn, "groups")
    with op.batch_alter_table("groups") as b:
        b.alter_column("name_key", existing_type=sa.String(length=255), nullable=False)
        b.create_unique_constraint(b.f("uq_groups_name_key"), ["name_key"])
    with op.batch_alter_table("custom_fields") as b:
        b.add_column(sa.Column("name_key", sa.String(length=255), nullable=True))
        b.drop_constraint("owner_name", type_="unique")
    for owner in ("contact", "account"):
        _unique_keys(conn, "custom_fields", f"WHERE owner = '{owner}'")
    with op.batch_alter_table("custom_fields") as b:
        b.alter_column("name_key", existing_type=sa.String(length=255), nullable=False)
        b.create_unique_constraint("owner_name", ["owner", "name_key"])


def downgrade() -> None:
    raise NotImplementedError("Rolodeck does not downgrade; restore the pre-upgrade backup")
